"""Live REST and GraphQL services on loopback, and a gateway over them plus a SQLite file."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import pytest
import pytest_asyncio
from conformance.live_server import LiveServer
from http_sources import (
    DOWN_ENDPOINT,
    ENDPOINTS,
    SLOW_ENDPOINTS,
    closed_port_url,
    rest_source,
    sqlite_file,
)
from services import Recorder, graphql_app, rest_app

from federation.config import Config, SourceConfig
from federation.gateway import Gateway


@pytest.fixture(scope="package")
def rest_recorder() -> Recorder:
    return Recorder()


@pytest.fixture(scope="package")
def rest_url(rest_recorder: Recorder) -> Iterator[str]:
    with LiveServer(rest_app(rest_recorder)) as server:
        yield server.url


@pytest.fixture(scope="package")
def graphql_recorder() -> Recorder:
    return Recorder()


@pytest.fixture(scope="package")
def graphql_url(graphql_recorder: Recorder) -> Iterator[str]:
    with LiveServer(graphql_app(graphql_recorder)) as server:
        yield server.url + "/graphql"


@pytest_asyncio.fixture(scope="package", loop_scope="session")
async def gateway(
    tmp_path_factory: pytest.TempPathFactory, rest_url: str, graphql_url: str
) -> AsyncIterator[Gateway]:
    base = tmp_path_factory.mktemp("federation")
    config = Config(
        sources=(
            SourceConfig(name="db", kind="sqlite", path=str(sqlite_file(base))),
            rest_source("api", rest_url, ENDPOINTS),
            rest_source("slowapi", rest_url, SLOW_ENDPOINTS, statement_timeout=0.3),
            rest_source("downapi", closed_port_url(), [DOWN_ENDPOINT]),
            SourceConfig(
                name="remote",
                kind="graphql",
                dsn=graphql_url,
                options={"prefix": "gq_", "forward_headers": ["Authorization"]},
            ),
        ),
        base_dir=base,
    )
    started = await Gateway.start(config)
    yield started
    await started.stop()
