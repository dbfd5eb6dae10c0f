"""What the embedded, file-backed engines (SQLite, DuckDB) share.

Their drivers block, so every statement runs on a :class:`WorkerPool`: a bounded set of worker
threads (``pool_size``), each holding its own database handle, so the event loop never waits on
disk. A statement that outlives ``statement_timeout`` (counted from submission, so time spent
waiting for a free worker counts too) is interrupted through the driver's thread-safe
``interrupt()``; so is one whose caller was cancelled.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime
import decimal
import queue
import threading
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Sequence
from concurrent.futures import Future, InvalidStateError, ThreadPoolExecutor
from contextlib import asynccontextmanager
from dataclasses import replace
from pathlib import Path
from typing import Any, ClassVar, Generic, Protocol, TypeVar

import orjson

from federation.catalog import Table
from federation.config import SourceConfig
from federation.connector import Connector, Transaction
from federation.errors import SourceError, SourceTimeout, SourceUnavailable

T = TypeVar("T")


class Interruptible(Protocol):
    def interrupt(self) -> None: ...


H = TypeVar("H", bound=Interruptible)


class _NotStarted(Exception):
    """The statement was cancelled while it waited for a free worker."""


class _Running:
    """One submitted statement, so the event loop can interrupt it from another thread."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._handle: Interruptible | None = None
        self.cancelled = False
        self.timed_out = False

    def start(self, handle: Interruptible) -> bool:
        """Called by the worker; False when the statement was cancelled before it began."""
        with self._lock:
            self._handle = handle
            return not self.cancelled

    def finish(self) -> None:
        with self._lock:
            self._handle = None

    def interrupt(self, *, timed_out: bool) -> None:
        with self._lock:
            if self.cancelled:
                return
            self.cancelled = True
            self.timed_out = timed_out
            if self._handle is not None:
                self._handle.interrupt()


class WorkerPool(Generic[H]):
    """``config.pool_size`` worker threads, each with its own handle made by ``connect`` on
    first use (and closed by :meth:`shutdown`)."""

    def __init__(
        self,
        config: SourceConfig,
        connect: Callable[[], H],
        driver_errors: tuple[type[BaseException], ...],
        classify: Callable[[str, BaseException], SourceError | None] | None = None,
    ) -> None:
        self._source = config.name
        self._classify = classify
        """Turns a driver error into a finer SourceError (a constraint violation), or None."""
        self._timeout = config.statement_timeout
        self._connect = connect
        self._catchable: tuple[type[BaseException], ...] = (*driver_errors, _NotStarted)
        self._driver_errors = driver_errors
        self._local = threading.local()
        self._handles: list[H] = []
        self._handles_lock = threading.Lock()
        self._executor = ThreadPoolExecutor(
            max_workers=max(1, config.pool_size), thread_name_prefix=f"federation-{config.name}"
        )

    async def run(self, job: Callable[[H], T]) -> T:
        """Run ``job(handle)`` on a worker; driver errors become :class:`SourceError`."""
        loop = asyncio.get_running_loop()
        running = _Running()
        future = loop.run_in_executor(self._executor, self._call, job, running)
        return await self._wait(future, running)

    async def _wait(self, future: Awaitable[T], running: _Running) -> T:
        loop = asyncio.get_running_loop()
        timer = None
        if self._timeout and self._timeout > 0:
            timer = loop.call_later(self._timeout, lambda: running.interrupt(timed_out=True))
        try:
            return await future
        except asyncio.CancelledError:
            running.interrupt(timed_out=False)
            raise
        except self._catchable as error:
            raise self._translate(error, running) from None
        finally:
            if timer is not None:
                timer.cancel()

    def _translate(self, error: BaseException, running: _Running) -> SourceError:
        if running.timed_out:
            return SourceTimeout(
                self._source,
                f"statement cancelled after statement_timeout ({self._timeout:g}s); narrow the "
                "query or raise statement_timeout for this source in federation.yaml",
            )
        classified = self._classify(self._source, error) if self._classify else None
        return classified or SourceError(self._source, str(error) or type(error).__name__)

    @asynccontextmanager
    async def pinned(self) -> AsyncIterator[Pinned[H]]:
        """One worker thread, and so one handle, for a series of jobs (a transaction's
        statements must all run on the connection that began it). Jobs run in order."""
        inbox: queue.SimpleQueue[_Job[H] | None] = queue.SimpleQueue()
        serving = asyncio.get_running_loop().run_in_executor(self._executor, self._serve, inbox)
        try:
            yield Pinned(self, inbox)
        finally:
            inbox.put(None)
            await asyncio.shield(serving)

    def _serve(self, inbox: queue.SimpleQueue[_Job[H] | None]) -> None:
        while (item := inbox.get()) is not None:
            job, running, future = item
            try:
                result = self._call(job, running)
            except BaseException as error:
                with contextlib.suppress(InvalidStateError):
                    future.set_exception(error)
            else:
                with contextlib.suppress(InvalidStateError):
                    future.set_result(result)

    def _call(self, job: Callable[[H], T], running: _Running) -> T:
        handle = self._handle()
        if not running.start(handle):
            raise _NotStarted("statement cancelled before it started")
        try:
            return job(handle)
        finally:
            running.finish()

    def _handle(self) -> H:
        handle: H | None = getattr(self._local, "handle", None)
        if handle is None:
            try:
                handle = self._connect()
            except self._driver_errors as error:
                raise SourceUnavailable(self._source, str(error)) from None
            with self._handles_lock:
                self._handles.append(handle)
            self._local.handle = handle
        return handle

    def shutdown(self, close: Callable[[H], None]) -> None:
        """Wait for running statements, then close every handle (blocking: call off the loop)."""
        self._executor.shutdown(wait=True, cancel_futures=True)
        with self._handles_lock:
            handles, self._handles = self._handles, []
        for handle in handles:
            close(handle)


_Job = tuple[Callable[[H], Any], _Running, "Future[Any]"]


class Pinned(Generic[H]):
    """A worker thread held by :meth:`WorkerPool.pinned`."""

    def __init__(self, pool: WorkerPool[H], inbox: queue.SimpleQueue[_Job[H] | None]) -> None:
        self._pool = pool
        self._inbox = inbox

    async def run(self, job: Callable[[H], T]) -> T:
        """Run ``job(handle)`` on the held thread; as :meth:`WorkerPool.run` otherwise."""
        running = _Running()
        future: Future[T] = Future()
        self._inbox.put((job, running, future))
        return await self._pool._wait(asyncio.wrap_future(future), running)


class EmbeddedTransaction(Transaction):
    """A transaction on one pinned worker's handle (a SQLite connection or a DuckDB cursor)."""

    def __init__(
        self,
        worker: Pinned[Any],
        connector: Connector,
        *,
        text_temporals: bool,
        rowcount: Callable[[Any], int],
    ) -> None:
        self._worker = worker
        self._connector = connector
        self._text_temporals = text_temporals
        self._rowcount = rowcount

    async def fetch_rows(self, sql: str, params: Sequence[Any]) -> list[tuple[Any, ...]]:
        bound = adapt_params(params, text_temporals=self._text_temporals)
        self._connector.statements_executed += 1
        rows: list[tuple[Any, ...]] = await self._worker.run(
            lambda handle: handle.execute(sql, bound).fetchall()
        )
        return rows

    async def execute(self, sql: str, params: Sequence[Any]) -> int:
        bound = adapt_params(params, text_temporals=self._text_temporals)
        self._connector.statements_executed += 1
        count = self._rowcount
        changed: int = await self._worker.run(lambda handle: count(handle.execute(sql, bound)))
        return changed


@asynccontextmanager
async def embedded_transaction(
    pool: WorkerPool[Any],
    connector: Connector,
    begin: str,
    *,
    text_temporals: bool,
    rowcount: Callable[[Any], int],
) -> AsyncIterator[Transaction]:
    """``begin`` ... ``COMMIT`` on one pinned worker; ``ROLLBACK`` when the block raises or
    the commit fails (a deferred constraint)."""
    async with pool.pinned() as worker:
        await worker.run(lambda handle: handle.execute(begin))
        try:
            yield EmbeddedTransaction(
                worker, connector, text_temporals=text_temporals, rowcount=rowcount
            )
            await worker.run(lambda handle: handle.execute("COMMIT"))
        except BaseException:
            with contextlib.suppress(SourceError):  # nothing to roll back is fine
                await worker.run(lambda handle: handle.execute("ROLLBACK"))
            raise


class EmbeddedConnector(Connector, Generic[H]):
    """The statements SQLite and DuckDB run alike: each on a worker's handle (a SQLite
    connection, a DuckDB cursor), with parameters adapted for the engine."""

    text_temporals: ClassVar[bool]
    """Whether dates, times and decimals are bound as text (SQLite stores them so)."""

    _pool: WorkerPool[H] | None = None

    async def fetch_json(self, sql: str, params: Sequence[Any]) -> str | bytes | None:
        bound = adapt_params(params, text_temporals=self.text_temporals)
        self.statements_executed += 1
        row = await self._workers().run(lambda handle: _execute(handle, sql, bound).fetchone())
        return None if row is None else row[0]

    async def fetch_rows(self, sql: str, params: Sequence[Any]) -> list[tuple[Any, ...]]:
        bound = adapt_params(params, text_temporals=self.text_temporals)
        self.statements_executed += 1
        rows: list[tuple[Any, ...]] = await self._workers().run(
            lambda handle: _execute(handle, sql, bound).fetchall()
        )
        return rows

    def _workers(self) -> WorkerPool[H]:
        if self._pool is None:
            raise RuntimeError(f"source {self.name!r} is not open; call open() first")
        return self._pool


def _execute(handle: Any, sql: str, bound: tuple[Any, ...]) -> Any:
    """``execute`` of a SQLite connection or a DuckDB cursor: both return the cursor."""
    return handle.execute(sql, bound)


# --- parameters ------------------------------------------------------------------------------


def adapt_param(value: Any, *, text_temporals: bool) -> Any:
    """Turn a value the driver cannot bind into one it can.

    JSON values (dict, list, tuple) become JSON text and UUIDs their canonical text for every
    engine; with ``text_temporals`` (SQLite, which stores them as text) dates and times become
    ISO 8601 text (``YYYY-MM-DD HH:MM:SS``, SQLite's own format) and decimals exact text.
    """
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, dict | list | tuple):
        return orjson.dumps(value, option=orjson.OPT_NON_STR_KEYS).decode()
    if not text_temporals:
        return value
    if isinstance(value, datetime.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    return value


def adapt_params(params: Sequence[Any], *, text_temporals: bool) -> tuple[Any, ...]:
    return tuple(adapt_param(value, text_temporals=text_temporals) for value in params)


# --- files -----------------------------------------------------------------------------------

MEMORY = ":memory:"
"""``path: ":memory:"``: an empty in-memory database, for tests and experiments."""


def database_path(config: SourceConfig, scheme: str) -> str:
    """The file named by ``path``, or by a DSN ``<scheme>:///relative`` / ``<scheme>:////absolute``."""
    if config.path:
        return config.path
    dsn = config.dsn or ""
    prefix = f"{scheme}://"
    if dsn.startswith(prefix) and len(dsn) > len(prefix) + 1:
        return dsn[len(prefix) + 1 :] if dsn[len(prefix)] == "/" else dsn[len(prefix) :]
    raise SourceUnavailable(
        config.name,
        f"no database file given; set `path: file.{scheme}` (relative to federation.yaml) or "
        f"`dsn: {scheme}:///file.{scheme}` for this source",
    )


def require_file(config: SourceConfig, path: str) -> None:
    """Fail with the fix when the file is missing, unless ``options: {create: true}``."""
    if path == MEMORY or config.options.get("create") or Path(path).is_file():
        return
    raise SourceUnavailable(
        config.name,
        f"database file {path!r} does not exist; fix `path` of source {config.name!r} in "
        "federation.yaml (relative paths resolve against its folder), run `federation demo` "
        "for the demo data, or set `options: {create: true}` to start an empty database",
    )


# --- include / exclude -----------------------------------------------------------------------


def _names(table_name: str, schema: str | None, default_schema: str) -> set[str]:
    return {table_name, f"{schema or default_schema}.{table_name}"}


def select_tables(
    tables: Iterable[Table], config: SourceConfig, default_schema: str
) -> tuple[Table, ...]:
    """Honour ``include`` / ``exclude`` (names or ``schema.name``), then drop foreign keys whose
    target was left out, since no relationship can point at it."""
    include, exclude = set(config.include), set(config.exclude)
    kept = [
        table
        for table in tables
        if (not include or include & _names(table.name, table.schema, default_schema))
        and not exclude & _names(table.name, table.schema, default_schema)
    ]
    present = {(table.schema, table.name) for table in kept}
    return tuple(
        replace(
            table,
            foreign_keys=tuple(
                fk for fk in table.foreign_keys if (fk.ref_schema, fk.ref_table) in present
            ),
        )
        for table in kept
    )
