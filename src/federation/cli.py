"""The ``federation`` command: serve, check, introspect, explain, demo, openapi.

Exit codes: 0 success; 1 the command ran and found problems (a source unreachable, a query that
cannot be planned); 2 the input was wrong (a usage error, an invalid configuration).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import sys
from collections.abc import Callable, Sequence
from dataclasses import replace
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeAlias

from graphql import GraphQLError

from federation.cache.cli import add_cache_command
from federation.catalog import SourceCatalog, Table
from federation.config import CONFIG_ENV_VAR, Config, SourceConfig, load_config, resolve_config_path
from federation.errors import ConfigError, FederationError
from federation.execution.operation import RequestError
from federation.gateway import Gateway
from federation.security.cli import add_persist_command

APP_FACTORY = "federation.server.app:create_app"

Command = Callable[[argparse.Namespace], int]
if TYPE_CHECKING:  # argparse's type for add_subparsers() is private and generic only in typeshed
    _Subparsers: TypeAlias = argparse._SubParsersAction[argparse.ArgumentParser]


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    command: Command = args.command
    try:
        return command(args)
    except ConfigError as error:
        _print_problems(error.problems)
        return 2
    except FederationError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1


# --- commands --------------------------------------------------------------------------------


def serve(args: argparse.Namespace) -> int:
    import uvicorn  # only this command needs the server stack

    config = load_config(args.config)
    overrides = {key: getattr(args, key) for key in ("host", "port", "workers")}
    server = replace(config.server, **{k: v for k, v in overrides.items() if v is not None})
    if server.workers == 1:
        from federation.server.app import create_app

        uvicorn.run(create_app(config), host=server.host, port=server.port)
        return 0
    # Each worker process builds its own app, so uvicorn needs the factory's import path and
    # the workers find the config file through the environment.
    os.environ[CONFIG_ENV_VAR] = str(resolve_config_path(args.config))
    uvicorn.run(
        APP_FACTORY, factory=True, host=server.host, port=server.port, workers=server.workers
    )
    return 0


def check(args: argparse.Namespace) -> int:
    return asyncio.run(_check(load_config(args.config)))


async def _check(config: Config) -> int:
    gateway = await Gateway.start(config)
    try:
        readiness = await gateway.readiness()
        summary = _summary(config, gateway)
    finally:
        await gateway.stop()
    problems = [f"source {name!r}: {error}" for name, error in readiness.items() if error]
    if problems:
        _print_problems(problems)
        return 1
    print(f"ok: {summary}")
    return 0


def introspect(args: argparse.Namespace) -> int:
    config = load_config(args.config)
    source = _find_source(config, args.source)
    if source is None:
        return 2
    if args.sdl:
        # TODO(lead): print only this source's part once the schema can be filtered by source.
        print(asyncio.run(_with_gateway(config, lambda gateway: gateway.sdl())))
        return 0
    print(format_catalog(asyncio.run(_introspect(source)), source))
    return 0


async def _introspect(source: SourceConfig) -> SourceCatalog:
    from federation.connector import load_connector_class

    connector = load_connector_class(source.kind)(source)
    await connector.open()
    try:
        return await connector.introspect()
    finally:
        await connector.close()


def explain(args: argparse.Namespace) -> int:
    query = _read_query(args)
    variables = _read_variables(args)
    if query is None or variables is None:
        return 2
    config = load_config(args.config)
    try:
        plan = asyncio.run(
            _with_gateway(config, lambda gateway: gateway.explain(query, variables, args.operation))
        )
    except RequestError as error:
        _print_problems([_located(e) for e in error.errors])
        return 1
    print(plan)
    return 0


def demo(args: argparse.Namespace) -> int:
    from federation import demo as demo_data  # only this command needs the data generator

    out = Path(args.out).absolute()
    demo_data.generate(out)
    print(f"demo data written to {out}: {demo_data.CRM_FILE}, {demo_data.ANALYTICS_FILE}")
    return 0


def openapi(args: argparse.Namespace) -> int:
    from federation.openapi import generate, load_document

    if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", args.source):
        print(f"error: --source {args.source!r} is not a valid source name", file=sys.stderr)
        return 2
    generated = generate(load_document(args.spec), args.source, args.spec)
    for note in generated.notes:
        print(f"note: {note}", file=sys.stderr)
    if args.out is None:
        print(generated.sdl, end="")
        return 0
    Path(args.out).write_text(generated.sdl, encoding="utf-8")
    written = f"{_plural(len(generated.types), 'type')} written to {args.out}"
    print(f"{written}: {', '.join(generated.types) or 'none'}", file=sys.stderr)
    return 0


# --- helpers ---------------------------------------------------------------------------------


async def _with_gateway(config: Config, use: Callable[[Gateway], str]) -> str:
    gateway = await Gateway.start(config)
    try:
        return use(gateway)
    finally:
        await gateway.stop()


def _summary(config: Config, gateway: Gateway) -> str:
    roots = (gateway.schema.query_type, gateway.schema.mutation_type)
    return ", ".join(
        [
            _plural(len(config.sources), "source"),
            _plural(len(gateway.model.types), "table"),
            _plural(sum(len(root.fields) for root in roots if root), "root field"),
        ]
    )


def _located(error: GraphQLError) -> str:
    where = ", ".join(f"line {at.line}, column {at.column}" for at in error.locations or ())
    return f"{where}: {error.message}" if where else error.message


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


def _find_source(config: Config, name: str) -> SourceConfig | None:
    for source in config.sources:
        if source.name == name:
            return source
    names = ", ".join(source.name for source in config.sources)
    print(f"error: no source named {name!r} (configured: {names})", file=sys.stderr)
    return None


def _read_query(args: argparse.Namespace) -> str | None:
    if (args.query is None) == (args.file is None):
        print("error: give the query as an argument or with -f FILE (one of them)", file=sys.stderr)
        return None
    if args.query is not None:
        return str(args.query)
    return _read_text(args.file)


def _read_variables(args: argparse.Namespace) -> dict[str, Any] | None:
    if args.variables_file is not None:
        text = _read_text(args.variables_file)
        if text is None:
            return None
    else:
        text = args.variables or "{}"
    try:
        variables = json.loads(text)
    except json.JSONDecodeError as error:
        print(f"error: variables are not valid JSON: {error}", file=sys.stderr)
        return None
    if not isinstance(variables, dict):
        print('error: variables must be a JSON object ({"name": value})', file=sys.stderr)
        return None
    return variables


def _read_text(name: str) -> str | None:
    """Read a file, or standard input for ``-``."""
    if name == "-":
        return sys.stdin.read()
    try:
        return Path(name).read_text(encoding="utf-8")
    except OSError as error:
        print(f"error: cannot read {name}: {error.strerror}", file=sys.stderr)
        return None


def _print_problems(problems: Sequence[str]) -> None:
    count = _plural(len(problems), "problem")
    print(f"error: {count}:", *(f"  {problem}" for problem in problems), sep="\n", file=sys.stderr)


# --- catalog listing -------------------------------------------------------------------------


def format_catalog(catalog: SourceCatalog, source: SourceConfig) -> str:
    """A readable listing of what a source holds: columns, types, keys and foreign keys."""
    heading = f"source {source.name} ({source.kind}): {_plural(len(catalog.tables), 'table')}"
    return "\n\n".join([heading, *(_format_table(table) for table in catalog.tables)])


def _format_table(table: Table) -> str:
    kind = "view" if table.is_view else "table"
    lines = [f"{table.qualified_name} ({kind})"]
    if table.description:
        lines.append(f"  {table.description}")
    rows = [("column", "type", "source type", "nullable", "key")]
    rows += [
        (
            c.name,
            c.type.value,
            c.source_type,
            "yes" if c.nullable else "no",
            _key_mark(table, c.name),
        )
        for c in table.columns
    ]
    lines += [f"  {line}" for line in _align(rows)]
    for fk in table.foreign_keys:
        target = f"{fk.ref_schema}.{fk.ref_table}" if fk.ref_schema else fk.ref_table
        lines.append(
            f"  foreign key ({', '.join(fk.columns)}) -> {target} ({', '.join(fk.ref_columns)})"
        )
    if not table.primary_key:
        lines.append("  no primary key")
    return "\n".join(lines)


def _key_mark(table: Table, column: str) -> str:
    marks = ["PK"] if column in table.primary_key else []
    marks += ["FK"] if any(column in fk.columns for fk in table.foreign_keys) else []
    return " ".join(marks)


def _align(rows: Sequence[tuple[str, ...]]) -> list[str]:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return [
        "  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip()
        for row in rows
    ]


# --- argument parsing ------------------------------------------------------------------------


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="federation", description="A GraphQL data-federation gateway."
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {_version()}")
    commands = parser.add_subparsers(title="commands", required=True, metavar="COMMAND")
    config = argparse.ArgumentParser(add_help=False)
    config.add_argument(
        "--config",
        metavar="PATH",
        help=f"the federation.yaml to read (default: ${CONFIG_ENV_VAR}, else ./federation.yaml)",
    )
    _add_serve(commands, config)
    _add_check(commands, config)
    _add_introspect(commands, config)
    _add_explain(commands, config)
    _add_demo(commands)
    _add_openapi(commands)
    add_cache_command(commands, config)
    add_persist_command(commands, config)
    return parser


def _add_serve(commands: _Subparsers, config: argparse.ArgumentParser) -> None:
    sub = commands.add_parser(
        "serve",
        parents=[config],
        help="run the GraphQL server",
        description="Run the GraphQL server (uvicorn). Options override the server: section.",
    )
    sub.add_argument("--host", help="interface to listen on (default: server.host)")
    sub.add_argument("--port", type=_port, help="port to listen on (default: server.port)")
    sub.add_argument("--workers", type=_positive, help="worker processes (default: server.workers)")
    sub.set_defaults(command=serve)


def _add_check(commands: _Subparsers, config: argparse.ArgumentParser) -> None:
    sub = commands.add_parser(
        "check",
        parents=[config],
        help="validate the configuration and reach every source",
        description="Load the configuration, open every source, build the schema and report "
        "every problem found; exit non-zero if there is any.",
    )
    sub.set_defaults(command=check)


def _add_introspect(commands: _Subparsers, config: argparse.ArgumentParser) -> None:
    sub = commands.add_parser(
        "introspect",
        parents=[config],
        help="list what one source holds",
        description="Open one source and list its tables: columns, types, keys, foreign keys.",
    )
    sub.add_argument("source", metavar="SOURCE", help="the source's name in federation.yaml")
    sub.add_argument("--sdl", action="store_true", help="print the gateway's GraphQL SDL instead")
    sub.set_defaults(command=introspect)


def _add_explain(commands: _Subparsers, config: argparse.ArgumentParser) -> None:
    sub = commands.add_parser(
        "explain",
        parents=[config],
        help="show the plan and the SQL each source would receive",
        description="Plan a GraphQL operation without running it and print the plan with the "
        "exact statements and parameters each source would receive.",
    )
    sub.add_argument("query", nargs="?", metavar="QUERY", help="the GraphQL document")
    sub.add_argument(
        "-f", "--file", metavar="FILE", help="read the document from FILE (- for stdin)"
    )
    variables = sub.add_mutually_exclusive_group()
    variables.add_argument("--variables", metavar="JSON", help="variables as a JSON object")
    variables.add_argument("--variables-file", metavar="FILE", help="read variables from FILE")
    sub.add_argument("--operation", metavar="NAME", help="the operation to plan, if several")
    sub.set_defaults(command=explain)


def _add_demo(commands: _Subparsers) -> None:
    sub = commands.add_parser(
        "demo",
        help="write a runnable demo (data, federation.yaml, schema/)",
        description="Write a self-contained demo: sample databases, federation.yaml and SDL.",
    )
    sub.add_argument(
        "--out", metavar="DIR", default="demo", help="where to write it (default: ./demo)"
    )
    sub.set_defaults(command=demo)


def _add_openapi(commands: _Subparsers) -> None:
    sub = commands.add_parser(
        "openapi",
        help="generate rest endpoint declarations from an OpenAPI 3 document",
        description="Read an OpenAPI 3.0/3.1 document (JSON or YAML, a file or a URL) and write "
        "@rest types for schema/*.graphql: GET operations that return rows become endpoints. "
        "What cannot be mapped is listed as comments and on standard error.",
    )
    sub.add_argument("spec", metavar="SPEC", help="the OpenAPI document: a path or an http(s) URL")
    sub.add_argument(
        "--source", required=True, metavar="NAME", help="the rest source's name in federation.yaml"
    )
    sub.add_argument("--out", metavar="FILE", help="write the SDL there (default: standard output)")
    sub.set_defaults(command=openapi)


def _port(text: str) -> int:
    value = _positive(text)
    if value > 65535:
        raise argparse.ArgumentTypeError(f"expected a port from 1 to 65535, got {text!r}")
    return value


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {text!r}")
    return value


def _version() -> str:
    try:
        return version("federation")
    except PackageNotFoundError:
        return "unknown"


if __name__ == "__main__":
    sys.exit(main())
