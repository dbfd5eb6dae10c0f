"""The compiler's output: one SQL statement and its bind parameters, and an EXPLAIN view of it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlglot import exp


@dataclass(frozen=True, slots=True)
class CompiledStatement:
    """SQL text for one dialect and its positional parameters, in the order the driver binds them.

    The statement returns one row with one column: the root field's value as JSON text (or NULL
    for a ``_by_pk`` field that found no row).
    """

    sql: str
    params: tuple[Any, ...]
    dialect: str = "sqlite"
    tree: exp.Expr | None = field(default=None, compare=False, repr=False)
    """The sqlglot expression the SQL was generated from (for pretty EXPLAIN output)."""
    rows: RowShape | None = None
    """Set when the statement returns plain rows instead of JSON text: the gateway encodes
    them (:mod:`federation.planner.sql.flat_rows`)."""
    json_form: CompiledStatement | None = None
    """For a rows statement: the same root field as JSON built by the database, which the
    executor sends instead when it is busy (the database then does the encoding work)."""


@dataclass(frozen=True, slots=True)
class RowShape:
    """How plain rows become the root field's JSON: one object per row, or the first row (or
    null) for ``one``. ``fields`` are (response key, column encoding) in selection order;
    a ``str`` encoding names a column conversion, a ``Constant`` is a fixed value
    (``__typename``)."""

    kind: str
    fields: tuple[tuple[str, str | Constant], ...]


@dataclass(frozen=True, slots=True)
class Constant:
    value: str


def explain_sql(compiled: CompiledStatement) -> str:
    """The statement pretty-printed by sqlglot, followed by its parameters, for EXPLAIN output."""
    from federation.planner.sql.generate import render  # the generator imports this module

    sql = compiled.sql
    if compiled.tree is not None:
        sql = render(compiled.tree, compiled.dialect, [], pretty=True, check=False).sql
    lines = [sql, f"-- params ({compiled.dialect}):"]
    lines += [f"--   {i}: {value!r}" for i, value in enumerate(compiled.params, start=1)]
    return "\n".join(lines)
