"""PostgreSQL (asyncpg): ``json_build_object``/``json_agg``, ``DISTINCT ON``, jsonb operators.

Values whose GraphQL form is a string (bigint, numeric, dates, uuid...) are bound as text and
cast in SQL, because asyncpg binds by the parameter's inferred type and would reject a ``str``
for a ``timestamptz`` parameter. ``timestamptz`` is rendered by PostgreSQL in the session time
zone: the connector should set ``timezone=UTC`` to match Hasura's ``+00:00`` output.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from sqlglot import exp

from federation.catalog import ScalarType
from federation.planner.sql.dialects.base import (
    Bind,
    JsonDialect,
    Pairs,
    cast,
    fn,
    text,
)

_CAST_FROM_TEXT = {
    ScalarType.BIGINT: "BIGINT",
    ScalarType.NUMERIC: "NUMERIC",
    ScalarType.DATE: "DATE",
    ScalarType.TIME: "TIME",
    ScalarType.TIMESTAMP: "TIMESTAMP",
    ScalarType.TIMESTAMPTZ: "TIMESTAMPTZ",
    ScalarType.UUID: "UUID",
    ScalarType.BYTES: "BYTEA",
}
_REGEX_OPS: dict[str, type[exp.Binary]] = {
    "_regex": exp.RegexpLike,
    "_iregex": exp.RegexpILike,
    "_similar": exp.SimilarTo,
}


class PostgresJson(JsonDialect):
    name = "postgres"
    native_distinct_on = True
    join_object_relationships = True  # measured: bench/lower_bound.py, docs/performance.md
    max_object_pairs = 50  # json_build_object takes at most 100 arguments
    flat_rows = True  # measured: 1,000 rows as JSON 2.1 ms in PostgreSQL, as rows 0.9 ms
    page_before_json = True  # measured: offset 210 built 240 rows' JSON, 18 ms -> 4 ms

    def json_object(self, pairs: Pairs) -> exp.Expr:
        if len(pairs) <= self.max_object_pairs:
            args: list[exp.Expr] = []
            for key, value in pairs:
                args += [text(key), value]
            return fn("JSON_BUILD_OBJECT", *args)
        # Wider: row_to_json of a one-row subquery keeps the keys and their order.
        row = exp.select(*(value.as_(key, quoted=True) for key, value in pairs))
        return exp.Subquery(
            this=exp.select(fn("ROW_TO_JSON", exp.column("_wide"))).from_(row.subquery("_wide"))
        )

    def json_array_agg(
        self,
        value: exp.Expr,
        order: Sequence[exp.Ordered],
        limit: exp.Expr | None = None,
        offset: exp.Expr | None = None,
    ) -> exp.Expr:
        arg: exp.Expr = exp.Order(this=value, expressions=list(order)) if order else value
        return exp.Coalesce(this=fn("JSON_AGG", arg), expressions=[cast(text("[]"), "JSON")])

    def encode(self, value: exp.Expr, type_: ScalarType) -> exp.Expr:
        if type_ in (ScalarType.BIGINT, ScalarType.NUMERIC):
            return cast(value, "TEXT")
        if type_ is ScalarType.BYTES:
            return exp.DPipe(this=text("\\x"), expression=fn("ENCODE", value, text("hex")))
        return value

    def json_path(self, value: exp.Expr, steps: tuple[str | int, ...], bind: Bind) -> exp.Expr:
        # `#>` with a text[] path, for json and jsonb alike
        path = cast(bind([str(step) for step in steps]), "TEXT[]")
        return exp.JSONBExtract(this=value, expression=path)

    def bind(self, value: Any, type_: ScalarType | None, bind: Bind) -> exp.Expr:
        if type_ is ScalarType.JSON and not isinstance(value, bool | int | float | type(None)):
            return cast(cast(bind(json.dumps(value)), "TEXT"), "JSONB")
        target = _CAST_FROM_TEXT.get(type_) if type_ else None
        if target is None or not isinstance(value, str):
            return bind(value)
        return cast(cast(bind(value), "TEXT"), target)

    def regex(self, op: str, column: exp.Expr, pattern: exp.Expr) -> exp.Expr:
        kind = _REGEX_OPS.get(op.replace("_n", "_", 1))
        if kind is None:
            return super().regex(op, column, pattern)
        match = kind(this=column, expression=pattern)
        return exp.Not(this=match) if op.startswith("_n") else match

    def json_operator(self, op: str, column: exp.Expr, value: Any, bind: Bind) -> exp.Expr:
        if op in ("_contains", "_contained_in"):
            as_jsonb = cast(cast(bind(json.dumps(value)), "TEXT"), "JSONB")
            kind = exp.ArrayContainsAll if op == "_contains" else exp.ArrayContainedBy
            return kind(this=column, expression=as_jsonb)
        if op == "_has_key":
            return fn("JSONB_EXISTS", column, cast(bind(str(value)), "TEXT"))
        if op in ("_has_keys_any", "_has_keys_all"):
            keys = cast(bind([str(v) for v in value]), "TEXT[]")
            name = "JSONB_EXISTS_ANY" if op == "_has_keys_any" else "JSONB_EXISTS_ALL"
            return fn(name, column, keys)
        return super().json_operator(op, column, value, bind)

    def tuple_key(self, values: Sequence[exp.Expr]) -> exp.Expr:
        return exp.Tuple(expressions=list(values))
