"""Plan rewriting for stitched relationships: the ``IN`` filter that asks a target for given
keys, and the filters through stitched relationships (semi-joins) found in a query and replaced
by the keys fetched for them. Pure functions over plan nodes; the fetching is in
:mod:`federation.execution.stitching`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from federation.catalog import Column, Table
from federation.planner.plan import (
    AggregateRelationField,
    AggregateSelect,
    And,
    ArrayRelationField,
    BoolExp,
    Compare,
    Const,
    Exists,
    Field,
    GroupSelect,
    NodesField,
    Not,
    ObjectRelationField,
    Or,
    Select,
)
from federation.planner.stitch import IsStitched, Join

KeyTuple = tuple[Any, ...]


def target_columns(join: Join) -> list[Column]:
    table = join.relationship.target.table
    return [table.column(theirs) for _, theirs in join.relationship.mapping]


def key_filter(columns: Sequence[Column], keys: Sequence[KeyTuple]) -> BoolExp:
    if len(columns) == 1:
        return Compare(columns[0], "_in", [key[0] for key in keys])
    if not keys:
        return Const(False)
    return Or(
        tuple(
            And(tuple(Compare(c, "_eq", v) for c, v in zip(columns, key, strict=True)))
            for key in keys
        )
    )


def conjoin(left: BoolExp | None, right: BoolExp) -> BoolExp:
    return right if left is None else And((left, right))


# --- filters through stitched relationships -----------------------------------------------

Found = list[tuple[Exists, str, Table]]
"""Each stitched filter with the source and table of the rows it filters."""


def collect_filters(
    query: Select | AggregateSelect | GroupSelect,
    source: str,
    is_stitched: IsStitched,
    found: Found,
) -> None:
    if isinstance(query, Select):
        _collect_select(query, source, is_stitched, found)
        return
    _collect_select(query.rows, source, is_stitched, found)
    if isinstance(query, AggregateSelect):
        for node in query.fields:
            if isinstance(node, NodesField):
                _collect_fields(node.fields, source, is_stitched, found)


def _collect_select(select: Select, source: str, is_stitched: IsStitched, found: Found) -> None:
    _collect_exp(select.where, source, select.table.table, is_stitched, found)
    _collect_fields(select.fields, source, is_stitched, found)


def _collect_fields(
    fields: Sequence[Field], source: str, is_stitched: IsStitched, found: Found
) -> None:
    for field in fields:
        if isinstance(field, ObjectRelationField | ArrayRelationField):
            _collect_select(field.select, source, is_stitched, found)
        elif isinstance(field, AggregateRelationField):
            _collect_select(field.aggregate.rows, source, is_stitched, found)


def _collect_exp(
    exp: BoolExp | None, source: str, table: Table, is_stitched: IsStitched, found: Found
) -> None:
    if isinstance(exp, And | Or):
        for item in exp.items:
            _collect_exp(item, source, table, is_stitched, found)
    elif isinstance(exp, Not):
        _collect_exp(exp.item, source, table, is_stitched, found)
    elif isinstance(exp, Exists):
        if is_stitched(exp.relationship, source):
            found.append((exp, source, table))
        else:
            target = exp.relationship.target
            _collect_exp(exp.where, target.source, target.table, is_stitched, found)


def rewrite_filters(
    query: Select | AggregateSelect | GroupSelect, replacements: dict[int, BoolExp]
) -> Select | AggregateSelect | GroupSelect:
    if isinstance(query, Select):
        return _rewrite_select(query, replacements)
    rows = _rewrite_select(query.rows, replacements)
    if isinstance(query, GroupSelect):
        return replace(query, rows=rows)
    nodes = tuple(
        replace(node, fields=_rewrite_fields(node.fields, replacements))
        if isinstance(node, NodesField)
        else node
        for node in query.fields
    )
    return AggregateSelect(rows, nodes)


def _rewrite_select(select: Select, replacements: dict[int, BoolExp]) -> Select:
    where = _rewrite_exp(select.where, replacements) if select.where is not None else None
    return replace(select, fields=_rewrite_fields(select.fields, replacements), where=where)


def _rewrite_fields(
    fields: tuple[Field, ...], replacements: dict[int, BoolExp]
) -> tuple[Field, ...]:
    rewritten: list[Field] = []
    for field in fields:
        if isinstance(field, ObjectRelationField | ArrayRelationField):
            field = replace(field, select=_rewrite_select(field.select, replacements))
        elif isinstance(field, AggregateRelationField):
            rows = _rewrite_select(field.aggregate.rows, replacements)
            field = replace(field, aggregate=replace(field.aggregate, rows=rows))
        rewritten.append(field)
    return tuple(rewritten)


def _rewrite_exp(exp: BoolExp, replacements: dict[int, BoolExp]) -> BoolExp:
    if id(exp) in replacements:
        return replacements[id(exp)]
    if isinstance(exp, And):
        return And(tuple(_rewrite_exp(item, replacements) for item in exp.items))
    if isinstance(exp, Or):
        return Or(tuple(_rewrite_exp(item, replacements) for item in exp.items))
    if isinstance(exp, Not):
        return Not(_rewrite_exp(exp.item, replacements))
    if isinstance(exp, Exists) and exp.where is not None:
        return Exists(exp.relationship, _rewrite_exp(exp.where, replacements))
    return exp
