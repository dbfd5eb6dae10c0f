"""Response assembly: graphql-core's per-field execution of a result against orjson of the same.

The rows come from the lower bound's answer; graphql-core executes the strawberry service's
document over them with its default resolvers (one resolver call per field per object), the cost
any resolver-based server pays before its first byte. ``bench/assembly.py`` measures the gateway's
own assembly path against the same baseline; this is the per-scenario view in the suite's report.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

import orjson
from graphql import build_schema, execute, parse, validate

from bench.suite.queries import STRAWBERRY

SDL = """
type Query {
  orders(status: String, limit: Int, offset: Int): [Order!]!
  customers(limit: Int, offset: Int): [Customer!]!
  orders_aggregate(status: String): CountAggregate!
  orders_group_by(after: Int): [Group!]!
}
type Customer { id: Int! name: String! country: String! orders: [Order!]! }
type Order {
  id: Int! customer_id: Int status: String! total_cents: Int! order_items: [OrderItem!]!
}
type OrderItem { id: Int! product_id: Int! quantity: Int! price_cents: Int! product: Product }
type Product { id: Int! name: String! category: String! price_cents: Int! }
type CountAggregate { aggregate: Count! }
type Count { count: Int! }
type Group { keys: GroupKeys! aggregate: GroupAggregate! }
type GroupKeys { status: String! }
type GroupAggregate { count: Int! sum: TotalSum! avg: TotalAvg! }
type TotalSum { total_cents: Float! }
type TotalAvg { total_cents: Float! }
"""
SCHEMA = build_schema(SDL)


@dataclass(frozen=True, slots=True)
class AssemblyCost:
    shape: str
    objects: int
    graphql_core_ms: float
    orjson_ms: float

    @property
    def ratio(self) -> float:
        return self.graphql_core_ms / self.orjson_ms if self.orjson_ms else float("nan")


def count_objects(value: Any) -> int:
    if isinstance(value, list):
        return sum(count_objects(item) for item in value)
    if isinstance(value, dict):
        return 1 + sum(count_objects(item) for item in value.values())
    return 0


def measure(
    shape: str, variables: dict[str, Any], data: dict[str, Any], budget: float
) -> AssemblyCost:
    """Median milliseconds of each way over repeated runs within ``budget`` seconds."""
    document = parse(STRAWBERRY[shape])
    problems = validate(SCHEMA, document)
    if problems:
        raise RuntimeError(f"assembly document for {shape} is invalid: {problems[0].message}")

    def per_field() -> None:
        result = execute(SCHEMA, document, root_value=data, variable_values=variables)
        assert not result.errors, result.errors  # type: ignore[union-attr]
        orjson.dumps({"data": result.data})  # type: ignore[union-attr]

    def projected() -> None:
        orjson.dumps({"data": data})

    return AssemblyCost(
        shape, count_objects(data) - 1, _median(per_field, budget), _median(projected, budget)
    )


def _median(run: Any, budget: float) -> float:
    samples: list[float] = []
    deadline = time.perf_counter() + budget
    while len(samples) < 3 or (time.perf_counter() < deadline and len(samples) < 200):
        start = time.perf_counter()
        run()
        samples.append((time.perf_counter() - start) * 1000)
    samples.sort()
    return samples[len(samples) // 2]
