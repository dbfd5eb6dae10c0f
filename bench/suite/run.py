"""One run of the suite: load the data, start each server in turn, measure, stop it.

Servers run one at a time, so a contender under load never shares the machine with another
contender's server (only with the databases and the load generator). Every server is stopped in
a ``finally``, also when a measurement fails.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import orjson

from bench.suite import assembly_cost, calls
from bench.suite.contenders import (
    ROOT,
    WORK,
    Contender,
    ServerSpec,
    ensure_postgraphile,
    loyalty_service,
    plan,
)
from bench.suite.data import Servers, ensure_loaded
from bench.suite.load import CellResult, Request, request_once, run_cell
from bench.suite.processes import Server, free_port
from bench.suite.queries import NOT_AVAILABLE, normalised_data
from bench.suite.scenarios import Scenario, depth_points, row_points, scenarios

CURVE_SERVERS = ("floor-pg", "gateway-pg-1", "postgraphile", "strawberry")
"""Whose scale curves are drawn (concurrency 1, PostgreSQL)."""


@dataclass(frozen=True, slots=True)
class Settings:
    scale: int
    quick: bool
    concurrency: tuple[int, ...]
    requests: int
    duration: float
    curve_requests: int
    curve_duration: float
    only: tuple[str, ...] = ()
    """Server keys to run (empty: all), for trying one contender."""

    @classmethod
    def for_run(cls, scale: int, quick: bool, only: tuple[str, ...] = ()) -> Settings:
        if quick:
            return cls(scale, True, (1, 16, 32), 400, 1.0, 5, 1.5, only)
        return cls(scale, False, (1, 16, 32, 64), 4000, 2.5, 15, 3.0, only)


@dataclass
class Results:
    settings: Settings
    scenarios: list[Scenario]
    loaded: dict[str, str] = field(default_factory=dict)
    cells: list[dict[str, Any]] = field(default_factory=list)
    curves: list[dict[str, Any]] = field(default_factory=list)
    checks: dict[str, dict[str, str]] = field(default_factory=dict)
    servers: dict[str, dict[str, Any]] = field(default_factory=dict)
    assembly: list[dict[str, Any]] = field(default_factory=list)
    calls: list[dict[str, Any]] = field(default_factory=list)
    """Source calls per request of scenario (d), per contender and parent count."""
    failures: list[str] = field(default_factory=list)
    seconds: float = 0.0


Log = Callable[[str], None]


async def run(servers: Servers, settings: Settings, log: Log = print) -> Results:
    began = time.perf_counter()
    WORK.mkdir(parents=True, exist_ok=True)
    results = Results(settings, scenarios(settings.scale))
    results.loaded = await ensure_loaded(servers, settings.scale, log)
    log(f"data: {results.loaded}")
    node = ensure_postgraphile(log)
    references: dict[str, Any] = {}
    rest = await start_rest(settings.scale)
    try:
        rest_url = f"http://127.0.0.1:{rest.port}"
        for spec, port, contenders in plan(servers, free_port, node, rest_url):
            if settings.only and spec.key not in settings.only:
                continue
            try:
                await run_server(spec, port, contenders, results, references, log, rest.port)
            except Exception as error:  # one broken contender must not lose the others' numbers
                results.failures.append(f"{spec.key}: {error!r}")
                log(f"!! {spec.key} failed: {error!r}")
        if not settings.only or any(k.startswith("gateway-pg") for k in settings.only):
            try:
                counted = await calls.gateway_in_process()
                results.calls += counted
                log(f"   gateway source calls (d), in process: {calls.describe(counted)}")
            except Exception as error:
                results.failures.append(f"gateway source calls: {error}")
                log(f"!! gateway source calls failed: {error}")
    finally:
        rest.stop()
    results.seconds = time.perf_counter() - began
    return results


async def start_rest(scale: int) -> Server:
    """The loyalty REST service of scenario (d), up for the whole run."""
    port = free_port()
    spec = loyalty_service(port, scale)
    server = Server.start(spec.key, spec.argv, spec.env, ROOT, port, WORK / "logs")
    try:
        await wait_ready(server, Request("/", b"", method="GET"))
    except BaseException:
        server.stop()
        raise
    return server


async def run_server(
    spec: ServerSpec,
    port: int,
    contenders: list[Contender],
    results: Results,
    references: dict[str, Any],
    log: Log,
    rest_port: int,
) -> None:
    env = {**spec.env, "FED_BENCH_PORT": str(port), "PYTHONUNBUFFERED": "1"}
    server = Server.start(
        spec.key,
        spec.argv,
        env,
        ROOT if "uvicorn" in spec.argv else WORK / "postgraphile",
        port,
        WORK / "logs",
    )
    try:
        probes = (
            contenders[0].request("count", {"status": "shipped"}),
            contenders[0].request("nested3", {"limit": 1, "offset": 0}),
        )
        probe = next(p for p in probes if p is not None)
        await wait_ready(server, probe)
        log(f"== {spec.key} on port {port} (pids {server.pids()})")
        for contender in contenders:
            await check_answers(contender, server, results, references, log)
            if contender.request("cross", {"limit": 1, "offset": 0}) is not None:
                counted = await calls.over_http(contender, server.port, rest_port)
                results.calls += counted
                log(f"   source calls (d): {calls.describe(counted)}")
            await run_cells(contender, server, results, log)
            if spec.key in CURVE_SERVERS:
                await run_curves(contender, server, results, log)
        server.sample_memory()
        results.servers[spec.key] = {
            "peak_mib": round(server.peak_mib(), 1),
            "processes": len(server.peak_kib),
            "argv": " ".join(spec.argv[1:]) if "uvicorn" in spec.argv else " ".join(spec.argv),
        }
    finally:
        server.stop()


async def wait_ready(server: Server, probe: Request, timeout: float = 90.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not server.alive():
            raise RuntimeError(f"{server.name} exited:\n{server.log_tail()}")
        try:
            if (await request_once(server.port, probe, timeout=5)).status == 200:
                return
        except (TimeoutError, OSError, asyncio.IncompleteReadError):
            pass
        await asyncio.sleep(0.25)
    raise RuntimeError(f"{server.name} did not answer in {timeout:.0f} s:\n{server.log_tail()}")


async def check_answers(
    contender: Contender, server: Server, results: Results, references: dict[str, Any], log: Log
) -> None:
    """Compare the contender's answer to each scenario's first request with the reference (the
    first contender's answer: the asyncpg lower bound)."""
    verdicts: dict[str, str] = {}
    for scenario in results.scenarios:
        request = _request(contender, scenario, scenario.variables[0])
        if request is None:
            verdicts[scenario.key] = "n/a"
            continue
        response = await request_once(server.port, request)
        body = orjson.loads(response.body)
        if response.status != 200 or body.get("errors"):
            verdicts[scenario.key] = f"error {response.status}: {str(body)[:200]}"
            continue
        answer = normalised_data(body)
        if scenario.key not in references:
            references[scenario.key] = answer
            if contender.server == "floor-pg":
                _assembly(scenario, body, results)
        verdicts[scenario.key] = "same" if answer == references[scenario.key] else "differs"
    results.checks[contender.name] = verdicts
    log(f"   {contender.name}: answers {verdicts}")


def _assembly(scenario: Scenario, body: dict[str, Any], results: Results) -> None:
    if scenario.key in ("d", "e", "f"):  # (e), (f) repeat (b); (d) spans three sources
        return
    cost = assembly_cost.measure(scenario.shape, scenario.variables[0], body["data"], 1.0)
    results.assembly.append(
        {
            "scenario": scenario.key,
            "shape": cost.shape,
            "objects": cost.objects,
            "graphql_core_ms": cost.graphql_core_ms,
            "orjson_ms": cost.orjson_ms,
        }
    )


async def run_cells(contender: Contender, server: Server, results: Results, log: Log) -> None:
    settings = results.settings
    for scenario in results.scenarios:
        requests = [_request(contender, scenario, v) for v in scenario.variables]
        if any(r is None for r in requests):
            results.cells.append(_na(contender, scenario))
            continue
        for concurrency in settings.concurrency:
            cell = await measure(
                server,
                [r for r in requests if r is not None],
                concurrency,
                settings.requests,
                settings.duration,
            )
            results.cells.append(
                {
                    "contender": contender.name,
                    "database": contender.database,
                    "server": server.name,
                    "scenario": scenario.key,
                    "concurrency": concurrency,
                    **cell,
                }
            )
            log(
                f"   {scenario.key:>2} c={concurrency:<3} {cell['rps']:8.1f} req/s  p50 "
                f"{cell['p50_ms']:7.2f} ms  p99 {cell['p99_ms']:7.2f} ms  "
                f"cpu {cell['cpu_ms_per_request']:.2f} ms/req  errors {cell['errors']}"
            )


def _request(contender: Contender, scenario: Scenario, variables: dict[str, Any]) -> Request | None:
    if contender.scenarios and scenario.key not in contender.scenarios:
        return None
    return contender.request(scenario.shape, variables)


def _na(contender: Contender, scenario: Scenario) -> dict[str, Any]:
    return {
        "contender": contender.name,
        "database": contender.database,
        "scenario": scenario.key,
        "concurrency": None,
        "na": (
            f"runs ({', '.join(contender.scenarios)}) only"
            if contender.scenarios and scenario.key not in contender.scenarios
            else NOT_AVAILABLE.get(scenario.shape, "not served")
        ),
    }


async def measure(
    server: Server,
    requests: list[Request],
    concurrency: int,
    total: int,
    duration: float,
    warmup: int = 3,
) -> dict[str, Any]:
    cpu_before = server.cpu_seconds()
    result: CellResult = await run_cell(
        server.port,
        requests,
        concurrency=concurrency,
        total=total,
        duration=duration,
        warmup=warmup,
    )
    cpu = server.cpu_seconds() - cpu_before
    server.sample_memory()
    return {
        "requests": result.requests,
        "errors": result.errors,
        "seconds": round(result.seconds, 3),
        "rps": result.throughput,
        "p50_ms": result.percentile(50),
        "p95_ms": result.percentile(95),
        "p99_ms": result.percentile(99),
        "cpu_ms_per_request": 1000 * cpu / result.sent if result.sent else float("nan"),
    }


async def run_curves(contender: Contender, server: Server, results: Results, log: Log) -> None:
    settings = results.settings
    points = [
        ("rows", n, "flat", {"limit": n, "offset": 0})
        for n in row_points(settings.scale, settings.quick)
    ]
    points += [("depth", d, f"nested{d}", {"limit": 30, "offset": 0}) for d in depth_points()]
    for curve, x, shape, variables in points:
        request = contender.request(shape, variables)
        if request is None:
            continue
        cell = await measure(
            server, [request], 1, settings.curve_requests, settings.curve_duration, warmup=1
        )
        results.curves.append({"contender": contender.name, "curve": curve, "x": x, **cell})
        log(f"   curve {curve}={x}: p50 {cell['p50_ms']:.2f} ms ({cell['requests']} requests)")
