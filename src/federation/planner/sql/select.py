"""Rows as JSON: one object per row, arrays of rows, and the nested relationships in them.

A nested array or aggregate is a correlated subquery. A nested object is one too, except where
the dialect joins object relationships (:attr:`JsonDialect.join_object_relationships`): when
the rows are not paged and the relationship reaches at most one row (its columns cover the
target's primary key), the target is ``LEFT JOIN``-ed into the rows' own ``FROM`` and the object
is built from the joined row, so the database can hash-join instead of probing once per row.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlglot import exp

from federation.planner.plan import (
    AggregateRelationField,
    ArrayRelationField,
    ColumnField,
    Field,
    ObjectRelationField,
    Select,
    TypenameField,
)
from federation.planner.sql import aggregate
from federation.planner.sql.boolexp import where_sql
from federation.planner.sql.context import Context, column, conjunction, join_condition, table
from federation.planner.sql.dialects.base import text
from federation.planner.sql.ordering import resort, sort_keys
from federation.planner.sql.rows import Link, RowSet, page_first, row_set

JSON_COLUMN = "__j"


def row_object(
    ctx: Context, fields: Sequence[Field], alias: str, joins: list[exp.Join] | None = None
) -> exp.Expr:
    """The JSON object of the row at ``alias``, keys in plan order; object relationships that
    can be joined are appended to ``joins`` (None: none may be)."""
    pairs = [(f.key, _field_value(ctx, f, alias, joins)) for f in fields]
    return ctx.dialect.json_object(pairs)


def joins_of(ctx: Context, rows: RowSet) -> list[exp.Join] | None:
    """Where object relationships of ``rows`` may be joined: not into paged rows, where a join
    would run for every row before LIMIT picks a few."""
    return rows.joins if ctx.dialect.join_object_relationships and not rows.paged else None


def array_query(ctx: Context, select: Select, link: Link | None) -> exp.Select:
    """``SELECT <JSON array of the rows>``: one row, ``[]`` when there are none."""
    dialect = ctx.dialect
    rows = row_set(ctx, select, link)
    if not dialect.correlated_derived_tables:
        if link is None and (rows.limit is not None or rows.offset is not None):
            rows = page_first(ctx, select, rows)
        # nested (MariaDB): ORDER BY and LIMIT inside the aggregate, over the parent's rows only
        value = row_object(ctx, select.fields, rows.alias, joins_of(ctx, rows))
        array = dialect.json_array_agg(value, rows.order, rows.limit, rows.offset)
        rows.limit = rows.offset = None
        return rows.query([array], sort=False)
    if not dialect.ordered_aggregates:
        return _rows_first_array(ctx, select, rows)
    if dialect.page_before_json and rows.offset is not None:
        rows = page_first(ctx, select, rows)
    value = row_object(ctx, select.fields, rows.alias, joins_of(ctx, rows))
    projections = [value.as_(JSON_COLUMN, quoted=True), *sort_keys(rows.order)]
    inner = rows.query(projections, sort=False)
    alias = ctx.alias("s")
    value = dialect.reread(column(alias, JSON_COLUMN))
    array = dialect.json_array_agg(value, resort(rows.order, alias))
    return exp.select(array).from_(inner.subquery(alias, copy=False), copy=False)


def _rows_first_array(ctx: Context, select: Select, rows: RowSet) -> exp.Select:
    """The aggregate over the rows themselves, sorted and paged in a derived table of the
    table's own columns where needed (SQLite): the rows' JSON objects are built over it and are
    arguments of the aggregate, so nested JSON never passes through a derived table's column
    (which would drop its JSON subtype and need re-parsing), and each level nests one subquery
    fewer (SQLite's parser stack holds only about six levels of the longer form)."""
    if rows.order or rows.paged:
        rows = page_first(ctx, select, rows)
    value = row_object(ctx, select.fields, rows.alias, joins_of(ctx, rows))
    return rows.query([ctx.dialect.json_array_agg(value, [])], sort=False)


def object_query(ctx: Context, select: Select, link: Link | None) -> exp.Select:
    """``SELECT <JSON object of the first row>``; no row gives no result (NULL as a subquery)."""
    rows = row_set(ctx, select, link)
    if rows.limit is None:
        rows.limit = exp.Literal.number(1)
    return rows.query([row_object(ctx, select.fields, rows.alias)], sort=True)


def _field_value(ctx: Context, field: Field, alias: str, joins: list[exp.Join] | None) -> exp.Expr:
    dialect = ctx.dialect
    if isinstance(field, ColumnField):
        value: exp.Expr = column(alias, field.column.name)
        if field.path:
            value = dialect.json_path(value, field.path, ctx.bind)
        return dialect.encode(value, field.column.type)
    if isinstance(field, TypenameField):
        return text(field.typename)
    if isinstance(field, ObjectRelationField) and joins is not None and _joinable(field):
        return _joined_object(ctx, field, alias, joins)
    link = Link(field.relationship, alias)
    if isinstance(field, ObjectRelationField):
        query = object_query(ctx, field.select, link)
    elif isinstance(field, ArrayRelationField):
        query = array_query(ctx, field.select, link)
    else:
        assert isinstance(field, AggregateRelationField)
        query = aggregate.aggregate_query(ctx, field.aggregate, link)
    return dialect.nested(exp.Subquery(this=query))


def _joinable(field: ObjectRelationField) -> bool:
    """At most one row, chosen by the mapping and filter alone (no order, paging, distinct)."""
    select, rel = field.select, field.relationship
    key = rel.target.table.primary_key
    targets = {target for _, target in rel.mapping}
    unique = bool(key) and targets.issuperset(key)
    plain = not (select.order_by or select.distinct_on) and select.limit is None
    return unique and plain and select.offset is None


def _joined_object(
    ctx: Context, field: ObjectRelationField, parent: str, joins: list[exp.Join]
) -> exp.Expr:
    """``LEFT JOIN target ON mapping AND where``; the object, or NULL when no row joined (a
    mapping column of a joined row equals the parent's, so it is not NULL)."""
    select, rel = field.select, field.relationship
    alias = ctx.alias()
    conditions = join_condition(rel, parent, alias)
    if select.where is not None:
        conditions.append(where_sql(ctx, select.where, alias))
    on = conjunction(conditions)
    joins.append(exp.Join(this=table(select.table.table, alias), side="LEFT", on=on))
    value = row_object(ctx, select.fields, alias, joins)
    missing = exp.Is(this=column(alias, rel.mapping[0][1]), expression=exp.Null())
    return exp.Case(ifs=[exp.If(this=missing, true=exp.Null())], default=value)
