"""The hand-written contender: strawberry + DataLoader over asyncpg, the way a Python team
would build it.

Typed classes, one resolver per relationship, a DataLoader per relationship per request (so a
level costs one ``= ANY($1)`` query, never one per row), asyncpg's pool, strawberry's ASGI app.
It serves the same results, under the same snake_case field names, as the gateway's Hasura-style
schema (the arguments are the service's own: ``orders(status, limit, offset)``).

For scenario (d) it talks to three sources, as the gateway does: ``Order.lines`` are the order's
items in MariaDB (aiomysql, one ``IN`` list per request through a DataLoader) and
``Customer.loyalty`` comes from the REST service (httpx, the batch form ``/loyalty?ids=``
through a DataLoader). Set ``FED_BENCH_MYSQL_DSN`` and ``FED_BENCH_REST_URL`` for them.
``GET /stats`` gives the source calls made so far.

    FED_BENCH_DSN=postgresql://postgres@127.0.0.1:5432/fed_bench \\
        uvicorn bench.contenders.strawberry_service:app --port 8102
"""

from __future__ import annotations

import asyncio
import os
from collections import defaultdict
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any
from urllib.parse import unquote, urlsplit

import aiomysql
import asyncpg
import httpx
import orjson
import strawberry
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from strawberry.asgi import GraphQL
from strawberry.dataloader import DataLoader
from strawberry.schema.config import StrawberryConfig

DSN = os.environ.get("FED_BENCH_DSN", "postgresql://postgres@127.0.0.1:5432/fed_bench")
POOL_SIZE = int(os.environ.get("FED_BENCH_POOL", "8"))
MYSQL_DSN = os.environ.get("FED_BENCH_MYSQL_DSN", "")
REST_URL = os.environ.get("FED_BENCH_REST_URL", "")
REST_BATCH = 1000
POOL: dict[str, asyncpg.Pool] = {}
MYSQL: dict[str, aiomysql.Pool] = {}
REST: dict[str, httpx.AsyncClient] = {}
CALLS = {"postgres": 0, "mysql": 0, "rest": 0}


async def fetch(sql: str, *args: Any) -> list[asyncpg.Record]:
    CALLS["postgres"] += 1
    async with POOL["pg"].acquire() as conn:
        return list(await conn.fetch(sql, *args))


async def fetch_mysql(sql: str, args: list[Any]) -> list[tuple[Any, ...]]:
    CALLS["mysql"] += 1
    async with MYSQL["my"].acquire() as conn, conn.cursor() as cursor:
        await cursor.execute(sql, args)
        return list(await cursor.fetchall())


# --- loaders: one query per level per request --------------------------------------------------


async def load_orders(customer_ids: list[int]) -> list[list[Order]]:
    rows = await fetch(
        "SELECT id, customer_id, status, total_cents FROM orders "
        "WHERE customer_id = ANY($1) ORDER BY id",
        customer_ids,
    )
    grouped: dict[int, list[Order]] = defaultdict(list)
    for row in rows:
        grouped[row["customer_id"]].append(Order.from_row(row))
    return [grouped[key] for key in customer_ids]


async def load_items(order_ids: list[int]) -> list[list[OrderItem]]:
    rows = await fetch(
        "SELECT id, order_id, product_id, quantity, price_cents FROM order_items "
        "WHERE order_id = ANY($1) ORDER BY id",
        order_ids,
    )
    grouped: dict[int, list[OrderItem]] = defaultdict(list)
    for row in rows:
        grouped[row["order_id"]].append(
            OrderItem(
                id=row["id"],
                product_id=row["product_id"],
                quantity=row["quantity"],
                price_cents=row["price_cents"],
            )
        )
    return [grouped[key] for key in order_ids]


async def load_products(product_ids: list[int]) -> list[Product | None]:
    rows = await fetch(
        "SELECT id, name, category, price_cents FROM products WHERE id = ANY($1)", product_ids
    )
    found = {row["id"]: Product(**dict(row)) for row in rows}
    return [found.get(key) for key in product_ids]


async def load_lines(order_ids: list[int]) -> list[list[OrderLine]]:
    marks = ", ".join(["%s"] * len(order_ids))
    rows = await fetch_mysql(
        "SELECT order_id, id, product_id, quantity, price_cents FROM order_items "
        f"WHERE order_id IN ({marks}) ORDER BY id",
        order_ids,
    )
    grouped: dict[int, list[OrderLine]] = defaultdict(list)
    for order_id, a, b, c, d in rows:
        grouped[order_id].append(OrderLine(id=a, product_id=b, quantity=c, price_cents=d))
    return [grouped[key] for key in order_ids]


async def load_loyalty(customer_ids: list[int]) -> list[Loyalty | None]:
    async def one(chunk: list[int]) -> list[dict[str, Any]]:
        CALLS["rest"] += 1
        response = await REST["api"].get("/loyalty", params={"ids": ",".join(map(str, chunk))})
        response.raise_for_status()
        rows: list[dict[str, Any]] = orjson.loads(response.content)["data"]
        return rows

    chunks = [customer_ids[i : i + REST_BATCH] for i in range(0, len(customer_ids), REST_BATCH)]
    found: dict[int, Loyalty] = {}
    for rows in await asyncio.gather(*(one(chunk) for chunk in chunks)):
        for row in rows:
            found[row["customer_id"]] = Loyalty(points=row["points"], level=row["level"])
    return [found.get(key) for key in customer_ids]


class Loaders:
    def __init__(self) -> None:
        self.orders = DataLoader(load_fn=load_orders)
        self.items = DataLoader(load_fn=load_items)
        self.products = DataLoader(load_fn=load_products)
        self.lines = DataLoader(load_fn=load_lines)
        self.loyalty = DataLoader(load_fn=load_loyalty)


def loaders(info: strawberry.Info) -> Loaders:
    result: Loaders = info.context["loaders"]
    return result


# --- types ---------------------------------------------------------------------------------------


@strawberry.type
class Product:
    id: int
    name: str
    category: str
    price_cents: int


@strawberry.type
class OrderLine:
    """An order's item as MariaDB holds it (scenario (d))."""

    id: int
    product_id: int
    quantity: int
    price_cents: int


@strawberry.type
class Loyalty:
    """A customer's loyalty account from the REST service (scenario (d))."""

    points: int
    level: str


@strawberry.type
class OrderItem:
    id: int
    product_id: int
    quantity: int
    price_cents: int

    @strawberry.field
    async def product(self, info: strawberry.Info) -> Product | None:
        return await loaders(info).products.load(self.product_id)


@strawberry.type
class Order:
    id: int
    customer_id: int
    status: str
    total_cents: int

    @classmethod
    def from_row(cls, row: asyncpg.Record) -> Order:
        return cls(
            id=row["id"],
            customer_id=row["customer_id"],
            status=row["status"],
            total_cents=row["total_cents"],
        )

    @strawberry.field
    async def order_items(self, info: strawberry.Info) -> list[OrderItem]:
        return await loaders(info).items.load(self.id)

    @strawberry.field
    async def lines(self, info: strawberry.Info) -> list[OrderLine]:
        return await loaders(info).lines.load(self.id)


@strawberry.type
class Customer:
    id: int
    name: str
    country: str

    @strawberry.field
    async def orders(self, info: strawberry.Info) -> list[Order]:
        return await loaders(info).orders.load(self.id)

    @strawberry.field
    async def loyalty(self, info: strawberry.Info) -> Loyalty | None:
        return await loaders(info).loyalty.load(self.id)


@strawberry.type
class Count:
    count: int


@strawberry.type
class CountAggregate:
    aggregate: Count


@strawberry.type
class GroupKeys:
    status: str


@strawberry.type
class TotalSum:
    total_cents: float  # sums pass 2^31: GraphQL Int is 32-bit


@strawberry.type
class TotalAvg:
    total_cents: float


@strawberry.type
class GroupAggregate:
    count: int
    sum: TotalSum
    avg: TotalAvg


@strawberry.type
class Group:
    keys: GroupKeys
    aggregate: GroupAggregate


@strawberry.type
class Query:
    @strawberry.field
    async def orders(self, status: str, limit: int, offset: int) -> list[Order]:
        rows = await fetch(
            "SELECT id, customer_id, status, total_cents FROM orders WHERE status = $1 "
            "ORDER BY id LIMIT $2 OFFSET $3",
            status,
            limit,
            offset,
        )
        return [Order.from_row(row) for row in rows]

    @strawberry.field
    async def customers(self, limit: int, offset: int) -> list[Customer]:
        rows = await fetch(
            "SELECT id, name, country FROM customers ORDER BY id LIMIT $1 OFFSET $2", limit, offset
        )
        return [Customer(id=row["id"], name=row["name"], country=row["country"]) for row in rows]

    @strawberry.field
    async def orders_aggregate(self, status: str) -> CountAggregate:
        rows = await fetch("SELECT COUNT(*) AS n FROM orders WHERE status = $1", status)
        return CountAggregate(aggregate=Count(count=rows[0]["n"]))

    @strawberry.field
    async def orders_group_by(self, after: int) -> list[Group]:
        rows = await fetch(
            "SELECT status, COUNT(*) AS n, SUM(total_cents) AS s, AVG(total_cents) AS a "
            "FROM orders WHERE id > $1 GROUP BY status ORDER BY status",
            after,
        )
        return [
            Group(
                keys=GroupKeys(status=row["status"]),
                aggregate=GroupAggregate(
                    count=row["n"],
                    sum=TotalSum(total_cents=float(row["s"])),
                    avg=TotalAvg(total_cents=float(row["a"])),
                ),
            )
            for row in rows
        ]


schema = strawberry.Schema(query=Query, config=StrawberryConfig(auto_camel_case=False))


class ShopGraphQL(GraphQL[dict[str, Any], None]):
    async def get_context(self, request: Any, response: Any) -> dict[str, Any]:
        return {"request": request, "loaders": Loaders()}


async def stats(request: Request) -> Response:
    return Response(orjson.dumps(CALLS), media_type="application/json")


@asynccontextmanager
async def lifespan(app: Starlette) -> AsyncIterator[None]:
    POOL["pg"] = await asyncpg.create_pool(DSN, min_size=POOL_SIZE, max_size=POOL_SIZE)
    if MYSQL_DSN and REST_URL:
        parts = urlsplit(MYSQL_DSN)
        MYSQL["my"] = await aiomysql.create_pool(
            host=parts.hostname,
            port=parts.port or 3306,
            user=unquote(parts.username or "root"),
            password=unquote(parts.password or ""),
            db=parts.path.lstrip("/"),
            minsize=POOL_SIZE,
            maxsize=POOL_SIZE,
            autocommit=True,
        )
        limits = httpx.Limits(max_connections=POOL_SIZE, max_keepalive_connections=POOL_SIZE)
        REST["api"] = httpx.AsyncClient(base_url=REST_URL, limits=limits)
    try:
        yield
    finally:
        await POOL.pop("pg").close()
        if MYSQL:
            pool = MYSQL.pop("my")
            pool.close()
            await pool.wait_closed()
        if REST:
            await REST.pop("api").aclose()


app = Starlette(
    routes=[
        Route("/graphql", ShopGraphQL(schema, graphql_ide=None)),
        Route("/stats", stats),
    ],
    lifespan=lifespan,
)
