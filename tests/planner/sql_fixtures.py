"""A small schema, its data, plan builders and real engines for the SQL compiler's tests.

Three levels: ``authors`` -> ``articles`` -> ``Comments`` (mixed case), with reserved-word and
spaced column names and every scalar type. Engines load the same rows into SQLite, DuckDB,
PostgreSQL and MariaDB and run a compiled statement, returning the parsed JSON.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import sqlite3
import threading
import uuid
from collections.abc import Coroutine, Iterator, Sequence
from decimal import Decimal
from typing import Any, TypeVar

import pytest

from federation.catalog import Column, ScalarType, Table
from federation.planner.plan import (
    AggregateSelect,
    ColumnField,
    Field,
    GroupSelect,
    OrderItem,
    Relationship,
    RootField,
    Select,
    TableRef,
)
from federation.planner.sql import CompiledStatement, compile_root

T = TypeVar("T")
S = ScalarType


def _table(name: str, *columns: tuple[str, ScalarType]) -> Table:
    cols = tuple(Column(n, t, nullable=n != "id") for n, t in columns)
    return Table(name=name, columns=cols, primary_key=("id",))


AUTHORS = _table(
    "authors",
    ("id", S.INT),
    ("name", S.STRING),
    ("full name", S.STRING),
    ("active", S.BOOLEAN),
    ("score", S.FLOAT),
    ("big", S.BIGINT),
    ("balance", S.NUMERIC),
    ("meta", S.JSON),
    ("avatar", S.BYTES),
    ("born", S.DATE),
    ("created", S.TIMESTAMP),
    ("Order", S.INT),
)
ARTICLES = _table(
    "articles",
    ("id", S.INT),
    ("author_id", S.INT),
    ("title", S.STRING),
    ("order", S.INT),
    ("rating", S.INT),
    ("published", S.BOOLEAN),
)
COMMENTS = _table(
    "Comments",
    ("id", S.INT),
    ("article_id", S.INT),
    ("body", S.STRING),
    ("user", S.STRING),
)
TABLES = (AUTHORS, ARTICLES, COMMENTS)
REF = {t.name: TableRef("db", t) for t in TABLES}

ARTICLES_OF_AUTHOR = Relationship("articles", "array", REF["articles"], (("id", "author_id"),))
AUTHOR_OF_ARTICLE = Relationship("author", "object", REF["authors"], (("author_id", "id"),))
COMMENTS_OF_ARTICLE = Relationship("comments", "array", REF["Comments"], (("id", "article_id"),))
ARTICLE_OF_COMMENT = Relationship("article", "object", REF["articles"], (("article_id", "id"),))

HOSTILE = "O'Brien\"; DROP TABLE authors; --"
UNICODE = "Zoë 100% $1 ? 名前"

ROWS: dict[str, list[tuple[Any, ...]]] = {
    "authors": [
        (
            1,
            "Ada",
            "Ada Lovelace",
            True,
            4.5,
            9007199254740993,
            Decimal("12.5"),
            {"z": 1, "a": [1, 2]},
            b"\xde\xad",
            dt.date(1815, 12, 10),
            dt.datetime(2017, 9, 21, 9, 39, 44),
            3,
        ),
        (2, HOSTILE, None, False, None, None, None, None, None, None, None, 1),
        (
            3,
            UNICODE,
            "Zoë",
            None,
            2.0,
            -5,
            Decimal("0.25"),
            [1, "x"],
            b"",
            dt.date(2000, 1, 1),
            dt.datetime(2020, 2, 29, 23, 59, 59),
            None,
        ),
    ],
    "articles": [
        (10, 1, "Intro", 2, 5, True),
        (11, 1, "Notes", 1, None, False),
        (12, 1, "Zeta", 3, 3, True),
        (13, 2, "Solo", 1, 4, True),
    ],
    "Comments": [
        (100, 10, "first", "bob"),
        (101, 10, "second", "amy"),
        (102, 12, "third", "bob"),
        (103, 13, "%literal%", None),
    ],
}

# --- plan builders ----------------------------------------------------------------------------


def c(table: Table, name: str, key: str | None = None) -> ColumnField:
    return ColumnField(key or name, table.column(name))


def cols(table: Table, *names: str) -> tuple[ColumnField, ...]:
    return tuple(c(table, n) for n in names)


def select(table: Table, *fields: Field, **args: Any) -> Select:
    return Select(table=REF[table.name], fields=fields, **args)


def asc(table: Table, name: str, **args: Any) -> OrderItem:
    from federation.planner.plan import ColumnRef

    return OrderItem(ColumnRef(table.column(name)), **args)


def desc(table: Table, name: str, **args: Any) -> OrderItem:
    return asc(table, name, descending=True, **args)


def many(query: Select, key: str = "rows") -> RootField:
    return RootField(key=key, kind="many", source="db", query=query, nullable=False)


def one(query: Select, key: str = "row") -> RootField:
    return RootField(key=key, kind="one", source="db", query=query, nullable=True)


def aggregate(query: AggregateSelect, key: str = "agg") -> RootField:
    return RootField(key=key, kind="aggregate", source="db", query=query, nullable=False)


def groups(query: GroupSelect, key: str = "groups") -> RootField:
    return RootField(key=key, kind="groups", source="db", query=query, nullable=False)


# --- engines ----------------------------------------------------------------------------------

_DDL_TYPES: dict[str, dict[ScalarType, str]] = {
    "sqlite": {
        S.INT: "INTEGER",
        S.BIGINT: "INTEGER",
        S.FLOAT: "REAL",
        S.NUMERIC: "NUMERIC",
        S.STRING: "TEXT",
        S.BOOLEAN: "BOOLEAN",
        S.JSON: "TEXT",
        S.BYTES: "BLOB",
        S.DATE: "TEXT",
        S.TIMESTAMP: "TEXT",
        S.TIMESTAMPTZ: "TEXT",
        S.TIME: "TEXT",
        S.UUID: "TEXT",
    },
    "duckdb": {
        S.INT: "INTEGER",
        S.BIGINT: "BIGINT",
        S.FLOAT: "DOUBLE",
        S.NUMERIC: "DECIMAL(18,4)",
        S.STRING: "VARCHAR",
        S.BOOLEAN: "BOOLEAN",
        S.JSON: "JSON",
        S.BYTES: "BLOB",
        S.DATE: "DATE",
        S.TIMESTAMP: "TIMESTAMP",
        S.TIMESTAMPTZ: "TIMESTAMPTZ",
        S.TIME: "TIME",
        S.UUID: "UUID",
    },
    "postgres": {
        S.INT: "integer",
        S.BIGINT: "bigint",
        S.FLOAT: "double precision",
        S.NUMERIC: "numeric",
        S.STRING: "text",
        S.BOOLEAN: "boolean",
        S.JSON: "jsonb",
        S.BYTES: "bytea",
        S.DATE: "date",
        S.TIMESTAMP: "timestamp",
        S.TIMESTAMPTZ: "timestamptz",
        S.TIME: "time",
        S.UUID: "uuid",
    },
    "mysql": {
        S.INT: "INT",
        S.BIGINT: "BIGINT",
        S.FLOAT: "DOUBLE",
        S.NUMERIC: "DECIMAL(18,4)",
        S.STRING: "TEXT",
        S.BOOLEAN: "BOOLEAN",
        S.JSON: "JSON",
        S.BYTES: "BLOB",
        S.DATE: "DATE",
        S.TIMESTAMP: "DATETIME",
        S.TIMESTAMPTZ: "TIMESTAMP",
        S.TIME: "TIME",
        S.UUID: "CHAR(36)",
    },
}


def ddl(dialect: str, table: Table) -> str:
    q = "`" if dialect == "mysql" else '"'
    columns = ", ".join(f"{q}{c.name}{q} {_DDL_TYPES[dialect][c.type]}" for c in table.columns)
    return f"CREATE TABLE {q}{table.name}{q} ({columns}, PRIMARY KEY ({q}id{q}))"


def insert_sql(dialect: str, table: Table) -> str:
    q = "`" if dialect == "mysql" else '"'
    names = ", ".join(f"{q}{c.name}{q}" for c in table.columns)
    if dialect == "mysql":
        names = names.replace("%", "%%")  # the statement is %-formatted by the driver
    n = len(table.columns)
    marks = {
        "postgres": ", ".join(f"${i}" for i in range(1, n + 1)),
        "mysql": ", ".join(["%s"] * n),
    }.get(dialect, ", ".join(["?"] * n))
    name = table.name.replace("%", "%%") if dialect == "mysql" else table.name
    return f"INSERT INTO {q}{name}{q} ({names}) VALUES ({marks})"


def adapt(dialect: str, value: Any, type_: ScalarType) -> Any:
    """A Python value as each driver wants it bound."""
    if value is None:
        return None
    if type_ is S.JSON:
        return json.dumps(value)
    if dialect == "sqlite":
        if isinstance(value, dt.datetime):
            return value.isoformat(sep=" ")
        if isinstance(value, dt.date | dt.time | uuid.UUID):
            return str(value)
        if isinstance(value, Decimal):
            return float(value)
    if dialect == "mysql" and isinstance(value, uuid.UUID):
        return str(value)
    if dialect == "mysql" and isinstance(value, dt.datetime) and value.tzinfo:
        return value.astimezone(dt.UTC).replace(tzinfo=None)  # the session is in UTC
    return value


class Engine:
    """A loaded database of one dialect that runs compiled statements."""

    dialect: str

    def load(self, tables: Sequence[Table], rows: dict[str, list[tuple[Any, ...]]]) -> None:
        for table in tables:
            self.execute(ddl(self.dialect, table))
            sql = insert_sql(self.dialect, table)
            for row in rows.get(table.name, []):
                values = [
                    adapt(self.dialect, v, col.type)
                    for v, col in zip(row, table.columns, strict=True)
                ]
                self.execute(sql, tuple(values))

    def execute(self, sql: str, params: tuple[Any, ...] = ()) -> None:
        raise NotImplementedError

    def fetch(self, sql: str, params: tuple[Any, ...]) -> list[tuple[Any, ...]]:
        raise NotImplementedError

    def run(self, root: RootField) -> Any:
        """Compile ``root`` for this engine, run it, and return the parsed JSON value."""
        return self.run_compiled(compile_root(root, self.dialect))

    def run_compiled(self, compiled: CompiledStatement) -> Any:
        rows = self.fetch(compiled.sql, compiled.params)
        assert len(rows) == 1 and len(rows[0]) == 1, f"expected one row, one column: {rows}"
        value = rows[0][0]
        return None if value is None else json.loads(value)

    def close(self) -> None:
        pass


class SQLiteEngine(Engine):
    """Set up as the SQLite connector sets up each connection (case-sensitive LIKE, Unicode
    ``lower``), since the statements rely on it."""

    dialect = "sqlite"

    def __init__(self) -> None:
        from federation_connectors.sqlite.connector import register_functions

        self.conn = sqlite3.connect(":memory:")
        self.conn.execute("PRAGMA case_sensitive_like = ON")
        register_functions(self.conn)

    def execute(self, sql: str, params: tuple[Any, ...] = ()) -> None:
        self.conn.execute(sql, params)

    def fetch(self, sql: str, params: tuple[Any, ...]) -> list[tuple[Any, ...]]:
        return list(self.conn.execute(sql, params).fetchall())


class DuckDBEngine(Engine):
    dialect = "duckdb"

    def __init__(self) -> None:
        import duckdb

        self.conn = duckdb.connect(":memory:")

    def execute(self, sql: str, params: tuple[Any, ...] = ()) -> None:
        self.conn.execute(sql, list(params))

    def fetch(self, sql: str, params: tuple[Any, ...]) -> list[tuple[Any, ...]]:
        return list(self.conn.execute(sql, list(params)).fetchall())


class PostgresEngine(Engine):
    """One asyncpg connection, driven from sync tests through a private event loop thread."""

    dialect = "postgres"

    def __init__(self, dsn: str) -> None:
        import asyncpg

        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()
        self.conn = self._run(asyncpg.connect(dsn, server_settings={"timezone": "UTC"}))

    def _run(self, coro: Coroutine[Any, Any, T]) -> T:
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(timeout=30)

    def execute(self, sql: str, params: tuple[Any, ...] = ()) -> None:
        self._run(self.conn.execute(sql, *params))

    def fetch(self, sql: str, params: tuple[Any, ...]) -> list[tuple[Any, ...]]:
        return [tuple(r) for r in self._run(self.conn.fetch(sql, *params))]

    def close(self) -> None:
        self._run(self.conn.close())
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(timeout=5)


class MySQLEngine(Engine):
    """PyMySQL formats ``%s`` client-side exactly like aiomysql."""

    dialect = "mysql"

    def __init__(self, database: str) -> None:
        import pymysql
        from servers import MYSQL_HOST, MYSQL_PASSWORD, MYSQL_PORT, MYSQL_USER

        self.conn = pymysql.connect(
            host=MYSQL_HOST,
            port=MYSQL_PORT,
            user=MYSQL_USER,
            password=MYSQL_PASSWORD,
            database=database,
            autocommit=True,
            charset="utf8mb4",
            # what the MySQL connector must set too: UTC for TIMESTAMP, and no 1 MB cap on
            # JSON_ARRAYAGG (MariaDB truncates at group_concat_max_len, silently)
            init_command="SET time_zone = '+00:00', group_concat_max_len = 18446744073709551615",
        )

    def execute(self, sql: str, params: tuple[Any, ...] = ()) -> None:
        with self.conn.cursor() as cursor:
            cursor.execute(sql, params or None)

    def fetch(self, sql: str, params: tuple[Any, ...]) -> list[tuple[Any, ...]]:
        with self.conn.cursor() as cursor:
            cursor.execute(sql, params)  # always a tuple: `%%` is unescaped only with args
            return list(cursor.fetchall())

    def close(self) -> None:
        self.conn.close()


ENGINES = ["sqlite", "duckdb", "postgres", "mysql"]


@pytest.fixture(scope="module", params=ENGINES)
def engine(request: pytest.FixtureRequest) -> Iterator[Engine]:
    db: Engine
    if request.param == "sqlite":
        db = SQLiteEngine()
    elif request.param == "duckdb":
        db = DuckDBEngine()
    elif request.param == "postgres":
        db = PostgresEngine(request.getfixturevalue("pg_database"))
    else:
        db = MySQLEngine(request.getfixturevalue("mysql_database").rsplit("/", 1)[-1])
    db.load(TABLES, ROWS)
    yield db
    db.close()
