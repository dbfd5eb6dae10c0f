"""The caching layer: a cached answer inside the process, and HTTP throughput cached vs not.

1. ``in-process``: ``await gateway.execute(query)`` on a warm response cache (L1), p50 and p99
   over many calls (target: p50 under 0.5 ms).
2. ``HTTP``: two uvicorn processes over the same Chinook SQLite copy, one with
   ``cache.default_max_age: 60`` and one with ``cache.enabled: false``; the same nested query is
   POSTed on keep-alive connections for a fixed time; requests/s of each and their ratio.

    python -m bench cache [--seconds 3] [--concurrency 16] [--calls 5000]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import orjson

from bench.suite.load import Request, run_cell
from federation.cache.settings import CacheSettings
from federation.config import Config, SourceConfig
from federation.gateway import Gateway

CHINOOK = Path(__file__).resolve().parents[2] / "shared" / "datasets" / "chinook"
QUERY = """{ Album(order_by: {AlbumId: asc}, limit: 50) {
  AlbumId Title Artist { Name } Tracks(order_by: {TrackId: asc}) { Name Milliseconds }
} }"""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench cache", description=__doc__)
    parser.add_argument("--seconds", type=float, default=3.0, help="per HTTP cell")
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--calls", type=int, default=5000, help="in-process cached calls")
    args = parser.parse_args(argv)
    source = CHINOOK / "Chinook_Sqlite.sqlite"
    if not source.exists():
        print(f"error: {source} is missing (the Chinook dataset)", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory() as folder:
        db = Path(folder) / "chinook.sqlite"
        shutil.copyfile(source, db)
        asyncio.run(in_process(db, args.calls))
        asyncio.run(over_http(Path(folder), args.seconds, args.concurrency))
    return 0


async def in_process(db: Path, calls: int) -> None:
    source = SourceConfig(name="chinook", kind="sqlite", path=str(db))
    config = Config(sources=(source,), base_dir=db.parent, cache=CacheSettings(default_max_age=60))
    gateway = await Gateway.start(config)
    try:
        first = await gateway.execute(QUERY)
        assert b'"errors"' not in first.body, first.body[:300]
        times = []
        for _ in range(calls):
            start = time.perf_counter()
            response = await gateway.execute(QUERY)
            times.append((time.perf_counter() - start) * 1000)
            assert response.cache.hit
        cuts = statistics.quantiles(times, n=100)
        p50 = statistics.median(times)
        print(
            f"in-process cached answer ({len(first.body)} bytes): p50 {p50:.3f} ms, "
            f"p99 {cuts[98]:.3f} ms over {calls} calls"
        )
    finally:
        await gateway.stop()


async def over_http(folder: Path, seconds: float, concurrency: int, rounds: int = 3) -> None:
    """Both servers run side by side; short cells alternate between them, so that drift in the
    machine's load hits both alike."""
    request = Request("/graphql", orjson.dumps({"query": QUERY}))
    variants = {"cached": "{default_max_age: 60}", "uncached": "{enabled: false}"}
    ports, servers = {}, []
    try:
        for name, cache in variants.items():
            config = folder / f"{name}.yaml"
            config.write_text(
                "sources: [{name: chinook, kind: sqlite, path: chinook.sqlite}]\n"
                f"cache: {cache}\n"
            )
            ports[name] = _free_port()
            servers.append(_serve(config, ports[name]))
        for port in ports.values():
            await _ready(port)
        done = dict.fromkeys(variants, 0)
        spent = dict.fromkeys(variants, 0.0)
        errors = dict.fromkeys(variants, 0)
        for _ in range(rounds):
            for name, port in ports.items():
                cell = await run_cell(
                    port, [request], concurrency=concurrency, total=10**9, duration=seconds
                )
                done[name] += cell.requests
                spent[name] += cell.seconds
                errors[name] += cell.errors
    finally:
        for server in servers:
            server.terminate()
            server.wait(timeout=10)
    rate = {name: done[name] / spent[name] for name in variants}
    for name in variants:
        print(
            f"HTTP {name:8}: {rate[name]:8.0f} req/s, errors {errors[name]} "
            f"({rounds} x {seconds:g} s alternating, concurrency {concurrency})"
        )
    print(f"HTTP cached / uncached throughput: {rate['cached'] / max(rate['uncached'], 1e-9):.1f}x")


def _serve(config: Path, port: int) -> subprocess.Popen[bytes]:
    env = {**os.environ, "FEDERATION_CONFIG": str(config)}
    command = [
        sys.executable, "-m", "uvicorn", "--factory", "federation.server.app:create_app",
        "--port", str(port), "--log-level", "warning", "--no-access-log",
    ]  # fmt: skip
    return subprocess.Popen(command, env=env)


async def _ready(port: int) -> None:
    for _ in range(200):
        try:
            _, writer = await asyncio.open_connection("127.0.0.1", port)
            writer.close()
            return
        except OSError:
            await asyncio.sleep(0.05)
    raise RuntimeError(f"server on port {port} did not start")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port
