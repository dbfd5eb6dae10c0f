"""The lower bound: the same results fetched straight from the database and serialised with orjson.

A bare ASGI app (no framework, no GraphQL) served by uvicorn, so the HTTP server's own cost is
in every contender alike. ``POST /<form>/<shape>`` with the JSON variables as the body:

``rows``
    plain rows (one statement per nesting level, children fetched with ``= ANY($1)`` / ``IN``
    lists, the way a careful service batches), nested in Python, serialised with orjson;
``json``
    PostgreSQL only: one statement builds the whole JSON (``json_agg``/``json_build_object``) and
    orjson embeds the text without parsing it (``orjson.Fragment``).

``FED_BENCH_BACKEND`` picks ``postgres`` (asyncpg) or ``mysql`` (aiomysql), ``FED_BENCH_DSN`` the
database, ``FED_BENCH_POOL`` the pool size. With ``FED_BENCH_MYSQL_DSN`` and ``FED_BENCH_REST_URL``
also set, the PostgreSQL backend serves the cross-source shape ``cross`` of scenario (d): one
asyncpg statement (customers joined to their orders), then the order lines from MariaDB
(aiomysql, one ``IN`` list) and the loyalty rows from the REST service (httpx, its batch form)
at the same time, stitched in Python. ``GET /stats`` gives the source calls made so far.

    uvicorn bench.contenders.floor_service:app --port 8101
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Awaitable, Callable, Sequence
from typing import Any
from urllib.parse import unquote, urlsplit

import aiomysql
import asyncpg
import httpx
import orjson

Scope = dict[str, Any]
Receive = Callable[[], Awaitable[dict[str, Any]]]
Send = Callable[[dict[str, Any]], Awaitable[None]]
Row = Sequence[Any]

BACKEND = os.environ.get("FED_BENCH_BACKEND", "postgres")
DSN = os.environ.get("FED_BENCH_DSN", "postgresql://postgres@127.0.0.1:5432/fed_bench")
POOL = int(os.environ.get("FED_BENCH_POOL", "8"))
MYSQL_DSN = os.environ.get("FED_BENCH_MYSQL_DSN", "")
REST_URL = os.environ.get("FED_BENCH_REST_URL", "")
REST_BATCH = 1000
"""Ids per batch request to the REST service (the gateway's ``max_keys`` in the bench config)."""
CALLS = {"postgres": 0, "mysql": 0, "rest": 0}


# --- the SQL both backends run (placeholders differ) ------------------------------------------

FLAT = (
    "SELECT id, customer_id, status, total_cents FROM orders WHERE status = 'shipped' "
    "ORDER BY id LIMIT {0} OFFSET {1}"
)
CUSTOMERS = "SELECT id, name, country FROM customers ORDER BY id LIMIT {0} OFFSET {1}"
ORDERS = (
    "SELECT customer_id, id, status, total_cents FROM orders WHERE customer_id {in_} ORDER BY id"
)
ITEMS = (
    "SELECT order_id, id, product_id, quantity, price_cents FROM order_items "
    "WHERE order_id {in_} ORDER BY id"
)
PRODUCTS = "SELECT id, name, category, price_cents FROM products WHERE id {in_}"
COUNT = "SELECT COUNT(*) FROM orders WHERE status = {0}"
GROUPED = (
    "SELECT status, COUNT(*), SUM(total_cents), AVG(total_cents) FROM orders "
    "WHERE id > {0} GROUP BY status ORDER BY status"
)


class Database:
    """Runs a statement with ``{0}``-style placeholders and ``{in_}`` for a key list."""

    async def fetch(self, sql: str, *args: Any, keys: Sequence[Any] = ()) -> list[Row]:
        raise NotImplementedError


class Postgres(Database):
    def __init__(self, pool: asyncpg.Pool) -> None:
        self.pool = pool

    async def fetch(self, sql: str, *args: Any, keys: Sequence[Any] = ()) -> list[Row]:
        marks = [f"${i + 1}" for i in range(len(args) + 1)]
        text = sql.format(*marks, in_=f"= ANY({marks[len(args)]})")
        params = (*args, list(keys)) if "{in_}" in sql else args
        CALLS["postgres"] += 1
        async with self.pool.acquire() as conn:
            return list(await conn.fetch(text, *params))


class MySQL(Database):
    def __init__(self, pool: aiomysql.Pool) -> None:
        self.pool = pool

    async def fetch(self, sql: str, *args: Any, keys: Sequence[Any] = ()) -> list[Row]:
        in_ = f"IN ({', '.join(['%s'] * len(keys))})" if keys else "IN (NULL)"
        text = sql.format(*(["%s"] * len(args)), in_=in_)
        CALLS["mysql"] += 1
        async with self.pool.acquire() as conn, conn.cursor() as cursor:
            await cursor.execute(text, (*args, *keys))
            return list(await cursor.fetchall())


# --- the rows form: nest in Python -----------------------------------------------------------


async def flat(db: Database, v: dict[str, Any]) -> Any:
    rows = await db.fetch(FLAT, v["limit"], v["offset"])
    return [{"id": a, "customer_id": b, "status": c, "total_cents": d} for a, b, c, d in rows]


async def nested(db: Database, v: dict[str, Any], depth: int) -> Any:
    rows = await db.fetch(CUSTOMERS, v["limit"], v["offset"])
    customers = [{"id": a, "name": b, "country": c} for a, b, c in rows]
    if depth > 1:
        await _attach_orders(db, customers, depth)
    return customers


async def _attach_orders(db: Database, customers: list[dict[str, Any]], depth: int) -> None:
    by_customer: dict[int, list[dict[str, Any]]] = {}
    for customer in customers:
        customer["orders"] = by_customer[customer["id"]] = []
    rows = await db.fetch(ORDERS, keys=list(by_customer))
    orders = []
    for customer_id, a, b, c in rows:
        order = {"id": a, "status": b, "total_cents": c}
        by_customer[customer_id].append(order)
        orders.append(order)
    if depth > 2:
        await _attach_items(db, orders, depth)


async def _attach_items(db: Database, orders: list[dict[str, Any]], depth: int) -> None:
    by_order: dict[int, list[dict[str, Any]]] = {}
    for order in orders:
        order["order_items"] = by_order[order["id"]] = []
    rows = await db.fetch(ITEMS, keys=list(by_order))
    items = []
    for order_id, a, b, c, d in rows:
        item = {"id": a, "product_id": b, "quantity": c, "price_cents": d}
        by_order[order_id].append(item)
        items.append(item)
    if depth > 3:
        ids = sorted({item["product_id"] for item in items})
        products = {
            a: {"id": a, "name": b, "category": c, "price_cents": d}
            for a, b, c, d in await db.fetch(PRODUCTS, keys=ids)
        }
        for item in items:
            item["product"] = products[item["product_id"]]


async def count(db: Database, v: dict[str, Any]) -> Any:
    rows = await db.fetch(COUNT, v["status"])
    return {"aggregate": {"count": rows[0][0]}}


async def grouped(db: Database, v: dict[str, Any]) -> Any:
    rows = await db.fetch(GROUPED, v["after"])
    return [
        {
            "keys": {"status": status},
            "aggregate": {
                "count": n,
                "sum": {"total_cents": int(s)},
                "avg": {"total_cents": float(a)},
            },
        }
        for status, n, s, a in rows
    ]


# --- the cross-source shape (d): PostgreSQL + MariaDB + REST ---------------------------------

CROSS_PG = (
    "SELECT c.id, c.name, c.country, o.id, o.status, o.total_cents FROM "
    "(SELECT id, name, country FROM customers ORDER BY id LIMIT {0} OFFSET {1}) c "
    "LEFT JOIN orders o ON o.customer_id = c.id ORDER BY c.id, o.id"
)


async def cross(pg: Database, my: Database, rest: httpx.AsyncClient, v: dict[str, Any]) -> Any:
    customers: list[dict[str, Any]] = []
    by_order: dict[int, list[dict[str, Any]]] = {}
    for cid, name, country, oid, status, total in await pg.fetch(CROSS_PG, v["limit"], v["offset"]):
        if not customers or customers[-1]["id"] != cid:
            customers.append({"id": cid, "name": name, "country": country, "orders": []})
        if oid is not None:
            lines: list[dict[str, Any]] = []
            customers[-1]["orders"].append(
                {"id": oid, "status": status, "total_cents": total, "lines": lines}
            )
            by_order[oid] = lines
    ids = [c["id"] for c in customers]
    rows, accounts = await asyncio.gather(my.fetch(ITEMS, keys=list(by_order)), loyalty(rest, ids))
    for order_id, a, b, c, d in rows:
        by_order[order_id].append({"id": a, "product_id": b, "quantity": c, "price_cents": d})
    for customer in customers:
        customer["loyalty"] = accounts.get(customer["id"])
    return customers


async def loyalty(rest: httpx.AsyncClient, ids: list[int]) -> dict[int, dict[str, Any]]:
    """The loyalty rows of ``ids`` through the batch form, ``REST_BATCH`` ids a request."""
    chunks = [ids[i : i + REST_BATCH] for i in range(0, len(ids), REST_BATCH)]

    async def one(chunk: list[int]) -> list[dict[str, Any]]:
        CALLS["rest"] += 1
        response = await rest.get("/loyalty", params={"ids": ",".join(map(str, chunk))})
        response.raise_for_status()
        rows: list[dict[str, Any]] = orjson.loads(response.content)["data"]
        return rows

    found: dict[int, dict[str, Any]] = {}
    for rows in await asyncio.gather(*(one(chunk) for chunk in chunks)):
        for row in rows:
            found[row["customer_id"]] = {"points": row["points"], "level": row["level"]}
    return found


ROOTS = {"flat": "orders", "count": "orders_aggregate", "grouped": "orders_group_by"}


async def rows_form(db: Database, shape: str, v: dict[str, Any]) -> bytes:
    if shape.startswith("nested"):
        data = await nested(db, v, int(shape[-1]))
    else:
        data = await {"flat": flat, "count": count, "grouped": grouped}[shape](db, v)
    return orjson.dumps({"data": {ROOTS.get(shape, "customers"): data}})


# --- the json form: PostgreSQL builds the JSON ------------------------------------------------

_OBJECTS = (
    ("customers", "c", "'id', c.id, 'name', c.name, 'country', c.country", None),
    ("orders", "o", "'id', o.id, 'status', o.status, 'total_cents', o.total_cents", "customer_id"),
    (
        "order_items",
        "i",
        "'id', i.id, 'product_id', i.product_id, 'quantity', i.quantity, "
        "'price_cents', i.price_cents",
        "order_id",
    ),
)


def _json_level(level: int, depth: int) -> str:
    """``json_build_object`` of one level, with its children as correlated subqueries."""
    _, alias, fields, _ = _OBJECTS[level]
    children = ""
    if level + 1 < depth and level + 1 < len(_OBJECTS):
        child_table, child, _, key = _OBJECTS[level + 1]
        inner = _json_level(level + 1, depth)
        children = (
            f", '{child_table}', (SELECT COALESCE(json_agg({inner} ORDER BY {child}.id), '[]')"
            f" FROM {child_table} {child} WHERE {child}.{key} = {alias}.id)"
        )
    elif level == 2 and depth == 4:
        children = (
            ", 'product', (SELECT json_build_object('id', p.id, 'name', p.name, 'category',"
            " p.category, 'price_cents', p.price_cents) FROM products p WHERE p.id = i.product_id)"
        )
    return f"json_build_object({fields}{children})"


def _json_nested(depth: int) -> str:
    return (
        f"SELECT COALESCE(json_agg({_json_level(0, depth)} ORDER BY c.id), '[]') FROM "
        "(SELECT * FROM customers ORDER BY id LIMIT $1 OFFSET $2) c"
    )


JSON_SQL = {
    "flat": (
        "SELECT COALESCE(json_agg(json_build_object('id', o.id, 'customer_id', o.customer_id,"
        " 'status', o.status, 'total_cents', o.total_cents) ORDER BY o.id), '[]') FROM"
        " (SELECT * FROM orders WHERE status = 'shipped' ORDER BY id LIMIT $1 OFFSET $2) o"
    ),
    **{f"nested{d}": _json_nested(d) for d in range(1, 5)},
    "count": (
        "SELECT json_build_object('aggregate', json_build_object('count', COUNT(*)))"
        " FROM orders WHERE status = $1"
    ),
    "grouped": (
        "SELECT COALESCE(json_agg(json_build_object('keys', json_build_object('status', status),"
        " 'aggregate', json_build_object('count', n, 'sum', json_build_object('total_cents', s),"
        " 'avg', json_build_object('total_cents', a))) ORDER BY status), '[]') FROM"
        " (SELECT status, COUNT(*) n, SUM(total_cents) s, AVG(total_cents) a FROM orders"
        " WHERE id > $1 GROUP BY status) g"
    ),
}
JSON_ARGS = {"flat": ("limit", "offset"), "count": ("status",), "grouped": ("after",)}


async def json_form(pool: asyncpg.Pool, shape: str, v: dict[str, Any]) -> bytes:
    args = [v[name] for name in JSON_ARGS.get(shape, ("limit", "offset"))]
    async with pool.acquire() as conn:
        text = await conn.fetchval(JSON_SQL[shape], *args)
    root = ROOTS.get(shape, "customers")
    return orjson.dumps({"data": {root: orjson.Fragment(text)}})


# --- ASGI --------------------------------------------------------------------------------------


class FloorApp:
    def __init__(self) -> None:
        self.db: Database | None = None
        self.pg: asyncpg.Pool | None = None
        self.my: aiomysql.Pool | None = None
        self.cross_my: Database | None = None
        self.rest: httpx.AsyncClient | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await self.lifespan(receive, send)
        elif scope["type"] == "http":
            await self.http(scope, receive, send)

    async def lifespan(self, receive: Receive, send: Send) -> None:
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                await self.open()
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                await self.close()
                await send({"type": "lifespan.shutdown.complete"})
                return

    async def open(self) -> None:
        if BACKEND == "postgres":
            self.pg = await asyncpg.create_pool(DSN, min_size=POOL, max_size=POOL)
            self.db = Postgres(self.pg)
            if MYSQL_DSN and REST_URL:
                self.my = await _mysql_pool(MYSQL_DSN)
                self.cross_my = MySQL(self.my)
                limits = httpx.Limits(max_connections=POOL, max_keepalive_connections=POOL)
                self.rest = httpx.AsyncClient(base_url=REST_URL, limits=limits)
            return
        self.my = await _mysql_pool(DSN)
        self.db = MySQL(self.my)

    async def close(self) -> None:
        if self.pg is not None:
            await self.pg.close()
        if self.my is not None:
            self.my.close()
            await self.my.wait_closed()
        if self.rest is not None:
            await self.rest.aclose()

    async def http(self, scope: Scope, receive: Receive, send: Send) -> None:
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        if scope["path"] == "/stats":
            await _respond(send, orjson.dumps(CALLS))
            return
        _, form, shape = scope["path"].split("/")
        variables = orjson.loads(body) if body else {}
        assert self.db is not None
        if shape == "cross":
            if self.cross_my is None or self.rest is None:
                raise RuntimeError("cross needs FED_BENCH_MYSQL_DSN and FED_BENCH_REST_URL")
            data = await cross(self.db, self.cross_my, self.rest, variables)
            payload = orjson.dumps({"data": {"customers": data}})
        elif form == "json" and self.pg is not None:
            payload = await json_form(self.pg, shape, variables)
        else:
            payload = await rows_form(self.db, shape, variables)
        await _respond(send, payload)


async def _respond(send: Send, payload: bytes) -> None:
    headers = [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(payload)).encode()),
    ]
    await send({"type": "http.response.start", "status": 200, "headers": headers})
    await send({"type": "http.response.body", "body": payload})


async def _mysql_pool(dsn: str) -> aiomysql.Pool:
    parts = urlsplit(dsn)
    return await aiomysql.create_pool(
        host=parts.hostname,
        port=parts.port or 3306,
        user=unquote(parts.username or "root"),
        password=unquote(parts.password or ""),
        db=parts.path.lstrip("/"),
        minsize=POOL,
        maxsize=POOL,
        autocommit=True,
    )


app = FloorApp()
