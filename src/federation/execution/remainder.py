"""The gateway's side of pushdown for native sources: what a source could not evaluate (filters,
ordering, distinct_on, pagination, ``count``), done in Python over plain row dicts.

Rows are ``{column name: Python value}`` with values already typed by :func:`python_value`
(``Decimal`` for ``numeric``, ``datetime.date`` for ``date``...), so comparisons mean what they
mean in SQL: the semantics follow PostgreSQL's, including three-valued logic (a comparison with
NULL is unknown, and ``NOT unknown`` is still unknown, so the row is left out).

A connector tells :func:`root_json` which parts the source already applied (:class:`Applied`);
the rest is done here, and the JSON text comes out in the shape SQL connectors build.
"""

from __future__ import annotations

import base64
import datetime as dt
import decimal
import re
import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

import orjson

from federation.catalog import Column, ScalarType
from federation.errors import QueryError
from federation.planner.plan import (
    AggregateBlock,
    AggregateSelect,
    And,
    BoolExp,
    ColumnField,
    ColumnRef,
    Compare,
    Const,
    CountField,
    Exists,
    Field,
    NodesField,
    Not,
    Or,
    OrderItem,
    RootField,
    Select,
    TypenameField,
)

Row = dict[str, Any]


@dataclass(frozen=True, slots=True)
class Applied:
    """What the source already did for a :class:`Select`; the remainder does the rest.

    Pagination may be marked applied only when everything before it (filter, order, distinct)
    was applied by the source too; :func:`remaining` checks that."""

    where: bool = False
    order_by: bool = False
    distinct_on: bool = False
    limit_offset: bool = False


NOTHING = Applied()

# --- values: JSON from a source <-> Python <-> JSON in the response ------------------------------


def _to_int(value: Any) -> int:
    if type(value) is int:  # the common case, without the exactness check below
        return value
    if isinstance(value, bool) or not isinstance(value, int | str | float):
        raise ValueError(value)
    number = decimal.Decimal(str(value))
    if number != number.to_integral_value():
        raise ValueError(value)
    return int(number)


def _to_bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if value in (0, 1):
        return bool(value)
    raise ValueError(value)


def _to_str(value: Any) -> str:
    if isinstance(value, str | int | float) and not isinstance(value, bool):
        return str(value)
    raise ValueError(value)


def _to_float(value: Any) -> float:
    if isinstance(value, bool):
        raise ValueError(value)
    return float(value)


def _to_decimal(value: Any) -> decimal.Decimal:
    if isinstance(value, bool):
        raise ValueError(value)
    try:
        return decimal.Decimal(str(value))
    except decimal.InvalidOperation:
        raise ValueError(value) from None


def _to_timestamp(value: Any) -> dt.datetime:
    return dt.datetime.fromisoformat(str(value).replace("Z", "+00:00"))


def _to_bytes(value: Any) -> bytes:
    return base64.b64decode(str(value), validate=True)


_PARSE: dict[ScalarType, Callable[[Any], Any]] = {
    ScalarType.INT: _to_int,
    ScalarType.BIGINT: _to_int,
    ScalarType.FLOAT: _to_float,
    ScalarType.NUMERIC: _to_decimal,
    ScalarType.STRING: _to_str,
    ScalarType.BOOLEAN: _to_bool,
    ScalarType.DATE: lambda v: dt.date.fromisoformat(str(v)),
    ScalarType.TIME: lambda v: dt.time.fromisoformat(str(v)),
    ScalarType.TIMESTAMP: _to_timestamp,
    ScalarType.TIMESTAMPTZ: _to_timestamp,
    ScalarType.UUID: lambda v: uuid.UUID(str(v)),
    ScalarType.JSON: lambda v: v,
    ScalarType.BYTES: _to_bytes,
}


def python_value(value: Any, scalar: ScalarType) -> Any:
    """A JSON value from a source as the Python value the plan compares with.

    Raises ValueError (or TypeError) when the value does not fit the declared type."""
    if value is None:
        return None
    try:
        return _PARSE[scalar](value)
    except (TypeError, ValueError, decimal.InvalidOperation):
        raise ValueError(f"expected {scalar.value}, got {value!r}") from None


def json_value(value: Any, scalar: ScalarType) -> Any:
    """A typed value as the response carries it: 64-bit integers and decimals as strings (as
    the SQL connectors emit them), temporals as ISO 8601 text, bytes as base64."""
    if value is None or scalar is ScalarType.JSON:
        return value
    if scalar in (ScalarType.BIGINT, ScalarType.NUMERIC, ScalarType.UUID):
        return str(value)
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, bytes):
        return base64.b64encode(value).decode()
    return value


def text_of(value: Any) -> str | None:
    """A value as text (Hasura's ``_cast: {String: ...}``)."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    return str(value)


# --- where ---------------------------------------------------------------------------------------


def matches(row: Row, where: BoolExp | None) -> bool:
    """Whether the row passes the filter (unknown counts as no, as in SQL)."""
    return where is None or _truth(row, where) is True


def _truth(row: Row, exp: BoolExp) -> bool | None:
    if isinstance(exp, And):
        values = [_truth(row, item) for item in exp.items]
        return False if False in values else (None if None in values else True)
    if isinstance(exp, Or):
        values = [_truth(row, item) for item in exp.items]
        return True if True in values else (None if None in values else False)
    if isinstance(exp, Not):
        inner = _truth(row, exp.item)
        return None if inner is None else not inner
    if isinstance(exp, Const):
        return exp.value
    if isinstance(exp, Exists):
        raise QueryError(
            f"filtering through relationship {exp.relationship.name!r} is not supported on this "
            f"source; filter on its own columns",
            code="NOT_SUPPORTED_BY_SOURCE",
        )
    return _compare(row, exp)


def _compare(row: Row, exp: Compare) -> bool | None:
    left = row.get(exp.column.name)
    value = exp.value
    if exp.cast is ScalarType.STRING:
        left = text_of(left)
    if exp.op == "_is_null":
        return (left is None) == bool(value)
    if left is None:
        return None
    try:
        return _OPERATORS[exp.op](left, value)
    except KeyError:
        raise QueryError(
            f"operator {exp.op} is not supported on this source", code="NOT_SUPPORTED_BY_SOURCE"
        ) from None
    except TypeError:  # e.g. a naive and an aware timestamp: not comparable, so unknown
        return None


def _like(left: Any, pattern: Any, *, flags: int = 0) -> bool:
    return _like_regex(str(pattern), flags).fullmatch(str(left)) is not None


@cache
def _like_regex(pattern: str, flags: int) -> re.Pattern[str]:
    """LIKE -> regex: ``%`` any text, ``_`` one character, backslash escapes the next one."""
    parts, escaped = [], False
    for char in pattern:
        if escaped:
            parts.append(re.escape(char))
            escaped = False
        elif char == "\\":
            escaped = True
        elif char == "%":
            parts.append(".*")
        elif char == "_":
            parts.append(".")
        else:
            parts.append(re.escape(char))
    return re.compile("".join(parts), flags | re.DOTALL)


_OPERATORS: dict[str, Callable[[Any, Any], bool]] = {
    "_eq": lambda a, b: bool(a == b),
    "_neq": lambda a, b: bool(a != b),
    "_gt": lambda a, b: bool(a > b),
    "_gte": lambda a, b: bool(a >= b),
    "_lt": lambda a, b: bool(a < b),
    "_lte": lambda a, b: bool(a <= b),
    "_in": lambda a, b: a in b,
    "_nin": lambda a, b: a not in b,
    "_like": _like,
    "_nlike": lambda a, b: not _like(a, b),
    "_ilike": lambda a, b: _like(a, b, flags=re.IGNORECASE),
    "_nilike": lambda a, b: not _like(a, b, flags=re.IGNORECASE),
}

FILTER_OPERATORS = frozenset(_OPERATORS) | {"_is_null"}
"""The operators evaluated here: a native connector can declare all of them."""

# --- order_by, distinct_on, offset/limit ------------------------------------------------------


def sort_rows(rows: list[Row], order_by: Sequence[OrderItem]) -> list[Row]:
    """Stable sort, last key first; nulls last for ``asc`` and first for ``desc`` unless set."""
    result = list(rows)
    for item in reversed(order_by):
        name = _order_column(item).name
        nulls_first = item.descending if item.nulls_first is None else item.nulls_first
        null_rank = (-1 if nulls_first else 1) * (-1 if item.descending else 1)
        result.sort(key=_sort_key(name, null_rank), reverse=item.descending)
    return result


def _sort_key(name: str, null_rank: int) -> Callable[[Row], tuple[int, Any]]:
    def key(row: Row) -> tuple[int, Any]:
        value = row.get(name)
        return (null_rank, 0) if value is None else (0, value)

    return key


def _order_column(item: OrderItem) -> Column:
    target = item.target
    if isinstance(target, ColumnRef) and not target.path:
        return target.column
    raise QueryError(
        "ordering through relationships or by aggregates is not supported on this source; "
        "order by the type's own columns",
        code="NOT_SUPPORTED_BY_SOURCE",
    )


def distinct_rows(rows: Iterable[Row], columns: Sequence[Column]) -> list[Row]:
    """The first row of each distinct combination of ``columns`` (rows come ordered)."""
    seen: set[tuple[Any, ...]] = set()
    result = []
    for row in rows:
        key = tuple(_hashable(row.get(column.name)) for column in columns)
        if key not in seen:
            seen.add(key)
            result.append(row)
    return result


def _hashable(value: Any) -> Any:
    return orjson.dumps(value) if isinstance(value, dict | list) else value


def page(rows: list[Row], limit: int | None, offset: int | None) -> list[Row]:
    start = offset or 0
    return rows[start:] if limit is None else rows[start : start + limit]


def remaining(select: Select, applied: Applied = NOTHING) -> Applied:
    """What is left to do after the source applied ``applied``, as the steps to run here
    (pagination cannot be skipped once an earlier step runs here)."""
    where = select.where is not None and not applied.where
    order = bool(select.order_by) and not applied.order_by
    distinct = bool(select.distinct_on) and not applied.distinct_on
    paginate = select.limit is not None or select.offset is not None
    if not (where or order or distinct) and applied.limit_offset:
        paginate = False
    return Applied(where, order, distinct, paginate)


def apply_select(rows: list[Row], select: Select, applied: Applied = NOTHING) -> list[Row]:
    """Filter, order, de-duplicate and paginate what the source left undone."""
    todo = remaining(select, applied)
    if todo.where:
        rows = [row for row in rows if matches(row, select.where)]
    if todo.order_by:
        rows = sort_rows(rows, select.order_by)
    if todo.distinct_on:
        rows = distinct_rows(rows, select.distinct_on)
    if todo.limit_offset:
        rows = page(rows, select.limit, select.offset)
    return rows


# --- the response's shape -----------------------------------------------------------------------


def project(row: Row, fields: Sequence[Field]) -> dict[str, Any]:
    """One row as the response object: plan keys in plan order."""
    result: dict[str, Any] = {}
    for field in fields:
        if isinstance(field, ColumnField):
            value = json_value(row.get(field.column.name), field.column.type)
            result[field.key] = value if not field.path else _at_path(value, field.path)
        elif isinstance(field, TypenameField):
            result[field.key] = field.typename
        else:
            raise QueryError(
                f"relationship field {field.key!r} is not supported on this source yet",
                code="NOT_SUPPORTED_BY_SOURCE",
            )
    return result


def _at_path(value: Any, steps: tuple[str | int, ...]) -> Any:
    """Hasura's ``path`` into a JSON value: None when a step finds nothing."""
    for step in steps:
        if isinstance(step, int) and isinstance(value, list) and step < len(value):
            value = value[step]
        elif isinstance(step, str) and isinstance(value, dict):
            value = value.get(step)
        else:
            return None
    return value


def count(rows: Sequence[Row], item: CountField) -> int:
    """Hasura's count: rows whose listed columns are all non-null; ``distinct`` counts tuples."""
    if not item.columns:
        return len(rows)
    names = [column.name for column in item.columns]
    present = [tuple(_hashable(row.get(n)) for n in names) for row in rows]
    present = [values for values in present if None not in values]
    return len(set(present)) if item.distinct else len(present)


def aggregate_object(rows: list[Row], query: AggregateSelect) -> dict[str, Any]:
    """``<t>_aggregate`` over rows already filtered and paginated: ``count`` and ``nodes``."""
    result: dict[str, Any] = {}
    for field in query.fields:
        if isinstance(field, TypenameField):
            result[field.key] = field.typename
        elif isinstance(field, NodesField):
            result[field.key] = [project(row, field.fields) for row in rows]
        else:
            result[field.key] = _aggregate_block(rows, field)
    return result


def _aggregate_block(rows: list[Row], block: AggregateBlock) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for item in block.items:
        if isinstance(item, TypenameField):
            result[item.key] = item.typename
        elif isinstance(item, CountField):
            result[item.key] = count(rows, item)
        else:
            raise QueryError(
                f"aggregate {item.function} is not supported on this source; use count",
                code="NOT_SUPPORTED_BY_SOURCE",
            )
    return result


def root_json(root: RootField, rows: list[Row], applied: Applied = NOTHING) -> bytes:
    """The root field's JSON text from the source's rows, finishing what the source left undone:
    an array for ``many``, an object or null for ``one``, an object for ``aggregate``."""
    query = root.query
    if isinstance(query, AggregateSelect):
        return orjson.dumps(aggregate_object(apply_select(rows, query.rows, applied), query))
    if not isinstance(query, Select):
        raise QueryError(
            f"{root.key!r}: grouped aggregates are not supported on source {root.source!r}",
            code="NOT_SUPPORTED_BY_SOURCE",
        )
    selected = apply_select(rows, query, applied)
    if root.kind == "one":
        return orjson.dumps(project(selected[0], query.fields) if selected else None)
    return orjson.dumps([project(row, query.fields) for row in selected])


def typed_row(raw: Row, columns: Iterable[Column]) -> Row:
    """A row of source JSON values typed by the columns (ValueError names the column)."""
    typed: Row = {}
    for column in columns:
        try:
            typed[column.name] = python_value(raw.get(column.name), column.type)
        except ValueError as error:
            raise ValueError(f"field {column.name!r}: {error}") from None
    return typed
