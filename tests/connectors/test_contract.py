"""The contract every SQL connector keeps (src/federation/connector.py), one suite run against
SQLite, DuckDB, PostgreSQL and MariaDB/MySQL on the same small schema. What only one engine
does (its own types, options, timeouts, TLS) is tested in its own file.

The schema is written once, in double-quoted SQL with ``?`` placeholders; :meth:`Backend.sql`
turns it into each engine's spelling (backticks, ``$n`` or ``%s``). PostgreSQL and MySQL use the
server fixtures of tests/servers.py: without a server they skip with the reason (fail under CI).
"""

from __future__ import annotations

import itertools
import json
import sqlite3
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest
from federation_connectors.duckdb import DuckDBConnector
from federation_connectors.mysql import MySQLConnector
from federation_connectors.postgres import PostgresConnector
from federation_connectors.sqlite import SQLiteConnector
from servers import mysql_execute, pg_execute

from federation.catalog import ScalarType, SourceCatalog
from federation.config import SourceConfig
from federation.connector import MUTATIONS, Connector, load_connector_class
from federation.errors import SourceError, SourceUnavailable

SCHEMA = [
    """CREATE TABLE "Order" (
        id INTEGER PRIMARY KEY,
        "select" TEXT NOT NULL,
        "Total" DECIMAL(10, 2),
        big BIGINT,
        ratio DOUBLE PRECISION,
        paid BOOLEAN,
        placed {timestamp},
        due DATE,
        note VARCHAR(20)
    ){options}""",
    """CREATE TABLE shelf (
        aisle VARCHAR(20) NOT NULL, slot INTEGER NOT NULL, label TEXT, PRIMARY KEY (aisle, slot)
    ){options}""",
    """CREATE TABLE item (
        id INTEGER PRIMARY KEY, aisle VARCHAR(20), slot INTEGER, order_id INTEGER,
        FOREIGN KEY (order_id) REFERENCES "Order" (id),
        FOREIGN KEY (aisle, slot) REFERENCES shelf (aisle, slot)
    ){options}""",
    """CREATE TABLE "MixedCase" (
        "Id" INTEGER PRIMARY KEY, "select" TEXT, "with space" TEXT, "order" INTEGER
    ){options}""",
    "CREATE TABLE hostile (id INTEGER PRIMARY KEY, value TEXT NOT NULL){options}",
    'CREATE VIEW order_summary AS SELECT id, "select", big FROM "Order"',
    """INSERT INTO "Order" (id, "select", "Total", paid)
        VALUES (1, 'first', 9.99, TRUE), (2, 'second', NULL, FALSE)""",
]

EXPECTED_TYPES = {
    "id": ScalarType.INT,
    "select": ScalarType.STRING,
    "Total": ScalarType.NUMERIC,
    "big": ScalarType.BIGINT,
    "ratio": ScalarType.FLOAT,
    "paid": ScalarType.BOOLEAN,
    "placed": ScalarType.TIMESTAMP,
    "due": ScalarType.DATE,
    "note": ScalarType.STRING,
}

HOSTILE = [
    "it's",
    'say "hi"',
    "back\\slash",
    "\\'",
    '\'; DROP TABLE "Order"; --',
    "'; DROP TABLE x; -- ",
    "100% _wild_ %",
    "%s %(x)s %%",
    "$1 $2",
    "?",
    ":name $1 %s",
    "naïve Zoë Ødegård 日本語 🎉🚀",
    "\u202eright-to-left",
    "line\nbreak\ttab",
    "\t\n\r",
    "x" * 10_000,
    "",
    "nul\x00byte",
    "\x00nul\x1a",
]


@dataclass(frozen=True)
class Backend:
    kind: str
    connector_class: type[Connector]
    placeholder: Callable[[int], str]
    quote: str = '"'
    timestamp: str = "TIMESTAMP"
    table_options: str = ""
    keeps_nul: bool = True
    """Whether text may hold U+0000 (PostgreSQL refuses it)."""
    select_text: str = "SELECT ?"
    json_object: str = "SELECT json_object('v', ?)"
    json_array: str = ""
    """Statement: the JSON array of ``{id, select}`` of "Order" rows with ``id <= ?``."""
    unknown_table: tuple[str, ...] = ()
    syntax_error: tuple[str, ...] = ()
    unreachable_says: tuple[str, ...] = field(default=())

    def sql(self, text: str) -> str:
        """``text`` in this engine's quoting and placeholders (it holds no string literal with
        a ``"`` or ``?`` in it)."""
        counter = itertools.count(1)
        parts = text.replace('"', self.quote).split("?")
        return parts[0] + "".join(self.placeholder(next(counter)) + p for p in parts[1:])


BACKENDS = {
    "sqlite": Backend(
        "sqlite",
        SQLiteConnector,
        lambda _: "?",
        json_array="""SELECT json_group_array(json_object('id', id, 'select', "select"))
                      FROM (SELECT * FROM "Order" WHERE id <= ? ORDER BY id)""",
        unknown_table=("no such table: no_such_table",),
        syntax_error=('near "SELEC": syntax error',),
        unreachable_says=("federation.yaml", "create: true"),
    ),
    "duckdb": Backend(
        "duckdb",
        DuckDBConnector,
        lambda _: "?",
        json_object="SELECT to_json({'v': ?::VARCHAR})",
        json_array="""SELECT to_json(list({'id': id, 'select': "select"} ORDER BY id))
                      FROM "Order" WHERE id <= ?""",
        unknown_table=("no_such_table",),
        syntax_error=('syntax error at or near "SELEC"',),
        unreachable_says=("federation.yaml",),
    ),
    "postgres": Backend(
        "postgres",
        PostgresConnector,
        lambda n: f"${n}",
        keeps_nul=False,
        select_text="SELECT ?::text",
        json_object="SELECT json_build_object('v', ?::text)",
        json_array="""SELECT json_agg(json_build_object('id', id, 'select', "select") ORDER BY id)
                      FROM "Order" WHERE id <= ?""",
        unknown_table=('relation "no_such_table" does not exist',),
        syntax_error=('syntax error at or near "SELEC"', "42601"),
        unreachable_says=("127.0.0.1:1",),
    ),
    "mysql": Backend(
        "mysql",
        MySQLConnector,
        lambda _: "%s",
        quote="`",
        timestamp="DATETIME",
        # binary collation: equality on hostile text is exact, as on the other engines
        table_options=" CHARACTER SET utf8mb4 COLLATE utf8mb4_bin",
        json_object="SELECT JSON_OBJECT('v', ?)",
        json_array="""SELECT JSON_ARRAYAGG(JSON_OBJECT('id', id, 'select', "select"))
                      FROM (SELECT * FROM "Order" WHERE id <= ? ORDER BY id) AS o""",
        unknown_table=("no_such_table",),
        syntax_error=("error in your SQL syntax", "1064"),
        unreachable_says=("127.0.0.1:1",),
    ),
}


def schema_statements(backend: Backend) -> list[str]:
    return [
        backend.sql(s.format(timestamp=backend.timestamp, options=backend.table_options))
        for s in SCHEMA
    ]


def create_database(backend: Backend, request: pytest.FixtureRequest) -> SourceConfig:
    """The contract schema in a fresh database of ``backend``; the source that reads it."""
    statements = schema_statements(backend)
    if backend.kind == "postgres":
        dsn: str = request.getfixturevalue("pg_database")
        pg_execute(dsn, ";\n".join(statements))
        return SourceConfig(name="shop", kind="postgres", dsn=dsn)
    if backend.kind == "mysql":
        dsn = request.getfixturevalue("mysql_database")
        mysql_execute(dsn.rsplit("/", 1)[1], ";\n".join(statements))
        return SourceConfig(name="shop", kind="mysql", dsn=dsn)
    folder: Path = request.getfixturevalue("tmp_path_factory").mktemp(backend.kind)
    path = folder / f"shop.{backend.kind}"
    if backend.kind == "sqlite":
        with sqlite3.connect(path) as conn:
            conn.executescript(";\n".join(statements))
        conn.close()
    else:
        with duckdb.connect(str(path)) as conn:
            for statement in statements:
                conn.execute(statement)
    return SourceConfig(name="shop", kind=backend.kind, path=str(path))


def unreachable(backend: Backend, tmp_path: Path) -> SourceConfig:
    """A source that cannot be opened: a missing file, or a port nothing listens on (with a
    password that must not leak into the message)."""
    if backend.kind in ("sqlite", "duckdb"):
        missing = str(tmp_path / f"nope.{backend.kind}")
        return SourceConfig(name="shop", kind=backend.kind, path=missing)
    scheme = "postgresql" if backend.kind == "postgres" else "mysql"
    dsn = f"{scheme}://someone:s3cret@127.0.0.1:1/test"
    return SourceConfig(name="shop", kind=backend.kind, dsn=dsn, connect_timeout=2)


@pytest.fixture(scope="module", params=list(BACKENDS))
def backend(request: pytest.FixtureRequest) -> Backend:
    return BACKENDS[request.param]


@pytest.fixture(scope="module")
def config(backend: Backend, request: pytest.FixtureRequest) -> SourceConfig:
    return create_database(backend, request)


@pytest.fixture(scope="module")
async def connector(backend: Backend, config: SourceConfig) -> AsyncIterator[Connector]:
    conn = backend.connector_class(config)
    await conn.open()
    yield conn
    await conn.close()


@pytest.fixture(scope="module")
async def catalog(connector: Connector) -> SourceCatalog:
    return await connector.introspect()


def test_registered_as_entry_point_with_its_dialect(backend: Backend) -> None:
    assert load_connector_class(backend.kind) is backend.connector_class
    assert backend.connector_class.dialect == backend.kind
    assert MUTATIONS in backend.connector_class.capabilities.extra


async def test_open_ping_close(backend: Backend, config: SourceConfig) -> None:
    conn = backend.connector_class(config)
    await conn.open()
    try:
        await conn.ping()
        assert conn.statements_executed == 1  # ping is one statement
    finally:
        await conn.close()
    await conn.close()  # closing twice is harmless


async def test_unreachable_source_is_unavailable_and_says_where(
    backend: Backend, tmp_path: Path
) -> None:
    config = unreachable(backend, tmp_path)
    started = time.perf_counter()
    with pytest.raises(SourceUnavailable) as caught:
        await backend.connector_class(config).open()
    assert time.perf_counter() - started < 3
    message = str(caught.value)
    assert all(part in message for part in backend.unreachable_says), message
    assert (config.path or "127.0.0.1:1") in message
    assert "s3cret" not in message
    if config.path is not None:
        assert not Path(config.path).exists()  # never created by accident


# --- introspection ---------------------------------------------------------------------------


async def test_tables_and_views_are_listed(catalog: SourceCatalog) -> None:
    names = {table.name for table in catalog.tables}
    assert names == {"Order", "shelf", "item", "MixedCase", "hostile", "order_summary"}
    assert catalog.table("order_summary").is_view
    assert not catalog.table("Order").is_view
    assert catalog.source == "shop"


async def test_columns_keep_reserved_and_mixed_case_names_and_map_types(
    catalog: SourceCatalog,
) -> None:
    order = catalog.table("Order")
    assert {column.name: column.type for column in order.columns} == EXPECTED_TYPES
    assert [column.name for column in order.columns][:3] == ["id", "select", "Total"]
    assert not order.column("id").nullable and not order.column("select").nullable
    assert order.column("note").nullable and order.column("Total").nullable


async def test_names_that_need_quoting_come_through_unchanged(catalog: SourceCatalog) -> None:
    table = catalog.table("MixedCase")
    assert [column.name for column in table.columns] == ["Id", "select", "with space", "order"]
    assert table.primary_key == ("Id",)


async def test_primary_keys_simple_and_composite(catalog: SourceCatalog) -> None:
    assert catalog.table("Order").primary_key == ("id",)
    assert catalog.table("shelf").primary_key == ("aisle", "slot")


async def test_foreign_keys_simple_and_composite(catalog: SourceCatalog) -> None:
    keys = {(fk.columns, fk.ref_table, fk.ref_columns) for fk in catalog.table("item").foreign_keys}
    assert keys == {
        (("aisle", "slot"), "shelf", ("aisle", "slot")),
        (("order_id",), "Order", ("id",)),
    }


async def test_views_are_read_as_views(catalog: SourceCatalog) -> None:
    view = catalog.table("order_summary")
    assert view.is_view
    assert [column.name for column in view.columns] == ["id", "select", "big"]
    assert view.column("big").type is ScalarType.BIGINT
    assert view.primary_key == ()
    assert view.description is None  # e.g. not MySQL's placeholder comment "VIEW"


# --- statements ------------------------------------------------------------------------------


async def test_fetch_json_returns_the_single_cell_and_counts(
    backend: Backend, connector: Connector
) -> None:
    before = connector.statements_executed
    text = await connector.fetch_json(backend.sql(backend.json_array), [2])
    assert isinstance(text, str)
    assert json.loads(text) == [{"id": 1, "select": "first"}, {"id": 2, "select": "second"}]
    no_row = backend.sql('SELECT "select" FROM "Order" WHERE id = ?')
    assert await connector.fetch_json(no_row, [99]) is None
    assert await connector.fetch_json("SELECT NULL", []) is None
    assert connector.statements_executed == before + 3


async def test_fetch_rows_binds_parameters_of_the_common_types(
    backend: Backend, connector: Connector
) -> None:
    before = connector.statements_executed
    sql = """SELECT id, "select" FROM "Order"
             WHERE id >= ? AND "select" = ? AND "Total" > ? AND paid = ?"""
    rows = await connector.fetch_rows(backend.sql(sql), [1, "first", Decimal("9.5"), True])
    assert rows == [(1, "first")]
    assert await connector.fetch_rows(backend.sql(sql), [1, "first", Decimal("10"), True]) == []
    assert connector.statements_executed == before + 2


@pytest.mark.parametrize(("index", "value"), list(enumerate(HOSTILE)))
async def test_hostile_strings_round_trip_unchanged(
    backend: Backend, connector: Connector, index: int, value: str
) -> None:
    key = 1000 + index
    insert = backend.sql("INSERT INTO hostile (id, value) VALUES (?, ?)")
    if "\x00" in value and not backend.keeps_nul:
        with pytest.raises(SourceError):  # refused, never silently cut short
            await connector.fetch_rows(insert, [key, value])
        return
    assert await connector.fetch_rows(backend.sql(backend.select_text), [value]) == [(value,)]
    text = await connector.fetch_json(backend.sql(backend.json_object), [value])
    assert json.loads(str(text)) == {"v": value}
    count = backend.sql("SELECT count(*) FROM hostile")
    (before,) = await connector.fetch_rows(count, [])
    await connector.fetch_rows(insert, [key, value])
    stored = await connector.fetch_rows(
        backend.sql("SELECT value FROM hostile WHERE id = ?"), [key]
    )
    assert stored == [(value,)]
    found = backend.sql("SELECT id FROM hostile WHERE value = ?")
    assert await connector.fetch_rows(found, [value]) == [(key,)]
    assert await connector.fetch_rows(count, []) == [(before[0] + 1,)]  # nothing dropped


# --- errors ----------------------------------------------------------------------------------


async def test_unknown_table_is_a_source_error_naming_it(
    backend: Backend, connector: Connector
) -> None:
    with pytest.raises(SourceError) as caught:
        await connector.fetch_rows("SELECT * FROM no_such_table", [])
    assert not isinstance(caught.value, SourceUnavailable)
    assert caught.value.source == "shop"
    assert all(part in str(caught.value) for part in backend.unknown_table), str(caught.value)
    assert "Traceback" not in str(caught.value)
    assert await connector.fetch_rows("SELECT 1", []) == [(1,)]  # still usable


async def test_syntax_error_is_a_source_error_with_the_engine_message(
    backend: Backend, connector: Connector
) -> None:
    with pytest.raises(SourceError) as caught:
        await connector.fetch_rows("SELEC 1", [])
    assert not isinstance(caught.value, SourceUnavailable)
    assert caught.value.source == "shop"
    assert all(part in str(caught.value) for part in backend.syntax_error), str(caught.value)
    assert await connector.fetch_rows("SELECT 1", []) == [(1,)]  # the pool is still usable


# --- transactions ----------------------------------------------------------------------------


async def test_transaction_commits_when_the_block_ends(
    backend: Backend, connector: Connector
) -> None:
    insert = backend.sql('INSERT INTO "Order" (id, "select") VALUES (?, ?)')
    read = backend.sql('SELECT "select" FROM "Order" WHERE id = ?')
    before = connector.statements_executed
    async with connector.transaction() as tx:
        assert await tx.execute(insert, [501, "kept"]) == 1
        assert await tx.fetch_rows(read, [501]) == [("kept",)]
    assert connector.statements_executed == before + 2
    assert await connector.fetch_rows(read, [501]) == [("kept",)]


async def test_transaction_rolls_back_when_the_block_raises(
    backend: Backend, connector: Connector
) -> None:
    insert = backend.sql('INSERT INTO "Order" (id, "select") VALUES (?, ?)')
    read = backend.sql('SELECT "select" FROM "Order" WHERE id = ?')
    with pytest.raises(LookupError, match="abandon"):
        async with connector.transaction() as tx:
            await tx.execute(insert, [502, "dropped"])
            raise LookupError("abandon")
    assert await connector.fetch_rows(read, [502]) == []
