"""The demo data behind ``federation demo``: a SQLite "crm" and a DuckDB "analytics" database.

    generate(Path("demo"))   # writes demo/crm.sqlite and demo/analytics.duckdb

The data is made up, deterministic for a seed (a seeded ``random.Random``, fixed dates, no
downloads) and consistent across the two files: analytics rows carry the crm's customer and
product ids, and ``daily_sales`` is the crm's order lines summed per day and product. Each file
is written under a temporary name and renamed into place, so running it again is safe, even
while a gateway has the old file open.

crm (SQLite): regions, customers, products, orders, order_items (composite primary key),
returns (composite foreign key to order_items) and the view customer_order_totals.
analytics (DuckDB): page_views, daily_sales (composite primary key), events (uuid, timestamptz,
JSON and a list column).
"""

from __future__ import annotations

import datetime as dt
import os
import random
import sqlite3
import unicodedata
import uuid
from collections.abc import Callable, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb
import orjson

CRM_FILE = "crm.sqlite"
ANALYTICS_FILE = "analytics.duckdb"

Row = tuple[Any, ...]
Tables = dict[str, list[Row]]
"""Rows per table (in column order of the DDL), tables in an order that satisfies the keys."""


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


_START = dt.date(2024, 1, 1)
_DAYS = 365
_CENT = Decimal("0.01")

_FIRST = _words(
    "Ada Ben Chloé Dmitri Elena Farid Grace Hiro Ines Jonas Keiko Liam Maya Noah Olga "
    "Pedro Quinn Rosa Sven Tara Umar Vera Wei Ximena Yusuf Zoë José Łukasz Søren Amélie "
    "Björn Nadia Oscar Priya Rafael Sofia Tomás Ulla Victor Wanda"
)
_LAST = _words(
    "Adams Brown Chen Dubois Evans Fischer García Hansen Ivanova Jensen Kowalski Lopez "
    "Müller Nakamura O'Brien Petrov Quist Rossi Schmidt Tanaka Ueda Valdés Weber Xu "
    "Yilmaz Zielińska Nguyễn Ødegård Núñez Åberg"
)
_REGIONS = (
    ("EU-N", "Northern Europe", "SE"),
    ("EU-W", "Western Europe", "FR"),
    ("EU-C", "Central Europe", "DE"),
    ("EU-S", "Southern Europe", "ES"),
    ("UK", "United Kingdom", "GB"),
    ("US-E", "US East", "US"),
    ("US-W", "US West", "US"),
    ("CA", "Canada", "CA"),
    ("LATAM", "Latin America", "BR"),
    ("APAC-N", "North Asia", "JP"),
    ("APAC-S", "South-East Asia", "SG"),
    ("ANZ", "Australia & New Zealand", "AU"),
)
_CATEGORIES = {
    "Furniture": ("Desk", "Chair", "Shelf", "Stool", "Cabinet"),
    "Lighting": ("Lamp", "Pendant", "Sconce", "Lantern"),
    "Kitchen": ("Kettle", "Teapot", "Knife", "Grinder", "Pan"),
    "Textiles": ("Throw", "Cushion", "Rug", "Towel"),
    "Stationery": ("Notebook", "Pen", "Planner", "Folder"),
}
_MATERIALS = ("Oak", "Walnut", "Steel", "Linen", "Brass", "Ceramic", "Bamboo", "Wool", "Cork")
_STYLES = ("Nordic", "Classic", "Compact", "Ergonomic", "Studio", "Café", "Heritage")
_STATUSES = ("pending", "paid", "shipped", "delivered", "cancelled")
_STATUS_WEIGHTS = (5, 10, 15, 65, 5)
_REASONS = ("damaged", "wrong size", "not as described", "changed mind", None)
_DEVICES = ("desktop", "mobile", "tablet")
_REFERRERS = ("google", "newsletter", "instagram", "partner-blog", None, None, None)
_EVENT_KINDS = ("login", "search", "add_to_cart", "checkout", "support_ticket")

_CRM_DDL = """
CREATE TABLE regions (
    id INTEGER PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    country TEXT NOT NULL
);
CREATE TABLE customers (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    email TEXT NOT NULL UNIQUE,
    phone TEXT,
    region_id INTEGER REFERENCES regions (id),
    is_business BOOLEAN NOT NULL,
    signed_up_on DATE NOT NULL,
    internal_notes TEXT
);
CREATE TABLE products (
    id INTEGER PRIMARY KEY,
    sku TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    category TEXT NOT NULL,
    price DECIMAL(10, 2) NOT NULL,
    in_stock BOOLEAN NOT NULL,
    discontinued_on DATE
);
CREATE TABLE orders (
    id INTEGER PRIMARY KEY,
    customer_id INTEGER NOT NULL REFERENCES customers (id),
    ordered_at DATETIME NOT NULL,
    status TEXT NOT NULL,
    shipped_on DATE,
    coupon_code TEXT
);
CREATE TABLE order_items (
    order_id INTEGER NOT NULL REFERENCES orders (id),
    line_no INTEGER NOT NULL,
    product_id INTEGER NOT NULL REFERENCES products (id),
    quantity INTEGER NOT NULL,
    unit_price DECIMAL(10, 2) NOT NULL,
    PRIMARY KEY (order_id, line_no)
);
CREATE TABLE returns (
    id INTEGER PRIMARY KEY,
    order_id INTEGER NOT NULL,
    line_no INTEGER NOT NULL,
    returned_on DATE NOT NULL,
    reason TEXT,
    FOREIGN KEY (order_id, line_no) REFERENCES order_items (order_id, line_no)
);
CREATE INDEX orders_customer ON orders (customer_id);
CREATE INDEX order_items_product ON order_items (product_id);
CREATE VIEW customer_order_totals AS
    SELECT o.customer_id,
           count(DISTINCT o.id) AS order_count,
           round(sum(i.quantity * i.unit_price), 2) AS total_spent
    FROM orders AS o JOIN order_items AS i ON i.order_id = o.id
    WHERE o.status <> 'cancelled'
    GROUP BY o.customer_id;
"""

_ANALYTICS_DDL = """
CREATE TABLE page_views (
    id BIGINT PRIMARY KEY,
    customer_id INTEGER,
    product_id INTEGER,
    path VARCHAR NOT NULL,
    viewed_at TIMESTAMP NOT NULL,
    duration_ms INTEGER NOT NULL,
    device VARCHAR NOT NULL,
    referrer VARCHAR
);
CREATE TABLE daily_sales (
    day DATE NOT NULL,
    product_id INTEGER NOT NULL,
    units INTEGER NOT NULL,
    revenue DECIMAL(12, 2) NOT NULL,
    PRIMARY KEY (day, product_id)
);
CREATE TABLE events (
    id UUID PRIMARY KEY,
    customer_id INTEGER NOT NULL,
    kind VARCHAR NOT NULL,
    occurred_at TIMESTAMPTZ NOT NULL,
    properties JSON,
    tags VARCHAR[]
);
COMMENT ON TABLE page_views IS 'One row per page opened; no customer_id for anonymous visitors.';
COMMENT ON TABLE daily_sales IS 'Units and revenue per product and day, from crm order lines.';
"""

# Casts for DuckDB's bulk insert (see _insert_columns); columns not named take the list's type.
_ANALYTICS_CASTS = {"events": {"id": "UUID", "properties": "JSON"}}


def generate(out_dir: Path, *, seed: int = 7) -> None:
    """Write ``crm.sqlite`` and ``analytics.duckdb`` into ``out_dir`` (created if missing)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    crm = _crm(random.Random(f"crm-{seed}"))
    analytics = _analytics(random.Random(f"analytics-{seed}"), crm)
    _replace(out_dir / CRM_FILE, lambda path: _write_sqlite(path, crm))
    _replace(out_dir / ANALYTICS_FILE, lambda path: _write_duckdb(path, analytics))


def _replace(target: Path, write: Callable[[Path], None]) -> None:
    """Write into a temporary sibling, then rename it over ``target`` in one step."""
    temporary = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    _remove(temporary)
    try:
        write(temporary)
        os.replace(temporary, target)
    finally:
        _remove(temporary)
    _remove(target.with_name(target.name + ".wal"))  # a stale log must not replay onto new data


def _remove(path: Path) -> None:
    path.unlink(missing_ok=True)


# --- crm ---------------------------------------------------------------------------------------


def _crm(rng: random.Random) -> Tables:
    tables: Tables = {}
    tables["regions"] = [(i, *region) for i, region in enumerate(_REGIONS, start=1)]
    tables["customers"] = _customers(rng, 1200)
    tables["products"] = _products(rng, 150)
    _orders(rng, tables, 3000)
    tables["returns"] = _returns(rng, tables["order_items"], tables["orders"])
    return tables


def _customers(rng: random.Random, count: int) -> list[Row]:
    rows = []
    for id_ in range(1, count + 1):
        first, last = rng.choice(_FIRST), rng.choice(_LAST)
        business = rng.random() < 0.2
        name = f"{last} & {rng.choice(_LAST)} Ltd" if business else f"{first} {last}"
        email = f"{_ascii(first)}.{_ascii(last)}{id_}@example.com".lower()
        phone = None if rng.random() < 0.3 else f"+1-555-{rng.randrange(10**7):07d}"
        region = None if rng.random() < 0.05 else rng.randint(1, len(_REGIONS))
        signed_up = _START - dt.timedelta(days=rng.randrange(3 * _DAYS))
        notes = rng.choice(("prefers email", "VIP", "late payer")) if rng.random() < 0.1 else None
        rows.append((id_, name, email, phone, region, business, signed_up, notes))
    return rows


def _ascii(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.replace("Ł", "L").replace("ø", "o"))
    return "".join(c for c in decomposed if c.isascii() and c.isalnum())


def _products(rng: random.Random, count: int) -> list[Row]:
    rows = []
    for id_ in range(1, count + 1):
        category = rng.choice(sorted(_CATEGORIES))
        name = f"{rng.choice(_STYLES)} {rng.choice(_MATERIALS)} {rng.choice(_CATEGORIES[category])}"
        price = Decimal(rng.randrange(250, 50_000)) / 100
        gone = _START + dt.timedelta(days=rng.randrange(_DAYS)) if rng.random() < 0.05 else None
        sku = f"{category[:3].upper()}-{id_:05d}"
        rows.append((id_, sku, name, category, price, gone is None and rng.random() > 0.1, gone))
    return rows


def _orders(rng: random.Random, tables: Tables, count: int) -> None:
    customers, products = tables["customers"], tables["products"]
    tables["orders"], tables["order_items"] = [], []
    for id_ in range(1, count + 1):
        at = dt.datetime.combine(_START, dt.time()) + dt.timedelta(
            minutes=rng.randrange(_DAYS * 24 * 60)
        )
        status = rng.choices(_STATUSES, _STATUS_WEIGHTS)[0]
        shipped = at.date() + dt.timedelta(days=rng.randint(1, 5))
        coupon = rng.choice(("WELCOME10", "SPRING", "VIP20")) if rng.random() < 0.08 else None
        customer = rng.choice(customers)[0]
        tables["orders"].append(
            (
                id_,
                customer,
                at,
                status,
                shipped if status in ("shipped", "delivered") else None,
                coupon,
            )
        )
        for line_no, product in enumerate(rng.sample(products, rng.randint(1, 5)), start=1):
            tables["order_items"].append((id_, line_no, product[0], rng.randint(1, 4), product[4]))


def _returns(rng: random.Random, items: list[Row], orders: list[Row]) -> list[Row]:
    delivered = {order[0]: order[4] for order in orders if order[3] == "delivered"}
    candidates = [item for item in items if item[0] in delivered]
    picked = sorted(rng.sample(candidates, 150), key=lambda item: (item[0], item[1]))
    return [
        (
            id_,
            order_id,
            line_no,
            delivered[order_id] + dt.timedelta(days=rng.randint(2, 30)),
            reason,
        )
        for id_, (order_id, line_no, *_) in enumerate(picked, start=1)
        for reason in [rng.choice(_REASONS)]
    ]


def _write_sqlite(path: Path, tables: Tables) -> None:
    conn = sqlite3.connect(path)
    try:
        conn.executescript(_CRM_DDL)
        with conn:
            for table, rows in tables.items():
                marks = ", ".join("?" * len(rows[0]))
                conn.executemany(f"INSERT INTO {table} VALUES ({marks})", map(_sqlite_row, rows))
        conn.execute("VACUUM")
    finally:
        conn.close()


def _sqlite_row(row: Row) -> Row:
    return tuple(_sqlite_value(value) for value in row)


def _sqlite_value(value: Any) -> Any:
    """SQLite's own text forms: ``YYYY-MM-DD HH:MM:SS``, exact decimals, booleans as 0/1."""
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


# --- analytics ---------------------------------------------------------------------------------


def _analytics(rng: random.Random, crm: Tables) -> Tables:
    tables: Tables = {}
    customer_ids = [row[0] for row in crm["customers"]]
    product_ids = [row[0] for row in crm["products"]]
    tables["page_views"] = _page_views(rng, 6000, customer_ids, product_ids)
    tables["daily_sales"] = _daily_sales(crm)
    tables["events"] = _events(rng, 2500, customer_ids)
    return tables


def _page_views(
    rng: random.Random, count: int, customers: Sequence[int], products: Sequence[int]
) -> list[Row]:
    rows = []
    for id_ in range(1, count + 1):
        customer = rng.choice(customers) if rng.random() < 0.7 else None
        product = rng.choice(products) if rng.random() < 0.6 else None
        path = f"/products/{product}" if product else rng.choice(("/", "/search", "/cart", "/help"))
        at = dt.datetime.combine(_START, dt.time()) + dt.timedelta(
            seconds=rng.randrange(_DAYS * 86400)
        )
        duration = int(rng.lognormvariate(9, 1))
        rows.append(
            (
                id_,
                customer,
                product,
                path,
                at,
                duration,
                rng.choice(_DEVICES),
                rng.choice(_REFERRERS),
            )
        )
    return rows


def _daily_sales(crm: Tables) -> list[Row]:
    """The crm's non-cancelled order lines summed per (day, product): the two sources agree."""
    day_of = {order[0]: order[2].date() for order in crm["orders"] if order[3] != "cancelled"}
    totals: dict[tuple[dt.date, int], list[Any]] = {}
    for order_id, _, product, quantity, price in crm["order_items"]:
        if order_id in day_of:
            total = totals.setdefault((day_of[order_id], product), [0, Decimal(0)])
            total[0] += quantity
            total[1] += quantity * price
    return [
        (day, product, units, revenue.quantize(_CENT))
        for (day, product), (units, revenue) in sorted(totals.items())
    ]


def _events(rng: random.Random, count: int, customers: Sequence[int]) -> list[Row]:
    rows = []
    for _ in range(count):
        kind = rng.choice(_EVENT_KINDS)
        at = dt.datetime(2024, 1, 1, tzinfo=dt.UTC) + dt.timedelta(
            seconds=rng.randrange(_DAYS * 86400)
        )
        properties = _event_properties(rng, kind)
        tags = rng.sample(("beta", "promo", "returning", "eu", "b2b"), rng.randint(0, 2)) or None
        event_id = uuid.UUID(int=rng.getrandbits(128), version=4)
        rows.append((event_id, rng.choice(customers), kind, at, properties, tags))
    return rows


def _event_properties(rng: random.Random, kind: str) -> str | None:
    if kind == "search":
        return orjson.dumps(
            {"query": rng.choice(_MATERIALS).lower(), "results": rng.randint(0, 40)}
        ).decode()
    if kind == "checkout":
        return orjson.dumps({"items": rng.randint(1, 5), "coupon": rng.random() < 0.1}).decode()
    return None


def _write_duckdb(path: Path, tables: Tables) -> None:
    conn = duckdb.connect(str(path))
    try:
        conn.execute(_ANALYTICS_DDL)
        for table, rows in tables.items():
            _insert_columns(conn, table, rows, _ANALYTICS_CASTS.get(table, {}))
        conn.execute("CHECKPOINT")
    finally:
        conn.close()


def _insert_columns(
    conn: duckdb.DuckDBPyConnection, table: str, rows: list[Row], casts: dict[str, str]
) -> None:
    """One statement per table: each column travels as one list parameter and is unnested
    (DuckDB's row-by-row ``executemany`` is about 100x slower)."""
    names = [str(row[0]) for row in conn.execute(f"DESCRIBE {table}").fetchall()]
    selects = [
        f"unnest(${i})" + (f"::{casts[name]}" if name in casts else "")
        for i, name in enumerate(names, start=1)
    ]
    columns = [list(values) for values in zip(*rows, strict=True)]
    conn.execute(f"INSERT INTO {table} SELECT {', '.join(selects)}", columns)
