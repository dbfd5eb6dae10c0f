"""A plan's root field -> one SQL statement that returns the field's value as JSON text."""

from __future__ import annotations

from dataclasses import replace

from sqlglot import exp

from federation.errors import QueryError
from federation.planner.plan import AggregateSelect, GroupSelect, RootField, Select
from federation.planner.sql.aggregate import aggregate_query
from federation.planner.sql.context import Context
from federation.planner.sql.dialects import get_dialect
from federation.planner.sql.flat_rows import flat_rows_statement
from federation.planner.sql.generate import render
from federation.planner.sql.groups import group_query
from federation.planner.sql.select import array_query, object_query
from federation.planner.sql.statement import CompiledStatement


def compile_root(root: RootField, dialect: str, *, flat_rows: bool = False) -> CompiledStatement:
    """One statement for ``root`` in ``dialect`` (sqlite, duckdb, postgres or mysql).

    It returns one row with one column: a JSON array for ``many``/``groups`` (``[]`` when
    empty), the object or NULL for ``one``, ``{"aggregate": ..., "nodes": ...}`` for
    ``aggregate``. Every value is a bind parameter; identifiers are quoted.

    With ``flat_rows``, a dialect that prefers it returns a root field of columns only as plain
    rows instead (``CompiledStatement.rows`` says how to encode them): the executor's callers
    handle that; others (mutations' ``returning``) get JSON text.
    """
    ctx = Context(get_dialect(dialect))
    json_form = render(build_tree(ctx, root), dialect, ctx.values)
    if flat_rows and ctx.dialect.flat_rows:
        flat = flat_rows_statement(root, dialect, Context(ctx.dialect))
        if flat is not None:
            return replace(flat, json_form=json_form)
    return json_form


def build_tree(ctx: Context, root: RootField) -> exp.Expr:
    query = root.query
    if root.kind == "many" and isinstance(query, Select):
        return array_query(ctx, query, None)
    if root.kind == "one" and isinstance(query, Select):
        return exp.select(exp.Subquery(this=object_query(ctx, query, None)))
    if root.kind == "aggregate" and isinstance(query, AggregateSelect):
        return aggregate_query(ctx, query, None)
    if root.kind == "groups" and isinstance(query, GroupSelect):
        return group_query(ctx, query)
    raise QueryError(
        f"root field {root.key!r}: kind {root.kind!r} does not match its query "
        f"{type(query).__name__}; this is a planner bug"
    )
