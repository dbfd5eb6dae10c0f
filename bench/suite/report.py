"""The run's report: the machine, the tables, the ratios against the issue's targets, as
Markdown and JSON."""

from __future__ import annotations

import asyncio
import dataclasses
import os
import platform
import subprocess
from pathlib import Path
from typing import Any

import asyncpg
import pymysql

from bench.suite.contenders import PG_WORK
from bench.suite.data import Servers
from bench.suite.run import Results
from bench.suite.scenarios import PENDING

FLOOR = "lower bound: asyncpg rows + orjson"
FLOOR_JSON = "lower bound: JSON built in PostgreSQL"
GATEWAY_1 = "gateway, 1 worker (PostgreSQL)"
GATEWAY_2 = "gateway, 2 workers (PostgreSQL)"
GATEWAY_CACHED = "gateway, 1 worker, response cache on (PostgreSQL)"
POSTGRAPHILE = "PostGraphile 5"
STRAWBERRY = "strawberry + DataLoader"
FLOOR_MY = "lower bound: aiomysql rows + orjson"
GATEWAY_MY = "gateway, 1 worker (MariaDB)"


# --- the machine ---------------------------------------------------------------------------


def machine(servers: Servers) -> dict[str, Any]:
    info: dict[str, Any] = {
        "cpus": os.cpu_count(),
        "cpu_model": _cpuinfo("model name"),
        "memory_gib": round(_meminfo_kib("MemTotal") / 2**20, 1),
        "kernel": platform.release(),
        "python": platform.python_version(),
    }
    info["postgresql"] = _safe(lambda: asyncio.run(_pg_version(servers)))
    info["mariadb"] = _safe(lambda: _mysql_version(servers))
    node = PG_WORK / "node_modules" / ".bin" / "node"
    info["node"] = _safe(
        lambda: subprocess.run(
            [str(node), "--version"], capture_output=True, text=True, check=True
        ).stdout.strip()
    )
    info["postgraphile"] = _safe(lambda: _npm_version("postgraphile"))
    info["uvicorn"] = _safe(_uvicorn)
    return info


def _uvicorn() -> str:
    import uvicorn

    from bench.suite.nodelay import bound_socket_sets_nodelay

    nodelay = (
        "yes" if bound_socket_sets_nodelay() else "NO: 40 ms stalls, see bench/suite/nodelay.py"
    )
    return f"{uvicorn.__version__} (--workers sockets TCP_NODELAY: {nodelay})"


def _safe(get: Any) -> str:
    try:
        return str(get())
    except Exception as error:  # a missing piece is reported, not fatal
        return f"unknown ({type(error).__name__})"


def _cpuinfo(key: str) -> str:
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith(key):
            return line.split(":", 1)[1].strip()
    return "unknown"


def _meminfo_kib(key: str) -> int:
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith(key):
            return int(line.split()[1])
    return 0


async def _pg_version(servers: Servers) -> str:
    conn = await asyncpg.connect(servers.pg_dsn())
    try:
        return str(await conn.fetchval("SHOW server_version")).split()[0]
    finally:
        await conn.close()


def _mysql_version(servers: Servers) -> str:
    conn = pymysql.connect(
        host=servers.mysql_host,
        port=servers.mysql_port,
        user=servers.mysql_user,
        password=servers.mysql_password,
    )
    try:
        with conn.cursor() as cursor:
            cursor.execute("SELECT VERSION()")
            return str(cursor.fetchone()[0])
    finally:
        conn.close()


def _npm_version(package: str) -> str:
    import json

    data = json.loads((PG_WORK / "node_modules" / package / "package.json").read_text())
    return str(data["version"])


# --- lookups --------------------------------------------------------------------------------


class Table:
    """The measured cells, looked up by contender, scenario and concurrency."""

    def __init__(self, results: Results) -> None:
        self.cells = {
            (c["contender"], c["scenario"], c["concurrency"]): c
            for c in results.cells
            if c.get("concurrency")
        }
        self.na = {(c["contender"], c["scenario"]): c["na"] for c in results.cells if "na" in c}
        self.contenders = list(dict.fromkeys(c["contender"] for c in results.cells))

    def get(self, contender: str, scenario: str, concurrency: int) -> dict[str, Any] | None:
        return self.cells.get((contender, scenario, concurrency))

    def ratio(
        self, a: str, b: str, scenario: str, concurrency: int, key: str = "rps"
    ) -> float | None:
        x, y = self.get(a, scenario, concurrency), self.get(b, scenario, concurrency)
        if not x or not y or not y[key]:
            return None
        return float(x[key]) / float(y[key])


TARGET_CONCURRENCY = 32
"""The issue states its targets at concurrency 32."""


def target_concurrency(concurrency: tuple[int, ...]) -> int:
    return TARGET_CONCURRENCY if TARGET_CONCURRENCY in concurrency else concurrency[-1]


def _fmt(value: float | None, digits: int = 2, suffix: str = "") -> str:
    return "—" if value is None else f"{value:.{digits}f}{suffix}"


# --- Markdown -------------------------------------------------------------------------------


def markdown(results: Results, info: dict[str, Any], command: str, plots: list[str]) -> str:
    table = Table(results)
    conc = results.settings.concurrency
    high = target_concurrency(conc)
    parts = [
        f"Command: `{command}` ({results.seconds / 60:.1f} min). Scale: "
        f"{results.settings.scale:,} orders ({results.settings.scale * 4.1:,.0f} rows in four "
        f"tables; databases {', '.join(f'{k} {v}' for k, v in results.loaded.items())}).",
        "",
        "Machine: " + ", ".join(f"{k} {v}" for k, v in info.items()) + ".",
        "",
        "Every server runs alone (one at a time) on loopback with the load generator on the "
        "same machine; each Python server runs under the same `uvicorn --no-access-log` with a "
        "pool of 8 connections. Requests rotate through 8 variable sets (offsets), except in "
        "(e). Cells stop at "
        f"{results.settings.requests:,} requests or {results.settings.duration:g} s. CPU is the "
        "server processes' own (user + system, from /proc, warm-up included), not the "
        "database's. Ratios are from this one run: compare ratios, not absolute numbers "
        "across runs.",
        "",
        f"## Summary: throughput (requests/s) at concurrency {high}",
        "",
        summary(table, results, high),
        "",
        "## Against the issue's targets",
        "",
        targets(table, results),
        "",
    ]
    for scenario in results.scenarios:
        parts += [f"## ({scenario.key}) {scenario.title}", ""]
        if scenario.note:
            parts += [f"*{scenario.note}.*", ""]
        parts += [scenario_table(table, results, scenario.key), ""]
        if scenario.key == "d":
            parts += [calls_table(results), ""]
    if PENDING:
        parts += ["## Pending scenarios", ""]
        parts += [f"- ({key}) {text}" for key, text in PENDING.items()]
    parts += [
        "",
        "## Response assembly: graphql-core per-field execution against orjson",
        "",
        assembly_table(results),
        "",
    ]
    parts += ["## Scale curves (concurrency 1, PostgreSQL)", "", curves_table(results), ""]
    parts += [f"![{name}]({name})" for name in plots]
    parts += ["", "## Peak memory (VmHWM, all processes of the server)", ""]
    parts += ["| server | peak MiB | processes |", "|---|---:|---:|"]
    parts += [f"| {k} | {v['peak_mib']} | {v['processes']} |" for k, v in results.servers.items()]
    if results.failures:
        parts += ["", "## Failures", ""] + [f"- {f}" for f in results.failures]
    return "\n".join(parts) + "\n"


def summary(table: Table, results: Results, concurrency: int) -> str:
    keys = [s.key for s in results.scenarios]
    lines = [
        "| contender | " + " | ".join(f"({k})" for k in keys) + " |",
        "|---|" + "---:|" * len(keys),
    ]
    for name in table.contenders:
        row = []
        for key in keys:
            cell = table.get(name, key, concurrency)
            row.append("n/a" if (name, key) in table.na else _fmt(cell["rps"] if cell else None, 0))
        lines.append(f"| {name} | " + " | ".join(row) + " |")
    return "\n".join(lines)


def scenario_table(table: Table, results: Results, key: str) -> str:
    conc = results.settings.concurrency
    head = (
        "| contender | answer | "
        + " | ".join(f"c{c} req/s | c{c} p50/p95/p99 ms" for c in conc)
        + f" | CPU ms/req (c{conc[-1]}) |"
    )
    lines = [head, "|---|---|" + "---:|---:|" * len(conc) + "---:|"]
    for name in table.contenders:
        verdict = results.checks.get(name, {}).get(key, "—")
        if (name, key) in table.na:
            lines.append(f"| {name} | n/a: {table.na[(name, key)]} |" + " |" * (2 * len(conc) + 1))
            continue
        row = [name, verdict]
        for c in conc:
            cell = table.get(name, key, c)
            if cell is None:
                row += ["—", "—"]
                continue
            errors = f" ({cell['errors']} errors)" if cell["errors"] else ""
            row += [
                f"{cell['rps']:.0f}{errors}",
                f"{cell['p50_ms']:.1f} / {cell['p95_ms']:.1f} / {cell['p99_ms']:.1f}",
            ]
        last = table.get(name, key, conc[-1])
        row.append(_fmt(last["cpu_ms_per_request"] if last else None))
        lines.append("| " + " | ".join(row) + " |")
    return "\n".join(lines)


def calls_table(results: Results) -> str:
    """Source calls of one (d) request, by contender and number of parent rows."""
    lines = [
        "Source calls for one (d) request with 10 and with 1,000 customers (PostgreSQL "
        "statements, MariaDB statements, REST requests; the REST service counts its requests, "
        "the gateway's connectors their `statements_executed`, the hand-written services their "
        "own calls):",
        "",
        "| contender | customers | PostgreSQL | MariaDB | REST |",
        "|---|---:|---:|---:|---:|",
    ]
    for row in results.calls:
        cells = [str(row.get(k, "—")) for k in ("postgres", "mysql", "rest")]
        lines.append(f"| {row['contender']} | {row['rows']:,} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def calls_verdict(results: Results) -> str:
    """Whether the gateway's source calls in (d) are the same for every parent count."""
    rows = [r for r in results.calls if r["contender"].startswith("gateway")]
    if not rows:
        return "not measured"
    by_contender: dict[str, set[tuple[int, ...]]] = {}
    for r in rows:
        counts = tuple(int(r.get(k, -1)) for k in ("postgres", "mysql", "rest"))
        by_contender.setdefault(r["contender"], set()).add(counts)
    same = all(len(v) == 1 for v in by_contender.values())
    inner = next(
        (
            r
            for r in rows
            if "in process" in r["contender"] and r["parents"] == max(x["parents"] for x in rows)
        ),
        rows[-1],
    )
    text = ", ".join(f"{k} {inner.get(k, '—')}" for k in ("postgres", "mysql", "rest"))
    parents = " and ".join(f"{p:,}" for p in sorted({r["parents"] for r in rows}))
    return f"{'same' if same else 'NOT the same'} for {parents} customers ({text})"


def targets(table: Table, results: Results) -> str:
    conc = results.settings.concurrency
    high = target_concurrency(conc)
    lines = ["| target | measured | scenario |", "|---|---|---|"]
    for s in results.scenarios:
        for floor, form in ((FLOOR, "rows + orjson"), (FLOOR_JSON, "JSON built in PostgreSQL")):
            lb = table.ratio(GATEWAY_1, floor, s.key, high)
            lb2 = table.ratio(GATEWAY_2, floor, s.key, high)
            lines.append(
                f"| uncached throughput >= 0.8x lower bound ({form}, c{high}) | 1 worker "
                f"{_fmt(lb, 2, 'x')}, 2 workers {_fmt(lb2, 2, 'x')} | ({s.key}) |"
            )
    for key, floor in (("a", FLOOR_MY), ("b", FLOOR_MY)):
        my = table.ratio(GATEWAY_MY, floor, key, high)
        lines.append(
            f"| uncached throughput >= 0.8x lower bound (MariaDB, aiomysql rows, "
            f"c{high}) | {_fmt(my, 2, 'x')} | ({key}) |"
        )
    for key in ("a", "b"):
        pg = table.ratio(GATEWAY_1, POSTGRAPHILE, key, high)
        pg2 = table.ratio(GATEWAY_2, POSTGRAPHILE, key, high)
        lines.append(
            f"| > 2x PostGraphile 5 throughput (c{high}) | 1 worker {_fmt(pg, 2, 'x')}, "
            f"2 workers {_fmt(pg2, 2, 'x')} | ({key}) |"
        )
    for key in ("a", "b"):
        p50 = table.ratio(GATEWAY_1, FLOOR, key, 1, "p50_ms")
        lines.append(f"| p50 at c1 <= 1.25x lower bound | {_fmt(p50, 2, 'x')} | ({key}) |")
    for row, p50 in _curve_p50_ratios(results):
        lines.append(
            f"| p50 at c1 <= 1.25x lower bound | {_fmt(p50, 2, 'x')} | rows curve, {row:,} rows |"
        )
    for key in ("b", "d", "e"):
        sb = table.ratio(GATEWAY_1, STRAWBERRY, key, high)
        lines.append(
            f"| >= 15x strawberry + DataLoader on nested results (c{high}) | "
            f"{_fmt(sb, 1, 'x')} | ({key}) |"
        )
    cached = table.ratio(GATEWAY_CACHED, GATEWAY_1, "e", high)
    lines.append(f"| cached >= 10x uncached (c{high}) | {_fmt(cached, 1, 'x')} | (e) |")
    for name in (GATEWAY_CACHED, GATEWAY_1, GATEWAY_2):
        cell = table.get(name, "f", high)
        rps = _fmt(cell["rps"] if cell else None, 0, " req/s")
        lines.append(f"| >= 5,000 req/s for a persisted query (c{high}) | {name}: {rps} | (f) |")
    lines.append(f"| source calls independent of row count | {calls_verdict(results)} | (d) |")
    return "\n".join(lines)


def _curve_p50_ratios(results: Results) -> list[tuple[int, float | None]]:
    def p50(contender: str, x: int) -> float | None:
        for c in results.curves:
            if c["contender"] == contender and c["curve"] == "rows" and c["x"] == x:
                return float(c["p50_ms"])
        return None

    out: list[tuple[int, float | None]] = []
    for x in sorted({c["x"] for c in results.curves if c["curve"] == "rows"}):
        if x >= 1000:
            gw, floor = p50(GATEWAY_1, x), p50(FLOOR, x)
            out.append((x, gw / floor if gw and floor else None))
    return out


def assembly_table(results: Results) -> str:
    lines = [
        "| scenario | objects | graphql-core execute + orjson ms | orjson ms | ratio |",
        "|---|---:|---:|---:|---:|",
    ]
    for a in results.assembly:
        ratio = a["graphql_core_ms"] / a["orjson_ms"] if a["orjson_ms"] else None
        lines.append(
            f"| ({a['scenario']}) {a['shape']} | {a['objects']:,} | "
            f"{a['graphql_core_ms']:.2f} | {a['orjson_ms']:.3f} | {_fmt(ratio, 0, 'x')} |"
        )
    lines += [
        "",
        "The gateway assembles responses without per-field resolvers; "
        "`bench/assembly.py` measures its assembly path against the same baseline.",
    ]
    return "\n".join(lines)


def curves_table(results: Results) -> str:
    names = list(dict.fromkeys(c["contender"] for c in results.curves))
    points = list(dict.fromkeys((c["curve"], c["x"]) for c in results.curves))
    lines = ["| point | " + " | ".join(names) + " |", "|---|" + "---:|" * len(names)]
    index = {(c["contender"], c["curve"], c["x"]): c for c in results.curves}
    for curve, x in points:
        label = f"{x:,} rows" if curve == "rows" else f"depth {x}"
        cells = [index.get((n, curve, x)) for n in names]
        lines.append(
            f"| {label} | "
            + " | ".join("—" if c is None else f"{c['p50_ms']:.1f} ms" for c in cells)
            + " |"
        )
    lines.append("")
    lines.append(
        "p50 latency per request. Rows: flat orders (scenario (a) with a larger limit). "
        "Depth: 30 customers > orders > order_items > product."
    )
    return "\n".join(lines)


def as_json(results: Results, info: dict[str, Any], command: str) -> dict[str, Any]:
    return {
        "command": command,
        "machine": info,
        "settings": dataclasses.asdict(results.settings),
        "seconds": results.seconds,
        "loaded": results.loaded,
        "scenarios": [dataclasses.asdict(s) for s in results.scenarios],
        "pending": PENDING,
        "checks": results.checks,
        "cells": results.cells,
        "curves": results.curves,
        "assembly": results.assembly,
        "calls": results.calls,
        "servers": results.servers,
        "failures": results.failures,
    }
