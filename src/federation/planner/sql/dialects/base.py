"""What differs between SQL dialects when a statement builds JSON inside the database.

A dialect is a small subclass: capabilities as class constants, and the few expressions that are
spelled differently (object and array construction, how a column's value is encoded in JSON,
placeholder typing). Everything else is shared sqlglot expressions.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, ClassVar

from sqlglot import exp
from sqlglot.dialects.dialect import Dialect

from federation.catalog import ScalarType
from federation.errors import QueryError
from federation.planner.json_path import dotted

Bind = Callable[[Any], exp.Expr]
Pairs = Sequence[tuple[str, exp.Expr]]

_STAT_FUNCTIONS = {
    "stddev": "STDDEV_SAMP",
    "stddev_samp": "STDDEV_SAMP",
    "stddev_pop": "STDDEV_POP",
    "variance": "VAR_SAMP",
    "var_samp": "VAR_SAMP",
    "var_pop": "VAR_POP",
}
_PLAIN_FUNCTIONS = {"sum": "SUM", "avg": "AVG", "min": "MIN", "max": "MAX"}
COMPARISONS: dict[str, type[exp.Binary]] = {
    "_eq": exp.EQ,
    "_neq": exp.NEQ,
    "_gt": exp.GT,
    "_gte": exp.GTE,
    "_lt": exp.LT,
    "_lte": exp.LTE,
}
"""Hasura's comparison operators and the SQL operator each one is."""


def fn(name: str, *args: exp.Expr) -> exp.Expr:
    """A function call spelled exactly as given (sqlglot does not rewrite anonymous calls)."""
    return exp.Anonymous(this=name, expressions=list(args))


def text(value: str) -> exp.Literal:
    return exp.Literal.string(value)


def cast(value: exp.Expr, type_: str) -> exp.Expr:
    return exp.Cast(this=value, to=exp.DataType.build(type_))


class JsonDialect:
    """Base class of the per-dialect JSON strategies."""

    name: ClassVar[str]
    """The sqlglot dialect name, also the key :func:`compile_root` takes."""

    ordered_aggregates: ClassVar[bool] = True
    """The array aggregate accepts ``ORDER BY``; without it rows are aggregated from an ordered
    subquery and the database must keep that order (SQLite does)."""

    correlated_derived_tables: ClassVar[bool] = True
    """A subquery in ``FROM`` may refer to the enclosing query's row (MariaDB: no)."""

    native_distinct_on: ClassVar[bool] = False
    """``SELECT DISTINCT ON (...)``; otherwise ``ROW_NUMBER() OVER (PARTITION BY ...) = 1``."""

    join_object_relationships: ClassVar[bool] = False
    """Build a nested object from a ``LEFT JOIN`` in the rows' ``FROM`` where it reaches at most
    one row, instead of a correlated subquery per row (see :mod:`..select`)."""

    flat_rows: ClassVar[bool] = False
    """Root fields of columns only are sent as plain rows, encoded by the gateway
    (:mod:`federation.planner.sql.flat_rows`)."""
    page_before_json: ClassVar[bool] = False
    """Apply an array's OFFSET in a derived table of the table's own columns before building its
    JSON: PostgreSQL evaluates the projection (every nested subquery) for the rows OFFSET skips."""

    max_object_pairs: ClassVar[int] = 1_000_000
    """How many key/value pairs one object-constructor call takes."""

    offset_only_limit: ClassVar[exp.Expr | None] = None
    """The LIMIT to write when only OFFSET is asked for, where the dialect requires a LIMIT."""

    text_type: ClassVar[str] = "TEXT"

    def default_nulls_first(self, descending: bool) -> bool:
        """Where the dialect sorts NULLs when ORDER BY says nothing (no clause to write)."""
        ordering = Dialect.get_or_raise(self.name).NULL_ORDERING
        if ordering == "nulls_are_small":
            return not descending
        return descending if ordering == "nulls_are_large" else False

    # --- JSON construction ---------------------------------------------------------------

    def json_object(self, pairs: Pairs) -> exp.Expr:
        args: list[exp.Expr] = []
        for key, value in pairs:
            args += [text(key), value]
        return fn("JSON_OBJECT", *args)

    def json_array_agg(
        self,
        value: exp.Expr,
        order: Sequence[exp.Ordered],
        limit: exp.Expr | None = None,
        offset: exp.Expr | None = None,
    ) -> exp.Expr:
        """The aggregate of ``value`` over the group's rows as a JSON array, ``[]`` when empty."""
        raise NotImplementedError

    def nested(self, value: exp.Expr) -> exp.Expr:
        """JSON produced by a scalar subquery, made usable as a value inside an object."""
        return value

    def reread(self, value: exp.Expr) -> exp.Expr:
        """JSON read back from a derived table's column, made usable as JSON again."""
        return value

    # --- values ----------------------------------------------------------------------------

    def encode(self, value: exp.Expr, type_: ScalarType) -> exp.Expr:
        """``value`` as GraphQL returns a column of ``type_``: JSON booleans, numbers, and strings
        for bigint/numeric (no precision lost), ISO 8601 dates, ``\\x``-hex bytea."""
        return value

    def bind(self, value: Any, type_: ScalarType | None, bind: Bind) -> exp.Expr:
        """A placeholder for ``value`` compared with a column of ``type_``."""
        return bind(value)

    def json_path(self, value: exp.Expr, steps: tuple[str | int, ...], bind: Bind) -> exp.Expr:
        """The JSON found at ``steps`` in the JSON ``value``, SQL NULL when there is none
        (Hasura's ``path`` argument). The default: an SQL/JSON path such as ``$."a"[0]``."""
        return fn("JSON_EXTRACT", value, bind(dotted(steps)))

    def as_text(self, value: exp.Expr) -> exp.Expr:
        return cast(value, self.text_type)

    # --- operators and aggregates ----------------------------------------------------------

    def compare(
        self, op: str, left: exp.Expr, value: Any, type_: ScalarType | None, bind: Bind
    ) -> exp.Expr:
        """``left <op> value`` for ``_eq``, ``_neq``, ``_gt``, ``_gte``, ``_lt`` and ``_lte``;
        ``bind`` makes the placeholder of a value compared with a column of ``type_``."""
        return COMPARISONS[op](this=left, expression=bind(value))

    def member(
        self, left: exp.Expr, values: Sequence[Any], type_: ScalarType | None, bind: Bind
    ) -> exp.Expr:
        """``left IN (values)``; ``values`` is never empty."""
        return exp.In(this=left, expressions=[bind(v) for v in values])

    def like(self, column: exp.Expr, value: Any, insensitive: bool, bind: Bind) -> exp.Expr:
        """Case-sensitive ``LIKE`` (Hasura's ``_like``) or case-insensitive (``_ilike``); ``\\``
        escapes ``%`` and ``_`` as in PostgreSQL."""
        kind = exp.ILike if insensitive else exp.Like
        return kind(this=column, expression=bind(value))

    def regex(self, op: str, column: exp.Expr, pattern: exp.Expr) -> exp.Expr:
        raise QueryError(
            f"operator {op} is not supported by {self.name} sources; "
            "use _like/_ilike or move the table to a source that supports regular expressions"
        )

    def json_operator(self, op: str, column: exp.Expr, value: Any, bind: Bind) -> exp.Expr:
        raise QueryError(
            f"operator {op} is not supported by {self.name} sources; it needs PostgreSQL jsonb"
        )

    def aggregate(self, function: str, value: exp.Expr) -> exp.Expr:
        """``sum``, ``avg``, ``min``, ``max`` and the statistics functions over ``value``."""
        name = _PLAIN_FUNCTIONS.get(function) or _STAT_FUNCTIONS.get(function)
        if name is None:
            raise QueryError(
                f"unknown aggregate function {function!r}; use one of "
                + ", ".join(sorted({*_PLAIN_FUNCTIONS, *_STAT_FUNCTIONS}))
            )
        return fn(name, value)

    def tuple_key(self, values: Sequence[exp.Expr]) -> exp.Expr:
        """One comparable value for several columns, for ``count(DISTINCT (a, b))``."""
        return fn("JSON_ARRAY", *values)

    def count_distinct(self, values: Sequence[exp.Expr], all_present: exp.Expr) -> exp.Expr:
        """Distinct tuples of ``values`` among rows where every value is present."""
        key = values[0] if len(values) == 1 else self.tuple_key(values)
        only = exp.Case(ifs=[exp.If(this=all_present, true=key)])
        return exp.Count(this=exp.Distinct(expressions=[only if len(values) > 1 else key]))

    def empty_array_literal(self) -> exp.Expr:
        return text("[]")


def iso_timestamp(as_text: exp.Expr) -> exp.Expr:
    """``2017-09-21 09:39:44`` -> ``2017-09-21T09:39:44`` (Hasura's ISO 8601 form)."""
    return fn("REPLACE", as_text, text(" "), text("T"))


def stat_name(function: str) -> str | None:
    return _STAT_FUNCTIONS.get(function)
