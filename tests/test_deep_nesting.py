"""Queries deeper than SQLite's parser takes in one statement are split by the gateway: the
answer equals DuckDB's (which takes them in one), with one more statement per six levels."""

from __future__ import annotations

import sqlite3
from collections.abc import AsyncIterator
from pathlib import Path

import duckdb
import orjson
import pytest
import pytest_asyncio

from federation.config import Config, SourceConfig
from federation.gateway import Gateway

SCHEMA = [
    "create table author (id integer primary key, name text)",
    "create table article (id integer primary key, title text,"
    " author_id integer references author(id))",
]
AUTHORS = [(i, f"author {i}") for i in range(1, 6)]
ARTICLES = [(i, f"article {i}", i % 5 + 1) for i in range(1, 21)]


def _chain(levels: int) -> str:
    """author > articles > author > articles ... with ``levels`` selection levels."""
    inner = "id"
    for level in reversed(range(1, levels)):
        if level % 2:  # an article level under an author
            inner = f"id articles(order_by: {{id: desc}}, limit: 2) {{ {inner} }}"
        else:
            inner = f"id title author {{ {inner} }}"
    return f"{{ author(order_by: {{id: asc}}) {{ {inner} }} }}"


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def gateways(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[list[Gateway]]:
    base: Path = tmp_path_factory.mktemp("deep")
    with sqlite3.connect(base / "deep.sqlite") as db:
        for statement in SCHEMA:
            db.execute(statement)
        db.executemany("insert into author values (?, ?)", AUTHORS)
        db.executemany("insert into article values (?, ?, ?)", ARTICLES)
    duck = duckdb.connect(str(base / "deep.duckdb"))
    for statement in SCHEMA:
        duck.execute(statement)
    duck.executemany("insert into author values (?, ?)", AUTHORS)
    duck.executemany("insert into article values (?, ?, ?)", ARTICLES)
    duck.close()
    started = []
    for kind, file in (("sqlite", "deep.sqlite"), ("duckdb", "deep.duckdb")):
        source = SourceConfig(name="db", kind=kind, path=str(base / file), read_only=True)
        started.append(await Gateway.start(Config(sources=(source,), base_dir=base / kind)))
    yield started
    for gateway in started:
        await gateway.stop()


@pytest.mark.asyncio(loop_scope="session")
@pytest.mark.parametrize(("levels", "sqlite_statements"), [(6, 1), (7, 2), (12, 2), (13, 3)])
async def test_deep_query_is_split_on_sqlite_only(
    gateways: list[Gateway], levels: int, sqlite_statements: int
) -> None:
    sqlite_gateway, duckdb_gateway = gateways
    query = _chain(levels)
    connector = sqlite_gateway.sources.by_name["db"].connector
    before = connector.statements_executed
    got = orjson.loads((await sqlite_gateway.execute(query)).body)
    assert connector.statements_executed - before == sqlite_statements
    duck_connector = duckdb_gateway.sources.by_name["db"].connector
    before = duck_connector.statements_executed
    want = orjson.loads((await duckdb_gateway.execute(query)).body)
    assert duck_connector.statements_executed - before == 1
    assert "errors" not in got and got == want
