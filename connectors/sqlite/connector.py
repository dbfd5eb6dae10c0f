"""The SQLite connector: a database file, read through a pool of worker threads.

Each worker thread opens its own connection (a SQLite connection must not be shared across
threads), in autocommit mode so a mutation commits with its statement. The file opens through
a ``file:`` URI: ``mode=ro`` when the source is ``read_only``, else ``mode=rw`` (``rwc`` with
``options: {create: true}``), so a mistyped path never creates an empty database.
``path: ":memory:"`` gives one in-memory database shared by the workers.

Per connection: ``foreign_keys = ON`` (mutations respect keys, as on a server database),
``case_sensitive_like = ON`` (``_like`` is case-sensitive as in PostgreSQL; ``_ilike`` compiles
to ``lower(a) LIKE lower(b)``), and ``lower``/``upper`` replaced by Python's, which fold every
letter (SQLite's own fold ASCII only, so ``_ilike: "%ANTÔNIO%"`` would miss "Antônio"); see
:func:`register_functions`. ``connect_timeout`` is how long a statement waits for a lock held by
another writer; ``statement_timeout`` interrupts a statement (``sqlite3_interrupt``).
"""

from __future__ import annotations

import asyncio
import sqlite3
from contextlib import AbstractAsyncContextManager
from pathlib import Path
from typing import ClassVar

from federation.catalog import SourceCatalog
from federation.connector import (
    CORE_AGGREGATES,
    MUTATIONS,
    STATISTICS,
    Capabilities,
    Transaction,
)
from federation.errors import SourceUnavailable

from .._embedded import (
    MEMORY,
    EmbeddedConnector,
    WorkerPool,
    database_path,
    embedded_transaction,
    require_file,
    select_tables,
)
from .errors import constraint_error
from .introspect import read_tables


class SQLiteConnector(EmbeddedConnector[sqlite3.Connection]):
    kind: ClassVar[str] = "sqlite"
    dialect: ClassVar[str] = "sqlite"
    # SQLite's parser stack (100 entries) takes 7 levels of ordered JSON arrays; one is kept
    # for the subqueries of filters through relationships
    capabilities: ClassVar[Capabilities] = Capabilities(
        aggregates=CORE_AGGREGATES | STATISTICS, extra=frozenset({MUTATIONS}), max_depth=6
    )
    text_temporals: ClassVar[bool] = True

    async def open(self) -> None:
        path = database_path(self.config, "sqlite")
        require_file(self.config, path)
        self._uri = self._memory_uri() if path == MEMORY else self._file_uri(path)
        self._pool = WorkerPool(
            self.config, self._connect, (sqlite3.Error, OverflowError), constraint_error
        )
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
        register_functions(conn)
        return conn

    async def close(self) -> None:
        pool, self._pool = self._pool, None
        if pool is not None:
            await asyncio.to_thread(pool.shutdown, sqlite3.Connection.close)

    async def introspect(self) -> SourceCatalog:
        tables = await self._workers().run(read_tables)
        return SourceCatalog(self.name, select_tables(tables, self.config, "main"))

    def transaction(self) -> AbstractAsyncContextManager[Transaction]:
        """``BEGIN IMMEDIATE`` (the write lock up front, so two writers never deadlock) on one
        worker's connection."""
        return embedded_transaction(
            self._workers(),
            self,
            "BEGIN IMMEDIATE",
            text_temporals=self.text_temporals,
            rowcount=lambda cursor: int(cursor.rowcount),
        )


def register_functions(conn: sqlite3.Connection) -> None:
    """Unicode ``lower``/``upper`` on ``conn``, in place of SQLite's ASCII-only built-ins."""
    conn.create_function("lower", 1, _lower, deterministic=True)
    conn.create_function("upper", 1, _upper, deterministic=True)


def _lower(value: object) -> object:
    text = _as_text(value)
    return text.lower() if isinstance(text, str) else text


def _upper(value: object) -> object:
    text = _as_text(value)
    return text.upper() if isinstance(text, str) else text


def _as_text(value: object) -> object:
    """What SQLite's built-ins fold: NULL stays NULL, anything else is read as text."""
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    return str(value)


def _probe(conn: sqlite3.Connection) -> str | None:
    """Connecting to a file that is not a database succeeds; the first read tells."""
    try:
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except sqlite3.Error as error:
        return str(error)
    return None
