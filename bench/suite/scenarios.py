"""The scenarios: which result shape, with which variables per request, and the scale curves."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bench.suite.data import STATUSES

VARIANTS = 8
"""Requests rotate through this many variable sets (different offsets), so no contender can
serve a scenario from one cached answer; (e) alone repeats one request."""


@dataclass(frozen=True, slots=True)
class Scenario:
    key: str
    title: str
    shape: str
    variables: tuple[dict[str, Any], ...]
    note: str = ""


PENDING: dict[str, str] = {}


def scenarios(scale: int, flat_rows: int = 1000, customers: int = 30) -> list[Scenario]:
    """(a), (b), (c) as count and grouped, (d), (e); sizes fitted to ``scale`` orders."""
    shipped = int(scale * 0.75)  # about 80% of orders are shipped
    rows = min(flat_rows, shipped // 2)
    step = max(1, (shipped - rows) // VARIANTS)
    people = min(customers, scale // 10 // (VARIANTS + 1))
    nested = tuple({"limit": people, "offset": k * people} for k in range(VARIANTS))
    return [
        Scenario(
            "a",
            f"flat list with a filter ({rows:,} orders where status = shipped)",
            "flat",
            tuple({"limit": rows, "offset": k * min(step, 100)} for k in range(VARIANTS)),
        ),
        Scenario(
            "b",
            f"3-level nested ({people} customers > {people * 10} orders > "
            f"{people * 30} order_items)",
            "nested3",
            nested,
        ),
        Scenario(
            "c1",
            "aggregate: count of orders with a status",
            "count",
            tuple({"status": s} for s in STATUSES),
        ),
        Scenario(
            "c2",
            "grouped aggregates: count, sum, avg per status",
            "grouped",
            tuple({"after": k * 10} for k in range(VARIANTS)),
        ),
        Scenario(
            "d",
            f"cross-source ({people} customers and their {people * 10} orders from PostgreSQL,"
            f" each customer's loyalty from a REST service, the orders' {people * 30} lines"
            " from MariaDB)",
            "cross",
            nested,
        ),
        Scenario(
            "e",
            "the same request repeated (query (b), one variable set)",
            "nested3",
            nested[:1],
            note="the gateway with `cache: {default_max_age: 60}` answers it from its response "
            "cache; every other contender computes it each time",
        ),
        Scenario(
            "f",
            "persisted query over GET (query (b) by its manifest id, one variable set)",
            "persisted",
            nested[:1],
            note="GET /graphql?documentId=...&variables=...; the lower bound runs (b)'s "
            "request, which has no persisted form",
        ),
    ]


def row_points(scale: int, quick: bool) -> list[int]:
    """Result sizes of the rows curve: 10^2 .. 10^5 flat orders, as far as the data allows."""
    shipped = int(scale * 0.75)
    wanted = [100, 1000, 10_000] if quick else [100, 1000, 10_000, 100_000]
    return [n for n in wanted if n <= shipped]


def depth_points() -> list[int]:
    return [1, 2, 3, 4]
