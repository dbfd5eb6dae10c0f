-- sqlite
SELECT
  JSON_GROUP_ARRAY(
    JSON_OBJECT(
      'id',
      _t0."id",
      'firsts',
      (
        SELECT
          JSON_GROUP_ARRAY(
            JSON_OBJECT(
              'id',
              _t3."id",
              'comments',
              (
                SELECT
                  JSON_GROUP_ARRAY(
                    JSON_OBJECT(
                      'body',
                      _t4."body",
                      'article',
                      (
                        SELECT
                          JSON_OBJECT(
                            'title',
                            _t5."title",
                            'author',
                            (
                              SELECT
                                JSON_OBJECT('name', _t6."name")
                              FROM "authors" AS _t6
                              WHERE
                                _t6."id" = _t5."author_id"
                              LIMIT 1
                            ) -> '$'
                          )
                        FROM "articles" AS _t5
                        WHERE
                          _t5."id" = _t4."article_id" AND _t5."published" = ?
                        LIMIT 1
                      ) -> '$'
                    )
                  )
                FROM "Comments" AS _t4
                WHERE
                  _t4."article_id" = _t3."id"
              ) -> '$'
            )
          )
        FROM (
          SELECT
            _t2.*
          FROM (
            SELECT
              _t1.*,
              ROW_NUMBER() OVER (
                PARTITION BY _t1."published"
                ORDER BY _t1."published" ASC NULLS LAST, _t1."id" DESC
              ) AS "__rn"
            FROM "articles" AS _t1
            WHERE
              _t1."author_id" = _t0."id"
          ) AS _t2
          WHERE
            _t2."__rn" = 1
          ORDER BY
            _t2."published" ASC NULLS LAST,
            _t2."id" DESC
        ) AS _t3
      ) -> '$',
      'top',
      (
        SELECT
          JSON_OBJECT('aggregate', JSON_OBJECT('count', COUNT(*)))
        FROM (
          SELECT
            _t7."id" AS "id",
            _t7."author_id" AS "author_id",
            _t7."title" AS "title",
            _t7."order" AS "order",
            _t7."rating" AS "rating",
            _t7."published" AS "published"
          FROM "articles" AS _t7
          WHERE
            _t7."author_id" = _t0."id"
          ORDER BY
            _t7."rating" DESC NULLS FIRST
          LIMIT ?
          OFFSET ?
        ) AS _r8
      ) -> '$'
    )
  )
FROM "authors" AS _t0
-- params (sqlite):
--   1: True
--   2: 2
--   3: 1

-- duckdb
SELECT
  COALESCE(TO_JSON(LIST(_s9."__j")), CAST('[]' AS JSON))
FROM (
  SELECT
    JSON_OBJECT(
      'id',
      _t0."id",
      'firsts',
      (
        SELECT
          COALESCE(
            TO_JSON(LIST(_s6."__j" ORDER BY _s6."__o0" ASC, _s6."__o1" DESC)),
            CAST('[]' AS JSON)
          )
        FROM (
          SELECT DISTINCT ON (_t1."published")
            JSON_OBJECT(
              'id',
              _t1."id",
              'comments',
              (
                SELECT
                  COALESCE(TO_JSON(LIST(_s5."__j")), CAST('[]' AS JSON))
                FROM (
                  SELECT
                    JSON_OBJECT(
                      'body',
                      _t2."body",
                      'article',
                      (
                        SELECT
                          JSON_OBJECT(
                            'title',
                            _t3."title",
                            'author',
                            (
                              SELECT
                                JSON_OBJECT('name', _t4."name")
                              FROM "authors" AS _t4
                              WHERE
                                _t4."id" = _t3."author_id"
                              LIMIT 1
                            )
                          )
                        FROM "articles" AS _t3
                        WHERE
                          _t3."id" = _t2."article_id" AND _t3."published" = ?
                        LIMIT 1
                      )
                    ) AS "__j"
                  FROM "Comments" AS _t2
                  WHERE
                    _t2."article_id" = _t1."id"
                ) AS _s5
              )
            ) AS "__j",
            _t1."published" AS "__o0",
            _t1."id" AS "__o1"
          FROM "articles" AS _t1
          WHERE
            _t1."author_id" = _t0."id"
          ORDER BY
            _t1."published" ASC,
            _t1."id" DESC
        ) AS _s6
      ),
      'top',
      (
        SELECT
          JSON_OBJECT('aggregate', JSON_OBJECT('count', COUNT(*)))
        FROM (
          SELECT
            _t7."id" AS "id",
            _t7."author_id" AS "author_id",
            _t7."title" AS "title",
            _t7."order" AS "order",
            _t7."rating" AS "rating",
            _t7."published" AS "published"
          FROM "articles" AS _t7
          WHERE
            _t7."author_id" = _t0."id"
          ORDER BY
            _t7."rating" DESC NULLS FIRST
          LIMIT ?
          OFFSET ?
        ) AS _r8
      )
    ) AS "__j"
  FROM "authors" AS _t0
) AS _s9
-- params (duckdb):
--   1: True
--   2: 2
--   3: 1

-- postgres
SELECT
  COALESCE(JSON_AGG(_s9."__j"), CAST('[]' AS JSON))
FROM (
  SELECT
    JSON_BUILD_OBJECT(
      'id',
      _t0."id",
      'firsts',
      (
        SELECT
          COALESCE(JSON_AGG(_s6."__j" ORDER BY _s6."__o0" ASC, _s6."__o1" DESC), CAST('[]' AS JSON))
        FROM (
          SELECT DISTINCT ON (_t1."published")
            JSON_BUILD_OBJECT(
              'id',
              _t1."id",
              'comments',
              (
                SELECT
                  COALESCE(JSON_AGG(_s5."__j"), CAST('[]' AS JSON))
                FROM (
                  SELECT
                    JSON_BUILD_OBJECT(
                      'body',
                      _t2."body",
                      'article',
                      CASE
                        WHEN _t3."id" IS NULL
                        THEN NULL
                        ELSE JSON_BUILD_OBJECT(
                          'title',
                          _t3."title",
                          'author',
                          CASE WHEN _t4."id" IS NULL THEN NULL ELSE JSON_BUILD_OBJECT('name', _t4."name") END
                        )
                      END
                    ) AS "__j"
                  FROM "Comments" AS _t2
                  LEFT JOIN "articles" AS _t3
                    ON _t3."id" = _t2."article_id" AND _t3."published" = $1
                  LEFT JOIN "authors" AS _t4
                    ON _t4."id" = _t3."author_id"
                  WHERE
                    _t2."article_id" = _t1."id"
                ) AS _s5
              )
            ) AS "__j",
            _t1."published" AS "__o0",
            _t1."id" AS "__o1"
          FROM "articles" AS _t1
          WHERE
            _t1."author_id" = _t0."id"
          ORDER BY
            _t1."published" ASC,
            _t1."id" DESC
        ) AS _s6
      ),
      'top',
      (
        SELECT
          JSON_BUILD_OBJECT('aggregate', JSON_BUILD_OBJECT('count', COUNT(*)))
        FROM (
          SELECT
            _t7."id" AS "id",
            _t7."author_id" AS "author_id",
            _t7."title" AS "title",
            _t7."order" AS "order",
            _t7."rating" AS "rating",
            _t7."published" AS "published"
          FROM "articles" AS _t7
          WHERE
            _t7."author_id" = _t0."id"
          ORDER BY
            _t7."rating" DESC
          LIMIT $2
          OFFSET $3
        ) AS _r8
      )
    ) AS "__j"
  FROM "authors" AS _t0
) AS _s9
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
          _t0.`id`,
          'firsts',
          (
            SELECT
              JSON_EXTRACT(
                COALESCE(
                  JSON_ARRAYAGG(
                    JSON_OBJECT(
                      'id',
                      _t2.`id`,
                      'comments',
                      (
                        SELECT
                          JSON_EXTRACT(
                            COALESCE(
                              JSON_ARRAYAGG(
                                JSON_OBJECT(
                                  'body',
                                  _t3.`body`,
                                  'article',
                                  (
                                    SELECT
                                      JSON_OBJECT(
                                        'title',
                                        _t4.`title`,
                                        'author',
                                        (
                                          SELECT
                                            JSON_OBJECT('name', _t5.`name`)
                                          FROM `authors` AS _t5
                                          WHERE
                                            _t5.`id` = _t4.`author_id`
                                          LIMIT 1
                                        )
                                      )
                                    FROM `articles` AS _t4
                                    WHERE
                                      _t4.`id` = _t3.`article_id` AND _t4.`published` = %s
                                    LIMIT 1
                                  )
                                )
                              ),
                              '[]'
                            ),
                            '$'
                          )
                        FROM `Comments` AS _t3
                        WHERE
                          _t3.`article_id` = _t2.`id`
                      )
                    ) ORDER BY CASE WHEN _t2.`published` IS NULL THEN 1 ELSE 0 END, _t2.`published` ASC, _t2.`id` DESC
                  ),
                  '[]'
                ),
                '$'
              )
            FROM (
              SELECT
                _t1.*,
                ROW_NUMBER() OVER (
                  PARTITION BY _t1.`author_id`, _t1.`published`
                  ORDER BY CASE WHEN _t1.`published` IS NULL THEN 1 ELSE 0 END, _t1.`published` ASC, _t1.`id` DESC
                ) AS `__rn`
              FROM `articles` AS _t1
            ) AS _t2
            WHERE
              _t2.`author_id` = _t0.`id` AND _t2.`__rn` = 1
          ),
          'top',
          (
            SELECT
              JSON_OBJECT('aggregate', JSON_OBJECT('count', COUNT(*)))
            FROM (
              SELECT
                _t6.*,
                ROW_NUMBER() OVER (
                  PARTITION BY _t6.`author_id`
                  ORDER BY CASE WHEN _t6.`rating` IS NULL THEN 1 ELSE 0 END DESC, _t6.`rating` DESC
                ) AS `__pn`
              FROM `articles` AS _t6
            ) AS _t7
            WHERE
              _t7.`author_id` = _t0.`id` AND _t7.`__pn` > %s AND _t7.`__pn` <= %s
          )
        )
      ),
      '[]'
    ),
    '$'
  )
FROM `authors` AS _t0
-- params (mysql):
--   1: True
--   2: 1
--   3: 3
