"""The duckdb connector against real database files made here."""

from __future__ import annotations

import asyncio
import datetime as dt
import uuid
from collections.abc import AsyncIterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb
import pytest
from federation_connectors.duckdb import DuckDBConnector
from federation_connectors.duckdb.types import scalar_type

from federation.catalog import ForeignKey, ScalarType, SourceCatalog
from federation.config import SourceConfig
from federation.errors import SourceError, SourceUnavailable

SCHEMA = """
CREATE TABLE "Order" (
    id INTEGER PRIMARY KEY,
    "select" VARCHAR NOT NULL,
    "Total" DECIMAL(18, 4),
    placed TIMESTAMP,
    placed_tz TIMESTAMPTZ,
    paid BOOLEAN,
    meta JSON,
    token UUID,
    huge HUGEINT,
    ubig UBIGINT,
    ratio DOUBLE,
    raw BLOB,
    due DATE,
    "at" TIME,
    tags VARCHAR[],
    point STRUCT(x INTEGER, y INTEGER),
    attrs MAP(VARCHAR, INTEGER)
);
CREATE TABLE shelf (aisle VARCHAR, slot INTEGER, label VARCHAR, PRIMARY KEY (aisle, slot));
CREATE TABLE item (
    id BIGINT PRIMARY KEY,
    aisle VARCHAR,
    slot INTEGER,
    order_id INTEGER REFERENCES "Order" (id),
    FOREIGN KEY (aisle, slot) REFERENCES shelf (aisle, slot)
);
CREATE SCHEMA sales;
CREATE TABLE sales.region (code VARCHAR PRIMARY KEY, name VARCHAR NOT NULL);
CREATE TABLE sales.rep (id INTEGER PRIMARY KEY, region_code VARCHAR REFERENCES sales.region (code));
CREATE VIEW order_summary AS SELECT id, "select", count(*) AS n FROM "Order" GROUP BY ALL;
COMMENT ON TABLE shelf IS 'Where items live.';
COMMENT ON COLUMN shelf.label IS 'Printed on the shelf.';
INSERT INTO "Order" (id, "select", "Total", paid)
    VALUES (1, 'first', 9.99, true), (2, 'second', NULL, false);
"""


@pytest.fixture
def db_file(tmp_path: Path) -> Path:
    path = tmp_path / "shop.duckdb"
    conn = duckdb.connect(str(path))
    conn.execute(SCHEMA)
    conn.close()
    return path


def source(path: Path | str, **kw: Any) -> SourceConfig:
    return SourceConfig(name="shop", kind="duckdb", path=str(path), **kw)


@pytest.fixture
async def connector(db_file: Path) -> AsyncIterator[DuckDBConnector]:
    conn = DuckDBConnector(source(db_file, pool_size=3))
    await conn.open()
    yield conn
    await conn.close()


@pytest.fixture
async def catalog(connector: DuckDBConnector) -> SourceCatalog:
    return await connector.introspect()


def test_statistics_are_pushed_down() -> None:
    assert DuckDBConnector.capabilities.accepts("stddev")


# --- introspection -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data_type", "expected"),
    [
        ("INTEGER", ScalarType.INT),
        ("SMALLINT", ScalarType.INT),
        ("UINTEGER", ScalarType.BIGINT),
        ("BIGINT", ScalarType.BIGINT),
        ("HUGEINT", ScalarType.BIGINT),
        ("UBIGINT", ScalarType.BIGINT),
        ("DOUBLE", ScalarType.FLOAT),
        ("DECIMAL(18,4)", ScalarType.NUMERIC),
        ("TIMESTAMP", ScalarType.TIMESTAMP),
        ("TIMESTAMP_NS", ScalarType.TIMESTAMP),
        ("TIMESTAMP WITH TIME ZONE", ScalarType.TIMESTAMPTZ),
        ("DATE", ScalarType.DATE),
        ("TIME", ScalarType.TIME),
        ("JSON", ScalarType.JSON),
        ("UUID", ScalarType.UUID),
        ("BLOB", ScalarType.BYTES),
        ("VARCHAR[]", ScalarType.JSON),
        ("INTEGER[3]", ScalarType.JSON),
        ("STRUCT(x INTEGER, y INTEGER)", ScalarType.JSON),
        ("MAP(VARCHAR, INTEGER)", ScalarType.JSON),
        ("ENUM('a', 'b')", ScalarType.STRING),
        ("VARCHAR", ScalarType.STRING),
        ("INTERVAL", ScalarType.STRING),
    ],
)
def test_type_mapping(data_type: str, expected: ScalarType) -> None:
    assert scalar_type(data_type) is expected


async def test_tables_views_and_schemas_are_listed(catalog: SourceCatalog) -> None:
    names = {(table.schema, table.name) for table in catalog.tables}
    assert names == {
        (None, "Order"),
        (None, "shelf"),
        (None, "item"),
        (None, "order_summary"),
        ("sales", "region"),
        ("sales", "rep"),
    }
    assert catalog.table("order_summary").is_view
    assert not catalog.table("Order").is_view


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
        "placed_tz": ScalarType.TIMESTAMPTZ,
        "paid": ScalarType.BOOLEAN,
        "meta": ScalarType.JSON,
        "token": ScalarType.UUID,
        "huge": ScalarType.BIGINT,
        "ubig": ScalarType.BIGINT,
        "ratio": ScalarType.FLOAT,
        "raw": ScalarType.BYTES,
        "due": ScalarType.DATE,
        "at": ScalarType.TIME,
        "tags": ScalarType.JSON,
        "point": ScalarType.JSON,
        "attrs": ScalarType.JSON,
    }
    assert not order.column("id").nullable and not order.column("select").nullable
    assert order.column("Total").nullable
    assert order.column("Total").source_type == "DECIMAL(18,4)"


async def test_keys_simple_and_composite(catalog: SourceCatalog) -> None:
    assert catalog.table("Order").primary_key == ("id",)
    assert catalog.table("shelf").primary_key == ("aisle", "slot")
    assert catalog.table("order_summary").primary_key == ()
    assert set(catalog.table("item").foreign_keys) == {
        ForeignKey(
            columns=("aisle", "slot"),
            ref_table="shelf",
            ref_columns=("aisle", "slot"),
            name="item_aisle_slot_aisle_slot_fkey",
        ),
        ForeignKey(
            columns=("order_id",),
            ref_table="Order",
            ref_columns=("id",),
            name="item_order_id_id_fkey",
        ),
    }


async def test_other_schemas_keep_their_name(catalog: SourceCatalog) -> None:
    rep = catalog.table("rep", schema="sales")
    assert rep.qualified_name == "sales.rep"
    (key,) = rep.foreign_keys
    assert (key.ref_schema, key.ref_table, key.ref_columns) == ("sales", "region", ("code",))


async def test_comments_become_descriptions(catalog: SourceCatalog) -> None:
    shelf = catalog.table("shelf")
    assert shelf.description == "Where items live."
    assert shelf.column("label").description == "Printed on the shelf."
    assert shelf.column("aisle").description is None


async def test_include_and_exclude(db_file: Path) -> None:
    conn = DuckDBConnector(source(db_file, include=("item", "main.Order", "sales.rep")))
    await conn.open()
    try:
        catalog = await conn.introspect()
    finally:
        await conn.close()
    assert {t.name for t in catalog.tables} == {"item", "Order", "rep"}
    assert [fk.ref_table for fk in catalog.table("item").foreign_keys] == ["Order"]
    assert catalog.table("rep").foreign_keys == ()  # sales.region was left out

    conn = DuckDBConnector(source(db_file, exclude=("sales.region", "order_summary")))
    await conn.open()
    try:
        catalog = await conn.introspect()
    finally:
        await conn.close()
    assert {t.name for t in catalog.tables} == {"Order", "shelf", "item", "rep"}


async def test_schemas_option_limits_introspection(db_file: Path) -> None:
    conn = DuckDBConnector(source(db_file, schemas=("sales",)))
    await conn.open()
    try:
        catalog = await conn.introspect()
    finally:
        await conn.close()
    assert {t.qualified_name for t in catalog.tables} == {"sales.region", "sales.rep"}


# --- statements ----------------------------------------------------------------------------


async def test_parameters_are_bound_with_their_types(connector: DuckDBConnector) -> None:
    token = uuid.UUID("12345678-1234-5678-1234-567812345678")
    sql = """INSERT INTO "Order" (id, "select", "Total", placed, meta, token, due)
             VALUES (?, ?, ?, ?, ?, ?, ?)"""
    params = [
        7,
        "seventh",
        Decimal("12.3456"),
        dt.datetime(2024, 5, 6, 7, 8, 9),
        {"k": [1, "two"]},
        token,
        dt.date(2024, 5, 6),
    ]
    await connector.fetch_rows(sql, params)
    rows = await connector.fetch_rows(
        """SELECT "Total", placed, meta->>'$.k[1]', token, due FROM "Order"
           WHERE token = ? AND placed >= ? AND "Total" > ?""",
        [token, dt.datetime(2024, 5, 6), Decimal("12")],
    )
    assert rows == [
        (Decimal("12.3456"), dt.datetime(2024, 5, 6, 7, 8, 9), "two", token, dt.date(2024, 5, 6))
    ]


async def test_statement_timeout_interrupts_a_long_query(db_file: Path) -> None:
    conn = DuckDBConnector(source(db_file, statement_timeout=0.2, pool_size=1))
    await conn.open()
    endless = "SELECT sum(hash(a.range + b.range)) FROM range(1000000) a, range(1000000) b"
    try:
        with pytest.raises(SourceError, match="statement_timeout"):
            await conn.fetch_rows(endless, [])
        assert await conn.fetch_rows("SELECT 1", []) == [(1,)]  # the cursor is usable again
    finally:
        await conn.close()


async def test_concurrent_statements_use_their_own_cursors(connector: DuckDBConnector) -> None:
    results = await asyncio.gather(*(connector.fetch_rows("SELECT ? * 2", [n]) for n in range(20)))
    assert [r[0][0] for r in results] == [n * 2 for n in range(20)]


async def test_read_only_source_refuses_writes(db_file: Path) -> None:
    conn = DuckDBConnector(source(db_file, read_only=True))
    await conn.open()
    try:
        with pytest.raises(SourceError, match="read-only"):
            await conn.fetch_rows('DELETE FROM "Order"', [])
        assert await conn.fetch_rows('SELECT count(*) FROM "Order"', []) == [(2,)]
    finally:
        await conn.close()


# --- opening -------------------------------------------------------------------------------


async def test_dsn_form_is_accepted(db_file: Path) -> None:
    conn = DuckDBConnector(SourceConfig(name="shop", kind="duckdb", dsn=f"duckdb:///{db_file}"))
    await conn.open()
    try:
        assert await conn.fetch_rows('SELECT count(*) FROM "Order"', []) == [(2,)]
    finally:
        await conn.close()


async def test_a_file_that_is_no_database_is_unavailable(tmp_path: Path) -> None:
    path = tmp_path / "notes.duckdb"
    path.write_text("just some text, certainly not a database " * 100)
    with pytest.raises(SourceUnavailable, match="cannot open"):
        await DuckDBConnector(source(path)).open()


async def test_memory_database() -> None:
    conn = DuckDBConnector(SourceConfig(name="mem", kind="duckdb", path=":memory:"))
    await conn.open()
    try:
        await conn.fetch_rows("CREATE TABLE t (x INTEGER PRIMARY KEY)", [])
        counts = await asyncio.gather(
            *(conn.fetch_rows("SELECT count(*) FROM t", []) for _ in range(8))
        )
        assert all(count == [(0,)] for count in counts)
        assert [t.name for t in (await conn.introspect()).tables] == ["t"]
    finally:
        await conn.close()
