"""``<t>_aggregate`` and ``<rel>_aggregate``: aggregates and nodes over one row set.

Where the dialect allows (everything but nested MariaDB), the row set is a derived table with
every column of the table plus the nodes' JSON, so where/order/limit/offset/distinct_on apply
before aggregation. Nested on MariaDB, the aggregate reads the table (or the numbered derived
table that pages it, see :func:`row_set`) straight. The aggregate block is shared with grouped
aggregates.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from sqlglot import exp

from federation.catalog import Column, ScalarType
from federation.planner.plan import (
    AggregateBlock,
    AggregateSelect,
    ColumnAggregate,
    CountField,
    NodesField,
    TypenameField,
)
from federation.planner.sql import select as rows_json
from federation.planner.sql.context import Context, column
from federation.planner.sql.dialects.base import text
from federation.planner.sql.ordering import resort, sort_keys
from federation.planner.sql.rows import Link, RowSet, row_set

ColumnOf = Callable[[Column], exp.Expr]
"""How an aggregate reads a column of the row set (table alias or derived table)."""

_FLOAT_RESULTS = frozenset(
    {"avg", "stddev", "stddev_pop", "stddev_samp", "variance", "var_pop", "var_samp"}
)


def aggregate_query(ctx: Context, agg: AggregateSelect, link: Link | None) -> exp.Select:
    """``SELECT {"aggregate": {...}, "nodes": [...]}`` over the rows ``agg.rows`` selects."""
    if link is None or ctx.dialect.correlated_derived_tables:
        return _over_derived(ctx, agg, row_set(ctx, agg.rows, link))
    return _over_table(ctx, agg, row_set(ctx, agg.rows, link, page_by_window=True))


def aggregate_block(ctx: Context, block: AggregateBlock, col: ColumnOf) -> exp.Expr:
    """The ``aggregate { ... }`` object; ``col`` reads a column of the rows aggregated."""
    pairs: list[tuple[str, exp.Expr]] = []
    for item in block.items:
        if isinstance(item, TypenameField):
            pairs.append((item.key, text(item.typename)))
        elif isinstance(item, CountField):
            pairs.append((item.key, _count(ctx, item, col)))
        else:
            pairs.append((item.key, _column_aggregate(ctx, item, col)))
    return ctx.dialect.json_object(pairs)


def result_type(function: str, type_: ScalarType) -> ScalarType:
    """avg and the statistics are floats; sum, min and max keep the column's type."""
    return ScalarType.FLOAT if function in _FLOAT_RESULTS else type_


def _over_derived(ctx: Context, agg: AggregateSelect, rows: RowSet) -> exp.Select:
    dialect = ctx.dialect
    table = agg.rows.table.table
    projections = [column(rows.alias, c.name).as_(c.name, quoted=True) for c in table.columns]
    nodes = [f for f in agg.fields if isinstance(f, NodesField)]
    for i, node in enumerate(nodes):
        value = rows_json.row_object(ctx, node.fields, rows.alias, rows_json.joins_of(ctx, rows))
        projections.append(value.as_(f"__j{i}", quoted=True))
    if dialect.ordered_aggregates and nodes:
        projections += sort_keys(rows.order)
    inner = rows.query(projections, sort=bool(nodes) and not dialect.ordered_aggregates)
    alias = ctx.alias("r")
    order = resort(rows.order, alias) if dialect.ordered_aggregates and nodes else []

    def nodes_value(index: int) -> exp.Expr:
        return dialect.json_array_agg(dialect.reread(column(alias, f"__j{index}")), order)

    value = _aggregate_object(ctx, agg, lambda c: column(alias, c.name), nodes_value)
    return exp.select(value).from_(inner.subquery(alias, copy=False), copy=False)


def _over_table(ctx: Context, agg: AggregateSelect, rows: RowSet) -> exp.Select:
    """Aggregate straight over the rows (MariaDB, nested): ORDER BY inside the aggregate; the
    row set is never paged here (row numbers did that)."""
    nodes = [f for f in agg.fields if isinstance(f, NodesField)]

    def nodes_value(index: int) -> exp.Expr:
        joins = rows_json.joins_of(ctx, rows)
        value = rows_json.row_object(ctx, nodes[index].fields, rows.alias, joins)
        return ctx.dialect.json_array_agg(value, rows.order)

    value = _aggregate_object(ctx, agg, lambda c: column(rows.alias, c.name), nodes_value)
    return rows.query([value], sort=False)


def _aggregate_object(
    ctx: Context,
    agg: AggregateSelect,
    col: ColumnOf,
    nodes_value: Callable[[int], exp.Expr],
) -> exp.Expr:
    pairs: list[tuple[str, exp.Expr]] = []
    node_index = 0
    for field in agg.fields:
        if isinstance(field, TypenameField):
            pairs.append((field.key, text(field.typename)))
        elif isinstance(field, AggregateBlock):
            pairs.append((field.key, aggregate_block(ctx, field, col)))
        else:
            pairs.append((field.key, nodes_value(node_index)))
            node_index += 1
    return ctx.dialect.json_object(pairs)


def _count(ctx: Context, item: CountField, col: ColumnOf) -> exp.Expr:
    """Hasura: count rows where every listed column is non-null; distinct counts tuples."""
    if not item.columns:
        return exp.Count(this=exp.Star())
    values = [col(c) for c in item.columns]
    present = _all_present(values)
    if item.distinct:
        return ctx.dialect.count_distinct(values, present)
    if len(values) == 1:
        return exp.Count(this=values[0])
    return exp.Count(this=exp.Case(ifs=[exp.If(this=present, true=exp.Literal.number(1))]))


def _all_present(values: Sequence[exp.Expr]) -> exp.Expr:
    tests = [exp.Not(this=exp.Is(this=v.copy(), expression=exp.Null())) for v in values]
    return exp.and_(*tests) if len(tests) > 1 else tests[0]


def _column_aggregate(ctx: Context, item: ColumnAggregate, col: ColumnOf) -> exp.Expr:
    dialect = ctx.dialect
    pairs: list[tuple[str, exp.Expr]] = []
    for field in item.fields:
        if isinstance(field, TypenameField):
            pairs.append((field.key, text(field.typename)))
            continue
        value = dialect.aggregate(item.function, col(field.column))
        pairs.append(
            (field.key, dialect.encode(value, result_type(item.function, field.column.type)))
        )
    return dialect.json_object(pairs)
