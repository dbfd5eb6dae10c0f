-- sqlite
SELECT
  JSON_GROUP_ARRAY(
    JSON_OBJECT(
      'id',
      _t1."id",
      'active',
      JSON(CASE WHEN _t1."active" THEN 'true' WHEN NOT _t1."active" THEN 'false' END),
      'big',
      CAST(_t1."big" AS TEXT),
      'meta',
      JSON(_t1."meta"),
      'avatar',
      CASE WHEN NOT _t1."avatar" IS NULL THEN '\x' || LOWER(HEX(_t1."avatar")) END,
      'created',
      REPLACE(_t1."created", ' ', 'T'),
      'articles',
      (
        SELECT
          JSON_GROUP_ARRAY(
            JSON_OBJECT(
              'title',
              _t3."title",
              'comments',
              (
                SELECT
                  JSON_GROUP_ARRAY(JSON_OBJECT('body', _t5."body", 'user', _t5."user"))
                FROM (
                  SELECT
                    _t4.*
                  FROM "Comments" AS _t4
                  WHERE
                    _t4."article_id" = _t3."id"
                  ORDER BY
                    _t4."id" DESC
                ) AS _t5
              ) -> '$',
              'author',
              (
                SELECT
                  JSON_OBJECT('name', _t6."name")
                FROM "authors" AS _t6
                WHERE
                  _t6."id" = _t3."author_id"
                LIMIT 1
              ) -> '$'
            )
          )
        FROM (
          SELECT
            _t2.*
          FROM "articles" AS _t2
          WHERE
            _t2."author_id" = _t1."id" AND _t2."published" = ?
          ORDER BY
            _t2."order" ASC NULLS LAST
          LIMIT ?
        ) AS _t3
      ) -> '$'
    )
  )
FROM (
  SELECT
    _t0.*
  FROM "authors" AS _t0
  ORDER BY
    _t0."score" DESC NULLS FIRST
  LIMIT -1
  OFFSET ?
) AS _t1
-- params (sqlite):
--   1: True
--   2: 2
--   3: 1

-- duckdb
SELECT
  COALESCE(TO_JSON(LIST(_s6."__j" ORDER BY _s6."__o0" DESC NULLS FIRST)), CAST('[]' AS JSON))
FROM (
  SELECT
    JSON_OBJECT(
      'id',
      _t0."id",
      'active',
      _t0."active",
      'big',
      CAST(_t0."big" AS TEXT),
      'meta',
      CAST(_t0."meta" AS JSON),
      'avatar',
      '\x' || LOWER(HEX(_t0."avatar")),
      'created',
      REPLACE(CAST(_t0."created" AS TEXT), ' ', 'T'),
      'articles',
      (
        SELECT
          COALESCE(TO_JSON(LIST(_s5."__j" ORDER BY _s5."__o0" ASC)), CAST('[]' AS JSON))
        FROM (
          SELECT
            JSON_OBJECT(
              'title',
              _t1."title",
              'comments',
              (
                SELECT
                  COALESCE(TO_JSON(LIST(_s3."__j" ORDER BY _s3."__o0" DESC)), CAST('[]' AS JSON))
                FROM (
                  SELECT
                    JSON_OBJECT('body', _t2."body", 'user', _t2."user") AS "__j",
                    _t2."id" AS "__o0"
                  FROM "Comments" AS _t2
                  WHERE
                    _t2."article_id" = _t1."id"
                ) AS _s3
              ),
              'author',
              (
                SELECT
                  JSON_OBJECT('name', _t4."name")
                FROM "authors" AS _t4
                WHERE
                  _t4."id" = _t1."author_id"
                LIMIT 1
              )
            ) AS "__j",
            _t1."order" AS "__o0"
          FROM "articles" AS _t1
          WHERE
            _t1."author_id" = _t0."id" AND _t1."published" = ?
          ORDER BY
            _t1."order" ASC
          LIMIT ?
        ) AS _s5
      )
    ) AS "__j",
    _t0."score" AS "__o0"
  FROM "authors" AS _t0
  ORDER BY
    _t0."score" DESC NULLS FIRST
  OFFSET ?
) AS _s6
-- params (duckdb):
--   1: True
--   2: 2
--   3: 1

-- postgres
SELECT
  COALESCE(JSON_AGG(_s7."__j" ORDER BY _s7."__o0" DESC), CAST('[]' AS JSON))
FROM (
  SELECT
    JSON_BUILD_OBJECT(
      'id',
      _t1."id",
      'active',
      _t1."active",
      'big',
      CAST(_t1."big" AS TEXT),
      'meta',
      _t1."meta",
      'avatar',
      '\x' || ENCODE(_t1."avatar", 'hex'),
      'created',
      _t1."created",
      'articles',
      (
        SELECT
          COALESCE(JSON_AGG(_s6."__j" ORDER BY _s6."__o0" ASC), CAST('[]' AS JSON))
        FROM (
          SELECT
            JSON_BUILD_OBJECT(
              'title',
              _t2."title",
              'comments',
              (
                SELECT
                  COALESCE(JSON_AGG(_s4."__j" ORDER BY _s4."__o0" DESC), CAST('[]' AS JSON))
                FROM (
                  SELECT
                    JSON_BUILD_OBJECT('body', _t3."body", 'user', _t3."user") AS "__j",
                    _t3."id" AS "__o0"
                  FROM "Comments" AS _t3
                  WHERE
                    _t3."article_id" = _t2."id"
                ) AS _s4
              ),
              'author',
              (
                SELECT
                  JSON_BUILD_OBJECT('name', _t5."name")
                FROM "authors" AS _t5
                WHERE
                  _t5."id" = _t2."author_id"
                LIMIT 1
              )
            ) AS "__j",
            _t2."order" AS "__o0"
          FROM "articles" AS _t2
          WHERE
            _t2."author_id" = _t1."id" AND _t2."published" = $1
          ORDER BY
            _t2."order" ASC
          LIMIT $2
        ) AS _s6
      )
    ) AS "__j",
    _t1."score" AS "__o0"
  FROM (
    SELECT
      _t0.*
    FROM "authors" AS _t0
    ORDER BY
      _t0."score" DESC
    OFFSET $3
  ) AS _t1
) AS _s7
-- params (postgres):
--   1: True
--   2: 2
--   3: 1

-- mysql
SELECT
  JSON_EXTRACT(
    COALESCE(
      JSON_ARRAYAGG(
        JSON_OBJECT(
          'id',
          _t1.`id`,
          'active',
          CASE
            WHEN _t1.`active`
            THEN JSON_EXTRACT('true', '$')
            WHEN NOT _t1.`active`
            THEN JSON_EXTRACT('false', '$')
          END,
          'big',
          CAST(_t1.`big` AS CHAR),
          'meta',
          JSON_EXTRACT(_t1.`meta`, '$'),
          'avatar',
          CONCAT('\\x', LOWER(HEX(_t1.`avatar`))),
          'created',
          REPLACE(CAST(_t1.`created` AS CHAR), ' ', 'T'),
          'articles',
          (
            SELECT
              JSON_EXTRACT(
                COALESCE(
                  JSON_ARRAYAGG(
                    JSON_OBJECT(
                      'title',
                      _t2.`title`,
                      'comments',
                      (
                        SELECT
                          JSON_EXTRACT(
                            COALESCE(
                              JSON_ARRAYAGG(JSON_OBJECT('body', _t3.`body`, 'user', _t3.`user`) ORDER BY _t3.`id` DESC),
                              '[]'
                            ),
                            '$'
                          )
                        FROM `Comments` AS _t3
                        WHERE
                          _t3.`article_id` = _t2.`id`
                      ),
                      'author',
                      (
                        SELECT
                          JSON_OBJECT('name', _t4.`name`)
                        FROM `authors` AS _t4
                        WHERE
                          _t4.`id` = _t2.`author_id`
                        LIMIT 1
                      )
                    ) ORDER BY CASE WHEN _t2.`order` IS NULL THEN 1 ELSE 0 END, _t2.`order` ASC
                    LIMIT %s
                  ),
                  '[]'
                ),
                '$'
              )
            FROM `articles` AS _t2
            WHERE
              _t2.`author_id` = _t1.`id` AND _t2.`published` = %s
          )
        ) ORDER BY CASE WHEN _t1.`score` IS NULL THEN 1 ELSE 0 END DESC, _t1.`score` DESC
      ),
      '[]'
    ),
    '$'
  )
FROM (
  SELECT
    _t0.*
  FROM `authors` AS _t0
  ORDER BY
    CASE WHEN _t0.`score` IS NULL THEN 1 ELSE 0 END DESC, _t0.`score` DESC
  LIMIT 18446744073709551615
  OFFSET %s
) AS _t1
-- params (mysql):
--   1: 2
--   2: True
--   3: 1
