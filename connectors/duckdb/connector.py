"""The DuckDB connector: one database file, one DuckDB connection, one cursor per worker thread.

DuckDB runs each query on its own thread pool; the gateway's workers (``pool_size``) only keep
the event loop free. ``statement_timeout`` interrupts a query through its cursor.

A DuckDB file opened for writing is locked to one process: a source served by several gateway
processes (``server.workers > 1``) must be ``read_only: true``, which any number may share.
"""

from __future__ import annotations

import asyncio
import threading
from contextlib import AbstractAsyncContextManager
from typing import ClassVar

import duckdb

from federation.catalog import SourceCatalog
from federation.connector import (
    CORE_AGGREGATES,
    CORE_OPERATORS,
    MUTATIONS,
    REGEX_OPERATORS,
    STATISTICS,
    Capabilities,
    Transaction,
)
from federation.errors import SourceUnavailable

from .._embedded import (
    EmbeddedConnector,
    WorkerPool,
    database_path,
    embedded_transaction,
    require_file,
    select_tables,
)
from .errors import constraint_error
from .introspect import DEFAULT_SCHEMA, read_tables

Cursor = duckdb.DuckDBPyConnection


class DuckDBConnector(EmbeddedConnector[Cursor]):
    kind: ClassVar[str] = "duckdb"
    dialect: ClassVar[str] = "duckdb"
    capabilities: ClassVar[Capabilities] = Capabilities(
        filter_operators=CORE_OPERATORS | REGEX_OPERATORS,
        aggregates=CORE_AGGREGATES | STATISTICS,
        extra=frozenset({MUTATIONS}),
    )
    text_temporals: ClassVar[bool] = False

    _database: duckdb.DuckDBPyConnection | None = None

    async def open(self) -> None:
        path = database_path(self.config, "duckdb")
        require_file(self.config, path)
        try:
            self._database = await asyncio.to_thread(
                duckdb.connect, path, read_only=self.config.read_only
            )
        except duckdb.Error as error:
            raise SourceUnavailable(self.name, f"cannot open {path!r}: {error}") from None
        self._cursor_lock = threading.Lock()
        self._pool = WorkerPool(self.config, self._cursor, (duckdb.Error,), constraint_error)

    def _cursor(self) -> Cursor:
        """A worker thread's own cursor: DuckDB connections are not safe to share across threads."""
        with self._cursor_lock:
            return self._open_database().cursor()

    async def close(self) -> None:
        pool, self._pool = self._pool, None
        database, self._database = self._database, None
        if pool is not None:
            await asyncio.to_thread(pool.shutdown, Cursor.close)
        if database is not None:
            await asyncio.to_thread(database.close)

    async def introspect(self) -> SourceCatalog:
        schemas = self.config.schemas
        tables = await self._workers().run(lambda cursor: read_tables(cursor, schemas))
        return SourceCatalog(self.name, select_tables(tables, self.config, DEFAULT_SCHEMA))

    def transaction(self) -> AbstractAsyncContextManager[Transaction]:
        """A transaction on one worker's cursor (each cursor is its own DuckDB connection)."""
        return embedded_transaction(
            self._workers(),
            self,
            "BEGIN TRANSACTION",
            text_temporals=self.text_temporals,
            rowcount=_changed_rows,
        )

    def _open_database(self) -> duckdb.DuckDBPyConnection:
        if self._database is None:
            raise RuntimeError(f"source {self.name!r} is not open; call open() first")
        return self._database


def _changed_rows(result: Cursor) -> int:
    """DuckDB answers an INSERT/UPDATE/DELETE without RETURNING with one row: the count."""
    row = result.fetchone()
    return int(row[0]) if row else 0
