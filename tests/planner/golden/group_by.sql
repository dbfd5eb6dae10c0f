-- sqlite
SELECT
  JSON_GROUP_ARRAY(JSON(_g1."__j"))
FROM (
  SELECT
    JSON_OBJECT(
      'keys',
      JSON_OBJECT('author_id', _t0."author_id"),
      'aggregate',
      JSON_OBJECT('count', COUNT(*))
    ) AS "__j"
  FROM "articles" AS _t0
  GROUP BY
    _t0."author_id"
  HAVING
    COUNT(*) > ?
  ORDER BY
    COUNT(*) DESC
  LIMIT ?
) AS _g1
-- params (sqlite):
--   1: 1
--   2: 5

-- duckdb
SELECT
  COALESCE(TO_JSON(LIST(_g1."__j" ORDER BY _g1."__o0" DESC)), CAST('[]' AS JSON))
FROM (
  SELECT
    JSON_OBJECT(
      'keys',
      JSON_OBJECT('author_id', _t0."author_id"),
      'aggregate',
      JSON_OBJECT('count', COUNT(*))
    ) AS "__j",
    COUNT(*) AS "__o0"
  FROM "articles" AS _t0
  GROUP BY
    _t0."author_id"
  HAVING
    COUNT(*) > ?
  ORDER BY
    COUNT(*) DESC
  LIMIT ?
) AS _g1
-- params (duckdb):
--   1: 1
--   2: 5

-- postgres
SELECT
  COALESCE(JSON_AGG(_g1."__j" ORDER BY _g1."__o0" DESC), CAST('[]' AS JSON))
FROM (
  SELECT
    JSON_BUILD_OBJECT(
      'keys',
      JSON_BUILD_OBJECT('author_id', _t0."author_id"),
      'aggregate',
      JSON_BUILD_OBJECT('count', COUNT(*))
    ) AS "__j",
    COUNT(*) AS "__o0"
  FROM "articles" AS _t0
  GROUP BY
    _t0."author_id"
  HAVING
    COUNT(*) > $1
  ORDER BY
    COUNT(*) DESC
  LIMIT $2
) AS _g1
-- params (postgres):
--   1: 1
--   2: 5

-- mysql
SELECT
  JSON_EXTRACT(
    COALESCE(JSON_ARRAYAGG(JSON_EXTRACT(_g1.`__j`, '$') ORDER BY _g1.`__o0` DESC), '[]'),
    '$'
  )
FROM (
  SELECT
    JSON_OBJECT(
      'keys',
      JSON_OBJECT('author_id', _t0.`author_id`),
      'aggregate',
      JSON_OBJECT('count', COUNT(*))
    ) AS `__j`,
    COUNT(*) AS `__o0`
  FROM `articles` AS _t0
  GROUP BY
    _t0.`author_id`
  HAVING
    COUNT(*) > %s
  ORDER BY
    COUNT(*) DESC
  LIMIT %s
) AS _g1
-- params (mysql):
--   1: 1
--   2: 5
