"""Pushdown negotiation: what a root field asks of its source, checked against what the source's
connector declares it can take (:class:`federation.connector.Capabilities`).

Work a connector declines must be done by the gateway; where the gateway cannot do it yet, the
request fails with an error that names the feature and the source, never with wrong data.
"""

from __future__ import annotations

from collections.abc import Iterator

from federation.connector import Capabilities
from federation.errors import QueryError
from federation.planner.plan import (
    AggregateBlock,
    AggregateRelationField,
    AggregateSelect,
    And,
    ArrayRelationField,
    BoolExp,
    ColumnAggregate,
    Compare,
    Exists,
    GroupSelect,
    NodesField,
    Not,
    ObjectRelationField,
    Or,
    RootField,
    Select,
)


def check_pushdown(root: RootField, capabilities: Capabilities) -> None:
    for feature in _features(root):
        if not capabilities.accepts(feature):
            raise QueryError(
                f"source {root.source!r} cannot evaluate {feature} (asked by {root.key!r}) and "
                f"the gateway does not do it in its place yet; remove it from the query",
                code="NOT_SUPPORTED_BY_SOURCE",
            )


def _features(root: RootField) -> Iterator[str]:
    query = root.query
    if isinstance(query, GroupSelect):
        yield "group_by"
        yield from _select(query.rows)
        for field in query.fields:
            if isinstance(field, AggregateBlock):
                yield from _aggregates(field)
    elif isinstance(query, AggregateSelect):
        yield from _aggregate_select(query)
    else:
        yield from _select(query)


def _select(select: Select) -> Iterator[str]:
    if select.where is not None:
        yield from _where(select.where)
    if select.order_by:
        yield "order_by"
    if select.limit is not None or select.offset is not None:
        yield "limit_offset"
    if select.distinct_on:
        yield "distinct_on"
    for field in select.fields:
        if isinstance(field, ObjectRelationField | ArrayRelationField):
            yield "nested_json"
            yield from _select(field.select)
        elif isinstance(field, AggregateRelationField):
            yield "nested_json"
            yield from _aggregate_select(field.aggregate)


def _aggregate_select(query: AggregateSelect) -> Iterator[str]:
    yield from _select(query.rows)
    for field in query.fields:
        if isinstance(field, AggregateBlock):
            yield from _aggregates(field)
        elif isinstance(field, NodesField):
            yield from _select(Select(query.rows.table, field.fields))


def _aggregates(block: AggregateBlock) -> Iterator[str]:
    for item in block.items:
        if isinstance(item, ColumnAggregate):
            yield item.function


def _where(exp: BoolExp) -> Iterator[str]:
    if isinstance(exp, And | Or):
        for item in exp.items:
            yield from _where(item)
    elif isinstance(exp, Not):
        yield from _where(exp.item)
    elif isinstance(exp, Compare):
        yield exp.op
    elif isinstance(exp, Exists):
        yield "joins"
        if exp.where is not None:
            yield from _where(exp.where)
