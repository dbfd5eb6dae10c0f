"""Rows as JSON: one object per row, arrays of rows, and the nested relationships in them."""

from __future__ import annotations

from collections.abc import Sequence

from sqlglot import exp

from federation.planner.plan import (
    AggregateRelationField,
    ArrayRelationField,
    ColumnField,
    Field,
    ObjectRelationField,
    Relationship,
    Select,
    TypenameField,
)
from federation.planner.sql import aggregate
from federation.planner.sql.context import Context, column, join_condition
from federation.planner.sql.dialects.base import text
from federation.planner.sql.ordering import resort, sort_keys
from federation.planner.sql.rows import Link, row_set

JSON_COLUMN = "__j"


def row_object(ctx: Context, fields: Sequence[Field], alias: str) -> exp.Expr:
    """The JSON object of the row at ``alias``, keys in plan order."""
    return ctx.dialect.json_object([(f.key, _field_value(ctx, f, alias)) for f in fields])


def array_query(ctx: Context, select: Select, link: Link | None) -> exp.Select:
    """``SELECT <JSON array of the rows>``: one row, ``[]`` when there are none."""
    dialect = ctx.dialect
    rows = row_set(ctx, select, link)
    if not dialect.correlated_derived_tables:
        # ORDER BY and LIMIT inside the aggregate (MariaDB): no derived table needed
        value = row_object(ctx, select.fields, rows.alias)
        array = dialect.json_array_agg(value, rows.order, rows.limit, rows.offset)
        rows.limit = rows.offset = None
        return rows.query([array], sort=False)
    projections = [row_object(ctx, select.fields, rows.alias).as_(JSON_COLUMN, quoted=True)]
    outer_order: list[exp.Ordered] = []
    if dialect.ordered_aggregates:
        projections += sort_keys(rows.order)
    inner = rows.query(projections, sort=not dialect.ordered_aggregates)
    alias = ctx.alias("s")
    if dialect.ordered_aggregates:
        outer_order = resort(rows.order, alias)
    value = dialect.reread(column(alias, JSON_COLUMN))
    array = dialect.json_array_agg(value, outer_order)
    return exp.select(array).from_(inner.subquery(alias, copy=False), copy=False)


def object_query(ctx: Context, select: Select, link: Link | None) -> exp.Select:
    """``SELECT <JSON object of the first row>``; no row gives no result (NULL as a subquery)."""
    rows = row_set(ctx, select, link)
    if rows.limit is None:
        rows.limit = exp.Literal.number(1)
    return rows.query([row_object(ctx, select.fields, rows.alias)], sort=True)


def relation_link(rel: Relationship, parent: str) -> Link:
    return lambda alias: join_condition(rel, parent, alias)


def _field_value(ctx: Context, field: Field, alias: str) -> exp.Expr:
    dialect = ctx.dialect
    if isinstance(field, ColumnField):
        return dialect.encode(column(alias, field.column.name), field.column.type)
    if isinstance(field, TypenameField):
        return text(field.typename)
    link = relation_link(field.relationship, alias)
    if isinstance(field, ObjectRelationField):
        query = object_query(ctx, field.select, link)
    elif isinstance(field, ArrayRelationField):
        query = array_query(ctx, field.select, link)
    else:
        assert isinstance(field, AggregateRelationField)
        query = aggregate.aggregate_query(ctx, field.aggregate, link)
    return dialect.nested(exp.Subquery(this=query))
