-- sqlite
SELECT
  JSON_GROUP_ARRAY(JSON_OBJECT('id', _t2."id"))
FROM (
  SELECT
    _t1.*
  FROM (
    SELECT
      _t0.*,
      ROW_NUMBER() OVER (
        PARTITION BY _t0."author_id"
        ORDER BY _t0."author_id" ASC NULLS LAST, _t0."rating" DESC NULLS FIRST
      ) AS "__rn"
    FROM "articles" AS _t0
  ) AS _t1
  WHERE
    _t1."__rn" = 1
  ORDER BY
    _t1."author_id" ASC NULLS LAST,
    _t1."rating" DESC NULLS FIRST
) AS _t2
-- params (sqlite):

-- duckdb
SELECT
  COALESCE(
    TO_JSON(LIST(_s1."__j" ORDER BY _s1."__o0" ASC, _s1."__o1" DESC NULLS FIRST)),
    CAST('[]' AS JSON)
  )
FROM (
  SELECT DISTINCT ON (_t0."author_id")
    JSON_OBJECT('id', _t0."id") AS "__j",
    _t0."author_id" AS "__o0",
    _t0."rating" AS "__o1"
  FROM "articles" AS _t0
  ORDER BY
    _t0."author_id" ASC,
    _t0."rating" DESC NULLS FIRST
) AS _s1
-- params (duckdb):

-- postgres
SELECT
  COALESCE(JSON_AGG(_s1."__j" ORDER BY _s1."__o0" ASC, _s1."__o1" DESC), CAST('[]' AS JSON))
FROM (
  SELECT DISTINCT ON (_t0."author_id")
    JSON_BUILD_OBJECT('id', _t0."id") AS "__j",
    _t0."author_id" AS "__o0",
    _t0."rating" AS "__o1"
  FROM "articles" AS _t0
  ORDER BY
    _t0."author_id" ASC,
    _t0."rating" DESC
) AS _s1
-- params (postgres):

-- mysql
SELECT
  JSON_EXTRACT(
    COALESCE(
      JSON_ARRAYAGG(
        JSON_OBJECT('id', _t1.`id`) ORDER BY CASE WHEN _t1.`author_id` IS NULL THEN 1 ELSE 0 END, _t1.`author_id` ASC, CASE WHEN _t1.`rating` IS NULL THEN 1 ELSE 0 END DESC, _t1.`rating` DESC
      ),
      '[]'
    ),
    '$'
  )
FROM (
  SELECT
    _t0.*,
    ROW_NUMBER() OVER (
      PARTITION BY _t0.`author_id`
      ORDER BY CASE WHEN _t0.`author_id` IS NULL THEN 1 ELSE 0 END, _t0.`author_id` ASC, CASE WHEN _t0.`rating` IS NULL THEN 1 ELSE 0 END DESC, _t0.`rating` DESC
    ) AS `__rn`
  FROM `articles` AS _t0
) AS _t1
WHERE
  _t1.`__rn` = 1
-- params (mysql):
