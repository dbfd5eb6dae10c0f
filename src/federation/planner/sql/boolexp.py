"""``<t>_bool_exp`` -> a SQL condition over one table alias (Hasura's semantics)."""

from __future__ import annotations

from typing import Any

from sqlglot import exp

from federation.catalog import ScalarType
from federation.errors import QueryError
from federation.planner.plan import And, BoolExp, Compare, Const, Exists, Not, Or
from federation.planner.sql.context import Context, column, conjunction, join_condition, table
from federation.planner.sql.dialects.base import COMPARISONS

_LIKE = {
    "_like": (False, False),
    "_nlike": (False, True),
    "_ilike": (True, False),
    "_nilike": (True, True),
}
_REGEX = frozenset({"_similar", "_nsimilar", "_regex", "_nregex", "_iregex", "_niregex"})
_JSON = frozenset({"_contains", "_contained_in", "_has_key", "_has_keys_any", "_has_keys_all"})


def where_sql(ctx: Context, where: BoolExp, alias: str) -> exp.Expr:
    """The condition ``where`` over the rows of ``alias``."""
    if isinstance(where, And):
        items = [where_sql(ctx, item, alias) for item in where.items]
        return exp.and_(*items) if items else exp.true()
    if isinstance(where, Or):
        items = [where_sql(ctx, item, alias) for item in where.items]
        return exp.or_(*items) if items else exp.false()
    if isinstance(where, Not):
        return exp.not_(where_sql(ctx, where.item, alias))
    if isinstance(where, Const):
        return exp.true() if where.value else exp.false()
    if isinstance(where, Exists):
        return _exists(ctx, where, alias)
    return _compare(ctx, where, alias)


def _exists(ctx: Context, where: Exists, alias: str) -> exp.Expr:
    target = ctx.alias()
    conditions = join_condition(where.relationship, alias, target)
    if where.where is not None:
        conditions.append(where_sql(ctx, where.where, target))
    query = exp.select(exp.Literal.number(1)).from_(
        table(where.relationship.target.table, target), copy=False
    )
    return exp.Exists(this=query.where(conjunction(conditions), copy=False))


def _compare(ctx: Context, where: Compare, alias: str) -> exp.Expr:
    left: exp.Expr = column(alias, where.column.name)
    type_ = where.column.type
    if where.cast is not None:  # Hasura's _cast: {String: {...}}
        left, type_ = ctx.dialect.as_text(left), ScalarType.STRING
    return compare_value(ctx, left, where.op, where.value, type_)


def compare_value(
    ctx: Context, left: exp.Expr, op: str, value: Any, type_: ScalarType | None
) -> exp.Expr:
    """``left <op> value`` for one Hasura comparison operator."""
    dialect = ctx.dialect
    if op in COMPARISONS:
        return dialect.compare(op, left, value, type_, lambda v: ctx.bind(v, type_))
    if op in ("_in", "_nin"):
        return _in(ctx, left, op == "_nin", value, type_)
    if op == "_is_null":
        is_null = exp.Is(this=left, expression=exp.Null())
        return is_null if value else exp.Not(this=is_null)
    if op in _LIKE:
        insensitive, negated = _LIKE[op]
        like = dialect.like(left, value, insensitive, lambda v: ctx.bind(v, ScalarType.STRING))
        return exp.Not(this=like) if negated else like
    if op in _REGEX:
        return dialect.regex(op, left, ctx.bind(value, ScalarType.STRING))
    if op in _JSON:
        return dialect.json_operator(op, left, value, lambda v: ctx.bind(v))
    raise QueryError(f"unknown comparison operator {op!r}; use one of the <t>_bool_exp operators")


def _in(
    ctx: Context, left: exp.Expr, negated: bool, values: Any, type_: ScalarType | None
) -> exp.Expr:
    items = list(values)
    if not items:  # Hasura: `_in: []` matches nothing, `_nin: []` everything
        return exp.true() if negated else exp.false()
    test = ctx.dialect.member(left, items, type_, lambda v: ctx.bind(v, type_))
    return exp.Not(this=test) if negated else test
