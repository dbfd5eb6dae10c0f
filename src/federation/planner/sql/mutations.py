"""The statements of a mutation: INSERT (with upserts), UPDATE, DELETE, and the SELECT of the
keys they touch, built as sqlglot expressions with bind parameters.

Statements name their target table without an alias and compare unqualified columns, except
where a ``<t>_bool_exp`` is evaluated: that happens in a subquery over an aliased table
(``pk IN (SELECT _t0.pk FROM t AS _t0 WHERE ...)``), compiled by the query compiler's
:func:`~federation.planner.sql.boolexp.where_sql`, so filters mean the same in mutations as in
queries. The rows a mutation returns are read afterwards by key with :func:`compile_root`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import orjson
from sqlglot import exp

from federation.catalog import Column, ScalarType, Table
from federation.errors import QueryError
from federation.planner.mutation_plan import OnConflict
from federation.planner.plan import BoolExp
from federation.planner.sql.boolexp import where_sql
from federation.planner.sql.context import Context, column, table
from federation.planner.sql.dialects import get_dialect
from federation.planner.sql.generate import render
from federation.planner.sql.statement import CompiledStatement

Keys = Sequence[Sequence[Any]]
"""Primary-key values of rows, one sequence per row in the key's column order."""

_LOCKING_DIALECTS = frozenset({"postgres", "mysql"})
"""Dialects whose key SELECT locks the rows (``FOR UPDATE``) until the transaction ends."""


def insert(
    dialect: str,
    target: Table,
    columns: Sequence[Column],
    rows: Sequence[Sequence[Any]],
    on_conflict: OnConflict | None = None,
    returning: Sequence[str] = (),
) -> CompiledStatement:
    """``INSERT INTO target (columns) VALUES (...), ... [ON CONFLICT ...] [RETURNING ...]``."""
    ctx = Context(get_dialect(dialect))
    alias = ctx.alias() if on_conflict is not None and on_conflict.where is not None else None
    into = _table(target, alias)
    statement = exp.Insert(this=into)
    if columns:
        statement.set("this", exp.Schema(this=into, expressions=[_id(c.name) for c in columns]))
        tuples = [
            exp.Tuple(expressions=[_value(ctx, c, v) for c, v in zip(columns, row, strict=True)])
            for row in rows
        ]
        statement.set("expression", exp.Values(expressions=tuples))
    elif dialect == "mysql":  # MySQL has no DEFAULT VALUES
        statement.set("this", exp.Schema(this=into, expressions=[]))
        statement.set("expression", exp.Values(expressions=[exp.Tuple(expressions=[])] * len(rows)))
    else:
        statement.set("default", True)
    if on_conflict is not None:
        statement.set("conflict", _conflict(ctx, target, on_conflict, alias))
    if returning:
        statement.set("returning", exp.Returning(expressions=[_column(n) for n in returning]))
    return render(statement, dialect, ctx.values)


def update(
    dialect: str,
    target: Table,
    set_: Sequence[tuple[Column, Any]],
    inc: Sequence[tuple[Column, Any]],
    key: Sequence[Column],
    *,
    where: BoolExp | None = None,
    keys: Keys | None = None,
    returning: Sequence[str] = (),
) -> CompiledStatement:
    """``UPDATE target SET ... WHERE <rows> [RETURNING ...]``: the rows ``where`` matches, or
    those with the given ``keys`` (read before, where the dialect has no UPDATE RETURNING)."""
    ctx = Context(get_dialect(dialect))
    assignments = [exp.EQ(this=_column(c.name), expression=_value(ctx, c, v)) for c, v in set_]
    assignments += [
        exp.EQ(
            this=_column(c.name),
            expression=exp.Add(this=_column(c.name), expression=_value(ctx, c, v)),
        )
        for c, v in inc
    ]
    statement = exp.Update(this=_table(target), expressions=assignments)
    statement.set("where", exp.Where(this=_rows(ctx, target, key, where, keys)))
    if returning:
        statement.set("returning", exp.Returning(expressions=[_column(n) for n in returning]))
    return render(statement, dialect, ctx.values)


def delete(dialect: str, target: Table, keys: Keys, key: Sequence[Column]) -> CompiledStatement:
    """``DELETE FROM target WHERE <key> IN (<keys>)``."""
    ctx = Context(get_dialect(dialect))
    condition = key_condition(ctx, keys, key)
    statement = exp.Delete(this=_table(target), where=exp.Where(this=condition))
    return render(statement, dialect, ctx.values)


def select_keys(
    dialect: str, target: Table, where: BoolExp | None, key: Sequence[Column]
) -> CompiledStatement:
    """The keys of the rows ``where`` matches, in key order, locked where the dialect can."""
    ctx = Context(get_dialect(dialect))
    query, alias = _key_query(ctx, target, where, key)
    query = query.order_by(*(column(alias, c.name) for c in key), copy=False)
    if dialect in _LOCKING_DIALECTS:
        query.set("locks", [exp.Lock(update=True)])
    return render(query, dialect, ctx.values)


def read_columns(
    dialect: str, target: Table, keys: Keys, key: Sequence[Column], names: Sequence[str]
) -> CompiledStatement:
    """``SELECT names FROM target WHERE <key> IN (<keys>)``: columns of rows just written."""
    ctx = Context(get_dialect(dialect))
    query = exp.select(*(_column(name) for name in names)).from_(_table(target), copy=False)
    query = query.where(key_condition(ctx, keys, key), copy=False)
    return render(query, dialect, ctx.values)


# --- pieces -------------------------------------------------------------------------------------


def _id(name: str) -> exp.Identifier:
    return exp.to_identifier(name, quoted=True)


def _column(name: str) -> exp.Column:
    return exp.Column(this=_id(name))


def _table(ref: Table, alias: str | None = None) -> exp.Table:
    if alias is not None:
        return table(ref, alias)
    return exp.Table(this=_id(ref.name), db=_id(ref.schema) if ref.schema else None)


def _value(ctx: Context, column_: Column, value: Any) -> exp.Expr:
    """A bound value for a column; JSON values travel as JSON text where the dialect's binding
    does not encode them itself."""
    if column_.type is ScalarType.JSON and ctx.dialect.name != "postgres" and value is not None:
        return ctx.bind(orjson.dumps(value).decode())
    return ctx.bind(value, column_.type)


def _key_query(
    ctx: Context, target: Table, where: BoolExp | None, key: Sequence[Column]
) -> tuple[exp.Select, str]:
    alias = ctx.alias()
    query = exp.select(*(column(alias, c.name) for c in key)).from_(
        table(target, alias), copy=False
    )
    if where is not None:
        query = query.where(where_sql(ctx, where, alias), copy=False)
    return query, alias


def _rows(
    ctx: Context,
    target: Table,
    key: Sequence[Column],
    where: BoolExp | None,
    keys: Keys | None,
) -> exp.Expr:
    """The condition that picks the rows: key IN keys, or key IN (a subquery over ``where``)."""
    if keys is not None:
        return key_condition(ctx, keys, key)
    left: exp.Expr = _column(key[0].name)
    if len(key) > 1:
        left = exp.Tuple(expressions=[_column(c.name) for c in key])
    query, _ = _key_query(ctx, target, where, key)
    return exp.In(this=left, query=exp.Subquery(this=query))


def key_condition(ctx: Context, keys: Keys, key: Sequence[Column]) -> exp.Expr:
    """``k IN (...)`` for a one-column key; ``(a = .. AND b = ..) OR ...`` for a composite one
    (row-value ``IN`` lists are not portable)."""
    if not keys:
        return exp.false()
    if len(key) == 1:
        return exp.In(
            this=_column(key[0].name), expressions=[_value(ctx, key[0], k[0]) for k in keys]
        )
    return exp.or_(
        *(
            exp.and_(
                *(
                    exp.EQ(this=_column(c.name), expression=_value(ctx, c, v))
                    for c, v in zip(key, k, strict=True)
                )
            )
            for k in keys
        )
    )


def _conflict(ctx: Context, target: Table, on_conflict: OnConflict, alias: str | None) -> exp.Expr:
    updates = on_conflict.update_columns
    if ctx.dialect.name == "mysql":
        return _duplicate_key(target, on_conflict)
    conflict = exp.OnConflict(conflict_keys=[_id(name) for name in on_conflict.constraint.columns])
    if not updates:
        conflict.set("action", exp.var("DO NOTHING"))
        return conflict
    excluded = exp.to_identifier("excluded")
    conflict.set("action", exp.var("DO UPDATE"))
    conflict.set(
        "expressions",
        [
            exp.EQ(this=_column(c.name), expression=exp.Column(this=_id(c.name), table=excluded))
            for c in updates
        ],
    )
    if on_conflict.where is not None:
        assert alias is not None
        conflict.set("where", exp.Where(this=where_sql(ctx, on_conflict.where, alias)))
    return conflict


def _duplicate_key(target: Table, on_conflict: OnConflict) -> exp.Expr:
    """MySQL's ``ON DUPLICATE KEY UPDATE``: it fires on any unique key, not only the named
    constraint; with no columns to update, a no-op assignment keeps the existing row."""
    if on_conflict.where is not None:
        raise QueryError(
            "on_conflict.where is not supported by mysql sources (ON DUPLICATE KEY UPDATE takes "
            "no condition); leave it out",
            code="NOT_SUPPORTED_BY_SOURCE",
        )
    names = [c.name for c in on_conflict.update_columns] or [on_conflict.constraint.columns[0]]
    assignments: list[exp.Expr] = []
    for name in names:
        value: exp.Expr = exp.Anonymous(this="VALUES", expressions=[_column(name)])
        if not on_conflict.update_columns:
            value = _column(name)
        assignments.append(exp.EQ(this=_column(name), expression=value))
    return exp.OnConflict(duplicate=True, action=exp.var("UPDATE"), expressions=assignments)
