"""Hasura's row semantics in plain Python: ``where``, ``order_by``, ``distinct_on``, pagination
and aggregate functions over lists of row dicts. Independent of the gateway's SQL.

Filters use SQL's three-valued logic (``None`` is unknown): a comparison with a NULL column is
unknown, ``_not`` of unknown stays unknown, and only rows where the whole filter is true are
kept, as in ``WHERE``.
"""

from __future__ import annotations

import datetime as dt
import decimal
import functools
import math
import re
import uuid
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from graphql import GraphQLError

from federation.catalog import Column
from federation.planner.plan import Relationship
from federation.schema.model import SchemaModel, TableType

Row = dict[str, Any]
"""Source column name -> value; booleans already ``bool``."""
Related = Callable[[Relationship, Row], list[Row]]

UNSUPPORTED_ON_SQLITE = frozenset(
    {
        "_similar",
        "_nsimilar",
        "_regex",
        "_nregex",
        "_iregex",
        "_niregex",
        "_contains",
        "_contained_in",
        "_has_key",
        "_has_keys_any",
        "_has_keys_all",
        "_cast",
    }
)
"""Operators the schema offers that SQLite sources reject with an error."""

# --- where ---------------------------------------------------------------------------------


def matches(
    model: SchemaModel, t: TableType, where: dict[str, Any], row: Row, related: Related
) -> bool | None:
    """The truth of ``where`` for ``row``: True, False or None (unknown)."""
    results: list[bool | None] = []
    for name, operand in where.items():
        if operand is None:
            raise GraphQLError(f"`{name}` in `where` is null")
        if name == "_and":
            results.append(_all(matches(model, t, w, row, related) for w in operand))
        elif name == "_or":
            results.append(_any(matches(model, t, w, row, related) for w in operand))
        elif name == "_not":
            results.append(_negate(matches(model, t, operand, row, related)))
        elif name in t.columns:
            column = t.columns[name]
            results.extend(_compare(column, op, row[column.name], v) for op, v in operand.items())
        else:
            rel = t.relationships[name]
            target = model.type_of(rel.target)
            rows = related(rel, row)
            results.append(any(matches(model, target, operand, r, related) is True for r in rows))
    return _all(results)


def _all(values: Iterable[bool | None]) -> bool | None:
    result: bool | None = True
    for value in values:
        if value is False:
            return False
        if value is None:
            result = None
    return result


def _any(values: Iterable[bool | None]) -> bool | None:
    result: bool | None = False
    for value in values:
        if value is True:
            return True
        if value is None:
            result = None
    return result


def _negate(value: bool | None) -> bool | None:
    return None if value is None else not value


def _compare(column: Column, op: str, stored: Any, value: Any) -> bool | None:
    if op in UNSUPPORTED_ON_SQLITE:
        raise GraphQLError(f"operator {op} is not supported by sqlite sources")
    if op == "_is_null":
        return None if value is None else (stored is None) is value
    if value is None:
        raise GraphQLError(f"{column.name}: {{{op}: null}} compares with null")
    if op in ("_in", "_nin"):
        found = _any(_equal(stored, stored_form(v, stored)) for v in value)
        return found if op == "_in" else _negate(found)
    if stored is None:
        return None
    if op in ("_like", "_nlike", "_ilike", "_nilike"):
        hit = like(str(value), stored, insensitive=op in ("_ilike", "_nilike"))
        return hit if op in ("_like", "_ilike") else not hit
    return _ORDERED[op](stored, stored_form(value, stored))


def _equal(stored: Any, value: Any) -> bool | None:
    return None if stored is None else stored == value


_ORDERED: dict[str, Callable[[Any, Any], bool]] = {
    "_eq": lambda a, b: bool(a == b),
    "_neq": lambda a, b: bool(a != b),
    "_gt": lambda a, b: bool(a > b),
    "_gte": lambda a, b: bool(a >= b),
    "_lt": lambda a, b: bool(a < b),
    "_lte": lambda a, b: bool(a <= b),
}


def stored_form(value: Any, stored: Any) -> Any:
    """A coerced GraphQL input value in the form SQLite stores: ISO text for dates, and a
    ``numeric`` (stored with REAL affinity) as the float SQLite would convert it to."""
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, decimal.Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


def like(pattern: str, text: str, *, insensitive: bool) -> bool:
    """SQL ``LIKE`` with ``\\`` escaping ``%`` and ``_`` (PostgreSQL's default)."""
    return _like_regex(pattern, insensitive).fullmatch(text) is not None


@functools.cache
def _like_regex(pattern: str, insensitive: bool) -> re.Pattern[str]:
    parts: list[str] = []
    chars = iter(pattern)
    for char in chars:
        if char == "\\":
            parts.append(re.escape(next(chars, "\\")))
        elif char == "%":
            parts.append(".*")
        elif char == "_":
            parts.append(".")
        else:
            parts.append(re.escape(char))
    flags = re.DOTALL | (re.IGNORECASE if insensitive else 0)
    return re.compile("".join(parts), flags)


# --- ordering --------------------------------------------------------------------------------

SortKey = tuple[Callable[[Row], Any], bool, bool]
"""(value of a row, descending, nulls first)."""

DIRECTIONS = {
    "asc": (False, False),
    "asc_nulls_first": (False, True),
    "asc_nulls_last": (False, False),
    "desc": (True, True),
    "desc_nulls_first": (True, True),
    "desc_nulls_last": (True, False),
}


def sort_keys(
    model: SchemaModel, t: TableType, order_by: Sequence[dict[str, Any]], related: Related
) -> list[SortKey]:
    keys: list[SortKey] = []
    for entry in order_by:
        keys.extend(_entry_keys(model, t, entry, related, lambda row: row))
    return keys


def _entry_keys(
    model: SchemaModel,
    t: TableType,
    entry: dict[str, Any],
    related: Related,
    reach: Callable[[Row], Row | None],
) -> list[SortKey]:
    keys: list[SortKey] = []
    for name, spec in entry.items():
        if spec is None:
            continue
        if name in t.columns:
            keys.append((_column_value(reach, t.columns[name].name), *DIRECTIONS[spec]))
        elif name in t.relationships:
            rel = t.relationships[name]
            keys.extend(
                _entry_keys(
                    model, model.type_of(rel.target), spec, related, _through(reach, rel, related)
                )
            )
        else:
            rel = t.relationships[name.removesuffix("_aggregate")]
            keys.extend(_aggregate_keys(model.type_of(rel.target), rel, spec, related, reach))
    return keys


def _column_value(reach: Callable[[Row], Row | None], column: str) -> Callable[[Row], Any]:
    def value(row: Row) -> Any:
        reached = reach(row)
        return None if reached is None else reached[column]

    return value


def _through(
    reach: Callable[[Row], Row | None], rel: Relationship, related: Related
) -> Callable[[Row], Row | None]:
    def step(row: Row) -> Row | None:
        reached = reach(row)
        if reached is None:
            return None
        rows = related(rel, reached)
        return rows[0] if rows else None

    return step


def _aggregate_keys(
    target: TableType,
    rel: Relationship,
    spec: dict[str, Any],
    related: Related,
    reach: Callable[[Row], Row | None],
) -> list[SortKey]:
    keys: list[SortKey] = []
    for function, inner in spec.items():
        if inner is None:
            continue
        if function == "count":
            keys.append((_aggregate_value(reach, rel, related, len), *DIRECTIONS[inner]))
            continue
        for column_name, direction in inner.items():
            if direction is None:
                continue
            column = target.columns[column_name]
            compute = functools.partial(_column_aggregate, function, column)
            keys.append((_aggregate_value(reach, rel, related, compute), *DIRECTIONS[direction]))
    return keys


def _aggregate_value(
    reach: Callable[[Row], Row | None],
    rel: Relationship,
    related: Related,
    compute: Callable[[list[Row]], Any],
) -> Callable[[Row], Any]:
    def value(row: Row) -> Any:
        reached = reach(row)
        return compute(related(rel, reached) if reached is not None else [])

    return value


def _column_aggregate(function: str, column: Column, rows: list[Row]) -> Any:
    return aggregate(function, [r[column.name] for r in rows])


def sort_rows(rows: list[Row], keys: Sequence[SortKey]) -> list[Row]:
    def compare(a: Row, b: Row) -> int:
        for value, descending, nulls_first in keys:
            x, y = value(a), value(b)
            if x is None or y is None:
                if x is None and y is None:
                    continue
                return (-1 if nulls_first else 1) * (1 if x is None else -1)
            if x != y:
                result = -1 if x < y else 1
                return -result if descending else result
        return 0

    return sorted(rows, key=functools.cmp_to_key(compare))


# --- selection ------------------------------------------------------------------------------


def check_arguments(model: SchemaModel, t: TableType, args: dict[str, Any]) -> None:
    """Raise for arguments Hasura rejects before running anything: null operands in ``where``,
    operators SQLite sources do not take, negative ``limit``/``offset``, ``distinct_on`` that
    does not lead ``order_by``."""
    _non_negative(args, "limit")
    _non_negative(args, "offset")
    distinct_on = [t.columns[n].name for n in args.get("distinct_on") or ()]
    _check_distinct_on(t, distinct_on, args.get("order_by") or [])
    if args.get("where") is not None:
        _check_where(model, t, args["where"])


def _check_where(model: SchemaModel, t: TableType, where: dict[str, Any]) -> None:
    for name, operand in where.items():
        if operand is None:
            raise GraphQLError(f"`{name}` in `where` of {t.name} is null")
        if name in ("_and", "_or"):
            for item in operand:
                _check_where(model, t, item)
        elif name == "_not":
            _check_where(model, t, operand)
        elif name in t.columns:
            for op, value in operand.items():
                if op in UNSUPPORTED_ON_SQLITE:
                    raise GraphQLError(f"operator {op} is not supported by sqlite sources")
                if value is None and op != "_is_null":
                    raise GraphQLError(f"{name}: {{{op}: null}} compares with null")
        else:
            _check_where(model, model.type_of(t.relationships[name].target), operand)


def select(
    model: SchemaModel, t: TableType, rows: list[Row], args: dict[str, Any], related: Related
) -> list[Row]:
    """``where``, ``order_by``, ``distinct_on``, ``offset`` and ``limit``, in Hasura's order."""
    check_arguments(model, t, args)
    limit, offset = args.get("limit"), args.get("offset")
    order_by = args.get("order_by") or []
    keys = sort_keys(model, t, order_by, related)
    distinct_on = [t.columns[n].name for n in args.get("distinct_on") or ()]
    where = args.get("where")
    if where is not None:
        rows = [r for r in rows if matches(model, t, where, r, related) is True]
    rows = sort_rows(rows, keys)
    if distinct_on:
        rows = _first_per_key(rows, distinct_on)
    rows = rows[offset or 0 :]
    return rows if limit is None else rows[:limit]


def _non_negative(args: dict[str, Any], name: str) -> int | None:
    value: int | None = args.get(name)
    if value is not None and value < 0:
        raise GraphQLError(f"`{name}` must not be negative")
    return value


def _check_distinct_on(
    t: TableType, distinct_on: list[str], order_by: list[dict[str, Any]]
) -> None:
    """Hasura: ``distinct_on`` columns must be the leading ``order_by`` columns."""
    if not distinct_on or not order_by:
        return
    leading: list[str | None] = []
    for entry in order_by:
        for name, spec in entry.items():
            if spec is not None:
                leading.append(t.columns[name].name if name in t.columns else None)
    if set(leading[: len(distinct_on)]) != set(distinct_on) or len(leading) < len(distinct_on):
        raise GraphQLError('"distinct_on" columns must match the initial "order_by" columns')


def _first_per_key(rows: list[Row], columns: list[str]) -> list[Row]:
    seen: set[tuple[Any, ...]] = set()
    kept = []
    for row in rows:
        key = tuple(row[c] for c in columns)
        if key not in seen:
            seen.add(key)
            kept.append(row)
    return kept


# --- aggregate functions ---------------------------------------------------------------------


def aggregate(function: str, values: list[Any]) -> Any:
    present = [v for v in values if v is not None]
    if function == "min":
        return min(present, default=None)
    if function == "max":
        return max(present, default=None)
    if not present:
        return None
    if function == "sum":
        return sum(present)
    if function == "avg":
        return sum(present) / len(present)
    return _statistic(function, [float(v) for v in present])


def _statistic(function: str, values: list[float]) -> float | None:
    n = len(values)
    population = function in ("stddev_pop", "var_pop")
    if n < (1 if population else 2):
        return None
    mean = sum(values) / n
    variance = sum((v - mean) ** 2 for v in values) / (n if population else n - 1)
    return math.sqrt(variance) if function.startswith("stddev") else variance


def count(rows: list[Row], columns: list[Column], distinct: bool) -> int:
    """``count``, ``count(columns:)`` (rows where all are present) and ``distinct``."""
    if not columns:
        return len(rows)
    tuples = [tuple(r[c.name] for c in columns) for r in rows]
    present = [t for t in tuples if all(v is not None for v in t)]
    return len(set(present)) if distinct else len(present)
