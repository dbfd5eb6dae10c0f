"""``federation persist FILE_OR_FOLDER... [-o manifest.json] [--format apollo|relay]``.

Builds a persisted-query manifest from ``.graphql`` files, validating every operation against
the schema of the configured sources (so the sources must be reachable, as for ``explain``).
Exit codes: 0 written; 1 an operation is invalid (every problem is listed); 2 bad input.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path
from typing import TYPE_CHECKING, TypeAlias

import orjson

from federation.config import load_config
from federation.gateway import Gateway
from federation.security.persist import Entry, build_entries, graphql_files, manifest

if TYPE_CHECKING:
    _Subparsers: TypeAlias = argparse._SubParsersAction[argparse.ArgumentParser]


def add_persist_command(commands: _Subparsers, config: argparse.ArgumentParser) -> None:
    sub = commands.add_parser(
        "persist",
        parents=[config],
        help="build a persisted-query manifest from .graphql files",
        description="Build a persisted-query manifest (Apollo's format, or Relay's) from "
        ".graphql files and folders, validating every operation against the schema. Each "
        "operation's id is the SHA-256 of its text with the fragments it uses.",
    )
    sub.add_argument("paths", nargs="+", metavar="PATH", help=".graphql files or folders")
    sub.add_argument("-o", "--out", metavar="FILE", help="write here (default: standard output)")
    sub.add_argument(
        "--format",
        choices=("apollo", "relay"),
        default="apollo",
        help="apollo-persisted-query-manifest (default) or Relay's {id: text}",
    )
    sub.set_defaults(command=persist_command)


def persist_command(args: argparse.Namespace) -> int:
    paths = [Path(p) for p in args.paths]
    missing = [str(p) for p in paths if not p.exists()]
    if missing:
        print(f"error: no such file or folder: {', '.join(missing)}", file=sys.stderr)
        return 2
    files = graphql_files(paths)
    if not files:
        print("error: no .graphql or .gql files found in the paths given", file=sys.stderr)
        return 2
    config = load_config(args.config)

    async def schema_entries() -> tuple[list[Entry], list[str]]:
        gateway = await Gateway.start(config)
        try:
            return build_entries(files, gateway.schema)
        finally:
            await gateway.stop()

    entries, problems = asyncio.run(schema_entries())
    if problems:
        count = f"{len(problems)} problem{'s' if len(problems) > 1 else ''}"
        print(f"error: {count}:", *(f"  {p}" for p in problems), sep="\n", file=sys.stderr)
        return 1
    text = orjson.dumps(manifest(entries, args.format), option=orjson.OPT_INDENT_2) + b"\n"
    if args.out is None:
        sys.stdout.write(text.decode())
    else:
        Path(args.out).write_bytes(text)
        print(f"{len(entries)} operations written to {args.out}", file=sys.stderr)
    return 0
