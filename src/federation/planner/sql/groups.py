"""``<t>_group_by`` (beyond Hasura): GROUP BY/HAVING with a JSON object per group."""

from __future__ import annotations

from sqlglot import exp

from federation.catalog import Column, ScalarType
from federation.planner.plan import (
    AggregateBlock,
    AggregateCompare,
    And,
    GroupHaving,
    GroupKeyBlock,
    GroupOrderItem,
    GroupSelect,
    Not,
    Or,
    TypenameField,
)
from federation.planner.sql.aggregate import ColumnOf, aggregate_block, result_type
from federation.planner.sql.boolexp import compare_value
from federation.planner.sql.context import Context, column, conjunction
from federation.planner.sql.dialects.base import text
from federation.planner.sql.ordering import count_or_aggregate, ordered, resort, sort_keys
from federation.planner.sql.rows import row_set
from federation.planner.sql.select import JSON_COLUMN


def group_query(ctx: Context, groups: GroupSelect) -> exp.Select:
    """``SELECT <JSON array of group objects>`` for a root ``<t>_group_by`` field."""
    dialect = ctx.dialect
    rows = row_set(ctx, groups.rows, None)
    if rows.paged:  # paging picks rows before grouping: group a derived table of them
        table = groups.rows.table.table
        projections = [column(rows.alias, c.name).as_(c.name, quoted=True) for c in table.columns]
        alias = ctx.alias("r")
        source: exp.Expr = rows.query(projections, sort=False).subquery(alias, copy=False)
        conditions: list[exp.Expr] = []
    else:
        alias, source, conditions = rows.alias, rows.source, rows.conditions

    def col(c: Column) -> exp.Expr:
        return column(alias, c.name)

    order = [_group_order(ctx, item, col) for item in groups.order_by]
    projections = [_group_object(ctx, groups, col).as_(JSON_COLUMN, quoted=True)]
    if dialect.ordered_aggregates:
        projections += sort_keys(order)
    inner = exp.select(*projections).from_(source, copy=False)
    inner = inner.where(conjunction(conditions), copy=False)
    if groups.by:
        inner = inner.group_by(*(col(c) for c in groups.by), copy=False)
    if groups.having is not None:
        inner = inner.having(_having(ctx, groups.having, col), copy=False)
    paged = groups.limit is not None or groups.offset is not None
    if order and (paged or not dialect.ordered_aggregates):
        inner = inner.order_by(*order, copy=False)
    inner = _paginate(ctx, inner, groups)
    outer = ctx.alias("g")
    outer_order = resort(order, outer) if dialect.ordered_aggregates else []
    value = dialect.reread(column(outer, JSON_COLUMN))
    array = dialect.json_array_agg(value, outer_order)
    return exp.select(array).from_(inner.subquery(outer, copy=False), copy=False)


def _group_object(ctx: Context, groups: GroupSelect, col: ColumnOf) -> exp.Expr:
    dialect = ctx.dialect
    pairs: list[tuple[str, exp.Expr]] = []
    for field in groups.fields:
        if isinstance(field, TypenameField):
            pairs.append((field.key, text(field.typename)))
        elif isinstance(field, AggregateBlock):
            pairs.append((field.key, aggregate_block(ctx, field, col)))
        else:
            assert isinstance(field, GroupKeyBlock)
            keys = [
                (
                    f.key,
                    text(f.typename)
                    if isinstance(f, TypenameField)
                    else dialect.encode(col(f.column), f.column.type),
                )
                for f in field.fields
            ]
            pairs.append((field.key, dialect.json_object(keys)))
    return dialect.json_object(pairs)


def _group_order(ctx: Context, item: GroupOrderItem, col: ColumnOf) -> exp.Ordered:
    if item.function is None:
        if item.column is None:
            raise ValueError("a group order item needs a column or a function")
        value = col(item.column)
    else:
        value = count_or_aggregate(
            ctx, item.function, col(item.column) if item.column is not None else None
        )
    nullable = item.function != "count"
    return ordered(ctx, value, item.descending, item.nulls_first, nullable=nullable)


def _having(ctx: Context, having: GroupHaving, col: ColumnOf) -> exp.Expr:
    if isinstance(having, And):
        items = [_having(ctx, h, col) for h in having.items]
        return exp.and_(*items) if items else exp.true()
    if isinstance(having, Or):
        items = [_having(ctx, h, col) for h in having.items]
        return exp.or_(*items) if items else exp.false()
    if isinstance(having, Not):
        return exp.not_(_having(ctx, having.item, col))
    return _aggregate_compare(ctx, having, col)


def _aggregate_compare(ctx: Context, leaf: AggregateCompare, col: ColumnOf) -> exp.Expr:
    value = col(leaf.column) if leaf.column is not None else None
    left = count_or_aggregate(ctx, leaf.function, value)
    if leaf.function == "count":
        type_ = ScalarType.INT
    else:
        assert leaf.column is not None
        type_ = result_type(leaf.function, leaf.column.type)
    return compare_value(ctx, left, leaf.op, leaf.value, type_)


def _paginate(ctx: Context, query: exp.Select, groups: GroupSelect) -> exp.Select:
    limit = ctx.bind(groups.limit) if groups.limit is not None else None
    if groups.offset is not None and limit is None:
        limit = ctx.dialect.offset_only_limit
    if limit is not None:
        query = query.limit(limit, copy=False)
    if groups.offset is not None:
        query = query.offset(ctx.bind(groups.offset), copy=False)
    return query
