"""Coerced GraphQL arguments -> plan nodes: ``where``, ``order_by``, ``limit``, ``offset``,
``distinct_on``, and the ``having``/``order_by`` of grouped aggregates. Pure functions."""

from __future__ import annotations

from typing import Any

from federation.catalog import ScalarType
from federation.errors import QueryError
from federation.planner.plan import (
    AggregateCompare,
    AggregateRef,
    And,
    BoolExp,
    ColumnRef,
    Compare,
    Const,
    Exists,
    GroupHaving,
    GroupOrderItem,
    Not,
    Or,
    OrderItem,
    Relationship,
)
from federation.schema.model import SchemaModel, TableType

_DIRECTIONS = {
    "asc": (False, None),
    "asc_nulls_first": (False, True),
    "asc_nulls_last": (False, False),
    "desc": (True, None),
    "desc_nulls_first": (True, True),
    "desc_nulls_last": (True, False),
}


def row_arguments(model: SchemaModel, t: TableType, args: dict[str, Any]) -> dict[str, Any]:
    order_by = order_items(model, t, args.get("order_by"))
    distinct_on = tuple(t.columns[name] for name in args.get("distinct_on") or ())
    _check_distinct_on(distinct_on, order_by)
    return {
        "where": bool_exp(model, t, args.get("where")),
        "order_by": order_by,
        "limit": non_negative(args.get("limit"), "limit"),
        "offset": non_negative(args.get("offset"), "offset"),
        "distinct_on": distinct_on,
    }


def non_negative(value: int | None, name: str) -> int | None:
    if value is not None and value < 0:
        raise QueryError(f"`{name}` must not be negative, got {value}", code="BAD_ARGUMENT")
    return value


def _check_distinct_on(distinct_on: tuple[Any, ...], order_by: tuple[OrderItem, ...]) -> None:
    if not distinct_on or not order_by:
        return
    leading = [item.target for item in order_by[: len(distinct_on)]]
    leading_columns = {t.column for t in leading if isinstance(t, ColumnRef) and not t.path}
    if len(leading) < len(distinct_on) or leading_columns != set(distinct_on):
        raise QueryError(
            '"distinct_on" columns must match the initial "order_by" columns; order by '
            + ", ".join(c.name for c in distinct_on)
            + " first",
            code="BAD_ARGUMENT",
        )


# --- where ----------------------------------------------------------------------------------


def bool_exp(model: SchemaModel, t: TableType, value: dict[str, Any] | None) -> BoolExp | None:
    if value is None:
        return None
    return _simplify(_bool_exp(model, t, value))


def _bool_exp(model: SchemaModel, t: TableType, value: dict[str, Any]) -> BoolExp:
    items: list[BoolExp] = []
    for name, operand in value.items():
        if operand is None:
            raise QueryError(
                f"`{name}` in `where` of {t.name} is null; leave it out to match every row",
                code="BAD_ARGUMENT",
            )
        if name == "_and":
            items.append(And(tuple(_bool_exp(model, t, v) for v in operand)))
        elif name == "_or":
            items.append(Or(tuple(_bool_exp(model, t, v) for v in operand)))
        elif name == "_not":
            items.append(Not(_bool_exp(model, t, operand)))
        elif name in t.columns:
            items.extend(_comparisons(t, name, operand))
        else:
            rel = t.relationships[name]
            target = model.type_of(rel.target)
            items.append(Exists(rel, _bool_exp(model, target, operand)))
    return And(tuple(items))


def _comparisons(t: TableType, name: str, operators: dict[str, Any]) -> list[BoolExp]:
    column = t.columns[name]
    result: list[BoolExp] = []
    for op, operand in operators.items():
        if op == "_cast":
            _no_null(t, name, op, operand)
            for cast_name, inner in operand.items():
                _no_null(t, name, f"_cast: {{{cast_name}", inner)
                for inner_op, inner_value in inner.items():
                    _no_null(t, name, inner_op, inner_value)
                    result.append(
                        Compare(column, inner_op, inner_value, cast=ScalarType(cast_name))
                    )
            continue
        if operand is None and op != "_is_null":
            _no_null(t, name, op, operand)
        if op == "_is_null" and operand is None:
            continue
        result.append(Compare(column, op, operand))
    return result


def _no_null(t: TableType, name: str, op: str, value: Any) -> None:
    if value is None:
        raise QueryError(
            f"`{name}: {{{op}: null}}` on {t.name} compares with null, which matches nothing; "
            f"use `{name}: {{_is_null: true}}` to find nulls",
            code="BAD_ARGUMENT",
        )


def _simplify(exp: BoolExp) -> BoolExp:
    """Flatten single-item and nested conjunctions; keeps the meaning, shortens the SQL."""
    if isinstance(exp, And):
        items = [_simplify(i) for i in exp.items]
        flat: list[BoolExp] = []
        for item in items:
            flat.extend(item.items if isinstance(item, And) else (item,))
        return flat[0] if len(flat) == 1 else And(tuple(flat))
    if isinstance(exp, Or):
        items = [_simplify(i) for i in exp.items]
        return items[0] if len(items) == 1 else (Or(tuple(items)) if items else Const(False))
    if isinstance(exp, Not):
        return Not(_simplify(exp.item))
    if isinstance(exp, Exists) and exp.where is not None:
        inner = _simplify(exp.where)
        return Exists(exp.relationship, None if inner == And(()) else inner)
    return exp


# --- order_by -------------------------------------------------------------------------------


def order_items(model: SchemaModel, t: TableType, value: Any) -> tuple[OrderItem, ...]:
    if value is None:
        return ()
    entries = value if isinstance(value, list) else [value]
    items: list[OrderItem] = []
    for entry in entries:
        items.extend(_order_entry(model, t, entry, ()))
    return tuple(items)


def _order_entry(
    model: SchemaModel, t: TableType, entry: dict[str, Any], path: tuple[Relationship, ...]
) -> list[OrderItem]:
    items: list[OrderItem] = []
    for name, direction in entry.items():
        if direction is None:
            continue
        if name in t.columns:
            items.append(_item(ColumnRef(t.columns[name], path), direction))
        elif name in t.relationships:
            rel = t.relationships[name]
            items.extend(_order_entry(model, model.type_of(rel.target), direction, (*path, rel)))
        else:
            rel = t.relationships[name.removesuffix("_aggregate")]
            target = model.type_of(rel.target)
            items.extend(_aggregate_order(target, rel, direction, path))
    return items


def _aggregate_order(
    target: TableType, rel: Relationship, value: dict[str, Any], path: tuple[Relationship, ...]
) -> list[OrderItem]:
    items = []
    for function, spec in value.items():
        if spec is None:
            continue
        if function == "count":
            items.append(_item(AggregateRef(rel, "count", None, path), spec))
            continue
        for column_name, direction in spec.items():
            if direction is not None:
                ref = AggregateRef(rel, function, target.columns[column_name], path)
                items.append(_item(ref, direction))
    return items


def _item(target: ColumnRef | AggregateRef, direction: str) -> OrderItem:
    descending, nulls_first = _DIRECTIONS[direction]
    return OrderItem(target, descending, nulls_first)


# --- grouped aggregates ----------------------------------------------------------------------


def having(t: TableType, value: dict[str, Any] | None) -> GroupHaving | None:
    if value is None:
        return None
    items: list[GroupHaving] = []
    for name, operand in value.items():
        if name == "_and":
            items.append(And(tuple(_required(having(t, v)) for v in operand)))
        elif name == "_or":
            items.append(Or(tuple(_required(having(t, v)) for v in operand)))
        elif name == "_not":
            items.append(Not(_required(having(t, operand))))
        elif name == "count":
            items.extend(AggregateCompare("count", None, op, v) for op, v in operand.items())
        else:
            for column_name, ops in operand.items():
                column = t.columns[column_name]
                items.extend(AggregateCompare(name, column, op, v) for op, v in ops.items())
    return items[0] if len(items) == 1 else And(tuple(items))


def _required(value: GroupHaving | None) -> GroupHaving:
    assert value is not None
    return value


def group_order(t: TableType, value: Any, by_names: list[str]) -> tuple[GroupOrderItem, ...]:
    if value is None:
        return ()
    items: list[GroupOrderItem] = []
    for entry in value if isinstance(value, list) else [value]:
        for name, spec in entry.items():
            if spec is None:
                continue
            if name in t.columns:
                if name not in by_names:
                    raise QueryError(
                        f"groups can be ordered by grouped columns only; {name} is not in `by`",
                        code="BAD_ARGUMENT",
                    )
                items.append(_group_item(None, t.columns[name], spec))
            elif name == "count":
                items.append(_group_item("count", None, spec))
            else:
                for column_name, direction in spec.items():
                    items.append(_group_item(name, t.columns[column_name], direction))
    return tuple(items)


def _group_item(function: str | None, column: Any, direction: str) -> GroupOrderItem:
    descending, nulls_first = _DIRECTIONS[direction]
    return GroupOrderItem(function, column, descending, nulls_first)
