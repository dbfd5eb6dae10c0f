"""Gateways over the Chinook copies on SQLite, PostgreSQL and MariaDB, one per test module.

Servers are skipped with the reason when absent (failed under ``CI=true``): ``tests/servers.py``.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import pytest_asyncio
from servers import chinook_sqlite

from federation.config import SourceConfig

from .chinook_gateways import Source, start_source


@pytest.fixture(scope="module")
def sqlite_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A private copy of the Chinook SQLite file (the original is never opened for writing)."""
    return chinook_sqlite(tmp_path_factory.mktemp("chinook"))


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def sqlite(sqlite_file: Path) -> AsyncIterator[Source]:
    config = SourceConfig(name="sqlite", kind="sqlite", path=str(sqlite_file), read_only=True)
    async for source in start_source("sqlite", config, sqlite_file.parent):
        yield source


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def postgres(
    chinook_pg: str, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[Source]:
    config = SourceConfig(name="postgres", kind="postgres", dsn=chinook_pg)
    async for source in start_source("postgres", config, tmp_path_factory.mktemp("pg")):
        yield source


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def mysql(
    chinook_mysql: str, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[Source]:
    config = SourceConfig(name="mysql", kind="mysql", dsn=chinook_mysql)
    async for source in start_source("mysql", config, tmp_path_factory.mktemp("mysql")):
        yield source


@pytest.fixture
def server(request: pytest.FixtureRequest) -> Source:
    """The server named by the test's ``kind`` parameter."""
    kind: str = request.node.callspec.params["kind"]
    source: Source = request.getfixturevalue(kind)
    return source
