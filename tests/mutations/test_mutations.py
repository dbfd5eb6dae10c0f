"""Hasura's mutations on every SQL connector against real databases: each kind, returning with
relationships, upserts, nested inserts, rollback, serial order, errors, events, hostile text."""

from __future__ import annotations

from typing import Any

import pytest
from mutation_backends import PRIMARY_KEY, Backend

from federation.events import TablesChanged

pytestmark = pytest.mark.asyncio(loop_scope="session")


def data(result: dict[str, Any]) -> Any:
    assert "errors" not in result, result
    return result["data"]


async def authors(db: Backend) -> list[dict[str, Any]]:
    result = await db.run("{ author(order_by: {id: asc}) { id name rating } }")
    rows: list[dict[str, Any]] = data(result)["author"]
    return rows


# --- schema ---------------------------------------------------------------------------------


async def test_schema_offers_hasura_mutations_for_writable_tables_only(db: Backend) -> None:
    mutation = db.gateway.schema.mutation_type
    assert mutation is not None and mutation.name == "mutation_root"
    for name in ("author", "article"):
        for field in (
            f"insert_{name}",
            f"insert_{name}_one",
            f"update_{name}",
            f"update_{name}_by_pk",
            f"delete_{name}",
            f"delete_{name}_by_pk",
        ):
            assert field in mutation.fields, field
            assert mutation.fields[field].description
    assert not {f for f in mutation.fields if "locked" in f or "author_names" in f}
    update = mutation.fields["update_author"]
    inc = update.args["_inc"].type
    assert set(inc.fields) == {"id", "rating"}  # type: ignore[union-attr]
    on_conflict = mutation.fields["insert_author"].args["on_conflict"].type
    constraint = on_conflict.fields["constraint"].type.of_type  # type: ignore[union-attr]
    assert PRIMARY_KEY[db.kind] in {v.value for v in constraint.values.values()}


# --- each kind ------------------------------------------------------------------------------


async def test_insert_returns_rows_in_key_order_with_relationships(db: Backend) -> None:
    result = await db.run(
        """mutation { insert_article(objects: [
             {id: 3001, title: "second", author_id: 1001},
             {id: 3000, title: "first", author_id: 1000, views: "9007199254740993"}
           ]) { affected_rows returning { id title views author { name } } } }"""
    )
    assert data(result)["insert_article"] == {
        "affected_rows": 2,
        "returning": [
            {"id": 3000, "title": "first", "views": "9007199254740993", "author": {"name": "Ann"}},
            {"id": 3001, "title": "second", "views": "0", "author": {"name": "Bob"}},
        ],
    }
    assert db.events == [TablesChanged("db", frozenset({_table(db, "article")}))]


async def test_insert_one_generates_the_key(db: Backend) -> None:
    result = await db.run('mutation { insert_author_one(object: {name: "Cy"}) { id name } }')
    row = data(result)["insert_author_one"]
    assert row["name"] == "Cy" and isinstance(row["id"], int)
    assert {"id": row["id"], "name": "Cy", "rating": None} in await authors(db)


async def test_update_sets_and_increments(db: Backend) -> None:
    result = await db.run(
        """mutation { update_author(where: {rating: {_gte: 2}}, _inc: {rating: 10}) {
             affected_rows
             returning { name rating articles_aggregate { aggregate { count } } } } }"""
    )
    if _duckdb_refuses_referenced_update(db, result):
        return
    assert data(result)["update_author"] == {
        "affected_rows": 2,
        "returning": [
            {"name": "Ann", "rating": 15, "articles_aggregate": {"aggregate": {"count": 2}}},
            {"name": "Bob", "rating": 12, "articles_aggregate": {"aggregate": {"count": 1}}},
        ],
    }
    by_pk = await db.run(
        'mutation { update_author_by_pk(pk_columns: {id: 1001}, _set: {name: "Bo", rating: 1})'
        " { id name rating } }"
    )
    assert data(by_pk)["update_author_by_pk"] == {"id": 1001, "name": "Bo", "rating": 1}
    missing = await db.run(
        "mutation { update_author_by_pk(pk_columns: {id: 1}, _set: {rating: 1}) { id } }"
    )
    assert data(missing) == {"update_author_by_pk": None}


async def test_update_matching_nothing_writes_nothing(db: Backend) -> None:
    result = await db.run(
        'mutation { update_author(where: {name: {_eq: "nobody"}}, _set: {rating: 1}) '
        "{ affected_rows returning { id } } }"
    )
    assert data(result)["update_author"] == {"affected_rows": 0, "returning": []}


async def test_delete_returns_the_rows_as_they_were(db: Backend) -> None:
    result = await db.run(
        """mutation { delete_article(where: {author: {name: {_eq: "Ann"}}}) {
             affected_rows returning { title author { name } } } }"""
    )
    assert data(result)["delete_article"] == {
        "affected_rows": 2,
        "returning": [
            {"title": "Ann one", "author": {"name": "Ann"}},
            {"title": "Ann two", "author": {"name": "Ann"}},
        ],
    }
    by_pk = await db.run("mutation { delete_article_by_pk(id: 2002) { title } }")
    assert data(by_pk) == {"delete_article_by_pk": {"title": "Bob one"}}
    left = await db.run("{ article { id } }")
    assert data(left) == {"article": []}


# --- upserts --------------------------------------------------------------------------------


async def test_upsert_updates_the_listed_columns(db: Backend) -> None:
    result = await db.run(
        """mutation($c: author_constraint!) { insert_author(
             objects: [{id: 1000, name: "Ann", rating: 9}, {id: 1002, name: "Di", rating: 1}],
             on_conflict: {constraint: $c, update_columns: [rating]}
           ) { affected_rows returning { id name rating } } }""",
        {"c": _enum(db, PRIMARY_KEY[db.kind])},
    )
    if _duckdb_refuses_referenced_update(db, result):
        return
    assert data(result)["insert_author"]["returning"] == [
        {"id": 1000, "name": "Ann", "rating": 9},
        {"id": 1002, "name": "Di", "rating": 1},
    ]
    assert [a["rating"] for a in await authors(db)] == [9, 2, 1]


async def test_upsert_without_update_columns_keeps_the_existing_row(db: Backend) -> None:
    result = await db.run(
        """mutation($c: author_constraint!) { insert_author_one(
             object: {id: 1000, name: "Ann", rating: 0},
             on_conflict: {constraint: $c, update_columns: []}) { id rating } }""",
        {"c": _enum(db, PRIMARY_KEY[db.kind])},
    )
    if db.kind == "mysql":  # ON DUPLICATE KEY UPDATE id = id: MariaDB returns the kept row
        assert "errors" not in result
    else:
        assert data(result) == {"insert_author_one": None}
    assert (await authors(db))[0]["rating"] == 5


# --- nested inserts ---------------------------------------------------------------------------


async def test_nested_object_insert_writes_the_parent_first(db: Backend) -> None:
    result = await db.run(
        """mutation { insert_article_one(object: {
             title: "fresh", author: {data: {name: "Eve", rating: 3}}
           }) { title author { name rating articles { title } } } }"""
    )
    assert data(result)["insert_article_one"] == {
        "title": "fresh",
        "author": {"name": "Eve", "rating": 3, "articles": [{"title": "fresh"}]},
    }
    assert db.events == [
        TablesChanged("db", frozenset({_table(db, "author"), _table(db, "article")}))
    ]


async def test_nested_array_insert_counts_every_row(db: Backend) -> None:
    result = await db.run(
        """mutation { insert_author(objects: [{name: "Fay", articles: {data: [
             {title: "f1"}, {title: "f2", views: 5}]}}]) {
             affected_rows
             returning { name articles(order_by: {title: asc}) { title views } } } }"""
    )
    assert data(result)["insert_author"] == {
        "affected_rows": 3,
        "returning": [
            {
                "name": "Fay",
                "articles": [{"title": "f1", "views": "0"}, {"title": "f2", "views": "5"}],
            }
        ],
    }


async def test_failed_nested_insert_writes_nothing(db: Backend) -> None:
    result = await db.run(
        """mutation { insert_author_one(object: {name: "Gil", articles: {data: [
             {id: 4000, title: "ok"}, {id: 4000, title: "duplicate key"}]}}) { id } }"""
    )
    assert result["data"] == {"insert_author_one": None}
    [error] = result["errors"]
    assert error["path"] == ["insert_author_one"]
    assert error["extensions"]["code"] == "UNIQUE_VIOLATION"
    assert "Traceback" not in error["message"]
    assert [a["name"] for a in await authors(db)] == ["Ann", "Bob"]
    assert data(await db.run("{ article(where: {id: {_eq: 4000}}) { id } }")) == {"article": []}
    assert db.events == []


# --- errors ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("mutation", "code", "constraint"),
    [
        ('insert_author_one(object: {name: "Ann"}) { id }', "UNIQUE_VIOLATION", "name_key"),
        (
            'insert_article_one(object: {title: "x", author_id: 999999}) { id }',
            "FOREIGN_KEY_VIOLATION",
            None,
        ),
        ('insert_author_one(object: {name: "Neg", rating: -1}) { id }', "CHECK_VIOLATION", None),
        ("delete_author_by_pk(id: 1000) { id }", "FOREIGN_KEY_VIOLATION", None),
    ],
)
async def test_constraint_violations_are_graphql_errors(
    db: Backend, mutation: str, code: str, constraint: str | None
) -> None:
    result = await db.run(f"mutation {{ m: {mutation} }}")
    assert result["data"] == {"m": None}
    [error] = result["errors"]
    assert error["path"] == ["m"]
    assert error["extensions"]["code"] == code
    if constraint and db.kind != "duckdb":  # DuckDB's messages name no constraint
        assert constraint in error["extensions"]["constraint"]
    assert len(await authors(db)) == 2


async def test_not_null_violation(db: Backend) -> None:
    result = await db.run("mutation { m: insert_article_one(object: {author_id: 1000}) { id } }")
    [error] = result["errors"]
    assert error["extensions"]["code"] == "NOT_NULL_VIOLATION"


async def test_nothing_to_set_is_a_clear_error(db: Backend) -> None:
    result = await db.run("mutation { update_author(where: {}, _set: {}) { affected_rows } }")
    assert "data" not in result
    [error] = result["errors"]
    assert error["extensions"]["code"] == "BAD_ARGUMENT"
    assert "_set" in error["message"] and "_inc" in error["message"]


# --- serial execution -------------------------------------------------------------------------


async def test_fields_run_in_order_and_see_earlier_writes(db: Backend) -> None:
    result = await db.run(
        """mutation {
             a: insert_author_one(object: {name: "Serial"}) { name }
             b: update_author(where: {name: {_eq: "Serial"}}, _set: {rating: 4}) { affected_rows }
             bad: insert_author_one(object: {name: "Serial"}) { name }
             c: delete_author(where: {name: {_eq: "Serial"}}) { affected_rows returning { rating } }
             __typename
           }"""
    )
    assert result["data"] == {
        "a": {"name": "Serial"},
        "b": {"affected_rows": 1},
        "bad": None,
        "c": {"affected_rows": 1, "returning": [{"rating": 4}]},
        "__typename": "mutation_root",
    }
    assert [e["path"] for e in result["errors"]] == [["bad"]]
    assert len(db.events) == 3


# --- values -------------------------------------------------------------------------------------

HOSTILE = [
    "Robert'); DROP TABLE author;--",
    'quote " and \\ backslash',
    "100% _like_ %s {0} $1 ?",
    "émoji 🦆 and 中文",
    "line\nbreak\ttab",
]


@pytest.mark.parametrize("text", HOSTILE)
async def test_hostile_strings_round_trip(db: Backend, text: str) -> None:
    inserted = await db.run(
        "mutation($n: String!) { insert_author_one(object: {name: $n}) { name } }", {"n": text}
    )
    assert data(inserted) == {"insert_author_one": {"name": text}}
    updated = await db.run(
        """mutation($n: String!, $m: String!) {
             update_author(where: {name: {_eq: $n}}, _set: {name: $m}) { returning { name } } }""",
        {"n": text, "m": text + "!"},
    )
    assert data(updated)["update_author"]["returning"] == [{"name": text + "!"}]
    assert len(await authors(db)) == 3


# --- helpers ---


def _duckdb_refuses_referenced_update(db: Backend, result: dict[str, Any]) -> bool:
    """DuckDB (2.0) cannot update a row that another table references when the table has a
    second unique index (it rewrites the row as delete + insert): the mutation must fail
    cleanly, as a foreign key error, and write nothing."""
    if db.kind != "duckdb":
        return False
    [error] = result["errors"]
    assert error["extensions"]["code"] == "FOREIGN_KEY_VIOLATION"
    assert list(result["data"].values()) == [None]
    return True


def _table(db: Backend, name: str) -> str:
    """A table's qualified name as the source's catalog has it."""
    catalog = db.gateway.sources.by_name["db"].catalog
    assert catalog is not None
    return catalog.table(name).qualified_name


def _enum(db: Backend, constraint: str) -> str:
    """The GraphQL enum value of a constraint name."""
    mutation = db.gateway.schema.mutation_type
    assert mutation is not None
    on_conflict: Any = mutation.fields["insert_author"].args["on_conflict"].type
    enum = on_conflict.fields["constraint"].type.of_type
    return next(name for name, value in enum.values.items() if value.value == constraint)
