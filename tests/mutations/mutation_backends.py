"""One small schema (author, article, a view, a read-only table) on each SQL connector, served
by a real Gateway: SQLite and DuckDB files, and throwaway PostgreSQL / MariaDB databases.
The fixtures are registered by this folder's conftest.py."""

from __future__ import annotations

import sqlite3
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import orjson
import pytest
import pytest_asyncio
from servers import mysql_execute, pg_execute

from federation.config import Config, SourceConfig
from federation.events import TablesChanged
from federation.gateway import Gateway

KINDS = ("sqlite", "duckdb", "postgres", "mysql")

_TABLES = """
CREATE TABLE author (
  id {serial},
  name VARCHAR(100) NOT NULL,
  rating INTEGER CHECK (rating >= 0),
  CONSTRAINT author_name_key UNIQUE (name)
);
CREATE TABLE article (
  id {serial},
  title VARCHAR(200) NOT NULL,
  author_id INTEGER,
  views BIGINT DEFAULT 0,
  FOREIGN KEY (author_id) REFERENCES author (id)
);
CREATE TABLE locked (id INTEGER PRIMARY KEY, note VARCHAR(50));
CREATE VIEW author_names AS SELECT id, name FROM author;
"""

SERIAL = {
    "sqlite": "INTEGER PRIMARY KEY",
    "duckdb": "INTEGER PRIMARY KEY DEFAULT nextval('ids')",
    "postgres": "SERIAL PRIMARY KEY",
    "mysql": "INTEGER AUTO_INCREMENT PRIMARY KEY",
}

SEED = [
    "INSERT INTO author (id, name, rating) VALUES (1000, 'Ann', 5), (1001, 'Bob', 2)",
    "INSERT INTO article (id, title, author_id, views) VALUES "
    "(2000, 'Ann one', 1000, 10), (2001, 'Ann two', 1000, 20), (2002, 'Bob one', 1001, 30)",
]

PRIMARY_KEY = {
    "sqlite": "author_pkey",
    "duckdb": "author_id_pkey",
    "postgres": "author_pkey",
    "mysql": "PRIMARY",
}
"""The name each source gives author's primary key constraint."""


def ddl(kind: str) -> str:
    script = _TABLES.format(serial=SERIAL[kind])
    return ("CREATE SEQUENCE ids START 1;" if kind == "duckdb" else "") + script


@dataclass
class Backend:
    kind: str
    gateway: Gateway
    events: list[TablesChanged] = field(default_factory=list)

    async def run(self, query: str, variables: dict[str, Any] | None = None) -> Any:
        return orjson.loads((await self.gateway.execute(query, variables)).body)

    async def reset(self) -> None:
        """Seed rows only, through the connector's transaction API (one statement each: DuckDB
        checks foreign keys against the state before its transaction)."""
        connector = self.gateway.sources.by_name["db"].connector
        for sql in ("DELETE FROM article", "DELETE FROM author", *SEED):
            async with connector.transaction() as tx:
                await tx.execute(sql, ())
        self.events.clear()


def _source(kind: str, request: pytest.FixtureRequest, folder: Path) -> SourceConfig:
    options: dict[str, Any] = {"name": "db", "kind": kind, "read_only_tables": ("locked",)}
    if kind == "sqlite":
        path = folder / "db.sqlite"
        with sqlite3.connect(path) as conn:
            conn.executescript(ddl(kind))
        return SourceConfig(path=str(path), **options)
    if kind == "duckdb":
        path = folder / "db.duckdb"
        with duckdb.connect(str(path)) as conn:
            conn.execute(ddl(kind))
        return SourceConfig(path=str(path), **options)
    if kind == "postgres":
        dsn = request.getfixturevalue("pg_database")
        pg_execute(dsn, ddl(kind))
        return SourceConfig(dsn=dsn, **options)
    dsn = request.getfixturevalue("mysql_database")
    mysql_execute(dsn.rsplit("/", 1)[1], ddl(kind))
    return SourceConfig(dsn=dsn, **options)


@pytest_asyncio.fixture(scope="module", loop_scope="session", params=KINDS)
async def backend(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[Backend]:
    folder = tmp_path_factory.mktemp(f"mutations_{request.param}")
    source = _source(request.param, request, folder)
    gateway = await Gateway.start(Config(sources=(source,), base_dir=folder))
    backend = Backend(request.param, gateway)
    gateway.events.subscribe(backend.events.append)
    try:
        yield backend
    finally:
        await gateway.stop()


@pytest_asyncio.fixture(loop_scope="session")
async def db(backend: Backend) -> Backend:
    """The backend with only the seed rows."""
    await backend.reset()
    return backend
