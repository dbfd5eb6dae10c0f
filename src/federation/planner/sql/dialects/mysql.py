"""MySQL/MariaDB (aiomysql): ``JSON_OBJECT``/``JSON_ARRAYAGG`` with ORDER BY and LIMIT inside.

MariaDB does not let a subquery in ``FROM`` refer to the enclosing row, so a nested array is
aggregated straight from its table, with ``ORDER BY ... LIMIT`` inside ``JSON_ARRAYAGG``
(MariaDB 10.5+). JSON made by a function loses its JSON flag when it passes through
``COALESCE`` or a derived table; ``JSON_EXTRACT(x, '$')`` restores it.

Key order: MariaDB keeps ``JSON_OBJECT``'s key order; MySQL 8 sorts keys (by length, then
bytes), so on MySQL the gateway must reorder keys (it knows them from the plan).

Text comparisons are exact, as in PostgreSQL with the ``C`` collation, not under the column's
collation (often case- and accent-insensitive, trailing spaces ignored). The rule:

- ``_eq``/``_neq``/``_in``/``_nin``/``_gt``/``_gte``/``_lt``/``_lte``: the column converted to
  utf8mb4 against the value as ``BINARY``, so bytes are compared: equal means the same code
  points (trailing spaces count), and order is code point order (UTF-8 bytes sort that way).
  Converting to utf8mb4 first makes any column charset comparable with the UTF-8 value, and a
  value with 4-byte characters then simply matches nothing on a utf8mb3 column (instead of
  error 1267 "Illegal mix of collations").
- ``_like``/``_nlike``: the column in utf8mb4 under ``utf8mb4_bin``: case- and accent-sensitive,
  and ``_`` is one character, not one byte.
- ``_ilike``/``_nilike``: ``LOWER`` of both sides under ``utf8mb4_bin``: case-insensitive (as
  MariaDB lower-cases) but accent-sensitive, as PostgreSQL ``ILIKE``.

An index on the column is still used by ``_eq``/``_in`` when every value is ASCII: a plain
``col = %s`` (true whenever the exact test is) comes first. Other values could not be compared
under the column's charset without risking error 1267 (utf8mb3, latin1), so they scan.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar

from sqlglot import exp

from federation.catalog import ScalarType
from federation.planner.sql.dialects.base import (
    COMPARISONS,
    Bind,
    JsonDialect,
    cast,
    fn,
    iso_timestamp,
    text,
)

_AS_TEXT = frozenset(
    {ScalarType.BIGINT, ScalarType.NUMERIC, ScalarType.DATE, ScalarType.TIME, ScalarType.UUID}
)
_EXACT_COLLATION = "utf8mb4_bin"


def as_json(value: exp.Expr) -> exp.Expr:
    return fn("JSON_EXTRACT", value, text("$"))


def utf8mb4(value: exp.Expr) -> exp.Expr:
    """``CONVERT(value USING utf8mb4)``, spelled ``CAST(value AS CHAR CHARACTER SET utf8mb4)``."""
    charset = exp.DataType(this=exp.DataType.Type.CHARACTER_SET, kind=exp.var("utf8mb4"))
    return exp.Cast(this=value, to=charset)


def _both(index_test: exp.Expr, exact: exp.Expr) -> exp.Expr:
    """``(index_test AND exact)``, parenthesised so that a ``NOT`` in front applies to both."""
    return exp.Paren(this=exp.and_(index_test, exact))


def _ascii(value: Any) -> bool:
    """Every charset holds ASCII, so comparing it under the column's collation cannot fail."""
    return isinstance(value, str) and value.isascii()


class MySQLJson(JsonDialect):
    name = "mysql"
    correlated_derived_tables = False
    offset_only_limit: ClassVar[exp.Expr | None] = exp.Literal.number("18446744073709551615")
    text_type = "CHAR"

    def json_array_agg(
        self,
        value: exp.Expr,
        order: Sequence[exp.Ordered],
        limit: exp.Expr | None = None,
        offset: exp.Expr | None = None,
    ) -> exp.Expr:
        arg: exp.Expr = exp.Order(this=value, expressions=list(order)) if order else value
        if limit is not None or offset is not None:
            limit = limit if limit is not None else self.offset_only_limit
            arg = exp.Limit(this=arg, expression=limit, offset=offset)
        array = exp.Coalesce(this=fn("JSON_ARRAYAGG", arg), expressions=[text("[]")])
        return as_json(array)

    def reread(self, value: exp.Expr) -> exp.Expr:
        return as_json(value)

    def encode(self, value: exp.Expr, type_: ScalarType) -> exp.Expr:
        if type_ is ScalarType.BOOLEAN:
            return exp.Case(
                ifs=[
                    exp.If(this=value, true=as_json(text("true"))),
                    exp.If(this=exp.Not(this=value.copy()), true=as_json(text("false"))),
                ]
            )
        if type_ in _AS_TEXT:
            return cast(value, "CHAR")
        if type_ is ScalarType.JSON:
            return as_json(value)
        if type_ is ScalarType.BYTES:
            return fn("CONCAT", text("\\x"), fn("LOWER", fn("HEX", value)))
        if type_ is ScalarType.TIMESTAMP:
            return iso_timestamp(cast(value, "CHAR"))
        if type_ is ScalarType.TIMESTAMPTZ:  # TIMESTAMP columns read in the session's zone (UTC)
            return fn("CONCAT", iso_timestamp(cast(value, "CHAR")), text("+00:00"))
        return value

    def compare(
        self, op: str, left: exp.Expr, value: Any, type_: ScalarType | None, bind: Bind
    ) -> exp.Expr:
        if type_ is not ScalarType.STRING:
            return super().compare(op, left, value, type_, bind)
        exact = COMPARISONS[op](this=utf8mb4(left), expression=cast(bind(value), "BINARY"))
        if op == "_eq" and _ascii(value):
            return _both(exp.EQ(this=left.copy(), expression=bind(value)), exact)
        return exact

    def member(
        self, left: exp.Expr, values: Sequence[Any], type_: ScalarType | None, bind: Bind
    ) -> exp.Expr:
        if type_ is not ScalarType.STRING:
            return super().member(left, values, type_, bind)
        binary = [cast(bind(v), "BINARY") for v in values]
        exact = exp.In(this=utf8mb4(left), expressions=binary)
        if all(_ascii(v) for v in values):
            return _both(super().member(left.copy(), values, type_, bind), exact)
        return exact

    def like(self, column: exp.Expr, value: Any, insensitive: bool, bind: Bind) -> exp.Expr:
        text_: exp.Expr = utf8mb4(column)
        pattern = bind(value)
        if insensitive:
            text_, pattern = fn("LOWER", text_), fn("LOWER", pattern)
        return exp.Like(
            this=exp.Collate(this=text_, expression=exp.var(_EXACT_COLLATION)), expression=pattern
        )

    def aggregate(self, function: str, value: exp.Expr) -> exp.Expr:
        result = super().aggregate(function, value)
        # AVG/STDDEV of integers are rounded to 4 decimals when written to JSON; DOUBLE is not
        return result if function in ("sum", "min", "max") else cast(result, "DOUBLE")

    def count_distinct(self, values: Sequence[exp.Expr], all_present: exp.Expr) -> exp.Expr:
        # COUNT(DISTINCT a, b) already skips rows where any value is NULL
        return exp.Count(this=exp.Distinct(expressions=list(values)))
