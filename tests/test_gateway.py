"""The gateway end to end on a real SQLite file: planning, one statement per root field, errors."""

from __future__ import annotations

import sqlite3
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import orjson
import pytest
import pytest_asyncio
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from federation.config import Config, SourceConfig
from federation.gateway import Gateway

SCHEMA = """
create table author(id integer primary key, name text not null, active boolean);
create table article(
  id integer primary key, title text, author_id integer references author(id),
  price numeric, views bigint
);
insert into author values (1, 'Ann', 1), (2, 'Bob', 0), (3, 'Cé', null);
insert into article values (1, 'A1', 1, 9.5, 9007199254740993), (2, 'A2', 1, null, 20),
  (3, 'B1', 2, 3, 30);
"""


def make_db(path: Path) -> Path:
    connection = sqlite3.connect(path)
    connection.executescript(SCHEMA)
    connection.commit()
    connection.close()
    return path


def config_for(db: Path, base: Path) -> Config:
    return Config(sources=(SourceConfig(name="db", kind="sqlite", path=str(db)),), base_dir=base)


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def gateway(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Gateway]:
    base = tmp_path_factory.mktemp("gateway")
    started = await Gateway.start(config_for(make_db(base / "db.sqlite"), base))
    yield started
    await started.stop()


async def run(gateway: Gateway, query: str, variables: dict[str, Any] | None = None) -> Any:
    response = await gateway.execute(query, variables)
    return orjson.loads(response.body)


async def test_nested_query_is_exact(gateway: Gateway) -> None:
    result = await run(
        gateway,
        """{ author(order_by: {id: asc}, limit: 2) {
               id name active __typename
               articles(order_by: {id: desc}) { t: title price views author { name } }
               articles_aggregate { aggregate { count } }
           } }""",
    )
    assert result == {
        "data": {
            "author": [
                {
                    "id": 1,
                    "name": "Ann",
                    "active": True,
                    "__typename": "author",
                    "articles": [
                        {"t": "A2", "price": None, "views": "20", "author": {"name": "Ann"}},
                        {
                            "t": "A1",
                            "price": "9.5",
                            "views": "9007199254740993",
                            "author": {"name": "Ann"},
                        },
                    ],
                    "articles_aggregate": {"aggregate": {"count": 2}},
                },
                {
                    "id": 2,
                    "name": "Bob",
                    "active": False,
                    "__typename": "author",
                    "articles": [
                        {"t": "B1", "price": "3", "views": "30", "author": {"name": "Bob"}}
                    ],
                    "articles_aggregate": {"aggregate": {"count": 1}},
                },
            ]
        }
    }


async def test_one_statement_per_root_field(gateway: Gateway) -> None:
    connector = gateway.sources.by_name["db"].connector
    before = connector.statements_executed
    await run(
        gateway,
        """{ a: author { articles { author { articles { title } } } }
             b: article_aggregate { aggregate { count } nodes { author { name } } }
             c: article_by_pk(id: 1) { title } }""",
    )
    assert connector.statements_executed - before == 3


async def test_variables_fragments_and_directives(gateway: Gateway) -> None:
    query = """
      query Q($id: Int!, $withName: Boolean = true, $skipTitle: Boolean!) {
        article_by_pk(id: $id) { ...A  author { name @include(if: $withName) } }
      }
      fragment A on article { id title @skip(if: $skipTitle) ... on article { price } }
    """
    result = await run(gateway, query, {"id": 1, "skipTitle": True})
    assert result == {
        "data": {"article_by_pk": {"id": 1, "price": "9.5", "author": {"name": "Ann"}}}
    }
    result = await run(gateway, query, {"id": 1, "skipTitle": False, "withName": False})
    assert result == {
        "data": {"article_by_pk": {"id": 1, "title": "A1", "price": "9.5", "author": {}}}
    }


async def test_missing_row_by_pk_is_null(gateway: Gateway) -> None:
    assert await run(gateway, "{ author_by_pk(id: 99) { id } }") == {"data": {"author_by_pk": None}}


async def test_validation_errors_name_the_problem(gateway: Gateway) -> None:
    response = await gateway.execute("{ author { nope } }")
    assert response.request_error
    message = orjson.loads(response.body)["errors"][0]["message"]
    assert "nope" in message and "author" in message
    response = await gateway.execute(
        "query($id: Int!) { author_by_pk(id: $id) { id } }", {"id": "x"}
    )
    assert response.request_error
    assert "$id" in orjson.loads(response.body)["errors"][0]["message"]


async def test_bad_argument_is_an_error_with_a_code(gateway: Gateway) -> None:
    response = await gateway.execute("{ author(limit: -1) { id } }")
    assert response.request_error
    result = orjson.loads(response.body)
    assert "data" not in result
    assert result["errors"][0]["extensions"]["code"] == "BAD_ARGUMENT"
    assert "limit" in result["errors"][0]["message"]


async def test_introspection_beside_data(gateway: Gateway) -> None:
    result = await run(
        gateway, '{ __typename t: __type(name: "author") { name } author_by_pk(id: 2) { name } }'
    )
    assert result == {
        "data": {
            "__typename": "query_root",
            "t": {"name": "author"},
            "author_by_pk": {"name": "Bob"},
        }
    }


async def test_repeated_request_reuses_the_plan(gateway: Gateway) -> None:
    query = '{ author(where: {name: {_eq: "Ann"}}) { id } }'
    await run(gateway, query)
    size = len(gateway.plans)
    assert await run(gateway, query) == {"data": {"author": [{"id": 1}]}}
    assert len(gateway.plans) == size


HOSTILE = ["'; DROP TABLE author; --", "%", "_", "$1", "?", ":p1", "\\", '"', "é😀", "x" * 10_000]


async def test_hostile_values_are_bound_not_spliced(gateway: Gateway) -> None:
    for value in HOSTILE:
        result = await run(
            gateway,
            "query($v: String!) "
            "{ author(where: {_or: [{name: {_eq: $v}}, {name: {_like: $v}}]}) { id } }",
            {"v": value},
        )
        assert "errors" not in result, value
    count = await run(gateway, "{ author_aggregate { aggregate { count } } }")
    assert count["data"]["author_aggregate"]["aggregate"]["count"] == 3


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    text=st.text(
        alphabet=st.characters(exclude_categories=("Cs",), exclude_characters="\x00"), max_size=200
    )
)
def test_strings_round_trip_unchanged(tmp_path: Path, text: str) -> None:
    import asyncio

    db = tmp_path / "rt.sqlite"
    db.unlink(missing_ok=True)
    connection = sqlite3.connect(db)
    connection.execute("create table t(id integer primary key, s text)")
    connection.execute("insert into t values (1, ?)", (text,))
    connection.commit()
    connection.close()

    async def check() -> None:
        gateway = await Gateway.start(config_for(db, tmp_path))
        try:
            result = await run(
                gateway, "query($s: String!) { t(where: {s: {_eq: $s}}) { s } }", {"s": text}
            )
        finally:
            await gateway.stop()
        assert result == {"data": {"t": [{"s": text}]}}

    asyncio.run(check())


async def test_unreachable_source_keeps_its_fields_and_names_itself(tmp_path: Path) -> None:
    db = make_db(tmp_path / "db.sqlite")
    first = await Gateway.start(config_for(db, tmp_path))
    await first.stop()
    db.rename(tmp_path / "gone.sqlite")
    gateway = await Gateway.start(config_for(db, tmp_path))
    try:
        result = await run(gateway, "{ author_by_pk(id: 1) { name } }")
        assert result["data"] == {"author_by_pk": None}
        error = result["errors"][0]
        assert error["path"] == ["author_by_pk"]
        assert error["extensions"] == {"code": "SOURCE_UNAVAILABLE", "source": "db"}
        readiness = await gateway.readiness()
        assert readiness["db"] is not None and "db.sqlite" in readiness["db"]
    finally:
        await gateway.stop()


async def test_introspection_can_be_turned_off(tmp_path: Path) -> None:
    from dataclasses import replace

    from federation.config import ServerConfig

    config = replace(
        config_for(make_db(tmp_path / "db.sqlite"), tmp_path),
        server=ServerConfig(introspection=False),
    )
    gateway = await Gateway.start(config)
    try:
        response = await gateway.execute("{ __schema { queryType { name } } }")
        assert response.request_error
        assert "introspection" in orjson.loads(response.body)["errors"][0]["message"].lower()
        assert await run(gateway, "{ author_by_pk(id: 1) { name } }") == {
            "data": {"author_by_pk": {"name": "Ann"}}
        }
    finally:
        await gateway.stop()
