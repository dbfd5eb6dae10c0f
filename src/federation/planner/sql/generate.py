"""SQL text from a sqlglot tree, with each dialect's driver placeholders in binding order.

The compiler marks every value as ``exp.Placeholder(this="<index into params>")`` while it builds
the tree, in whatever order is convenient. Generation walks the tree in text order, so a generator
subclass records which value each placeholder stands for and emits the driver's own marker:

- sqlite, duckdb: ``?``
- postgres (asyncpg): ``$1``, ``$2``... in text order
- mysql (aiomysql/PyMySQL ``format`` style): ``%s``; the driver runs ``sql % params`` client-side,
  so every other ``%`` (in identifiers and string literals) is doubled.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlglot import exp
from sqlglot.dialects.dialect import Dialect
from sqlglot.generator import Generator

from federation.planner.sql.statement import CompiledStatement

_GENERATORS: dict[str, type[Generator]] = {}


def render(
    tree: exp.Expr,
    dialect: str,
    values: Sequence[Any],
    *,
    pretty: bool = False,
    check: bool = True,
) -> CompiledStatement:
    """Generate ``tree`` for ``dialect``; ``values[i]`` is the value of placeholder ``i``."""
    generator = _generator_class(dialect)(dialect=dialect, pretty=pretty)
    order: list[int] = []
    generator.placeholder_order = order  # type: ignore[attr-defined]
    sql = generator.generate(tree)
    params = tuple(values[i] for i in order) if check else ()
    if check and sorted(set(order)) != list(range(len(values))):
        raise AssertionError(f"placeholders {order} do not cover {len(values)} parameters")
    return CompiledStatement(sql=sql, params=params, dialect=dialect, tree=tree)


def placeholder(index: int) -> exp.Placeholder:
    return exp.Placeholder(this=str(index))


def _generator_class(dialect: str) -> type[Generator]:
    cls = _GENERATORS.get(dialect)
    if cls is None:
        cls = _GENERATORS[dialect] = _make_generator(dialect)
    return cls


def _make_generator(dialect: str) -> type[Generator]:
    base = Dialect.get_or_raise(dialect).generator_class
    marker = {"postgres": "$", "mysql": "%s"}.get(dialect, "?")
    double_percent = dialect == "mysql"

    class _Generator(base):  # type: ignore[valid-type,misc]
        TRANSFORMS = {
            k: v
            for k, v in base.TRANSFORMS.items()
            if k not in (exp.Placeholder, exp.Identifier, exp.Literal)
        }

        def placeholder_sql(self, expression: exp.Placeholder) -> str:
            order: list[int] = self.placeholder_order
            order.append(int(expression.name))
            return f"${len(order)}" if marker == "$" else marker

        def identifier_sql(self, expression: exp.Identifier) -> str:
            text: str = super().identifier_sql(expression)
            return text.replace("%", "%%") if double_percent else text

        def literal_sql(self, expression: exp.Literal) -> str:
            text: str = super().literal_sql(expression)
            return text.replace("%", "%%") if double_percent else text

    _Generator.__name__ = f"{base.__name__}WithParams"
    return _Generator
