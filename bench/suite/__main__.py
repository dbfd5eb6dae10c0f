"""``python -m bench.suite``: the benchmark suite, side by side with the lower bound, PostGraphile 5
and a hand-written strawberry service, in one run.

    python -m bench.suite [--scale 10000] [--quick] [--only SERVER ...] [--write-docs]

Generates the shop data at ``--scale`` orders into PostgreSQL and MariaDB (database
``fed_bench``) and SQLite (bench/.work/), starts each server in turn on a free loopback port,
measures, stops it, and writes bench/results/<date>.md, .json and the curve PNGs. It reports; it
asserts nothing. ``--quick`` (scale 10,000, concurrency 1 and 16, 1 s cells) takes about
3 minutes; the full run (concurrency 1, 16, 64, 3 s cells) about 15 on 2 cores.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime
import sys
from pathlib import Path

import orjson

from bench.suite import plots, report
from bench.suite.contenders import ROOT, WORK
from bench.suite.data import default_servers
from bench.suite.run import Settings, run

RESULTS = ROOT / "bench" / "results"
DOCS = ROOT / "docs" / "performance.md"
README = ROOT / "README.md"
BEGIN, END = "<!-- bench suite: begin -->", "<!-- bench suite: end -->"
SERVER_KEYS = (
    "floor-pg",
    "gateway-pg-1",
    "gateway-pg-2",
    "gateway-pg-cached",
    "postgraphile",
    "strawberry",
    "floor-mysql",
    "gateway-mysql",
    "gateway-sqlite",
)


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench.suite",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--scale",
        type=int,
        default=None,
        help="orders to generate, 10^4..10^6 (default 100000; --quick: 10000)",
    )
    parser.add_argument("--quick", action="store_true", help="fewer, shorter cells (~3 min)")
    parser.add_argument(
        "--only", nargs="+", choices=SERVER_KEYS, default=(), help="run only these servers"
    )
    parser.add_argument(
        "--write-docs",
        action="store_true",
        help="also replace the suite's section of docs/performance.md",
    )
    args = parser.parse_args(argv)
    if args.scale is None:
        args.scale = 10_000 if args.quick else 100_000
    if not 10_000 <= args.scale <= 1_000_000:
        parser.error(f"--scale must be between 10000 and 1000000, not {args.scale}")
    return args


def command_line(args: argparse.Namespace) -> str:
    text = f"python -m bench.suite --scale {args.scale}"
    text += " --quick" if args.quick else ""
    return text + (f" --only {' '.join(args.only)}" if args.only else "")


def write_section(path: Path, text: str) -> None:
    """Replace the suite's marked section of a Markdown file, or append it."""
    block = f"{BEGIN}\n{text.strip()}\n{END}"
    current = path.read_text(encoding="utf-8") if path.exists() else "# Performance\n"
    if BEGIN in current and END in current:
        head, rest = current.split(BEGIN, 1)
        current = head + block + rest.split(END, 1)[1]
    else:
        current = current.rstrip() + "\n\n" + block + "\n"
    path.write_text(current, encoding="utf-8")


def main(argv: list[str]) -> int:
    args = parse_args(argv)
    servers = default_servers(WORK)
    settings = Settings.for_run(args.scale, args.quick, tuple(args.only))
    results = asyncio.run(run(servers, settings))
    info = report.machine(servers)
    command = command_line(args)
    RESULTS.mkdir(parents=True, exist_ok=True)
    stem = datetime.datetime.now().strftime("%Y-%m-%d") + ("-quick" if args.quick else "")
    stem += "-only" if args.only else ""  # a partial run never replaces the day's full results
    names = plots.draw(results.curves, RESULTS, stem)
    text = report.markdown(results, info, command, names)
    (RESULTS / f"{stem}.md").write_text(f"# Benchmark suite, {stem}\n\n{text}", encoding="utf-8")
    data = report.as_json(results, info, command)
    (RESULTS / f"{stem}.json").write_bytes(orjson.dumps(data, option=orjson.OPT_INDENT_2))
    print(f"\nwrote bench/results/{stem}.md, .json and {len(names)} plots")
    if args.write_docs:
        links = text.replace("](" + stem, "](../bench/results/" + stem)
        write_section(DOCS, "## Benchmark suite: side by side\n\n" + links)
        print(f"wrote the suite's section of {DOCS.relative_to(ROOT)}")
    return 1 if results.failures else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
