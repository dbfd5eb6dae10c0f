"""EXPLAIN: a readable tree of the plan, and the exact statement each source receives."""

from __future__ import annotations

from federation.planner.plan import (
    AggregateRelationField,
    AggregateSelect,
    ArrayRelationField,
    Field,
    GroupSelect,
    ObjectRelationField,
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
    text = repr(value)
    return text if len(text) <= 160 else text[:157] + "..."
