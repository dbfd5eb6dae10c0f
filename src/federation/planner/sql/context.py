"""Compile-time state of one statement: its dialect, its bound values and its table aliases."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlglot import exp

from federation.catalog import ScalarType, Table
from federation.planner.plan import Relationship
from federation.planner.sql.generate import placeholder

if TYPE_CHECKING:
    from federation.planner.sql.dialects.base import JsonDialect


class Context:
    """Collects bound values (``bind``) and hands out fresh table aliases (``alias``)."""

    def __init__(self, dialect: JsonDialect) -> None:
        self.dialect = dialect
        self.values: list[Any] = []
        self._aliases = 0

    def alias(self, prefix: str = "t") -> str:
        name = f"_{prefix}{self._aliases}"
        self._aliases += 1
        return name

    def bind(self, value: Any, type_: ScalarType | None = None) -> exp.Expr:
        """A placeholder for ``value``, compared against a column of ``type_``."""
        return self.dialect.bind(value, type_, self._placeholder)

    def _placeholder(self, value: Any) -> exp.Expr:
        self.values.append(value)
        return placeholder(len(self.values) - 1)


def column(alias: str, name: str) -> exp.Column:
    return exp.Column(this=exp.to_identifier(name, quoted=True), table=exp.to_identifier(alias))


def table(ref: Table, alias: str) -> exp.Table:
    return exp.Table(
        this=exp.to_identifier(ref.name, quoted=True),
        db=exp.to_identifier(ref.schema, quoted=True) if ref.schema else None,
        alias=exp.TableAlias(this=exp.to_identifier(alias)),
    )


def join_condition(rel: Relationship, parent: str, target: str) -> list[exp.Expr]:
    """``target.col = parent.col`` for each column pair of the relationship."""
    return [
        exp.EQ(this=column(target, target_col), expression=column(parent, parent_col))
        for parent_col, target_col in rel.mapping
    ]


def conjunction(conditions: list[exp.Expr]) -> exp.Expr | None:
    if not conditions:
        return None
    return exp.and_(*conditions) if len(conditions) > 1 else conditions[0]
