"""The cost of response assembly, 10,000 rows x 5 fields.

In memory, from data in hand to response bytes:

* graphql-core: ``execute`` with default resolvers over a list of dicts, then ``orjson.dumps``;
* projection: the rows projected to the selection in Python, then ``orjson.dumps``;
* JSON text: what the gateway does with the JSON a database built: ``orjson.Fragment`` embeds it
  in the response without parsing it.

End to end in process, over a SQLite table of the same shape:

* the gateway: ``await gateway.execute(query)`` (plan cached after the first run);
* graphql-core: the same query on the gateway's own schema, with default resolvers fed by the
  rows fetched with sqlite3, then ``orjson.dumps``.

Prints medians and ratios as a Markdown table. Run: ``python -m bench assembly [--rows N]``.
"""

from __future__ import annotations

import argparse
import asyncio
import sqlite3
import statistics
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import orjson
from graphql import ExecutionResult, build_schema, execute, parse

from federation.config import Config, SourceConfig
from federation.gateway import Gateway

FIELDS = ("id", "name", "price", "active", "note")
SDL = """
type item { id: Int! name: String! price: Float active: Boolean note: String }
type Query { item: [item!]! }
"""
QUERY = "{ item { id name price active note } }"


def make_rows(count: int) -> list[dict[str, Any]]:
    return [
        {
            "id": i,
            "name": f"item {i}",
            "price": i * 0.25,
            "active": i % 2 == 0,
            "note": None if i % 7 else "x",
        }
        for i in range(count)
    ]


# --- timing -----------------------------------------------------------------------------------


def median_ms(run: Callable[[], object], repeat: int) -> float:
    run()  # warm up
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


async def median_ms_async(run: Callable[[], Awaitable[object]], repeat: int) -> float:
    await run()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        await run()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


# --- in memory --------------------------------------------------------------------------------


def graphql_core_bytes(schema: Any, document: Any, rows: list[dict[str, Any]]) -> bytes:
    result = execute(schema, document, root_value={"item": rows})
    assert isinstance(result, ExecutionResult) and not result.errors, result
    return orjson.dumps({"data": result.data})


def projected_bytes(rows: list[dict[str, Any]]) -> bytes:
    return orjson.dumps({"data": {"item": [{f: row[f] for f in FIELDS} for row in rows]}})


def fragment_bytes(json_text: bytes) -> bytes:
    return orjson.dumps({"data": {"item": orjson.Fragment(json_text)}})


def in_memory(count: int, repeat: int) -> list[tuple[str, float]]:
    rows = make_rows(count)
    schema, document = build_schema(SDL), parse(QUERY)
    json_text = orjson.dumps(rows)  # what the database hands over
    expected = orjson.loads(graphql_core_bytes(schema, document, rows))
    assert (
        orjson.loads(fragment_bytes(json_text)) == expected == orjson.loads(projected_bytes(rows))
    )
    return [
        (
            "graphql-core execute, default resolvers",
            median_ms(lambda: graphql_core_bytes(schema, document, rows), repeat),
        ),
        ("rows projected in Python + orjson", median_ms(lambda: projected_bytes(rows), repeat)),
        (
            "JSON text embedded (orjson.Fragment)",
            median_ms(lambda: fragment_bytes(json_text), repeat),
        ),
    ]


# --- end to end over SQLite --------------------------------------------------------------------


def write_table(path: Path, count: int) -> None:
    with sqlite3.connect(path) as connection:
        connection.execute(
            "CREATE TABLE item (id INTEGER PRIMARY KEY, name TEXT NOT NULL, price REAL, "
            "active BOOLEAN, note TEXT)"
        )
        connection.executemany(
            "INSERT INTO item VALUES (?, ?, ?, ?, ?)", [tuple(r.values()) for r in make_rows(count)]
        )
    connection.close()


def fetched_rows(path: Path) -> list[dict[str, Any]]:
    connection = sqlite3.connect(path)
    try:
        cursor = connection.execute(f"SELECT {', '.join(FIELDS)} FROM item")
        return [dict(zip(FIELDS, values, strict=True)) for values in cursor]
    finally:
        connection.close()


async def end_to_end(count: int, repeat: int) -> list[tuple[str, float]]:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "items.sqlite"
        write_table(path, count)
        source = SourceConfig(name="bench", kind="sqlite", path=str(path), read_only=True)
        gateway = await Gateway.start(
            Config(sources=(source,), schema_dir=None, base_dir=Path(folder))
        )
        try:
            document = parse(QUERY)

            def via_graphql_core() -> bytes:
                return graphql_core_bytes(gateway.schema, document, fetched_rows(path))

            async def via_gateway() -> bytes:
                return (await gateway.execute(QUERY)).body

            ours = orjson.loads(await via_gateway())
            assert ours == orjson.loads(via_graphql_core()), "the two paths disagree"
            assert len(ours["data"]["item"]) == count
            return [
                (
                    "graphql-core execute over rows fetched from SQLite",
                    median_ms(via_graphql_core, repeat),
                ),
                (
                    "gateway.execute (JSON built in SQLite)",
                    await median_ms_async(via_gateway, repeat),
                ),
            ]
        finally:
            await gateway.stop()


# --- report -------------------------------------------------------------------------------------


def table(title: str, results: list[tuple[str, float]]) -> str:
    baseline = results[0][1]
    lines = [f"### {title}", "", "| path | median ms | speed-up vs first row |", "|---|---:|---:|"]
    for name, ms in results:
        lines.append(f"| {name} | {ms:.2f} | {baseline / ms:.1f}x |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench assembly", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--rows", type=int, default=10_000, help="rows (default 10000)")
    parser.add_argument("--repeat", type=int, default=15, help="timed runs per path (default 15)")
    args = parser.parse_args(argv)
    shape = f"{args.rows:,} rows x {len(FIELDS)} fields, median of {args.repeat} runs"
    print(table(f"Response assembly in memory ({shape})", in_memory(args.rows, args.repeat)))
    print()
    print(
        table(
            f"End to end in process over SQLite ({shape})",
            asyncio.run(end_to_end(args.rows, args.repeat)),
        )
    )
    return 0
