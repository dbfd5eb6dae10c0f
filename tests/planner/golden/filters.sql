-- sqlite
SELECT
  JSON_GROUP_ARRAY(JSON_OBJECT('id', _t3."id"))
FROM (
  SELECT
    _t0.*
  FROM "authors" AS _t0
  WHERE
    _t0."name" IN (?, ?, ?)
    OR NOT LOWER(_t0."name") LIKE LOWER(?) ESCAPE '\'
    OR EXISTS(
      SELECT
        1
      FROM "articles" AS _t1
      WHERE
        _t1."author_id" = _t0."id" AND _t1."rating" >= ?
    )
    OR _t0."full name" GLOB ?
  ORDER BY
    (
      SELECT
        COUNT(*)
      FROM "articles" AS _t2
      WHERE
        _t2."author_id" = _t0."id"
    ) DESC
) AS _t3
-- params (sqlite):
--   1: 'O\'Brien"; DROP TABLE authors; --'
--   2: '100%'
--   3: '$1'
--   4: '%ada%'
--   5: 4
--   6: 'a_*'

-- duckdb
SELECT
  COALESCE(TO_JSON(LIST(_s3."__j" ORDER BY _s3."__o0" DESC)), CAST('[]' AS JSON))
FROM (
  SELECT
    JSON_OBJECT('id', _t0."id") AS "__j",
    (
      SELECT
        COUNT(*)
      FROM "articles" AS _t2
      WHERE
        _t2."author_id" = _t0."id"
    ) AS "__o0"
  FROM "authors" AS _t0
  WHERE
    _t0."name" IN (?, ?, ?)
    OR NOT _t0."name" ILIKE ? ESCAPE '\'
    OR EXISTS(
      SELECT
        1
      FROM "articles" AS _t1
      WHERE
        _t1."author_id" = _t0."id" AND _t1."rating" >= ?
    )
    OR _t0."full name" LIKE ? ESCAPE '\'
) AS _s3
-- params (duckdb):
--   1: 'O\'Brien"; DROP TABLE authors; --'
--   2: '100%'
--   3: '$1'
--   4: '%ada%'
--   5: 4
--   6: 'a\\_%'

-- postgres
SELECT
  COALESCE(JSON_AGG(_s3."__j" ORDER BY _s3."__o0" DESC), CAST('[]' AS JSON))
FROM (
  SELECT
    JSON_BUILD_OBJECT('id', _t0."id") AS "__j",
    (
      SELECT
        COUNT(*)
      FROM "articles" AS _t2
      WHERE
        _t2."author_id" = _t0."id"
    ) AS "__o0"
  FROM "authors" AS _t0
  WHERE
    _t0."name" IN ($1, $2, $3)
    OR NOT _t0."name" ILIKE $4
    OR EXISTS(
      SELECT
        1
      FROM "articles" AS _t1
      WHERE
        _t1."author_id" = _t0."id" AND _t1."rating" >= $5
    )
    OR _t0."full name" LIKE $6
) AS _s3
-- params (postgres):
--   1: 'O\'Brien"; DROP TABLE authors; --'
--   2: '100%'
--   3: '$1'
--   4: '%ada%'
--   5: 4
--   6: 'a\\_%'

-- mysql
SELECT
  JSON_EXTRACT(
    COALESCE(
      JSON_ARRAYAGG(
        JSON_OBJECT('id', _t0.`id`) ORDER BY (
          SELECT
            COUNT(*)
          FROM `articles` AS _t2
          WHERE
            _t2.`author_id` = _t0.`id`
        ) DESC
      ),
      '[]'
    ),
    '$'
  )
FROM `authors` AS _t0
WHERE
  (
    _t0.`name` IN (%s, %s, %s)
    AND CAST(_t0.`name` AS CHAR CHARACTER SET utf8mb4) IN (CAST(%s AS BINARY), CAST(%s AS BINARY), CAST(%s AS BINARY))
  )
  OR NOT LOWER(CAST(_t0.`name` AS CHAR CHARACTER SET utf8mb4)) COLLATE utf8mb4_bin LIKE LOWER(%s)
  OR EXISTS(
    SELECT
      1
    FROM `articles` AS _t1
    WHERE
      _t1.`author_id` = _t0.`id` AND _t1.`rating` >= %s
  )
  OR CAST(_t0.`full name` AS CHAR CHARACTER SET utf8mb4) COLLATE utf8mb4_bin LIKE %s
-- params (mysql):
--   1: 'O\'Brien"; DROP TABLE authors; --'
--   2: '100%'
--   3: '$1'
--   4: 'O\'Brien"; DROP TABLE authors; --'
--   5: '100%'
--   6: '$1'
--   7: '%ada%'
--   8: 4
--   9: 'a\\_%'
