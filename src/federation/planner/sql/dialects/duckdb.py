"""DuckDB: ``json_object``, arrays as ``to_json(list(x ORDER BY ...))``, ``DISTINCT ON``.

``json_group_array`` is a macro in DuckDB and takes no ORDER BY, hence ``list``.
"""

from __future__ import annotations

from collections.abc import Sequence

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

_AS_TEXT = frozenset({ScalarType.DATE, ScalarType.TIME, ScalarType.UUID})
_REGEX = {
    "_regex": (False, False),
    "_nregex": (False, True),
    "_iregex": (True, False),
    "_niregex": (True, True),
}


class DuckDBJson(JsonDialect):
    name = "duckdb"
    native_distinct_on = True
    text_type = "VARCHAR"

    def json_array_agg(
        self,
        value: exp.Expr,
        order: Sequence[exp.Ordered],
        limit: exp.Expr | None = None,
        offset: exp.Expr | None = None,
    ) -> exp.Expr:
        arg: exp.Expr = exp.Order(this=value, expressions=list(order)) if order else value
        return exp.Coalesce(
            this=fn("TO_JSON", fn("LIST", arg)), expressions=[cast(text("[]"), "JSON")]
        )

    def encode(self, value: exp.Expr, type_: ScalarType) -> exp.Expr:
        if type_ in (ScalarType.BIGINT, ScalarType.NUMERIC) or type_ in _AS_TEXT:
            return cast(value, "VARCHAR")
        if type_ is ScalarType.JSON:
            return cast(value, "JSON")
        if type_ is ScalarType.BYTES:
            return exp.DPipe(this=text("\\x"), expression=fn("LOWER", fn("HEX", value)))
        if type_ is ScalarType.TIMESTAMP:
            return iso_timestamp(cast(value, "VARCHAR"))
        if type_ is ScalarType.TIMESTAMPTZ:
            utc = exp.AtTimeZone(this=value, zone=text("UTC"))
            return exp.DPipe(this=iso_timestamp(cast(utc, "VARCHAR")), expression=text("+00:00"))
        return value

    def like(self, column: exp.Expr, value: object, insensitive: bool, bind: Bind) -> exp.Expr:
        kind = exp.ILike if insensitive else exp.Like
        return exp.Escape(this=kind(this=column, expression=bind(value)), expression=text("\\"))

    def regex(self, op: str, column: exp.Expr, pattern: exp.Expr) -> exp.Expr:
        if op not in _REGEX:
            return super().regex(op, column, pattern)
        insensitive, negated = _REGEX[op]
        args = [column, pattern] + ([text("i")] if insensitive else [])
        match = fn("REGEXP_MATCHES", *args)
        return exp.Not(this=match) if negated else match
