"""The rows of one :class:`Select`: FROM, WHERE, DISTINCT ON, ORDER BY, LIMIT, OFFSET.

A consumer adds its own projections (a JSON object per row, sort keys, raw columns) and decides
whether the statement needs the ORDER BY (see :meth:`RowSet.query`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlglot import exp

from federation.planner.plan import Relationship, Select
from federation.planner.sql.boolexp import where_sql
from federation.planner.sql.context import Context, column, conjunction, join_condition, table
from federation.planner.sql.ordering import order_terms

_ROW_NUMBER = "__rn"
_PAGE_NUMBER = "__pn"


@dataclass(frozen=True, slots=True)
class Link:
    """Ties a nested table's rows to the parent row at ``parent`` through ``relationship``."""

    relationship: Relationship
    parent: str

    def conditions(self, alias: str) -> list[exp.Expr]:
        """``alias.col = parent.col`` for each column pair."""
        return join_condition(self.relationship, self.parent, alias)

    def columns(self, alias: str) -> list[exp.Expr]:
        """The nested table's side of the join: one partition per parent row."""
        return [column(alias, target) for _, target in self.relationship.mapping]


@dataclass(slots=True)
class RowSet:
    alias: str
    source: exp.Expr
    conditions: list[exp.Expr]
    order: list[exp.Ordered]
    distinct_on: list[exp.Expr]
    limit: exp.Expr | None
    offset: exp.Expr | None
    joins: list[exp.Join] = field(default_factory=list)
    """``LEFT JOIN``s of object relationships, added while the projections are built."""

    @property
    def paged(self) -> bool:
        """Whether ordering decides which rows are in the set, not just their order."""
        return self.limit is not None or self.offset is not None or bool(self.distinct_on)

    def query(self, projections: Sequence[exp.Expr], *, sort: bool) -> exp.Select:
        """``SELECT projections`` over the rows, with ORDER BY when ``sort`` or paged."""
        query = exp.select(*projections).from_(self.source, copy=False)
        for join in self.joins:
            query = query.join(join, copy=False)
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


def row_set(
    ctx: Context, select: Select, link: Link | None, *, page_by_window: bool = False
) -> RowSet:
    """The rows of ``select`` (under the parent row of ``link``, if any).

    Where a subquery in ``FROM`` may not refer to the parent row (MariaDB), DISTINCT ON and,
    with ``page_by_window``, LIMIT/OFFSET are computed by ``ROW_NUMBER()`` over the whole table
    partitioned by the link's columns, in a derived table that refers to nothing outside; the
    link then ties the numbered rows to the parent row outside it.
    """
    alias = ctx.alias()
    source: exp.Expr = table(select.table.table, alias)
    conditions = [where_sql(ctx, select.where, alias)] if select.where is not None else []
    outside = link if link is not None and not ctx.dialect.correlated_derived_tables else None
    if link is not None and outside is None:
        conditions = link.conditions(alias) + conditions
    distinct_on: list[exp.Expr] = []
    if select.distinct_on and ctx.dialect.native_distinct_on:
        distinct_on = [column(alias, c.name) for c in select.distinct_on]
    elif select.distinct_on:
        by: list[exp.Expr] = [column(alias, c.name) for c in select.distinct_on]
        alias, source = _numbered(
            ctx, select, (source, alias, conditions), outside, by, _ROW_NUMBER
        )
        conditions = [exp.EQ(this=column(alias, _ROW_NUMBER), expression=exp.Literal.number(1))]
    limit = offset = None
    if outside is not None and page_by_window and _has_paging(select):
        alias, source = _numbered(
            ctx, select, (source, alias, conditions), outside, [], _PAGE_NUMBER
        )
        conditions = _page_window(ctx, select, alias)
    else:
        limit, offset = _paging(ctx, select)
    if outside is not None:
        conditions = outside.conditions(alias) + conditions
    order = order_terms(ctx, select.order_by, alias)
    return RowSet(alias, source, conditions, order, distinct_on, limit, offset)


def page_first(ctx: Context, select: Select, rows: RowSet) -> RowSet:
    """``rows`` with their LIMIT/OFFSET applied in a derived table of the table's own columns
    (``SELECT alias.* ... ORDER BY ... LIMIT``), ordered again over its fresh alias.

    For a top-level array on MariaDB: ``LIMIT`` inside ``JSON_ARRAYAGG`` would build the JSON
    (and run every nested subquery) for all rows that pass the filter before keeping a page;
    here the database reads only the page (by index when the order allows) and the JSON is
    built for those rows alone; MariaDB only where nothing outside is referred to (no link).
    PostgreSQL, for any array with an OFFSET: it builds the JSON of the rows OFFSET skips.
    """
    star = exp.Column(this=exp.Star(), table=exp.to_identifier(rows.alias))
    page = rows.query([star], sort=True)
    alias = ctx.alias()
    order = order_terms(ctx, select.order_by, alias)
    return RowSet(alias, page.subquery(alias, copy=False), [], order, [], None, None)


def _has_paging(select: Select) -> bool:
    return select.limit is not None or select.offset is not None


def _numbered(
    ctx: Context,
    select: Select,
    rows: tuple[exp.Expr, str, list[exp.Expr]],
    outside: Link | None,
    by: Sequence[exp.Expr],
    name: str,
) -> tuple[str, exp.Expr]:
    """The rows (source, alias, conditions) numbered in sort order per partition (``by``, and
    the link's columns when it applies ``outside``) as column ``name`` of a derived table,
    returned with its fresh alias."""
    source, alias, conditions = rows
    partition = (outside.columns(alias) if outside is not None else []) + list(by)
    order = order_terms(ctx, select.order_by, alias)
    window = exp.Window(
        this=exp.RowNumber(),
        partition_by=partition or None,
        order=exp.Order(expressions=order) if order else None,
    )
    star = exp.Column(this=exp.Star(), table=exp.to_identifier(alias))
    numbered = exp.select(star, window.as_(name, quoted=True)).from_(source, copy=False)
    numbered = numbered.where(conjunction(conditions), copy=False)
    outer = ctx.alias()
    return outer, numbered.subquery(outer, copy=False)


def _page_window(ctx: Context, select: Select, alias: str) -> list[exp.Expr]:
    """``__pn > offset AND __pn <= offset + limit``: LIMIT/OFFSET per partition."""
    number = column(alias, _PAGE_NUMBER)
    first = select.offset or 0
    conditions: list[exp.Expr] = []
    if first:
        conditions.append(exp.GT(this=number, expression=ctx.bind(first)))
    if select.limit is not None:
        conditions.append(exp.LTE(this=number.copy(), expression=ctx.bind(first + select.limit)))
    return conditions


def _paging(ctx: Context, select: Select) -> tuple[exp.Expr | None, exp.Expr | None]:
    limit = ctx.bind(select.limit) if select.limit is not None else None
    offset = ctx.bind(select.offset) if select.offset is not None else None
    if offset is not None and limit is None:
        limit = ctx.dialect.offset_only_limit
    return limit, offset
