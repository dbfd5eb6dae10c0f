"""The rows of one :class:`Select`: FROM, WHERE, DISTINCT ON, ORDER BY, LIMIT, OFFSET.

A consumer adds its own projections (a JSON object per row, sort keys, raw columns) and decides
whether the statement needs the ORDER BY (see :meth:`RowSet.query`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from sqlglot import exp

from federation.errors import QueryError
from federation.planner.plan import Select
from federation.planner.sql.boolexp import where_sql
from federation.planner.sql.context import Context, column, conjunction, table
from federation.planner.sql.ordering import order_terms

Link = Callable[[str], list[exp.Expr]]
"""Join conditions tying a nested table's alias to its parent row (None at the root)."""

_ROW_NUMBER = "__rn"


@dataclass(slots=True)
class RowSet:
    alias: str
    source: exp.Expr
    conditions: list[exp.Expr]
    order: list[exp.Ordered]
    distinct_on: list[exp.Expr]
    limit: exp.Expr | None
    offset: exp.Expr | None

    @property
    def paged(self) -> bool:
        """Whether ordering decides which rows are in the set, not just their order."""
        return self.limit is not None or self.offset is not None or bool(self.distinct_on)

    def query(self, projections: Sequence[exp.Expr], *, sort: bool) -> exp.Select:
        """``SELECT projections`` over the rows, with ORDER BY when ``sort`` or paged."""
        query = exp.select(*projections).from_(self.source, copy=False)
        query = query.where(conjunction(self.conditions), copy=False)
        if self.distinct_on:
            query = query.distinct(*self.distinct_on, copy=False)
        if self.order and (sort or self.paged):
            query = query.order_by(*self.order, copy=False)
        if self.limit is not None:
            query = query.limit(self.limit, copy=False)
        if self.offset is not None:
            query = query.offset(self.offset, copy=False)
        return query


def row_set(ctx: Context, select: Select, link: Link | None) -> RowSet:
    alias = ctx.alias()
    conditions = link(alias) if link is not None else []
    if select.where is not None:
        conditions.append(where_sql(ctx, select.where, alias))
    source: exp.Expr = table(select.table.table, alias)
    distinct_on: list[exp.Expr] = []
    if select.distinct_on and ctx.dialect.native_distinct_on:
        distinct_on = [column(alias, c.name) for c in select.distinct_on]
    elif select.distinct_on:
        alias, source = _first_per_partition(ctx, select, source, alias, conditions, link)
        conditions = [exp.EQ(this=column(alias, _ROW_NUMBER), expression=exp.Literal.number(1))]
    limit, offset = _paging(ctx, select)
    order = order_terms(ctx, select.order_by, alias)
    return RowSet(alias, source, conditions, order, distinct_on, limit, offset)


def _first_per_partition(
    ctx: Context,
    select: Select,
    source: exp.Expr,
    alias: str,
    conditions: list[exp.Expr],
    link: Link | None,
) -> tuple[str, exp.Expr]:
    """DISTINCT ON emulated: number rows per partition in sort order, keep number 1."""
    if link is not None and not ctx.dialect.correlated_derived_tables:
        raise QueryError(
            f"distinct_on on a nested relationship is not supported by {ctx.dialect.name} "
            "sources; query the related table at the root with distinct_on instead"
        )
    window = exp.Window(
        this=exp.RowNumber(),
        partition_by=[column(alias, c.name) for c in select.distinct_on],
        order=exp.Order(expressions=order_terms(ctx, select.order_by, alias)),
    )
    star = exp.Column(this=exp.Star(), table=exp.to_identifier(alias))
    numbered = exp.select(star, window.as_(_ROW_NUMBER, quoted=True)).from_(source, copy=False)
    numbered = numbered.where(conjunction(conditions), copy=False)
    outer = ctx.alias()
    return outer, numbered.subquery(outer, copy=False)


def _paging(ctx: Context, select: Select) -> tuple[exp.Expr | None, exp.Expr | None]:
    limit = ctx.bind(select.limit) if select.limit is not None else None
    offset = ctx.bind(select.offset) if select.offset is not None else None
    if offset is not None and limit is None:
        limit = ctx.dialect.offset_only_limit
    return limit, offset
