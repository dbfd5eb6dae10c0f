"""MySQL/MariaDB (aiomysql): ``JSON_OBJECT``/``JSON_ARRAYAGG`` with ORDER BY and LIMIT inside.

MariaDB does not let a subquery in ``FROM`` refer to the enclosing row, so a nested array is
aggregated straight from its table, with ``ORDER BY ... LIMIT`` inside ``JSON_ARRAYAGG``
(MariaDB 10.5+). JSON made by a function loses its JSON flag when it passes through
``COALESCE`` or a derived table; ``JSON_EXTRACT(x, '$')`` restores it.

Key order: MariaDB keeps ``JSON_OBJECT``'s key order; MySQL 8 sorts keys (by length, then
bytes), so on MySQL the gateway must reorder keys (it knows them from the plan).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar

from sqlglot import exp

from federation.catalog import ScalarType
from federation.planner.sql.dialects.base import (
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


def as_json(value: exp.Expr) -> exp.Expr:
    return fn("JSON_EXTRACT", value, text("$"))


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

    def like(self, column: exp.Expr, value: Any, insensitive: bool, bind: Bind) -> exp.Expr:
        if insensitive:
            return exp.Like(this=fn("LOWER", column), expression=fn("LOWER", bind(value)))
        # The default collations ignore case; a binary pattern compares bytes.
        return exp.Like(this=column, expression=cast(bind(value), "BINARY"))

    def aggregate(self, function: str, value: exp.Expr) -> exp.Expr:
        result = super().aggregate(function, value)
        # AVG/STDDEV of integers are rounded to 4 decimals when written to JSON; DOUBLE is not
        return result if function in ("sum", "min", "max") else cast(result, "DOUBLE")

    def count_distinct(self, values: Sequence[exp.Expr], all_present: exp.Expr) -> exp.Expr:
        # COUNT(DISTINCT a, b) already skips rows where any value is NULL
        return exp.Count(this=exp.Distinct(expressions=list(values)))
