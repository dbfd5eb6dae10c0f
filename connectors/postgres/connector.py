"""The PostgreSQL connector: an asyncpg pool; SQL with ``$1..$n`` placeholders.

Parameters are bound by asyncpg's binary protocol, so they must be Python values of the column's
type: ``int``, ``Decimal``, ``float``, ``str``, ``bool``, ``datetime.date``/``time``/``datetime``
(aware for ``timestamptz``), ``uuid.UUID`` (or its text), ``bytes``, lists for arrays. A
parameter of type ``json``/``jsonb`` takes any JSON value (dict, list, str, number, bool) and is
sent as its JSON text: pass the value, not text you serialised yourself.

Results: ``json``/``jsonb`` values come back as JSON text (``str``), the way every built-in
connector returns JSON, so the gateway can embed them with ``orjson.Fragment`` without parsing.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Awaitable, Sequence
from contextlib import asynccontextmanager
from typing import Any, ClassVar, TypeVar

import asyncpg
import orjson

from federation.catalog import SourceCatalog
from federation.connector import (
    CORE_AGGREGATES,
    CORE_OPERATORS,
    JSON_OPERATORS,
    MUTATIONS,
    REGEX_OPERATORS,
    SIMILAR_OPERATORS,
    STATISTICS,
    Capabilities,
    Connector,
    Transaction,
)
from federation.errors import SourceUnavailable

from .._embedded import select_tables
from .errors import ERRORS, ERRORS_OR_TIMEOUT, connect_failure, statement_failure
from .introspect import read_tables
from .settings import address, pool_arguments
from .types import TEXT_DECODED_TYPES

T = TypeVar("T")

DEFAULT_SCHEMA = "public"
_OPEN_GRACE = 2.0
"""Seconds beyond connect_timeout that open() waits for the whole pool set-up."""


class PostgresConnector(Connector):
    kind: ClassVar[str] = "postgres"
    dialect: ClassVar[str] = "postgres"
    capabilities: ClassVar[Capabilities] = Capabilities(
        filter_operators=CORE_OPERATORS | REGEX_OPERATORS | SIMILAR_OPERATORS | JSON_OPERATORS,
        aggregates=CORE_AGGREGATES | STATISTICS,
        extra=frozenset({MUTATIONS}),
    )

    _pool: asyncpg.Pool | None = None

    @property
    def address(self) -> str:
        return address(self.config.dsn or "")

    async def open(self) -> None:
        arguments = pool_arguments(self.config)
        limit = self.config.connect_timeout * max(1, arguments["min_size"]) + _OPEN_GRACE
        try:
            pool = asyncpg.create_pool(init=_init_connection, **arguments)
            self._pool = await asyncio.wait_for(pool, timeout=limit)
        except ERRORS_OR_TIMEOUT as error:
            raise connect_failure(self.name, self.address, error) from None

    async def close(self) -> None:
        pool, self._pool = self._pool, None
        if pool is not None:
            await pool.close()

    async def introspect(self) -> SourceCatalog:
        schemas = self.config.schemas or (DEFAULT_SCHEMA,)
        async with self._connection() as conn:
            tables = await self._run(read_tables(conn, schemas))
        return SourceCatalog(self.name, select_tables(tables, self.config, DEFAULT_SCHEMA))

    async def fetch_json(self, sql: str, params: Sequence[Any]) -> str | bytes | None:
        async with self._connection() as conn:
            self.statements_executed += 1
            value: str | bytes | None = await self._run(conn.fetchval(sql, *params))
        return value

    async def fetch_rows(self, sql: str, params: Sequence[Any]) -> list[tuple[Any, ...]]:
        async with self._connection() as conn:
            self.statements_executed += 1
            records = await self._run(conn.fetch(sql, *params))
        return [tuple(record) for record in records]

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[Transaction]:
        """One pooled connection in ``BEGIN`` ... ``COMMIT`` (rolled back when the block raises)."""
        async with self._connection() as conn:
            transaction = conn.transaction()
            await self._run(transaction.start())
            try:
                yield _PostgresTransaction(self, conn)
                await self._run(transaction.commit())
            except BaseException:
                with contextlib.suppress(*ERRORS):
                    await transaction.rollback()
                raise

    def _connection(self) -> _Acquire:
        """A pooled connection; acquiring one opens a connection, so it is a connect failure."""
        if self._pool is None:
            raise SourceUnavailable(self.name, "the source is not open; call open() first")
        return _Acquire(self)

    async def _run(self, awaitable: Awaitable[T]) -> T:
        try:
            return await awaitable
        except ERRORS as error:
            raise statement_failure(
                self.name, self.address, error, self.config.statement_timeout
            ) from None


class _PostgresTransaction(Transaction):
    def __init__(self, connector: PostgresConnector, conn: asyncpg.Connection) -> None:
        self._connector = connector
        self._conn = conn

    async def fetch_rows(self, sql: str, params: Sequence[Any]) -> list[tuple[Any, ...]]:
        self._connector.statements_executed += 1
        records = await self._connector._run(self._conn.fetch(sql, *params))
        return [tuple(record) for record in records]

    async def execute(self, sql: str, params: Sequence[Any]) -> int:
        self._connector.statements_executed += 1
        status: str = await self._connector._run(self._conn.execute(sql, *params))
        count = status.rsplit(" ", 1)[-1]  # "UPDATE 3", "DELETE 0", "INSERT 0 1"
        return int(count) if count.isdigit() else 0


class _Acquire:
    """``async with`` a pooled connection, turning a failure to connect into SourceUnavailable."""

    def __init__(self, connector: PostgresConnector) -> None:
        self._connector = connector
        self._conn: asyncpg.Connection | None = None

    async def __aenter__(self) -> asyncpg.Connection:
        connector = self._connector
        assert connector._pool is not None
        try:
            self._conn = await connector._pool.acquire(timeout=connector.config.connect_timeout)
        except ERRORS_OR_TIMEOUT as error:
            raise connect_failure(connector.name, connector.address, error) from None
        return self._conn

    async def __aexit__(self, *exc: object) -> None:
        if self._conn is not None and self._connector._pool is not None:
            await self._connector._pool.release(self._conn)


async def _init_connection(conn: asyncpg.Connection) -> None:
    """JSON as text both ways; types without a scalar of their own as their text."""
    for name in ("json", "jsonb"):
        await conn.set_type_codec(
            name, schema="pg_catalog", encoder=_encode_json, decoder=_identity, format="text"
        )
    for name in TEXT_DECODED_TYPES:
        await conn.set_type_codec(
            name, schema="pg_catalog", encoder=str, decoder=_identity, format="text"
        )


def _encode_json(value: Any) -> str:
    return orjson.dumps(value, option=orjson.OPT_NON_STR_KEYS).decode()


def _identity(text: str) -> str:
    return text
