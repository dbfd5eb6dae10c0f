"""The MySQL / MariaDB connector: an aiomysql pool (PyMySQL underneath); SQL with ``%s``.

PyMySQL formats parameters into the statement on the client (``sql % escaped_params``), so the
SQL it receives must have every other ``%`` doubled (``LIKE 'a%%'``); the SQL compiler does so,
and this connector always formats, even with no parameters, so the rule never changes.

Parameters: ``int``, ``Decimal``, ``float``, ``str``, ``bool``, ``bytes``, ``datetime.date``/
``time``/``datetime`` (aware ones are converted to UTC, the session's time zone), ``uuid.UUID``
(sent as text); dicts, lists and tuples are sent as their JSON text (for JSON columns; an
``IN`` list needs one placeholder per item).

Results: JSON comes back as JSON text (``str``); ``TINYINT(1)`` (``Boolean``) as ``0``/``1``.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager
from typing import Any, ClassVar, TypeVar

import aiomysql
import pymysql.converters

from federation.catalog import SourceCatalog
from federation.connector import (
    CORE_AGGREGATES,
    MUTATIONS,
    STATISTICS,
    Capabilities,
    Connector,
    Transaction,
)
from federation.errors import SourceError, SourceUnavailable

from .._embedded import adapt_param, select_tables
from .errors import (
    ERRORS_OR_TIMEOUT,
    connect_failure,
    connection_is_broken,
    statement_failure,
)
from .introspect import read_tables
from .settings import address, connect_arguments, database, session_setup

T = TypeVar("T")

_RECYCLE_AFTER = 3600.0
"""Seconds after which an idle pooled connection is replaced, well before the server's
``wait_timeout`` drops it (a dropped one would fail the next request)."""

_CLIENT_GRACE = 5.0
"""Seconds the client waits beyond the server's own statement time limit before giving up."""


class MySQLConnector(Connector):
    kind: ClassVar[str] = "mysql"
    dialect: ClassVar[str] = "mysql"
    capabilities: ClassVar[Capabilities] = Capabilities(
        aggregates=CORE_AGGREGATES | STATISTICS, extra=frozenset({MUTATIONS})
    )

    _pool: aiomysql.Pool | None = None
    server_version: str = ""
    """The version the server announced at open (``5.5.5-10.11.6-MariaDB``, ``8.0.36``)."""

    @property
    def address(self) -> str:
        return address(self.config.dsn or "")

    @property
    def is_mariadb(self) -> bool:
        return "mariadb" in self.server_version.lower()

    async def open(self) -> None:
        arguments = connect_arguments(self.config)
        limit = self.config.connect_timeout + 2.0
        try:
            self.server_version = await asyncio.wait_for(_server_version(arguments), limit)
            pool = aiomysql.create_pool(
                minsize=min(
                    int(self.config.options.get("min_pool_size", 1)), self.config.pool_size
                ),
                maxsize=self.config.pool_size,
                pool_recycle=float(self.config.options.get("pool_recycle", _RECYCLE_AFTER)),
                init_command=session_setup(self.config, self.server_version),
                **arguments,
            )
            self._pool = await asyncio.wait_for(pool, limit)
        except ERRORS_OR_TIMEOUT as error:
            raise connect_failure(self.name, self.address, error) from None

    async def close(self) -> None:
        pool, self._pool = self._pool, None
        if pool is not None:
            pool.close()
            await pool.wait_closed()

    async def introspect(self) -> SourceCatalog:
        schemas = self.config.schemas or self._default_schemas()
        tables = await self._with_connection(
            lambda conn: read_tables(conn, schemas, mariadb=self.is_mariadb)
        )
        return SourceCatalog(self.name, select_tables(tables, self.config, schemas[0]))

    def _default_schemas(self) -> tuple[str, ...]:
        name = database(self.config.dsn or "")
        if name is None:
            raise SourceError(
                self.name,
                "no database to introspect; name one in the dsn (mysql://user@host:3306/db) "
                "or list them under `schemas:` for this source",
            )
        return (name,)

    async def fetch_json(self, sql: str, params: Sequence[Any]) -> str | bytes | None:
        rows = await self._statement(sql, params)
        if not rows:
            return None
        value: str | bytes | None = rows[0][0]
        return value

    async def fetch_rows(self, sql: str, params: Sequence[Any]) -> list[tuple[Any, ...]]:
        return await self._statement(sql, params)

    async def _statement(self, sql: str, params: Sequence[Any]) -> list[tuple[Any, ...]]:
        arguments = tuple(_adapt(value) for value in params)

        async def run(conn: aiomysql.Connection) -> list[tuple[Any, ...]]:
            async with conn.cursor() as cursor:
                self.statements_executed += 1
                await _execute(cursor, sql, arguments, self.name)
                return list(await cursor.fetchall())

        return await self._with_connection(run)

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[Transaction]:
        """One pooled connection in ``BEGIN`` ... ``COMMIT`` (rolled back when the block raises);
        a connection left in doubt (a timeout, a lost socket) is closed, never reused."""
        pool = self._pool
        if pool is None:
            raise SourceUnavailable(self.name, "the source is not open; call open() first")
        try:
            conn = await asyncio.wait_for(pool.acquire(), self.config.connect_timeout)
        except ERRORS_OR_TIMEOUT as error:
            raise connect_failure(self.name, self.address, error) from None
        transaction = _MySQLTransaction(self, conn)
        try:
            await transaction.guard(conn.begin())
            yield transaction
            await transaction.guard(conn.commit())
        except BaseException:
            if not conn.closed:
                with contextlib.suppress(*ERRORS_OR_TIMEOUT):
                    await asyncio.wait_for(conn.rollback(), self.config.connect_timeout)
            raise
        finally:
            pool.release(conn)

    async def _with_connection(self, job: Callable[[aiomysql.Connection], Awaitable[T]]) -> T:
        pool = self._pool
        if pool is None:
            raise SourceUnavailable(self.name, "the source is not open; call open() first")
        try:
            conn = await asyncio.wait_for(pool.acquire(), self.config.connect_timeout)
        except ERRORS_OR_TIMEOUT as error:
            raise connect_failure(self.name, self.address, error) from None
        try:
            return await asyncio.wait_for(job(conn), self._client_timeout())
        except BaseException as error:
            if not isinstance(error, SourceError) and connection_is_broken(error):
                conn.close()  # unread results or a dead socket: never hand it out again
            if isinstance(error, ERRORS_OR_TIMEOUT):
                raise statement_failure(
                    self.name, self.address, error, self.config.statement_timeout
                ) from None
            raise
        finally:
            pool.release(conn)

    def _client_timeout(self) -> float | None:
        timeout = self.config.statement_timeout
        return timeout + _CLIENT_GRACE if timeout > 0 else None


class _MySQLTransaction(Transaction):
    def __init__(self, connector: MySQLConnector, conn: aiomysql.Connection) -> None:
        self._connector = connector
        self._conn = conn
        # MariaDB 10.5+ has INSERT ... RETURNING; neither has UPDATE ... RETURNING
        self.returning = frozenset({"insert"}) if connector.is_mariadb else frozenset()

    async def guard(self, awaitable: Awaitable[T]) -> T:
        """Await with the client-side time limit; driver errors become SourceErrors."""
        connector = self._connector
        try:
            return await asyncio.wait_for(awaitable, connector._client_timeout())
        except ERRORS_OR_TIMEOUT as error:
            if connection_is_broken(error):
                self._conn.close()
            raise statement_failure(
                connector.name, connector.address, error, connector.config.statement_timeout
            ) from None

    async def fetch_rows(self, sql: str, params: Sequence[Any]) -> list[tuple[Any, ...]]:
        return (await self._run(sql, params))[1]

    async def execute(self, sql: str, params: Sequence[Any]) -> int:
        return (await self._run(sql, params))[0]

    async def _run(self, sql: str, params: Sequence[Any]) -> tuple[int, list[tuple[Any, ...]]]:
        arguments = tuple(_adapt(value) for value in params)

        async def run() -> tuple[int, list[tuple[Any, ...]]]:
            async with self._conn.cursor() as cursor:
                self._connector.statements_executed += 1
                await _execute(cursor, sql, arguments, self._connector.name)
                return int(cursor.rowcount), list(await cursor.fetchall())

        return await self.guard(run())


async def _execute(cursor: Any, sql: str, arguments: tuple[Any, ...], source: str) -> None:
    """Format on the client as PyMySQL does (``sql % literals``), with the driver's own escaping,
    and send the result as it is (aiomysql 0.3 cannot escape ``bytes`` under PyMySQL 1.2)."""
    conn = cursor.connection
    try:
        statement = sql % tuple(_literal(conn, value) for value in arguments)
    except (TypeError, ValueError) as error:
        raise SourceError(
            source,
            f"the statement's %s placeholders do not match its {len(arguments)} parameters "
            f"({error}); a literal % must be written %%",
        ) from None
    await cursor.execute(statement)


def _literal(conn: Any, value: Any) -> str:
    if isinstance(value, bytes | bytearray | memoryview):
        return str(pymysql.converters.escape_bytes(bytes(value)))
    return str(conn.escape(value))


async def _server_version(arguments: dict[str, Any]) -> str:
    """The server's version, from a probe connection that also proves TLS when it is asked for
    (PyMySQL silently stays in plain text when a server offers no TLS)."""
    conn = await aiomysql.connect(**arguments)
    try:
        if "ssl" in arguments:
            async with conn.cursor() as cursor:
                await cursor.execute("SHOW SESSION STATUS LIKE 'Ssl_cipher'")
                row = await cursor.fetchone()
            if not row or not row[1]:
                raise _NoTLS("the server does not offer TLS, which options.ssl/sslmode require")
        return str(conn.get_server_info())
    finally:
        conn.close()


class _NoTLS(OSError):
    """TLS was required and the server did not offer it (a connect failure)."""


def _adapt(value: Any) -> Any:
    if isinstance(value, datetime.datetime) and value.tzinfo is not None:
        return value.astimezone(datetime.UTC).replace(tzinfo=None)
    return adapt_param(value, text_temporals=False)
