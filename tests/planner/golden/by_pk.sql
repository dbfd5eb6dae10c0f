-- sqlite
SELECT
  (
    SELECT
      JSON_OBJECT('id', _t0."id", 'name', _t0."name", 'Order', _t0."Order")
    FROM "authors" AS _t0
    WHERE
      _t0."id" = ?
    LIMIT 1
  )
-- params (sqlite):
--   1: 1

-- duckdb
SELECT
  (
    SELECT
      JSON_OBJECT('id', _t0."id", 'name', _t0."name", 'Order', _t0."Order")
    FROM "authors" AS _t0
    WHERE
      _t0."id" = ?
    LIMIT 1
  )
-- params (duckdb):
--   1: 1

-- postgres
SELECT
  (
    SELECT
      JSON_BUILD_OBJECT('id', _t0."id", 'name', _t0."name", 'Order', _t0."Order")
    FROM "authors" AS _t0
    WHERE
      _t0."id" = $1
    LIMIT 1
  )
-- params (postgres):
--   1: 1

-- mysql
SELECT
  (
    SELECT
      JSON_OBJECT('id', _t0.`id`, 'name', _t0.`name`, 'Order', _t0.`Order`)
    FROM `authors` AS _t0
    WHERE
      _t0.`id` = %s
    LIMIT 1
  )
-- params (mysql):
--   1: 1
