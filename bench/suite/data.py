"""The shop data set: deterministic rows at a chosen scale, loaded into PostgreSQL, MariaDB and
SQLite.

``scale`` is the number of orders. Every customer has exactly 10 orders and every order exactly
3 items, so nested results have a size known in advance:

    customers   scale / 10      id, name, country, tier
    products    1,000           id, name, category, price_cents
    orders      scale           id, customer_id, status, total_cents
    order_items 3 x scale       id, order_id, product_id, quantity, price_cents

A marker table records the loaded scale and the data version; a database already holding the
same scale and version is left as it is (reloading 10^6 orders takes a minute).
"""

from __future__ import annotations

import asyncio
import os
import random
import sqlite3
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import asyncpg
import pymysql

DATA_VERSION = 1
"""Bump when the generated rows or the schema change: every database reloads."""
SEED = 20240601
PRODUCTS = 1000
ORDERS_PER_CUSTOMER = 10
ITEMS_PER_ORDER = 3
STATUSES = ("shipped", "pending", "cancelled")
STATUS_WEIGHTS = (80, 15, 5)
COUNTRIES = ("Norway", "Brazil", "Japan", "Canada", "India", "Kenya", "Chile", "Spain")
CATEGORIES = ("books", "games", "garden", "music", "tools", "toys")
MARKER = "fed_bench_marker"
DATABASE = "fed_bench"
BATCH = 5000

Row = tuple[Any, ...]

DDL = (
    """CREATE TABLE customers (id INTEGER PRIMARY KEY, name VARCHAR(64) NOT NULL,
       country VARCHAR(32) NOT NULL, tier INTEGER NOT NULL)""",
    """CREATE TABLE products (id INTEGER PRIMARY KEY, name VARCHAR(64) NOT NULL,
       category VARCHAR(32) NOT NULL, price_cents INTEGER NOT NULL)""",
    """CREATE TABLE orders (id INTEGER PRIMARY KEY,
       customer_id INTEGER NOT NULL REFERENCES customers (id),
       status VARCHAR(16) NOT NULL, total_cents INTEGER NOT NULL)""",
    """CREATE TABLE order_items (id INTEGER PRIMARY KEY,
       order_id INTEGER NOT NULL REFERENCES orders (id),
       product_id INTEGER NOT NULL REFERENCES products (id),
       quantity INTEGER NOT NULL, price_cents INTEGER NOT NULL)""",
    "CREATE INDEX orders_customer ON orders (customer_id)",
    "CREATE INDEX orders_status ON orders (status, total_cents)",
    "CREATE INDEX order_items_order ON order_items (order_id)",
    "CREATE INDEX order_items_product ON order_items (product_id)",
)
TABLES = ("order_items", "orders", "products", "customers")
"""Children first: the order to drop them in (reversed: the order to fill them)."""
COLUMNS = {
    "customers": ("id", "name", "country", "tier"),
    "products": ("id", "name", "category", "price_cents"),
    "orders": ("id", "customer_id", "status", "total_cents"),
    "order_items": ("id", "order_id", "product_id", "quantity", "price_cents"),
}


@dataclass(frozen=True, slots=True)
class Servers:
    pg_admin_dsn: str
    """A maintenance database on the PostgreSQL server, to create ``fed_bench`` from."""
    mysql_host: str
    mysql_port: int
    mysql_user: str
    mysql_password: str
    work: Path
    """Folder for the SQLite file (git-ignored)."""

    def pg_dsn(self) -> str:
        return self.pg_admin_dsn.rsplit("/", 1)[0] + f"/{DATABASE}"

    def mysql_dsn(self) -> str:
        password = f":{self.mysql_password}" if self.mysql_password else ""
        host = f"{self.mysql_host}:{self.mysql_port}"
        return f"mysql://{self.mysql_user}{password}@{host}/{DATABASE}"

    def sqlite_path(self) -> Path:
        return self.work / f"{DATABASE}.sqlite"


def default_servers(work: Path) -> Servers:
    """The servers this machine runs, overridable with the clients' own environment variables."""
    host, port = os.environ.get("PGHOST", "127.0.0.1"), os.environ.get("PGPORT", "5432")
    user = os.environ.get("PGUSER", "postgres")
    return Servers(
        pg_admin_dsn=f"postgresql://{user}@{host}:{port}/test",
        mysql_host=os.environ.get("MYSQL_HOST", "127.0.0.1"),
        mysql_port=int(os.environ.get("MYSQL_TCP_PORT", "3306")),
        mysql_user=os.environ.get("MYSQL_USER", "root"),
        mysql_password=os.environ.get("MYSQL_PWD", ""),
        work=work,
    )


# --- generation ----------------------------------------------------------------------------


def generate(scale: int) -> dict[str, list[Row]]:
    """Every table's rows for ``scale`` orders; the same rows on every run."""
    rng = random.Random(SEED)
    products = [
        (i, f"product {i}", CATEGORIES[i % len(CATEGORIES)], rng.randint(100, 20000))
        for i in range(1, PRODUCTS + 1)
    ]
    customers = [
        (i, f"customer {i}", COUNTRIES[rng.randrange(len(COUNTRIES))], rng.randint(1, 3))
        for i in range(1, scale // ORDERS_PER_CUSTOMER + 1)
    ]
    orders: list[Row] = []
    items: list[Row] = []
    statuses = rng.choices(STATUSES, STATUS_WEIGHTS, k=scale)
    for order_id in range(1, scale + 1):
        total = 0
        for slot in range(ITEMS_PER_ORDER):
            product = rng.randrange(PRODUCTS)
            quantity = rng.randint(1, 5)
            price = products[product][3]
            total += quantity * price
            item_id = (order_id - 1) * ITEMS_PER_ORDER + slot + 1
            items.append((item_id, order_id, product + 1, quantity, price))
        customer = (order_id - 1) // ORDERS_PER_CUSTOMER + 1
        orders.append((order_id, customer, statuses[order_id - 1], total))
    return {"customers": customers, "products": products, "orders": orders, "order_items": items}


def batches(rows: Sequence[Row], size: int = BATCH) -> Iterator[Sequence[Row]]:
    for start in range(0, len(rows), size):
        yield rows[start : start + size]


# --- PostgreSQL ------------------------------------------------------------------------------


async def pg_loaded_scale(servers: Servers) -> int | None:
    """The scale ``fed_bench`` holds at the current data version, or None."""
    admin = await asyncpg.connect(servers.pg_admin_dsn)
    try:
        found = await admin.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", DATABASE)
        if not found:
            await admin.execute(f'CREATE DATABASE "{DATABASE}"')
            return None
    finally:
        await admin.close()
    conn = await asyncpg.connect(servers.pg_dsn())
    try:
        if not await conn.fetchval("SELECT to_regclass($1) IS NOT NULL", MARKER):
            return None
        scale: int | None = await conn.fetchval(
            f"SELECT scale FROM {MARKER} WHERE version = $1", DATA_VERSION
        )
        return scale
    finally:
        await conn.close()


async def load_pg(servers: Servers, scale: int, rows: dict[str, list[Row]]) -> None:
    """Recreate the tables and COPY the rows in (the fast path of asyncpg)."""
    conn = await asyncpg.connect(servers.pg_dsn())
    try:
        async with conn.transaction():
            await conn.execute(f"DROP TABLE IF EXISTS {MARKER}, {', '.join(TABLES)} CASCADE")
            for statement in DDL:
                await conn.execute(statement)
            for table in reversed(TABLES):
                await conn.copy_records_to_table(table, records=rows[table], columns=COLUMNS[table])
            await conn.execute(f"CREATE TABLE {MARKER} (scale INTEGER, version INTEGER)")
            await conn.execute(f"INSERT INTO {MARKER} VALUES ($1, $2)", scale, DATA_VERSION)
        await conn.execute("VACUUM ANALYZE")  # visibility map too: index-only scans from the start
    finally:
        await conn.close()


# --- MariaDB ---------------------------------------------------------------------------------


def _mysql(servers: Servers, database: str | None = DATABASE) -> pymysql.Connection[Any]:
    return pymysql.connect(
        host=servers.mysql_host,
        port=servers.mysql_port,
        user=servers.mysql_user,
        password=servers.mysql_password,
        database=database,
        autocommit=True,
    )


def mysql_loaded_scale(servers: Servers) -> int | None:
    conn = _mysql(servers, None)
    try:
        with conn.cursor() as cursor:
            cursor.execute(f"CREATE DATABASE IF NOT EXISTS {DATABASE}")
            cursor.execute(
                "SELECT COUNT(*) FROM information_schema.tables "
                "WHERE table_schema = %s AND table_name = %s",
                (DATABASE, MARKER),
            )
            if cursor.fetchone()[0] == 0:
                return None
            query = f"SELECT scale FROM {DATABASE}.{MARKER} WHERE version = %s"
            cursor.execute(query, DATA_VERSION)
            row = cursor.fetchone()
            return int(row[0]) if row else None
    finally:
        conn.close()


def load_mysql(servers: Servers, scale: int, rows: dict[str, list[Row]]) -> None:
    """Recreate the tables and fill them with multi-row INSERTs (PyMySQL batches executemany)."""
    conn = _mysql(servers)
    try:
        with conn.cursor() as cursor:
            cursor.execute("SET foreign_key_checks = 0, unique_checks = 0")
            cursor.execute(f"DROP TABLE IF EXISTS {MARKER}, {', '.join(TABLES)}")
            for statement in DDL:
                cursor.execute(statement)
            for table in reversed(TABLES):
                columns = COLUMNS[table]
                marks = ", ".join(["%s"] * len(columns))
                insert = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})"
                for chunk in batches(rows[table]):
                    cursor.executemany(insert, chunk)
            cursor.execute(f"CREATE TABLE {MARKER} (scale INTEGER, version INTEGER)")
            cursor.execute(f"INSERT INTO {MARKER} VALUES (%s, %s)", (scale, DATA_VERSION))
            cursor.execute(f"ANALYZE TABLE {', '.join(TABLES)}")
            cursor.fetchall()
    finally:
        conn.close()


# --- SQLite ----------------------------------------------------------------------------------


def sqlite_loaded_scale(servers: Servers) -> int | None:
    path = servers.sqlite_path()
    if not path.exists():
        return None
    with sqlite3.connect(path) as conn:
        try:
            row = conn.execute(
                f"SELECT scale FROM {MARKER} WHERE version = ?", (DATA_VERSION,)
            ).fetchone()
        except sqlite3.OperationalError:
            return None
    return int(row[0]) if row else None


def load_sqlite(servers: Servers, scale: int, rows: dict[str, list[Row]]) -> None:
    path = servers.sqlite_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.unlink(missing_ok=True)
    with sqlite3.connect(path) as conn:
        for statement in DDL:
            conn.execute(statement)
        for table in reversed(TABLES):
            marks = ", ".join(["?"] * len(COLUMNS[table]))
            conn.executemany(f"INSERT INTO {table} VALUES ({marks})", rows[table])
        conn.execute(f"CREATE TABLE {MARKER} (scale INTEGER, version INTEGER)")
        conn.execute(f"INSERT INTO {MARKER} VALUES (?, ?)", (scale, DATA_VERSION))
        conn.execute("ANALYZE")
    conn.close()


# --- all of them -----------------------------------------------------------------------------


async def ensure_loaded(servers: Servers, scale: int, log: Any = print) -> dict[str, str]:
    """Load every database that does not already hold ``scale``; what was done, per database."""
    done: dict[str, str] = {}
    rows: dict[str, list[Row]] | None = None

    def data() -> dict[str, list[Row]]:
        nonlocal rows
        if rows is None:
            log(f"generating {scale:,} orders ({scale * (ITEMS_PER_ORDER + 1.1):,.0f} rows)")
            rows = generate(scale)
        return rows

    if await pg_loaded_scale(servers) == scale:
        done["postgres"] = "kept"
    else:
        await load_pg(servers, scale, data())
        done["postgres"] = "loaded"
    if await asyncio.to_thread(mysql_loaded_scale, servers) == scale:
        done["mariadb"] = "kept"
    else:
        await asyncio.to_thread(load_mysql, servers, scale, data())
        done["mariadb"] = "loaded"
    if sqlite_loaded_scale(servers) == scale:
        done["sqlite"] = "kept"
    else:
        load_sqlite(servers, scale, data())
        done["sqlite"] = "loaded"
    return done
