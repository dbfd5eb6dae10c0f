"""Resilience across sources, against real loopback services: independent sources are fetched
concurrently, a failing or slow source answers null with an error naming it while the rest of
the data comes back, the circuit breaker fails fast and probes again, and the headers that
config allows are forwarded from the incoming HTTP request."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpx
import orjson
import pytest
import pytest_asyncio
from conformance.live_server import LiveServer
from federation_connectors._http import REQUEST_HEADERS
from graphql import build_schema, graphql
from http_sources import closed_port_url
from services import Recorder, graphql_app, rest_app
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from federation.config import CircuitBreakerConfig, Config, SourceConfig
from federation.errors import ConfigError
from federation.execution.breaker import CircuitBreaker
from federation.execution.sources import Source, Sources
from federation.gateway import Gateway
from federation.server import create_app

DELAY = 0.4
"""Seconds each slow service waits before answering."""


class Clock:
    """A monotonic clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def slow_endpoint(type_name: str, path: str = "/slow/{id}") -> dict[str, Any]:
    return {
        "type": type_name,
        "path": path,
        "fields": {"id": "Int!", "ok": "Boolean"},
        "primary_key": ["id"],
        "by_pk": {"path": "/slow/{id}", "row": "data"},
    }


def rest(name: str, url: str, endpoints: list[dict[str, Any]], **extra: Any) -> SourceConfig:
    options = {"retries": 0, "endpoints": endpoints, **extra.pop("options", {})}
    return SourceConfig(name=name, kind="rest", dsn=url, options=options, **extra)


ECHO_SDL = "type Query { headers: [Header!]! } type Header { name: String! value: String }"


def echo_app() -> Starlette:
    """Answers with the headers it received, one row per header: REST at ``/echo``, GraphQL
    (``{ headers { name value } }``) at ``/graphql``."""
    schema = build_schema(ECHO_SDL)

    def rows(request: Request) -> list[dict[str, str]]:
        return [{"name": k, "value": v} for k, v in request.headers.items()]

    async def echo(request: Request) -> Response:
        return JSONResponse(rows(request))

    async def echo_graphql(request: Request) -> Response:
        payload = await request.json()
        result = await graphql(schema, payload["query"], root_value={"headers": rows(request)})
        return JSONResponse({"data": result.data, "errors": result.errors or None})

    return Starlette(
        routes=[Route("/echo", echo), Route("/graphql", echo_graphql, methods=["POST"])]
    )


@pytest.fixture(scope="module")
def slow_a() -> Iterator[str]:
    with LiveServer(rest_app(Recorder(delay=DELAY))) as server:
        yield server.url


@pytest.fixture(scope="module")
def slow_b() -> Iterator[str]:
    with LiveServer(rest_app(Recorder(delay=DELAY))) as server:
        yield server.url


@pytest.fixture(scope="module")
def slow_graphql() -> Iterator[str]:
    with LiveServer(graphql_app(Recorder(delay=DELAY))) as server:
        yield server.url + "/graphql"


@pytest.fixture(scope="module")
def flaky_recorder() -> Recorder:
    return Recorder()


@pytest.fixture(scope="module")
def flaky_url(flaky_recorder: Recorder) -> Iterator[str]:
    with LiveServer(rest_app(flaky_recorder)) as server:
        yield server.url


@pytest.fixture(scope="module")
def echo_url() -> Iterator[str]:
    with LiveServer(echo_app()) as server:
        yield server.url


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def gateway(
    slow_a: str,
    slow_b: str,
    slow_graphql: str,
    flaky_url: str,
    echo_url: str,
    graphql_url: str,
) -> AsyncIterator[Gateway]:
    no_breaker: dict[str, Any] = {"circuit_breaker": None}
    config = Config(
        sources=(
            rest("slow_a", slow_a, [slow_endpoint("slow_a")]),
            rest("slow_b", slow_b, [slow_endpoint("slow_b")]),
            SourceConfig(name="slow_g", kind="graphql", dsn=slow_graphql, options={"prefix": "g_"}),
            rest("late", slow_a, [slow_endpoint("late")], statement_timeout=0.2, **no_breaker),
            rest("down", closed_port_url(), [slow_endpoint("down", "/down")], **no_breaker),
            rest(
                "flaky", flaky_url, [{"type": "flaky", "path": "/flaky", "fields": {"id": "Int!"}}]
            ),
            rest(
                "echo",
                echo_url,
                [
                    {
                        "type": "echo_header",
                        "path": "/echo",
                        "fields": {"name": "String!", "value": "String"},
                    }
                ],
                options={
                    "headers": {"X-Tenant": "static-tenant"},
                    "forward_headers": ["X-User-Token", "x-request-id", "X-Tenant"],
                },
            ),
            SourceConfig(
                name="gecho",
                kind="graphql",
                dsn=echo_url + "/graphql",
                options={"prefix": "ge_", "forward_headers": ["x-user-token"]},
            ),
            SourceConfig(name="remote", kind="graphql", dsn=graphql_url, options={"prefix": "h_"}),
        ),
    )
    started = await Gateway.start(config)
    yield started
    await started.stop()


async def run(gateway: Gateway, query: str) -> Any:
    return orjson.loads((await gateway.execute(query)).body)


async def timed(gateway: Gateway, query: str) -> tuple[float, Any]:
    started = time.perf_counter()
    result = await run(gateway, query)
    return time.perf_counter() - started, result


THREE_SLOW = """{
  a: slow_a_by_pk(id: 1) { id ok }
  b: slow_b_by_pk(id: 1) { id }
  g: g_books_by_pk(id: "1") { title }
}"""


# --- item 5: independent sources run concurrently ---------------------------------------------


async def test_three_slow_sources_take_about_the_slowest_not_the_sum(gateway: Gateway) -> None:
    await run(gateway, THREE_SLOW)  # warm the connection pools
    elapsed, result = min([await timed(gateway, THREE_SLOW) for _ in range(2)])
    assert result == {"data": {"a": {"id": 1, "ok": True}, "b": {"id": 1}, "g": {"title": "Dune"}}}
    # one after another they would take 3 x DELAY; concurrently about one DELAY
    assert DELAY <= elapsed < 2 * DELAY, f"{elapsed:.3f} s for three sources of {DELAY} s each"


# --- item 6: partial failure --------------------------------------------------------------------


async def test_a_timed_out_source_is_null_with_its_error_the_rest_answers(
    gateway: Gateway,
) -> None:
    elapsed, result = await timed(
        gateway,
        "{ t: late_by_pk(id: 1) { id } b: slow_b_by_pk(id: 1) { id } "
        'g: g_books_by_pk(id: "2") { title } }',
    )
    assert result["data"] == {"t": None, "b": {"id": 1}, "g": {"title": "Emma"}}
    (error,) = result["errors"]
    assert error["path"] == ["t"]
    assert error["extensions"] == {"code": "SOURCE_TIMEOUT", "source": "late"}
    assert "'late'" in error["message"] and "0.2 s" in error["message"]
    assert elapsed < 2 * DELAY  # the timeout did not hold the others up beyond the slowest


async def test_an_unreachable_source_is_null_with_its_error_the_rest_answers(
    gateway: Gateway,
) -> None:
    result = await run(gateway, "{ d: down_by_pk(id: 1) { id } b: slow_b_by_pk(id: 1) { id } }")
    assert result["data"] == {"d": None, "b": {"id": 1}}
    (error,) = result["errors"]
    assert error["path"] == ["d"]
    assert error["extensions"] == {"code": "SOURCE_UNAVAILABLE", "source": "down"}
    assert "GET http://127.0.0.1:" in error["message"]


async def test_a_failing_non_null_list_root_nulls_the_whole_data(gateway: Gateway) -> None:
    # Hasura's list roots are [t!]!: per the GraphQL spec their error propagates to `data`,
    # and the other roots' values are dropped with it; the error still names path and source.
    result = await run(gateway, "{ down { id } b: slow_b_by_pk(id: 1) { id } }")
    assert result["data"] is None
    (error,) = result["errors"]
    assert error["path"] == ["down"]
    assert error["extensions"] == {"code": "SOURCE_UNAVAILABLE", "source": "down"}


# --- circuit breaker ----------------------------------------------------------------------------


def fresh_breaker(gateway: Gateway, name: str, clock: Clock, failures: int = 2) -> Source:
    source = gateway.sources.by_name[name]
    source.breaker = CircuitBreaker(name, CircuitBreakerConfig(failures, 10.0), clock)
    return source


async def test_breaker_opens_fails_fast_probes_and_closes(
    gateway: Gateway, flaky_recorder: Recorder
) -> None:
    clock = Clock()
    fresh_breaker(gateway, "flaky", clock)
    flaky_recorder.calls.clear()
    flaky_recorder.failures_left = 2
    for _ in range(2):  # two 503s in a row open it
        result = await run(gateway, "{ flaky { id } }")
        assert result["errors"][0]["extensions"] == {
            "code": "SOURCE_UNAVAILABLE",
            "source": "flaky",
        }
        assert "HTTP 503" in result["errors"][0]["message"]
    assert len(flaky_recorder.calls) == 2

    clock.now += 4
    result = await run(gateway, "{ flaky { id } }")
    (error,) = result["errors"]
    assert error["extensions"] == {"code": "SOURCE_UNAVAILABLE", "source": "flaky"}
    assert error["path"] == ["flaky"]
    assert "circuit breaker open after 2 consecutive failures" in error["message"]
    assert "HTTP 503" in error["message"]  # the last failure, so the cause stays visible
    assert "next probe in 6.0 s" in error["message"]
    assert len(flaky_recorder.calls) == 2  # failed fast: the service was not asked
    readiness = await gateway.readiness()
    assert "circuit breaker open" in (readiness["flaky"] or "")
    assert len(flaky_recorder.calls) == 2  # nor by the readiness probe

    clock.now += 6  # the cooldown is over: the next call is the probe, and it succeeds
    assert await run(gateway, "{ flaky { id } }") == {"data": {"flaky": [{"id": 1}]}}
    assert await run(gateway, "{ flaky { id } }") == {"data": {"flaky": [{"id": 1}]}}
    assert len(flaky_recorder.calls) == 4
    assert (await gateway.readiness())["flaky"] is None


async def test_a_failed_probe_opens_the_breaker_for_another_cooldown(
    gateway: Gateway, flaky_recorder: Recorder
) -> None:
    clock = Clock()
    fresh_breaker(gateway, "flaky", clock, failures=1)
    flaky_recorder.calls.clear()
    flaky_recorder.failures_left = 2
    await run(gateway, "{ flaky { id } }")  # opens
    clock.now += 10
    result = await run(gateway, "{ flaky { id } }")  # the probe: 503 again
    assert "HTTP 503" in result["errors"][0]["message"]
    clock.now += 9.5
    result = await run(gateway, "{ flaky { id } }")
    assert "next probe in 0.5 s" in result["errors"][0]["message"]
    assert len(flaky_recorder.calls) == 2
    clock.now += 0.5
    assert await run(gateway, "{ flaky { id } }") == {"data": {"flaky": [{"id": 1}]}}


async def test_errors_the_request_caused_do_not_open_the_breaker(gateway: Gateway) -> None:
    clock = Clock()
    source = fresh_breaker(gateway, "remote", clock, failures=1)
    # the remote answers with a GraphQL error: SOURCE_ERROR, the source itself is healthy
    for _ in range(2):
        result = await run(gateway, "{ h_broken { id } }")
        assert result["errors"][0]["extensions"] == {"code": "SOURCE_ERROR", "source": "remote"}
    assert source.breaker is not None and source.breaker.status() is None


async def test_readiness_goes_through_the_breaker(tmp_path: Any) -> None:
    config = Config(
        sources=(
            rest(
                "gone",
                closed_port_url(),
                [slow_endpoint("gone")],
                circuit_breaker=CircuitBreakerConfig(failures=2, cooldown=5),
            ),
        ),
        base_dir=tmp_path,
    )
    sources = Sources(config)
    await sources.open()
    try:
        clock = Clock()
        source = sources.by_name["gone"]
        assert source.breaker is not None
        source.breaker.clock = clock
        connector = source.connector
        for _ in range(2):
            assert "127.0.0.1" in ((await sources.readiness())["gone"] or "")
        sent = connector.requests_sent
        report = (await sources.readiness())["gone"] or ""
        assert report.startswith("circuit breaker open after 2 consecutive failures")
        assert "next probe in 5.0 s" in report
        assert connector.requests_sent == sent
        clock.now += 5
        assert "127.0.0.1" in ((await sources.readiness())["gone"] or "")  # probed, still down
        assert connector.requests_sent == sent + 1
        assert "next probe in 5.0 s" in ((await sources.readiness())["gone"] or "")
    finally:
        await sources.close()


# --- header forwarding ----------------------------------------------------------------------------


async def post(gateway: Gateway, query: str, headers: dict[str, str]) -> Any:
    transport = httpx.ASGITransport(app=create_app(gateway=gateway))
    async with httpx.AsyncClient(transport=transport, base_url="http://gateway") as client:
        response = await client.post("/graphql", json={"query": query}, headers=headers)
    assert response.status_code == 200, response.text
    return response.json()


async def test_forwards_only_the_configured_headers_over_http(gateway: Gateway) -> None:
    result = await post(
        gateway,
        "{ echo_header { name value } }",
        {
            "X-User-Token": "user-token",
            "X-Request-Id": "req-42",
            "Cookie": "session=secret",
            "X-Other": "no",
        },
    )
    received = {row["name"]: row["value"] for row in result["data"]["echo_header"]}
    assert received["x-user-token"] == "user-token"
    assert received["x-request-id"] == "req-42"
    assert received["x-tenant"] == "static-tenant"  # not in the request: config's value
    assert "cookie" not in received and "x-other" not in received
    assert received["host"].startswith("127.0.0.1:")  # the source's own host, not the gateway's
    assert REQUEST_HEADERS.get() is None  # reset when the request ended


async def test_a_forwarded_header_replaces_the_configured_one(gateway: Gateway) -> None:
    result = await post(gateway, "{ echo_header { name value } }", {"X-Tenant": "per-user"})
    received = {row["name"]: row["value"] for row in result["data"]["echo_header"]}
    assert received["x-tenant"] == "per-user"
    assert "x-user-token" not in received  # absent from the request: not sent at all


async def test_graphql_source_forwards_over_http(gateway: Gateway) -> None:
    result = await post(
        gateway, "{ ge_headers { name value } }", {"X-User-Token": "abc", "X-Request-Id": "r"}
    )
    received = {row["name"]: row["value"] for row in result["data"]["ge_headers"]}
    assert received["x-user-token"] == "abc"
    assert "x-request-id" not in received  # not in this source's forward_headers


async def test_headers_named_by_connection_are_not_forwarded(gateway: Gateway) -> None:
    result = await post(
        gateway,
        "{ echo_header { name value } }",
        {"Connection": "keep-alive, X-Request-Id", "X-Request-Id": "hop", "X-User-Token": "t"},
    )
    received = {row["name"]: row["value"] for row in result["data"]["echo_header"]}
    assert "x-request-id" not in received  # hop-by-hop for this request
    assert received["x-user-token"] == "t"


@pytest.mark.parametrize("header", ["Connection", "Host", "Transfer-Encoding", "content-length"])
def test_forwarding_a_hop_by_hop_or_framing_header_is_a_config_error(header: str) -> None:
    config = Config(
        sources=(rest("api", "http://127.0.0.1:9", [], options={"forward_headers": [header]}),)
    )
    with pytest.raises(ConfigError, match="cannot be forwarded") as raised:
        Sources(config)
    assert "source 'api': options.forward_headers" in str(raised.value)
    assert header.lower() in str(raised.value)
