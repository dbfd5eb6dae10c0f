"""Plain rows -> the JSON text the database would have built (see
:mod:`federation.planner.sql.flat_rows`): bigint as a string, numeric as its exact text,
non-finite floats as PostgreSQL's strings, bytea as ``\\x`` hex, json columns (and
temporals, which the database writes with ``to_json``) embedded as they are."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import Any

import orjson

from federation.planner.sql.statement import Constant, RowShape


def encode_rows(shape: RowShape, rows: Sequence[Sequence[Any]]) -> bytes:
    converters: list[Converter] = [
        (key, None, field.value) if isinstance(field, Constant) else (key, _CONVERT[field], None)
        for key, field in shape.fields
    ]
    objects = [_object(row, converters) for row in rows]
    if shape.kind == "one":
        return orjson.dumps(objects[0] if objects else None)
    return orjson.dumps(objects)


Converter = tuple[str, Callable[[Any], Any] | None, str | None]
"""(response key, conversion of the next column or None, the constant when None)."""


def _object(row: Sequence[Any], converters: Sequence[Converter]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    index = 0
    for key, convert, constant in converters:
        if convert is None:
            result[key] = constant
            continue
        value = row[index]
        index += 1
        result[key] = None if value is None else convert(value)
    return result


def _plain(value: Any) -> Any:
    return value


def _text(value: Any) -> str:
    return str(value)


def _decimal(value: Decimal) -> str:
    return format(value, "f")  # PostgreSQL never writes numeric with an exponent


def _float(value: float) -> float | str:
    return value if math.isfinite(value) else _NON_FINITE[str(value)]


_NON_FINITE = {"nan": "NaN", "inf": "Infinity", "-inf": "-Infinity"}


def _json(value: str | bytes) -> orjson.Fragment:
    return orjson.Fragment(value)


def _bytes(value: bytes) -> str:
    return "\\x" + value.hex()


_CONVERT: dict[str, Callable[[Any], Any]] = {
    "plain": _plain,
    "text": _text,
    "decimal": _decimal,
    "float": _float,
    "json": _json,
    "to_json": _json,
    "bytes": _bytes,
}
