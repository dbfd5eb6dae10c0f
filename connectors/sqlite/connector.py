"""The SQLite connector: a database file, read through a pool of worker threads.

Each worker thread opens its own connection (a SQLite connection must not be shared across
threads), in autocommit mode so a mutation commits with its statement. The file opens through
a ``file:`` URI: ``mode=ro`` when the source is ``read_only``, else ``mode=rw`` (``rwc`` with
``options: {create: true}``), so a mistyped path never creates an empty database.
``path: ":memory:"`` gives one in-memory database shared by the workers.

Per connection: ``foreign_keys = ON`` (mutations respect keys, as on a server database) and
``case_sensitive_like = ON`` (``_like`` is case-sensitive as in PostgreSQL; ``_ilike`` compiles
to ``lower(a) LIKE lower(b)``). ``connect_timeout`` is how long a statement waits for a lock
held by another writer; ``statement_timeout`` interrupts a statement (``sqlite3_interrupt``).
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Sequence
from pathlib import Path
from typing import Any, ClassVar

from federation.catalog import SourceCatalog
from federation.connector import CORE_AGGREGATES, STATISTICS, Capabilities, Connector
from federation.errors import SourceUnavailable

from .._embedded import MEMORY, WorkerPool, adapt_params, database_path, require_file, select_tables
from .introspect import read_tables


class SQLiteConnector(Connector):
    kind: ClassVar[str] = "sqlite"
    dialect: ClassVar[str] = "sqlite"
    capabilities: ClassVar[Capabilities] = Capabilities(aggregates=CORE_AGGREGATES | STATISTICS)

    _pool: WorkerPool[sqlite3.Connection] | None = None

    async def open(self) -> None:
        path = database_path(self.config, "sqlite")
        require_file(self.config, path)
        self._uri = self._memory_uri() if path == MEMORY else self._file_uri(path)
        self._pool = WorkerPool(self.config, self._connect, (sqlite3.Error, OverflowError))
        problem = await self._pool.run(_probe)  # fail now, not on the first request
        if problem is not None:
            await self.close()
            raise SourceUnavailable(self.name, f"cannot read {path!r} as SQLite: {problem}")

    def _file_uri(self, path: str) -> str:
        return f"{Path(path).resolve().as_uri()}?mode={self._mode()}"

    def _memory_uri(self) -> str:
        """One in-memory database that every worker's connection shares (it lives as long as
        one of them stays open)."""
        return f"file:federation-{self.name}-{id(self)}?mode=memory&cache=shared"

    def _mode(self) -> str:
        if self.config.read_only:
            return "ro"
        return "rwc" if self.config.options.get("create") else "rw"

    def _connect(self) -> sqlite3.Connection:
        conn = sqlite3.connect(
            self._uri,
            uri=True,
            timeout=self.config.connect_timeout,
            isolation_level=None,
            check_same_thread=False,  # only so close() may run on another thread after shutdown
        )
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute("PRAGMA case_sensitive_like = ON")
        return conn

    async def close(self) -> None:
        pool, self._pool = self._pool, None
        if pool is not None:
            await asyncio.to_thread(pool.shutdown, sqlite3.Connection.close)

    async def introspect(self) -> SourceCatalog:
        tables = await self._workers().run(read_tables)
        return SourceCatalog(self.name, select_tables(tables, self.config, "main"))

    async def fetch_json(self, sql: str, params: Sequence[Any]) -> str | bytes | None:
        bound = adapt_params(params, text_temporals=True)
        self.statements_executed += 1
        row = await self._workers().run(lambda conn: conn.execute(sql, bound).fetchone())
        return None if row is None else row[0]

    async def fetch_rows(self, sql: str, params: Sequence[Any]) -> list[tuple[Any, ...]]:
        bound = adapt_params(params, text_temporals=True)
        self.statements_executed += 1
        return await self._workers().run(lambda conn: conn.execute(sql, bound).fetchall())

    def _workers(self) -> WorkerPool[sqlite3.Connection]:
        if self._pool is None:
            raise RuntimeError(f"source {self.name!r} is not open; call open() first")
        return self._pool


def _probe(conn: sqlite3.Connection) -> str | None:
    """Connecting to a file that is not a database succeeds; the first read tells."""
    try:
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except sqlite3.Error as error:
        return str(error)
    return None
