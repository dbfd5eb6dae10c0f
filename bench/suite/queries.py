"""The result shapes every contender serves, and each contender's way of asking for them.

A *shape* is one result: ``flat`` (filtered orders), ``nested1`` .. ``nested4`` (customers >
orders > order_items > product), ``count`` (an aggregate), ``grouped`` (aggregates per status)
and ``cross`` (customers and orders from PostgreSQL, each customer's ``loyalty`` from the REST
service, each order's ``lines`` from MariaDB).
Its variables (``limit``, ``offset``, ``status``, ``after``) are the same for every contender; the
documents differ only in each API's naming: Hasura conventions for this gateway, plain
snake_case arguments for the strawberry service, PostGraphile 5's connections (``nodes``,
``rowId``, camelCase) for PostGraphile. ``normalise`` maps every answer to one form so answers can
be compared.
"""

from __future__ import annotations

import re
from typing import Any

SHAPES = ("flat", "nested1", "nested2", "nested3", "nested4", "count", "grouped", "cross")

_LEVELS = (
    ("customers", "id name country"),
    ("orders", "id status total_cents"),
    ("order_items", "id product_id quantity price_cents"),
    ("product", "id name category price_cents"),
)
_FLAT_FIELDS = "id customer_id status total_cents"
_LINE_FIELDS = "id product_id quantity price_cents"


def _cross(customers: str, orders: str, lines: str) -> str:
    return (
        f"query Cross($limit: Int!, $offset: Int!) {{ {customers} {{ id name country"
        f" loyalty {{ points level }} {orders} {{ id status total_cents"
        f" {lines} {{ {_LINE_FIELDS} }} }} }} }}"
    )


def _nest(depth: int, open_level: Any) -> str:
    """The selection of ``depth`` levels, innermost last; ``open_level(i, name)`` spells a
    level's field with its arguments."""
    text = ""
    for level in reversed(range(depth)):
        name, fields = _LEVELS[level]
        inner = f" {text}" if text else ""
        text = f"{open_level(level, name)} {{ {fields}{inner} }}"
    return text


# --- this gateway (Hasura conventions) -------------------------------------------------------


def _gateway_level(level: int, name: str) -> str:
    if level == 0:
        return "customers(order_by: {id: asc}, limit: $limit, offset: $offset)"
    return name if name == "product" else f"{name}(order_by: {{id: asc}})"


GATEWAY = {
    "flat": (
        'query Flat($limit: Int!, $offset: Int!) { orders(where: {status: {_eq: "shipped"}},'
        f" order_by: {{id: asc}}, limit: $limit, offset: $offset) {{ {_FLAT_FIELDS} }} }}"
    ),
    **{
        f"nested{d}": f"query Nested($limit: Int!, $offset: Int!) {{ {_nest(d, _gateway_level)} }}"
        for d in range(1, 5)
    },
    "count": (
        "query Count($status: String!) { orders_aggregate(where: {status: {_eq: $status}})"
        " { aggregate { count } } }"
    ),
    "grouped": (
        "query Grouped($after: Int!) { orders_group_by(by: [status], where: {id: {_gt: $after}},"
        " order_by: [{status: asc}]) { keys { status }"
        " aggregate { count sum { total_cents } avg { total_cents } } } }"
    ),
    "cross": _cross(
        "customers(order_by: {id: asc}, limit: $limit, offset: $offset)",
        "orders(order_by: {id: asc})",
        "lines(order_by: {id: asc})",
    ),
}


# --- the hand-written strawberry service ------------------------------------------------------


def _strawberry_level(level: int, name: str) -> str:
    return "customers(limit: $limit, offset: $offset)" if level == 0 else name


STRAWBERRY = {
    "flat": (
        'query Flat($limit: Int!, $offset: Int!) { orders(status: "shipped", limit: $limit,'
        f" offset: $offset) {{ {_FLAT_FIELDS} }} }}"
    ),
    **{
        f"nested{d}": (
            f"query Nested($limit: Int!, $offset: Int!) {{ {_nest(d, _strawberry_level)} }}"
        )
        for d in range(1, 5)
    },
    "count": "query Count($status: String!) { orders_aggregate(status: $status)"
    " { aggregate { count } } }",
    "grouped": (
        "query Grouped($after: Int!) { orders_group_by(after: $after) { keys { status }"
        " aggregate { count sum { total_cents } avg { total_cents } } } }"
    ),
    "cross": _cross("customers(limit: $limit, offset: $offset)", "orders", "lines"),
}


# --- PostGraphile 5 (amber preset, simplified inflection) -------------------------------------

_CAMEL = {
    "customers": "customers",
    "orders": "orders",
    "order_items": "orderItems",
    "product": "product",
}


def _camel_fields(fields: str) -> str:
    words = [
        ("rowId" if w == "id" else re.sub(r"_(\w)", lambda m: m[1].upper(), w))
        for w in fields.split()
    ]
    return " ".join(words)


def _postgraphile_nest(depth: int) -> str:
    text = ""
    for level in reversed(range(depth)):
        name, fields = _LEVELS[level]
        inner = f" {text}" if text else ""
        body = f"{_camel_fields(fields)}{inner}"
        if name == "product":
            text = f"product {{ {body} }}"
        elif level == 0:
            args = "orderBy: PRIMARY_KEY_ASC, first: $limit, offset: $offset"
            text = f"customers({args}) {{ nodes {{ {body} }} }}"
        else:
            text = f"{_CAMEL[name]}(orderBy: PRIMARY_KEY_ASC) {{ nodes {{ {body} }} }}"
    return text


POSTGRAPHILE: dict[str, str | None] = {
    "flat": (
        'query Flat($limit: Int!, $offset: Int!) { orders(condition: {status: "shipped"},'
        " orderBy: PRIMARY_KEY_ASC, first: $limit, offset: $offset)"
        f" {{ nodes {{ {_camel_fields(_FLAT_FIELDS)} }} }} }}"
    ),
    **{
        f"nested{d}": f"query Nested($limit: Int!, $offset: Int!) {{ {_postgraphile_nest(d)} }}"
        for d in range(1, 5)
    },
    "count": (
        "query Count($status: String!) { orders(condition: {status: $status}) { totalCount } }"
    ),
    "grouped": None,  # PostGraphile 5 core has no grouped aggregates
    "cross": None,  # PostGraphile serves one PostgreSQL database
}
NOT_AVAILABLE = {
    "grouped": "PostGraphile 5 core has no grouped aggregates",
    "cross": "serves one database only",
    "persisted": "no persisted queries",
}


# --- comparing answers ------------------------------------------------------------------------


def _snake(name: str) -> str:
    return "id" if name == "rowId" else re.sub(r"([A-Z])", lambda m: "_" + m[1].lower(), name)


def normalise(value: Any) -> Any:
    """One form for every contender's ``data``: root names dropped, connections unwrapped,
    camelCase to snake_case, ``totalCount`` as ``aggregate.count``, numbers to 6 digits."""
    if isinstance(value, dict):
        if set(value) == {"nodes"}:
            return normalise(value["nodes"])
        if set(value) == {"totalCount"}:
            return {"aggregate": {"count": value["totalCount"]}}
        return {_snake(key): normalise(item) for key, item in value.items()}
    if isinstance(value, list):
        return [normalise(item) for item in value]
    if isinstance(value, float | str) and not isinstance(value, bool):
        try:
            return float(f"{float(value):.6g}")
        except ValueError:
            return value
    return value


def normalised_data(body: dict[str, Any]) -> Any:
    """The answer's data without its root field names (they differ between APIs)."""
    data = body.get("data") or {}
    return [normalise(item) for item in data.values()]
