"""The lower bound: the gateway against the same data fetched straight from PostgreSQL.

A 3-level nested Chinook query, at concurrency 1 (one request after another), three ways:

``gateway``
    ``await gateway.execute(query)`` in-process: parse/plan caches, one statement, response bytes.
``hand-written``
    asyncpg runs one plain query with joins, Python nests the rows, orjson serialises them:
    what a careful hand-written service does (the floor for the rows form).
``gateway SQL``
    asyncpg runs the gateway's own statement (JSON built by PostgreSQL) and orjson wraps the JSON
    text without parsing it: the floor for the gateway's form; the gap to ``gateway`` is the
    gateway's own overhead.

Both direct variants use an asyncpg pool of one connection, acquired per request, as a service
would. Rounds interleave the variants so drift in the machine hits all of them alike. It reports;
it asserts nothing. ``--write-docs`` also replaces this benchmark's section of docs/performance.md,
with the EXPLAIN of the 3-level query on PostgreSQL and MariaDB.

    python -m bench lower_bound [--pg-dsn DSN] [--mysql-dsn DSN] [--budget SECONDS] [--write-docs]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import statistics
import sys
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import asyncpg
import orjson

from federation.config import Config, SourceConfig
from federation.execution.executor import CompiledRoot
from federation.execution.operation import select_operation
from federation.gateway import Gateway

PG_DSN = os.environ.get("FEDERATION_BENCH_PG", "postgresql://postgres@127.0.0.1:5432/fed_chinook")
MYSQL_DSN = os.environ.get("FEDERATION_BENCH_MYSQL", "mysql://root@127.0.0.1:3306/fed_chinook")
DOCS = Path(__file__).resolve().parents[1] / "docs" / "performance.md"
BEGIN, END = "<!-- bench lower_bound: begin -->", "<!-- bench lower_bound: end -->"
WARMUP = 5

Row = Sequence[Any]


@dataclass(frozen=True, slots=True)
class Workload:
    name: str
    query: str
    """The GraphQL query on PostgreSQL's snake_case Chinook."""
    sql: str
    """The hand-written query: the same data as flat rows, in the response's order."""
    nest: Callable[[list[Row]], list[dict[str, Any]]]


def _money(value: Decimal) -> str:
    return str(value)  # numeric is a JSON string, as the gateway sends it


def _nest_artists(rows: list[Row]) -> list[dict[str, Any]]:
    artists: dict[int, dict[str, Any]] = {}
    albums: dict[int, dict[str, Any]] = {}
    for artist_id, artist_name, album_id, title, track_id, name, ms, price in rows:
        artist = artists.get(artist_id)
        if artist is None:
            artist = artists[artist_id] = {
                "artist_id": artist_id,
                "name": artist_name,
                "albums": [],
            }
        if album_id is None:
            continue
        album = albums.get(album_id)
        if album is None:
            album = albums[album_id] = {"album_id": album_id, "title": title, "tracks": []}
            artist["albums"].append(album)
        if track_id is not None:
            track = {"track_id": track_id, "name": name, "milliseconds": ms}
            album["tracks"].append({**track, "unit_price": _money(price)})
    return list(artists.values())


def _nest_playlists(rows: list[Row]) -> list[dict[str, Any]]:
    playlists: dict[int, dict[str, Any]] = {}
    for playlist_id, playlist_name, track_id, name, ms, price in rows:
        playlist = playlists.get(playlist_id)
        if playlist is None:
            playlist = playlists[playlist_id] = {
                "playlist_id": playlist_id,
                "name": playlist_name,
                "playlist_tracks": [],
            }
        if track_id is not None:
            track = {"name": name, "milliseconds": ms, "unit_price": _money(price)}
            playlist["playlist_tracks"].append({"track_id": track_id, "track": track})
    return list(playlists.values())


ARTISTS_QUERIES = {
    "snake": """{ artist(where: {artist_id: {_lte: 58}}, order_by: {artist_id: asc}) {
  artist_id name
  albums(order_by: {album_id: asc}) { album_id title
    tracks(order_by: {track_id: asc}) { track_id name milliseconds unit_price } } } }""",
    "pascal": """{ Artist(where: {ArtistId: {_lte: 58}}, order_by: {ArtistId: asc}) {
  ArtistId Name
  Albums(order_by: {AlbumId: asc}) { AlbumId Title
    Tracks(order_by: {TrackId: asc}) { TrackId Name Milliseconds UnitPrice } } } }""",
}
"""The 3-level query (artists 1-58 -> 100 albums -> 1,059 tracks) in each Chinook naming:
PostgreSQL's copy is snake_case, MariaDB's PascalCase."""


WORKLOADS = (
    Workload(
        "artists > albums > tracks (1,059 tracks)",
        ARTISTS_QUERIES["snake"],
        """SELECT ar.artist_id, ar.name, al.album_id, al.title,
                  t.track_id, t.name, t.milliseconds, t.unit_price
           FROM artist ar
           LEFT JOIN album al ON al.artist_id = ar.artist_id
           LEFT JOIN track t ON t.album_id = al.album_id
           WHERE ar.artist_id <= 58
           ORDER BY ar.artist_id, al.album_id, t.track_id""",
        _nest_artists,
    ),
    Workload(
        "playlists > playlist_tracks > track (8,715 tracks)",
        """{ playlist(order_by: {playlist_id: asc}) { playlist_id name
              playlist_tracks(order_by: {track_id: asc}) { track_id
                track { name milliseconds unit_price } } } }""",
        """SELECT p.playlist_id, p.name, pt.track_id, t.name, t.milliseconds, t.unit_price
           FROM playlist p
           LEFT JOIN playlist_track pt ON pt.playlist_id = p.playlist_id
           LEFT JOIN track t ON t.track_id = pt.track_id
           ORDER BY p.playlist_id, pt.track_id""",
        _nest_playlists,
    ),
)

# --- the three ways ---------------------------------------------------------------------------

Variant = Callable[[], Awaitable[bytes]]


def gateway_variant(gateway: Gateway, workload: Workload) -> Variant:
    async def run() -> bytes:
        return (await gateway.execute(workload.query)).body

    return run


def hand_written_variant(pool: asyncpg.Pool, workload: Workload, root: str) -> Variant:
    async def run() -> bytes:
        async with pool.acquire() as conn:
            rows = await conn.fetch(workload.sql)
        return orjson.dumps({"data": {root: workload.nest(rows)}})

    return run


def gateway_sql_variant(pool: asyncpg.Pool, root: CompiledRoot) -> Variant:
    sql, params, key = root.statement.sql, root.statement.params, root.field.key

    async def run() -> bytes:
        async with pool.acquire() as conn:
            text = await conn.fetchval(sql, *params)
        return orjson.dumps({"data": {key: orjson.Fragment(text)}})

    return run


def compiled_root(gateway: Gateway, query: str) -> CompiledRoot:
    parsed = gateway.documents.get(query)
    compiled = gateway.compiled_plan(query, parsed, select_operation(parsed, None), None)
    roots = [entry for entry in compiled.entries if isinstance(entry, CompiledRoot)]
    assert len(roots) == 1, "the benchmark queries have one root field"
    return roots[0]


# --- measuring ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Timing:
    p50: float
    p95: float
    samples: int


async def measure(variants: dict[str, Variant], budget: float, limit: int) -> dict[str, Timing]:
    """Rounds of every variant in turn (order rotating) until ``limit`` rounds or ``budget``
    seconds; milliseconds per request."""
    for run in variants.values():
        for _ in range(WARMUP):
            await run()
    samples: dict[str, list[float]] = {name: [] for name in variants}
    names = list(variants)
    deadline = time.perf_counter() + budget
    for round_number in range(limit):
        if time.perf_counter() > deadline and round_number >= 20:
            break
        shift = round_number % len(names)
        for name in names[shift:] + names[:shift]:
            start = time.perf_counter_ns()
            await variants[name]()
            samples[name].append((time.perf_counter_ns() - start) / 1e6)
    return {name: _timing(values) for name, values in samples.items()}


def _timing(values: list[float]) -> Timing:
    cuts = statistics.quantiles(values, n=20, method="inclusive")
    return Timing(statistics.median(values), cuts[18], len(values))


# --- reporting ---------------------------------------------------------------------------------


def table(results: list[tuple[Workload, dict[str, Timing], bool]]) -> str:
    lines = [
        "| workload | variant | p50 ms | p95 ms | gateway p50 / this p50 | requests |",
        "|---|---|---:|---:|---:|---:|",
    ]
    for workload, timings, same in results:
        gateway = timings["gateway"].p50
        for name, timing in timings.items():
            ratio = "" if name == "gateway" else f"{gateway / timing.p50:.2f}x"
            label = workload.name if name == "gateway" else ""
            lines.append(
                f"| {label} | {name} | {timing.p50:.2f} | {timing.p95:.2f} | {ratio} "
                f"| {timing.samples} |"
            )
        if not same:
            lines.append(f"| {workload.name} | **answers differ** | | | | |")
    return "\n".join(lines)


async def explain(kind: str, dsn: str, naming: str) -> str:
    """The gateway's EXPLAIN of the 3-level query on one server, or why it could not be had."""
    source = SourceConfig(name=kind, kind=kind, dsn=dsn)
    try:
        gateway = await Gateway.start(Config(sources=(source,), schema_dir=None))
    except Exception as error:
        return f"(not available: {error})"
    try:
        return gateway.explain(ARTISTS_QUERIES[naming])
    except Exception as error:
        return f"(not available: {error})"
    finally:
        await gateway.stop()


def write_docs(section: str, path: Path = DOCS) -> None:
    """Replace this benchmark's section of docs/performance.md (or add it), keeping the rest."""
    block = f"{BEGIN}\n{section.strip()}\n{END}"
    text = path.read_text(encoding="utf-8") if path.exists() else "# Performance\n"
    if BEGIN in text and END in text:
        head, rest = text.split(BEGIN, 1)
        text = head + block + rest.split(END, 1)[1]
    else:
        text = text.rstrip() + "\n\n" + block + "\n"
    path.write_text(text, encoding="utf-8")


def section(report: str, explains: dict[str, str], environment: str) -> str:
    parts = [
        "## Lower bound: the gateway against asyncpg + orjson",
        "",
        "`python -m bench lower_bound --write-docs` (bench/lower_bound.py) writes this section. "
        "A 3-level Chinook query at concurrency 1, three ways: the gateway in-process; asyncpg "
        "with one hand-written join, rows nested in Python and serialised with orjson; asyncpg "
        "running the gateway's own statement (JSON built by PostgreSQL) wrapped by orjson "
        "without parsing. The ratio column is gateway p50 / that variant's p50 (the target is "
        "at most 1.3x against the hand-written floor).",
        "",
        f"Measured in one run: {environment}.",
        "",
        report,
        "",
        "Reading it: `gateway` against `gateway SQL` is the gateway's own cost (parse and plan "
        "caches, pool, assembly); `gateway SQL` against `hand-written` is the cost of building "
        "the JSON inside PostgreSQL instead of nesting plain rows in Python. The machine is "
        "shared: compare ratios from one run, not absolute times across runs.",
        "",
        "### EXPLAIN of the 3-level query: the one statement each server receives",
    ]
    for title, text in explains.items():
        parts += ["", f"#### {title}", "", "```sql", text, "```"]
    return "\n".join(parts)


# --- main --------------------------------------------------------------------------------------


async def run(args: argparse.Namespace) -> int:
    try:
        pool = await asyncpg.create_pool(args.pg_dsn, min_size=1, max_size=1)
    except (OSError, asyncpg.PostgresError) as error:
        print(f"PostgreSQL is not reachable at {args.pg_dsn}: {error}", file=sys.stderr)
        return 1
    source = SourceConfig(name="pg", kind="postgres", dsn=args.pg_dsn, pool_size=1)
    gateway = await Gateway.start(Config(sources=(source,), schema_dir=None))
    try:
        results = []
        for workload in WORKLOADS:
            root = compiled_root(gateway, workload.query)
            variants = {
                "gateway": gateway_variant(gateway, workload),
                "hand-written": hand_written_variant(pool, workload, root.field.key),
                "gateway SQL": gateway_sql_variant(pool, root),
            }
            answers = [orjson.loads(await v()) for v in variants.values()]
            same = all(answer == answers[0] for answer in answers)
            results.append((workload, await measure(variants, args.budget, args.rounds), same))
        server_version = await pool.fetchval("SHOW server_version")
    finally:
        await gateway.stop()
        await pool.close()
    report = table(results)
    print(report)
    explains = {
        "PostgreSQL": await explain("postgres", args.pg_dsn, "snake"),
        "MariaDB": await explain("mysql", args.mysql_dsn, "pascal"),
    }
    for title, text in explains.items():
        print(f"\n-- EXPLAIN on {title}\n{text}")
    environment = (
        f"PostgreSQL {server_version.split()[0]}, Python {platform.python_version()}, "
        f"{os.cpu_count()} CPUs, p50/p95 over the request counts shown"
    )
    if args.write_docs:
        write_docs(section(report, explains, environment))
        print(f"\nwrote the lower_bound section of {DOCS}")
    return 0


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench lower_bound", description=__doc__)
    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    parser.add_argument("--pg-dsn", default=PG_DSN, help="Chinook on PostgreSQL (snake_case)")
    parser.add_argument("--mysql-dsn", default=MYSQL_DSN, help="Chinook on MariaDB (EXPLAIN)")
    parser.add_argument("--budget", type=float, default=20.0, help="seconds per workload")
    parser.add_argument("--rounds", type=int, default=1000, help="at most this many rounds")
    parser.add_argument("--write-docs", action="store_true", help="update docs/performance.md")
    return parser.parse_args(argv)


def main(argv: list[str]) -> int:
    return asyncio.run(run(parse_args(argv)))


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
