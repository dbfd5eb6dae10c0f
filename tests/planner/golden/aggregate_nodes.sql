-- sqlite
SELECT
  JSON_OBJECT(
    'aggregate',
    JSON_OBJECT(
      'count',
      COUNT(DISTINCT _r1."rating"),
      'avg',
      JSON_OBJECT('rating', AVG(_r1."rating")),
      'stddev',
      JSON_OBJECT(
        'rating',
        SQRT(
          MAX(
            CAST((
              SUM(_r1."rating" * 1.0 * _r1."rating") - CAST(SUM(_r1."rating" * 1.0) * SUM(_r1."rating" * 1.0) AS REAL) / COUNT(_r1."rating")
            ) AS REAL) / (
              COUNT(_r1."rating") - 1
            ),
            0.0
          )
        )
      )
    ),
    'nodes',
    JSON_GROUP_ARRAY(JSON(_r1."__j0"))
  )
FROM (
  SELECT
    _t0."id" AS "id",
    _t0."author_id" AS "author_id",
    _t0."title" AS "title",
    _t0."order" AS "order",
    _t0."rating" AS "rating",
    _t0."published" AS "published",
    JSON_OBJECT('id', _t0."id") AS "__j0"
  FROM "articles" AS _t0
  ORDER BY
    _t0."rating" DESC NULLS FIRST
  LIMIT ?
) AS _r1
-- params (sqlite):
--   1: 10

-- duckdb
SELECT
  JSON_OBJECT(
    'aggregate',
    JSON_OBJECT(
      'count',
      COUNT(DISTINCT _r1."rating"),
      'avg',
      JSON_OBJECT('rating', AVG(_r1."rating")),
      'stddev',
      JSON_OBJECT('rating', STDDEV_SAMP(_r1."rating"))
    ),
    'nodes',
    COALESCE(TO_JSON(LIST(_r1."__j0" ORDER BY _r1."__o0" DESC NULLS FIRST)), CAST('[]' AS JSON))
  )
FROM (
  SELECT
    _t0."id" AS "id",
    _t0."author_id" AS "author_id",
    _t0."title" AS "title",
    _t0."order" AS "order",
    _t0."rating" AS "rating",
    _t0."published" AS "published",
    JSON_OBJECT('id', _t0."id") AS "__j0",
    _t0."rating" AS "__o0"
  FROM "articles" AS _t0
  ORDER BY
    _t0."rating" DESC NULLS FIRST
  LIMIT ?
) AS _r1
-- params (duckdb):
--   1: 10

-- postgres
SELECT
  JSON_BUILD_OBJECT(
    'aggregate',
    JSON_BUILD_OBJECT(
      'count',
      COUNT(DISTINCT _r1."rating"),
      'avg',
      JSON_BUILD_OBJECT('rating', AVG(_r1."rating")),
      'stddev',
      JSON_BUILD_OBJECT('rating', STDDEV_SAMP(_r1."rating"))
    ),
    'nodes',
    COALESCE(JSON_AGG(_r1."__j0" ORDER BY _r1."__o0" DESC), CAST('[]' AS JSON))
  )
FROM (
  SELECT
    _t0."id" AS "id",
    _t0."author_id" AS "author_id",
    _t0."title" AS "title",
    _t0."order" AS "order",
    _t0."rating" AS "rating",
    _t0."published" AS "published",
    JSON_BUILD_OBJECT('id', _t0."id") AS "__j0",
    _t0."rating" AS "__o0"
  FROM "articles" AS _t0
  ORDER BY
    _t0."rating" DESC
  LIMIT $1
) AS _r1
-- params (postgres):
--   1: 10

-- mysql
SELECT
  JSON_OBJECT(
    'aggregate',
    JSON_OBJECT(
      'count',
      COUNT(DISTINCT _r1.`rating`),
      'avg',
      JSON_OBJECT('rating', CAST(AVG(_r1.`rating`) AS DOUBLE)),
      'stddev',
      JSON_OBJECT('rating', CAST(STDDEV_SAMP(_r1.`rating`) AS DOUBLE))
    ),
    'nodes',
    JSON_EXTRACT(
      COALESCE(
        JSON_ARRAYAGG(
          JSON_EXTRACT(_r1.`__j0`, '$') ORDER BY CASE WHEN _r1.`__o0` IS NULL THEN 1 ELSE 0 END DESC, _r1.`__o0` DESC
        ),
        '[]'
      ),
      '$'
    )
  )
FROM (
  SELECT
    _t0.`id` AS `id`,
    _t0.`author_id` AS `author_id`,
    _t0.`title` AS `title`,
    _t0.`order` AS `order`,
    _t0.`rating` AS `rating`,
    _t0.`published` AS `published`,
    JSON_OBJECT('id', _t0.`id`) AS `__j0`,
    _t0.`rating` AS `__o0`
  FROM `articles` AS _t0
  ORDER BY
    CASE WHEN _t0.`rating` IS NULL THEN 1 ELSE 0 END DESC, _t0.`rating` DESC
  LIMIT %s
) AS _r1
-- params (mysql):
--   1: 10
