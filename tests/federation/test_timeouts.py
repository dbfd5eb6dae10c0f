"""Every connector bounds a call by its source's ``statement_timeout`` and reports running out
of it as SOURCE_TIMEOUT naming the source and the limit (the HTTP connectors: test_resilience)."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import Any

import pytest
from federation_connectors.mysql import MySQLConnector
from federation_connectors.postgres import PostgresConnector
from federation_connectors.sqlite import SQLiteConnector

from federation.config import SourceConfig
from federation.connector import Connector
from federation.errors import SourceTimeout
from federation.execution.sources import Source

ENDLESS_SQLITE = (
    "WITH RECURSIVE r(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM r) SELECT max(i) FROM r"
)


async def expect_timeout(connector: Connector, sql: str) -> None:
    await connector.open()
    try:
        with pytest.raises(SourceTimeout) as raised:
            await connector.fetch_rows(sql, [])
    finally:
        await connector.close()
    assert raised.value.code == "SOURCE_TIMEOUT"
    assert raised.value.source == "db"
    assert "statement_timeout (0.3s)" in str(raised.value)


async def test_sqlite() -> None:
    config = SourceConfig(name="db", kind="sqlite", path=":memory:", statement_timeout=0.3)
    await expect_timeout(SQLiteConnector(config), ENDLESS_SQLITE)


async def test_postgres(chinook_pg: str) -> None:
    config = SourceConfig(name="db", kind="postgres", dsn=chinook_pg, statement_timeout=0.3)
    await expect_timeout(PostgresConnector(config), "SELECT pg_sleep(5)")


async def test_mysql(chinook_mysql: str) -> None:
    config = SourceConfig(name="db", kind="mysql", dsn=chinook_mysql, statement_timeout=0.3)
    # a real SELECT: MySQL's max_execution_time only limits SELECTs
    sql = "SELECT COUNT(*) FROM Track a, Track b, Track c WHERE a.Name < c.Name"
    await expect_timeout(MySQLConnector(config), sql)


class _Stuck(SQLiteConnector):
    """A connector that ignores its own limit: the guard bounds it anyway."""

    async def fetch_rows(self, sql: str, params: Sequence[Any]) -> list[tuple[Any, ...]]:
        await asyncio.sleep(30)
        return []


async def test_guard_bounds_a_connector_that_does_not() -> None:
    config = SourceConfig(name="db", kind="sqlite", path=":memory:", statement_timeout=0.1)
    source = Source(config, _Stuck(config))
    await source.connect(5)
    try:
        # statement_timeout + TIMEOUT_GRACE: the connector's own limit would have come first
        with pytest.raises(SourceTimeout, match=r"source 'db': no answer within 1.1 s"):
            async with source.guard() as connector:
                await connector.fetch_rows("SELECT 1", [])
    finally:
        await source.connector.close()
    assert source.breaker is not None and source.breaker.consecutive == 1
