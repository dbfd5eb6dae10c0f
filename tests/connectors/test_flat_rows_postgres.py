"""PostgreSQL root fields of columns only come back as plain rows, encoded by the gateway
(``planner/sql/flat_rows.py``, ``execution/row_json.py``): the JSON must equal what
PostgreSQL builds itself, value for value, for every type the rows path takes, and the types
it does not take must keep the database's JSON."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import orjson
import pytest
import pytest_asyncio
from servers import pg_execute

from federation.config import Config, SourceConfig
from federation.gateway import Gateway
from federation.planner.sql import compile_root

SCHEMA = """
CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy');
CREATE TABLE sample (
  id integer PRIMARY KEY, small smallint, big bigint, price numeric(12,4), ratio numeric,
  score double precision, tiny real, name text, code character(4), label varchar(20),
  flag boolean, day date, at_time time, at timestamp, at_tz timestamptz, ref uuid,
  doc jsonb, raw json, blob bytea, feeling mood, tags text[], span interval
);
INSERT INTO sample VALUES
  (1, 7, 9007199254740993, 12.5, 0.00000001, 0.1, 0.1, 'Zoë 名前', 'ab', 'x', true,
   '2024-02-29', '09:39:44.5', '2017-09-21 09:39:44.120', '2017-09-21 09:39:44+02',
   'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', '{"a": [1, 2], "b": null}', '{"z":1, "z":2}',
   '\\xdead00', 'happy', '{x,y}', '1 day 02:00'),
  (2, NULL, -5, 'NaN', 1e20, 'NaN', 'Infinity', '', NULL, NULL, false,
   'infinity', '00:00', 'infinity', '-infinity', NULL, '[]', 'null', '\\x', 'sad', '{}',
   '-3 hours'),
  (3, NULL, NULL, NULL, NULL, '-Infinity', NULL, NULL, NULL, NULL, NULL,
   '0001-01-01', '23:59:59.999999', '2000-01-01 00:00:00.000001', '2020-02-29 23:59:59.5+00',
   NULL, NULL, NULL, NULL, NULL, NULL, NULL);
"""
ROWS_COLUMNS = (
    "id small big price ratio score name code label flag day at_time at at_tz ref doc raw blob"
    " feeling"
)


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def gateway(
    pg_database: str, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[Gateway]:
    pg_execute(pg_database, SCHEMA)
    base: Path = tmp_path_factory.mktemp("flat")
    started = await Gateway.start(
        Config(sources=(SourceConfig(name="pg", kind="postgres", dsn=pg_database),), base_dir=base)
    )
    yield started
    await started.stop()


async def _both(gateway: Gateway, fields: str) -> tuple[object, object, bool]:
    """The gateway's answer, PostgreSQL's own JSON for the same root field, and whether the
    gateway used the rows path."""
    query = f"{{ sample(order_by: {{id: asc}}) {{ {fields} }} }}"
    answer = orjson.loads((await gateway.execute(query)).body)["data"]["sample"]
    compiled = gateway.compiled_plan(
        query, gateway.documents.get(query), _operation(gateway, query), None
    )
    (entry,) = compiled.entries
    connector = gateway.sources.by_name["pg"].connector
    json_statement = compile_root(entry.field, "postgres")  # type: ignore[union-attr]
    text = await connector.fetch_json(json_statement.sql, json_statement.params)
    rows_path = entry.statement is not None and entry.statement.rows is not None  # type: ignore[union-attr]
    return answer, orjson.loads(text or "[]"), rows_path


def _operation(gateway: Gateway, query: str):  # type: ignore[no-untyped-def]
    from federation.execution.operation import select_operation

    return select_operation(gateway.documents.get(query), None)


@pytest.mark.asyncio(loop_scope="session")
async def test_rows_path_equals_the_databases_json(gateway: Gateway) -> None:
    answer, database, rows_path = await _both(gateway, ROWS_COLUMNS + " __typename")
    assert rows_path
    assert answer == database
    assert answer[0]["at"] == "2017-09-21T09:39:44.12" and answer[1]["day"] == "infinity"
    assert answer[0]["ratio"] == "0.00000001" and answer[1]["price"] == "NaN"


@pytest.mark.asyncio(loop_scope="session")
@pytest.mark.parametrize("column", ["tiny", "tags", "span"])
async def test_other_types_keep_the_databases_json(gateway: Gateway, column: str) -> None:
    answer, database, rows_path = await _both(gateway, f"id {column}")
    assert not rows_path
    assert answer == database


@pytest.mark.asyncio(loop_scope="session")
async def test_by_primary_key_and_no_row(gateway: Gateway) -> None:
    body = orjson.loads(
        (
            await gateway.execute(
                "{ a: sample_by_pk(id: 1) { id name } b: sample_by_pk(id: 9) { id } }"
            )
        ).body
    )
    assert body == {"data": {"a": {"id": 1, "name": "Zoë 名前"}, "b": None}}


@pytest.mark.asyncio(loop_scope="session")
async def test_a_busy_executor_sends_the_json_form(
    gateway: Gateway, monkeypatch: pytest.MonkeyPatch
) -> None:
    query = f"{{ sample(order_by: {{id: asc}}) {{ {ROWS_COLUMNS} }} }}"
    connector = gateway.sources.by_name["pg"].connector
    forms: list[str] = []
    for name in ("fetch_rows", "fetch_json"):
        original = getattr(connector, name)

        async def spy(*args: object, _name: str = name, _original: object = original) -> object:
            forms.append(_name)
            return await _original(*args)  # type: ignore[operator]

        monkeypatch.setattr(connector, name, spy)
    idle = orjson.loads((await gateway.execute(query)).body)
    gateway.executor.in_flight += 5  # as if five other requests were being answered
    try:
        busy = orjson.loads((await gateway.execute(query)).body)
    finally:
        gateway.executor.in_flight -= 5
    assert forms == ["fetch_rows", "fetch_json"]
    assert busy == idle


@pytest.mark.asyncio(loop_scope="session")
async def test_explain_shows_both_forms(gateway: Gateway) -> None:
    text = gateway.explain("{ sample(where: {id: {_gt: 1}}) { id name } }")
    rows, json_form = text.split("-- the same as JSON built by the database", 1)
    assert "plain rows" in rows and "JSON_BUILD_OBJECT" not in rows
    assert "JSON_BUILD_OBJECT" in json_form.upper()
