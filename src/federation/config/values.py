"""Parsers of single values (strings, integers in a range, seconds, booleans...): each returns
the value or raises :class:`Invalid` with a message that says what was expected."""

from __future__ import annotations

import contextlib
import math
import re
from collections.abc import Callable
from typing import Any


class Invalid(Exception):
    """A value has the wrong type or range; the message says what was expected."""


Parser = Callable[[Any], Any]


def describe(value: Any) -> str:
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list" if value else "an empty list"
    return repr(value)


def string(value: Any) -> str:
    if not isinstance(value, str):
        raise Invalid(f"expected a string, got {describe(value)}")
    return value


def optional_string(value: Any) -> str | None:
    return string(value) or None  # `dsn: ${DSN:-}` means "not given"


def integer(low: int, high: int | None = None) -> Parser:
    expected = f"an integer from {low} to {high}" if high else f"an integer of at least {low}"

    def parse(value: Any) -> int:
        number = _as_int(value)
        if number is None or number < low or (high is not None and number > high):
            raise Invalid(f"expected {expected}, got {describe(value)}")
        return number

    return parse


def _as_int(value: Any) -> int | None:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and re.fullmatch(r"\s*[+-]?\d+\s*", value):
        return int(value)  # values substituted from the environment arrive as strings
    return None


def seconds(value: Any) -> float:
    number: float | None = None
    if isinstance(value, int | float) and not isinstance(value, bool):
        number = float(value)
    elif isinstance(value, str):
        with contextlib.suppress(ValueError):
            number = float(value)
    if number is None or not math.isfinite(number) or number <= 0:
        raise Invalid(f"expected a number of seconds greater than 0, got {describe(value)}")
    return number


_TRUE = frozenset({"true", "yes", "on", "1"})
_FALSE = frozenset({"false", "no", "off", "0"})


def boolean(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in _TRUE | _FALSE:
        return value.strip().lower() in _TRUE
    raise Invalid(f"expected true or false, got {describe(value)}")


def strings(value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        return (value,)
    if isinstance(value, list) and all(isinstance(item, str) for item in value):
        return tuple(value)
    raise Invalid(f"expected a list of strings, got {describe(value)}")


def mapping(value: Any) -> dict[str, Any]:
    if isinstance(value, dict) and all(isinstance(key, str) for key in value):
        return dict(value)
    raise Invalid(f"expected a mapping of names to values, got {describe(value)}")
