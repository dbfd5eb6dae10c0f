"""``order_by`` -> sort terms, through object relationships and array aggregates."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from sqlglot import exp

from federation.planner.plan import AggregateRef, ColumnRef, OrderItem, Relationship
from federation.planner.sql.context import Context, column, conjunction, join_condition, table


def order_terms(ctx: Context, order_by: Sequence[OrderItem], alias: str) -> list[exp.Ordered]:
    """Sort terms over ``alias``; nulls default as in Hasura: last for asc, first for desc."""
    return [
        ordered(
            ctx,
            order_value(ctx, item.target, alias),
            item.descending,
            item.nulls_first,
            nullable=_nullable(item.target),
        )
        for item in order_by
    ]


def ordered(
    ctx: Context,
    value: exp.Expr,
    descending: bool,
    nulls_first: bool | None,
    *,
    nullable: bool = True,
) -> exp.Ordered:
    """A sort term. sqlglot writes NULLS FIRST/LAST only where it differs from the dialect's
    default, and emulates it (``x IS NULL`` first) where the dialect has no such clause; a value
    that is never NULL gets the default, so no clause at all."""
    if not nullable:
        first = ctx.dialect.default_nulls_first(descending)
    else:
        first = descending if nulls_first is None else nulls_first
    return exp.Ordered(this=value, desc=descending, nulls_first=first)


def sort_keys(terms: Sequence[exp.Ordered]) -> list[exp.Expr]:
    """The terms' values as projections ``__o0, __o1...`` of a derived table."""
    return [term.this.copy().as_(f"__o{i}", quoted=True) for i, term in enumerate(terms)]


def resort(terms: Sequence[exp.Ordered], alias: str) -> list[exp.Ordered]:
    """The same ordering over the derived table ``alias`` that projects :func:`sort_keys`."""
    return [
        exp.Ordered(
            this=column(alias, f"__o{i}"),
            desc=bool(term.args.get("desc")),
            nulls_first=bool(term.args.get("nulls_first")),
        )
        for i, term in enumerate(terms)
    ]


def _nullable(target: ColumnRef | AggregateRef) -> bool:
    if isinstance(target, AggregateRef):
        return target.function != "count"
    return bool(target.path) or target.column.nullable


def order_value(ctx: Context, target: ColumnRef | AggregateRef, alias: str) -> exp.Expr:
    if isinstance(target, ColumnRef):
        name = target.column.name
        return _through(ctx, target.path, alias, lambda a: column(a, name))
    return _through(ctx, target.path, alias, lambda a: _related_aggregate(ctx, target, a))


def count_or_aggregate(ctx: Context, function: str, value: exp.Expr | None) -> exp.Expr:
    """``count(*)``/``count(x)`` or ``function(x)``."""
    if function == "count":
        return exp.Count(this=value if value is not None else exp.Star())
    if value is None:
        raise ValueError(f"aggregate {function!r} needs a column")
    return ctx.dialect.aggregate(function, value)


def _related_aggregate(ctx: Context, target: AggregateRef, parent: str) -> exp.Expr:
    rel = target.relationship
    alias = ctx.alias()
    value = column(alias, target.column.name) if target.column is not None else None
    query = exp.select(count_or_aggregate(ctx, target.function, value)).from_(
        table(rel.target.table, alias), copy=False
    )
    return exp.Subquery(this=query.where(conjunction(join_condition(rel, parent, alias))))


def _through(
    ctx: Context,
    path: Sequence[Relationship],
    alias: str,
    value: Callable[[str], exp.Expr],
) -> exp.Expr:
    """``value`` evaluated at the row reached from ``alias`` along object relationships."""
    if not path:
        return value(alias)
    rel, target = path[0], ctx.alias()
    inner = _through(ctx, path[1:], target, value)
    query = exp.select(inner).from_(table(rel.target.table, target), copy=False)
    query = query.where(conjunction(join_condition(rel, alias, target)), copy=False)
    return exp.Subquery(this=query.limit(exp.Literal.number(1), copy=False))
