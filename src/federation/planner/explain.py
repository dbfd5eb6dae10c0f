"""EXPLAIN: a readable tree of the plan, and the exact statement each source receives."""

from __future__ import annotations

from federation.catalog import Column
from federation.planner.plan import (
    AggregateRelationField,
    AggregateSelect,
    And,
    ArrayRelationField,
    ColumnRef,
    Compare,
    Const,
    Exists,
    Field,
    GroupSelect,
    Not,
    ObjectRelationField,
    Or,
    OrderItem,
    RootField,
    Select,
)


def describe_root(root: RootField) -> list[str]:
    query = root.query
    head = f"{root.key}: {root.kind} from source {root.source!r}"
    if isinstance(query, Select):
        return [head, *_select(query, "  ")]
    if isinstance(query, AggregateSelect):
        return [head, *_select(query.rows, "  "), "  aggregate: " + _names(query.fields)]
    assert isinstance(query, GroupSelect)
    by = ", ".join(c.name for c in query.by)
    return [head, *_select(query.rows, "  "), f"  group by: {by}"]


def _select(select: Select, indent: str) -> list[str]:
    lines = [f"{indent}table {select.table.table.qualified_name}"]
    for label, value in (
        ("where", select.where),
        ("order by", select.order_by or None),
        ("limit", select.limit),
        ("offset", select.offset),
        ("distinct on", select.distinct_on or None),
    ):
        if value is not None:
            lines.append(f"{indent}  {label}: {_short(value)}")
    for field in select.fields:
        lines.extend(_field(field, indent + "  "))
    return lines


def _field(field: Field, indent: str) -> list[str]:
    if isinstance(field, ObjectRelationField | ArrayRelationField):
        mapping = ", ".join(f"{a} = {b}" for a, b in field.relationship.mapping)
        head = f"{indent}{field.key}: {field.relationship.kind} relationship ({mapping})"
        return [head, *_select(field.select, indent + "  ")]
    if isinstance(field, AggregateRelationField):
        return [f"{indent}{field.key}: aggregate over relationship {field.relationship.name}"]
    return []


def _names(fields: tuple[object, ...]) -> str:
    return ", ".join(getattr(f, "key", "?") for f in fields)


def _short(value: object) -> str:
    text = _format(value)
    return text if len(text) <= 200 else text[:197] + "..."


def _format(value: object) -> str:
    if isinstance(value, tuple):
        return ", ".join(_format(v) for v in value)
    if isinstance(value, And | Or):
        joiner = " AND " if isinstance(value, And) else " OR "
        return "(" + joiner.join(_format(v) for v in value.items) + ")"
    if isinstance(value, Not):
        return f"NOT {_format(value.item)}"
    if isinstance(value, Compare):
        cast = f"::{value.cast.value}" if value.cast else ""
        return f"{value.column.name}{cast} {value.op} <param>"
    if isinstance(value, Exists):
        inner = _format(value.where) if value.where is not None else "any row"
        return f"EXISTS {value.relationship.name}({inner})"
    if isinstance(value, Const):
        return str(value.value).lower()
    if isinstance(value, OrderItem):
        return _order(value)
    if isinstance(value, Column):
        return value.name
    return repr(value)


def _order(item: OrderItem) -> str:
    target = item.target
    path = "".join(f"{rel.name}." for rel in target.path)
    if isinstance(target, ColumnRef):
        name = f"{path}{target.column.name}"
    else:
        column = target.column.name if target.column else "*"
        name = f"{path}{target.relationship.name}.{target.function}({column})"
    nulls = (
        "" if item.nulls_first is None else (" nulls first" if item.nulls_first else " nulls last")
    )
    return f"{name} {'desc' if item.descending else 'asc'}{nulls}"
