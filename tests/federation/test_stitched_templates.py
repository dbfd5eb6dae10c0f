"""A stitched child statement is compiled once per join and number of keys, then refilled with
each request's keys: answers must follow the data when the keys change."""

from __future__ import annotations

import sqlite3
from collections.abc import AsyncIterator
from pathlib import Path

import orjson
import pytest
import pytest_asyncio

from federation.config import Config, SourceConfig
from federation.gateway import Gateway

OVERLAY = """
type person {
  city: city @relationship(fields: ["city_code"], references: ["code"])
}
"""
QUERY = "{ person(order_by: {id: asc}) { id city { code name } } }"


@pytest_asyncio.fixture(loop_scope="session")
async def gateway(tmp_path: Path) -> AsyncIterator[Gateway]:
    with sqlite3.connect(tmp_path / "people.sqlite") as db:
        db.execute("create table person (id integer primary key, city_code text)")
        db.executemany("insert into person values (?, ?)", [(1, "OSL"), (2, "ROM"), (3, "OSL")])
    with sqlite3.connect(tmp_path / "places.sqlite") as db:
        db.execute("create table city (code text primary key, name text)")
        cities = [("OSL", "Oslo"), ("ROM", "Rome"), ("LIM", "Lima"), ("KYI", "Kyiv")]
        db.executemany("insert into city values (?, ?)", cities)
    (tmp_path / "schema").mkdir()
    (tmp_path / "schema" / "links.graphql").write_text(OVERLAY, encoding="utf-8")
    config = Config(
        sources=(
            SourceConfig(name="people", kind="sqlite", path=str(tmp_path / "people.sqlite")),
            SourceConfig(name="places", kind="sqlite", path=str(tmp_path / "places.sqlite")),
        ),
        schema_dir=tmp_path / "schema",
        base_dir=tmp_path,
    )
    started = await Gateway.start(config)
    yield started
    await started.stop()


async def _cities(gateway: Gateway) -> list[str | None]:
    body = orjson.loads((await gateway.execute(QUERY)).body)
    return [p["city"]["name"] if p["city"] else None for p in body["data"]["person"]]


@pytest.mark.asyncio(loop_scope="session")
async def test_refilled_statement_follows_new_keys(gateway: Gateway, tmp_path: Path) -> None:
    assert await _cities(gateway) == ["Oslo", "Rome", "Oslo"]  # keys OSL, ROM
    with sqlite3.connect(tmp_path / "people.sqlite") as db:
        db.execute("update person set city_code = 'LIM' where id = 1")
        db.execute("update person set city_code = 'KYI' where id = 3")
    assert await _cities(gateway) == ["Lima", "Rome", "Kyiv"]  # three keys: another shape
    with sqlite3.connect(tmp_path / "people.sqlite") as db:
        db.execute("update person set city_code = 'OSL' where id = 2")
    assert await _cities(gateway) == ["Lima", "Oslo", "Kyiv"]  # three keys again: refilled
    templates = gateway.executor.stitcher.templates
    assert sorted(shape[1] for shape in templates) == [2, 3]  # one statement per key count
