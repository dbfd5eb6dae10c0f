"""The sqlite connector against real database files made here."""

from __future__ import annotations

import asyncio
import datetime as dt
import sqlite3
import uuid
from collections.abc import AsyncIterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from federation_connectors.sqlite import SQLiteConnector
from federation_connectors.sqlite.types import infer_type, scalar_type

from federation.catalog import ForeignKey, ScalarType, SourceCatalog
from federation.config import SourceConfig
from federation.errors import SourceError, SourceUnavailable

SCHEMA = """
CREATE TABLE "Order" (
    id INTEGER PRIMARY KEY,
    "select" TEXT NOT NULL,
    "Total" DECIMAL(10, 2),
    placed DATETIME,
    paid BOOLEAN,
    meta JSON,
    token UUID,
    big BIGINT,
    ratio REAL,
    raw BLOB,
    due DATE,
    at TIME,
    note VARCHAR(20)
);
CREATE TABLE shelf (aisle TEXT, slot INTEGER, label TEXT NOT NULL, PRIMARY KEY (aisle, slot));
CREATE TABLE item (
    id INTEGER PRIMARY KEY,
    aisle TEXT,
    slot INTEGER,
    order_id INTEGER REFERENCES "order" (ID),
    FOREIGN KEY (aisle, slot) REFERENCES shelf
);
CREATE TABLE tag (name TEXT PRIMARY KEY, weight INT) WITHOUT ROWID;
CREATE TABLE loose (a, b, c);
CREATE VIEW order_summary AS SELECT id, "select", count(*) AS n FROM "Order" GROUP BY id;
INSERT INTO "Order" (id, "select", "Total", paid)
    VALUES (1, 'first', 9.99, 1), (2, 'second', NULL, 0);
INSERT INTO loose VALUES (1, 'x', NULL), (5000000000, 'y', NULL);
"""


@pytest.fixture
def db_file(tmp_path: Path) -> Path:
    path = tmp_path / "shop.sqlite"
    conn = sqlite3.connect(path)
    conn.executescript(SCHEMA)
    conn.close()
    return path


def source(path: Path | str, **kw: Any) -> SourceConfig:
    return SourceConfig(name="shop", kind="sqlite", path=str(path), **kw)


@pytest.fixture
async def connector(db_file: Path) -> AsyncIterator[SQLiteConnector]:
    conn = SQLiteConnector(source(db_file, pool_size=3))
    await conn.open()
    yield conn
    await conn.close()


@pytest.fixture
async def catalog(connector: SQLiteConnector) -> SourceCatalog:
    return await connector.introspect()


@pytest.mark.parametrize(
    ("declared", "expected"),
    [
        ("INTEGER", ScalarType.INT),
        ("int", ScalarType.INT),
        ("SMALLINT", ScalarType.INT),
        ("BIGINT", ScalarType.BIGINT),
        ("int8", ScalarType.BIGINT),
        ("REAL", ScalarType.FLOAT),
        ("DOUBLE PRECISION", ScalarType.FLOAT),
        ("FLOAT", ScalarType.FLOAT),
        ("NUMERIC", ScalarType.NUMERIC),
        ("decimal(10, 2)", ScalarType.NUMERIC),
        ("BOOLEAN", ScalarType.BOOLEAN),
        ("bool", ScalarType.BOOLEAN),
        ("DATE", ScalarType.DATE),
        ("DATETIME", ScalarType.TIMESTAMP),
        ("TIMESTAMP", ScalarType.TIMESTAMP),
        ("TIME", ScalarType.TIME),
        ("JSON", ScalarType.JSON),
        ("BLOB", ScalarType.BYTES),
        ("UUID", ScalarType.UUID),
        ("NVARCHAR(40)", ScalarType.STRING),
        ("TEXT", ScalarType.STRING),
        ("MONEY", ScalarType.STRING),
        ("", None),
    ],
)
def test_declared_type_mapping(declared: str, expected: ScalarType | None) -> None:
    assert scalar_type(declared) is expected


def test_untyped_columns_take_the_type_of_their_data() -> None:
    assert infer_type([("integer", 1), ("null", None)]) is ScalarType.INT
    assert infer_type([("integer", 1), ("integer", 2**40)]) is ScalarType.BIGINT
    assert infer_type([("null", None), ("real", 1.5)]) is ScalarType.FLOAT
    assert infer_type([("text", "a")]) is ScalarType.STRING
    assert infer_type([]) is ScalarType.STRING


async def test_tables_and_views_are_listed_without_internals(catalog: SourceCatalog) -> None:
    names = {table.name for table in catalog.tables}
    assert names == {"Order", "shelf", "item", "tag", "loose", "order_summary"}
    assert catalog.table("order_summary").is_view
    assert not catalog.table("Order").is_view
    assert catalog.source == "shop"


async def test_columns_keep_reserved_and_mixed_case_names_and_map_types(
    catalog: SourceCatalog,
) -> None:
    order = catalog.table("Order")
    types = {column.name: column.type for column in order.columns}
    assert types == {
        "id": ScalarType.INT,
        "select": ScalarType.STRING,
        "Total": ScalarType.NUMERIC,
        "placed": ScalarType.TIMESTAMP,
        "paid": ScalarType.BOOLEAN,
        "meta": ScalarType.JSON,
        "token": ScalarType.UUID,
        "big": ScalarType.BIGINT,
        "ratio": ScalarType.FLOAT,
        "raw": ScalarType.BYTES,
        "due": ScalarType.DATE,
        "at": ScalarType.TIME,
        "note": ScalarType.STRING,
    }
    assert order.column("Total").source_type == "DECIMAL(10, 2)"
    assert [c.name for c in order.columns][:3] == ["id", "select", "Total"]


async def test_nullability_is_honest_about_sqlite_primary_keys(catalog: SourceCatalog) -> None:
    order, shelf, tag = catalog.table("Order"), catalog.table("shelf"), catalog.table("tag")
    assert not order.column("id").nullable  # INTEGER PRIMARY KEY aliases the rowid
    assert not order.column("select").nullable
    assert order.column("note").nullable
    # a rowid table's other primary-key columns may hold NULL unless declared NOT NULL
    assert shelf.column("aisle").nullable and shelf.column("slot").nullable
    assert not shelf.column("label").nullable
    assert not tag.column("name").nullable  # WITHOUT ROWID enforces NOT NULL


async def test_primary_keys_simple_and_composite(catalog: SourceCatalog) -> None:
    assert catalog.table("Order").primary_key == ("id",)
    assert catalog.table("shelf").primary_key == ("aisle", "slot")
    assert catalog.table("tag").primary_key == ("name",)
    assert catalog.table("loose").primary_key == ()
    assert catalog.table("order_summary").primary_key == ()


async def test_foreign_keys_resolve_case_and_implicit_columns(catalog: SourceCatalog) -> None:
    keys = set(catalog.table("item").foreign_keys)
    assert keys == {
        ForeignKey(columns=("aisle", "slot"), ref_table="shelf", ref_columns=("aisle", "slot")),
        ForeignKey(columns=("order_id",), ref_table="Order", ref_columns=("id",)),
    }


async def test_untyped_view_and_table_columns_are_inferred(catalog: SourceCatalog) -> None:
    summary = catalog.table("order_summary")
    assert summary.column("id").type is ScalarType.INT
    assert summary.column("n").type is ScalarType.INT
    loose = catalog.table("loose")
    assert loose.column("a").type is ScalarType.BIGINT  # holds 5000000000
    assert loose.column("b").type is ScalarType.STRING
    assert loose.column("c").type is ScalarType.STRING  # all NULL


async def test_include_keeps_only_listed_tables_and_drops_dangling_keys(db_file: Path) -> None:
    conn = SQLiteConnector(source(db_file, include=("item", "main.Order")))
    await conn.open()
    try:
        catalog = await conn.introspect()
    finally:
        await conn.close()
    assert {t.name for t in catalog.tables} == {"item", "Order"}
    assert [fk.ref_table for fk in catalog.table("item").foreign_keys] == ["Order"]


async def test_exclude_removes_tables(db_file: Path) -> None:
    conn = SQLiteConnector(source(db_file, exclude=("loose", "order_summary")))
    await conn.open()
    try:
        catalog = await conn.introspect()
    finally:
        await conn.close()
    assert {t.name for t in catalog.tables} == {"Order", "shelf", "item", "tag"}


# --- statements ----------------------------------------------------------------------------


async def test_parameters_the_driver_cannot_bind_are_adapted(connector: SQLiteConnector) -> None:
    token = uuid.UUID("12345678-1234-5678-1234-567812345678")
    params = [
        7,
        "seventh",
        Decimal("12.34"),
        dt.datetime(2024, 5, 6, 7, 8, 9),
        {"k": [1, "two"]},
        token,
        dt.date(2024, 5, 6),
        dt.time(7, 8, 9),
    ]
    sql = """INSERT INTO "Order" (id, "select", "Total", placed, meta, token, due, at)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?)"""
    await connector.fetch_rows(sql, params)
    row = await connector.fetch_rows(
        """SELECT "Total", placed, json_extract(meta, '$.k[1]'), token, due, at
           FROM "Order" WHERE id = 7""",
        [],
    )
    assert row == [(12.34, "2024-05-06 07:08:09", "two", str(token), "2024-05-06", "07:08:09")]
    found = await connector.fetch_rows(
        'SELECT id FROM "Order" WHERE placed >= ? AND token = ? AND "Total" > ?',
        [dt.datetime(2024, 5, 6), token, Decimal("12")],
    )
    assert found == [(7,)]


async def test_like_is_case_sensitive_like_postgres(connector: SQLiteConnector) -> None:
    rows = await connector.fetch_rows('SELECT id FROM "Order" WHERE "select" LIKE ?', ["FIRST"])
    assert rows == []
    rows = await connector.fetch_rows(
        'SELECT id FROM "Order" WHERE lower("select") LIKE lower(?)', ["FIRST"]
    )
    assert rows == [(1,)]


async def test_foreign_keys_are_enforced_on_writes(connector: SQLiteConnector) -> None:
    with pytest.raises(SourceError, match="FOREIGN KEY constraint failed"):
        await connector.fetch_rows("INSERT INTO item (id, order_id) VALUES (1, 999)", [])


async def test_statement_timeout_interrupts_a_long_statement(db_file: Path) -> None:
    conn = SQLiteConnector(source(db_file, statement_timeout=0.2))
    await conn.open()
    endless = "WITH RECURSIVE r(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM r) SELECT max(i) FROM r"
    try:
        with pytest.raises(SourceError, match="statement_timeout"):
            await conn.fetch_rows(endless, [])
        assert await conn.fetch_rows("SELECT 1", []) == [(1,)]  # the worker is usable again
    finally:
        await conn.close()


async def test_statements_do_not_block_the_event_loop(connector: SQLiteConnector) -> None:
    ticks = 0

    async def ticker() -> None:
        nonlocal ticks
        while True:
            ticks += 1
            await asyncio.sleep(0.005)

    task = asyncio.create_task(ticker())
    slow = """WITH RECURSIVE r(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM r LIMIT 2000000)
              SELECT max(i) FROM r"""
    assert await connector.fetch_rows(slow, []) == [(2000000,)]
    task.cancel()
    assert ticks > 3


async def test_concurrent_statements_share_a_bounded_pool(connector: SQLiteConnector) -> None:
    results = await asyncio.gather(*(connector.fetch_rows("SELECT ? * 2", [n]) for n in range(20)))
    assert [r[0][0] for r in results] == [n * 2 for n in range(20)]


async def test_read_only_source_refuses_writes(db_file: Path) -> None:
    conn = SQLiteConnector(source(db_file, read_only=True))
    await conn.open()
    try:
        with pytest.raises(SourceError, match="readonly"):
            await conn.fetch_rows('DELETE FROM "Order"', [])
        assert await conn.fetch_rows('SELECT count(*) FROM "Order"', []) == [(2,)]
    finally:
        await conn.close()


# --- opening -------------------------------------------------------------------------------


async def test_dsn_form_is_accepted(db_file: Path) -> None:
    conn = SQLiteConnector(SourceConfig(name="shop", kind="sqlite", dsn=f"sqlite:///{db_file}"))
    await conn.open()
    try:
        assert await conn.fetch_rows('SELECT count(*) FROM "Order"', []) == [(2,)]
    finally:
        await conn.close()


async def test_create_option_starts_an_empty_database(tmp_path: Path) -> None:
    path = tmp_path / "new.sqlite"
    conn = SQLiteConnector(source(path, options={"create": True}))
    await conn.open()
    try:
        assert (await conn.introspect()).tables == ()
    finally:
        await conn.close()
    assert path.is_file()


async def test_a_file_that_is_no_database_is_unavailable(tmp_path: Path) -> None:
    path = tmp_path / "notes.sqlite"
    path.write_text("just some text, certainly not a database " * 100)
    with pytest.raises(SourceUnavailable, match="not a database"):
        await SQLiteConnector(source(path)).open()


async def test_memory_database_is_shared_by_all_workers() -> None:
    conn = SQLiteConnector(SourceConfig(name="mem", kind="sqlite", path=":memory:", pool_size=4))
    await conn.open()
    try:
        await conn.fetch_rows("CREATE TABLE t (x INTEGER)", [])
        await conn.fetch_rows("INSERT INTO t VALUES (1)", [])
        counts = await asyncio.gather(
            *(conn.fetch_rows("SELECT count(*) FROM t", []) for _ in range(12))
        )
        assert all(count == [(1,)] for count in counts)
        await conn.ping()
    finally:
        await conn.close()
