"""SQLite (3.35+): ``json_object``/``json_group_array``; JSON text re-marked with ``json()``
(a derived table's column) or, from 3.38, ``-> '$'`` (a scalar subquery: free on the parser
stack, so one more nesting level fits; older SQLite gets ``json(...)``, one level less).

SQLite before 3.44 has no ``ORDER BY`` inside aggregates, so arrays aggregate an ordered
subquery: SQLite does not flatten a subquery with ORDER BY into an aggregate query (its
flattening rule 16), so ``json_group_array`` sees the rows in that order.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from typing import ClassVar

from sqlglot import exp

from federation.catalog import ScalarType
from federation.errors import QueryError
from federation.planner.json_path import dotted
from federation.planner.sql.dialects.base import (
    Bind,
    JsonDialect,
    Pairs,
    cast,
    fn,
    iso_timestamp,
    stat_name,
    text,
)

_MAX_FUNCTION_ARGS = 127  # SQLITE_MAX_FUNCTION_ARG's default before 3.45


# The engine is in-process: the SQL is generated for the SQLite library this Python links.
_HAS_ARROW = sqlite3.sqlite_version_info >= (3, 38, 0)


class SQLiteJson(JsonDialect):
    name = "sqlite"
    ordered_aggregates = False
    max_object_pairs = _MAX_FUNCTION_ARGS // 2
    offset_only_limit: ClassVar[exp.Expr | None] = exp.Literal.number(-1)

    def json_object(self, pairs: Pairs) -> exp.Expr:
        # Wide objects: json_object for the first chunk, json_insert appends the rest in order.
        chunk = self.max_object_pairs
        result = super().json_object(pairs[:chunk])
        for start in range(chunk, len(pairs), chunk):
            args: list[exp.Expr] = [result]
            for key, value in pairs[start : start + chunk]:
                args += [text(f'$."{key}"'), value]
            result = fn("JSON_INSERT", *args)
        return result

    def json_array_agg(
        self,
        value: exp.Expr,
        order: Sequence[exp.Ordered],
        limit: exp.Expr | None = None,
        offset: exp.Expr | None = None,
    ) -> exp.Expr:
        # ``value`` is JSON from json_object or reread(): marked as JSON, so embedded as such
        return fn("JSON_GROUP_ARRAY", value)

    def nested(self, value: exp.Expr) -> exp.Expr:
        if _HAS_ARROW:
            return exp.JSONExtract(this=value, expression=text("$"))
        return fn("JSON", value)

    def json_path(self, value: exp.Expr, steps: tuple[str | int, ...], bind: Bind) -> exp.Expr:
        if not _HAS_ARROW:  # json_extract returns SQL values, not JSON, for strings
            raise QueryError(
                "the `path` argument needs SQLite 3.38 or newer (this Python links "
                f"{sqlite3.sqlite_version}); select the whole column instead"
            )
        return exp.JSONExtract(this=value, expression=bind(dotted(steps)))

    def reread(self, value: exp.Expr) -> exp.Expr:
        return fn("JSON", value)  # a derived table's column loses the JSON mark

    def encode(self, value: exp.Expr, type_: ScalarType) -> exp.Expr:
        if type_ is ScalarType.BOOLEAN:
            return fn("JSON", _case_bool(value))
        if type_ in (ScalarType.BIGINT, ScalarType.NUMERIC):
            return cast(value, "TEXT")
        if type_ is ScalarType.JSON:
            return fn("JSON", value)
        if type_ is ScalarType.BYTES:  # hex(NULL) is '' in SQLite: keep NULL as null
            hex_ = exp.DPipe(this=text("\\x"), expression=fn("LOWER", fn("HEX", value)))
            present = exp.Not(this=exp.Is(this=value.copy(), expression=exp.Null()))
            return exp.Case(ifs=[exp.If(this=present, true=hex_)])
        if type_ in (ScalarType.TIMESTAMP, ScalarType.TIMESTAMPTZ):
            return iso_timestamp(value)
        return value

    def like(self, column: exp.Expr, value: object, insensitive: bool, bind: Bind) -> exp.Expr:
        if insensitive:  # LIKE folds ASCII case only; lower() keeps that explicit
            pattern = fn("LOWER", bind(value))
            like = exp.Like(this=fn("LOWER", column), expression=pattern)
            return exp.Escape(this=like, expression=text("\\"))
        # SQLite's LIKE ignores case: GLOB is its case-sensitive matcher
        return exp.Glob(this=column, expression=bind(like_to_glob(str(value))))

    def aggregate(self, function: str, value: exp.Expr) -> exp.Expr:
        stat = stat_name(function)
        if stat is None:
            return super().aggregate(function, value)
        return _statistic(stat, value)


def _case_bool(value: exp.Expr) -> exp.Expr:
    return exp.Case(
        ifs=[
            exp.If(this=value, true=text("true")),
            exp.If(this=exp.Not(this=value), true=text("false")),
        ]
    )


def _statistic(stat: str, value: exp.Expr) -> exp.Expr:
    """Variance and standard deviation from sums (SQLite has no such aggregates)."""
    x = exp.Mul(this=value, expression=exp.Literal.number("1.0"))
    n = exp.Count(this=value)
    total = exp.Sum(this=x)
    squares = exp.Sum(this=exp.Mul(this=x, expression=value.copy()))
    spread = exp.Sub(
        this=squares,
        expression=exp.Div(this=exp.Mul(this=total, expression=total.copy()), expression=n),
    )
    divisor: exp.Expr = n.copy()
    if stat.endswith("_SAMP"):
        divisor = exp.Sub(this=n.copy(), expression=exp.Literal.number(1))
    variance = exp.Div(this=exp.Paren(this=spread), expression=exp.Paren(this=divisor))
    if stat.startswith("STDDEV"):
        # rounding can leave a tiny negative variance; scalar max() keeps NULL for no rows
        return fn("SQRT", fn("MAX", variance, exp.Literal.number("0.0")))
    return variance


def like_to_glob(pattern: str) -> str:
    """A LIKE pattern (``%``, ``_``, ``\\`` escapes) as the equivalent GLOB pattern."""
    out: list[str] = []
    chars = iter(pattern)
    for char in chars:
        if char == "\\":
            out.append(_glob_literal(next(chars, "\\")))
        elif char == "%":
            out.append("*")
        elif char == "_":
            out.append("?")
        else:
            out.append(_glob_literal(char))
    return "".join(out)


def _glob_literal(char: str) -> str:
    return f"[{char}]" if char in "*?[" else char
