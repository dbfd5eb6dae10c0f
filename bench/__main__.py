"""``python -m bench <name> [options]``: run one benchmark (``--help`` lists them)."""

from __future__ import annotations

import argparse
import importlib
import sys

BENCHMARKS = {
    "assembly": (
        "bench.assembly",
        "response assembly: graphql-core per-field execution vs JSON text",
    ),
    "lower_bound": (
        "bench.lower_bound",
        "the gateway against the same data fetched straight from PostgreSQL",
    ),
    "planning": (
        "bench.planning",
        "plan + compile against a kept plan, with the same and with new variable values",
    ),
    "cache": (
        "bench.cache",
        "the caching layer: a cached answer in-process; HTTP req/s cached vs uncached",
    ),
    "suite": (
        "bench.suite.__main__",
        "the full suite: gateway vs lower bound, PostGraphile 5 and strawberry, over HTTP",
    ),
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    names = parser.add_subparsers(dest="name", required=True, metavar="name")
    for name, (_, summary) in BENCHMARKS.items():
        names.add_parser(name, help=summary, add_help=False)
    args, rest = parser.parse_known_args(argv)
    module = importlib.import_module(BENCHMARKS[args.name][0])
    result: int = module.main(rest)
    return result


if __name__ == "__main__":
    sys.exit(main())
