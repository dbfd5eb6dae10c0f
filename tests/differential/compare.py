"""How the gateway's response is compared with the reference's ``ExecutionResult``.

* Objects: the same keys in the same order (GraphQL responses are ordered maps that follow the
  selection set), and equal values.
* Lists: element by element, in order; with ``unordered`` (a level without a total order) every
  list is compared as a multiset.
* Numbers by value: an expected integer (``Int``, ``count``) exactly and as an integer;
  floats within a relative tolerance (``avg``, ``stddev`` are floating point on both sides,
  computed in different orders). A JSON boolean is never a
  number, and strings (``bigint``, ``numeric``) compare exactly.
"""

from __future__ import annotations

import math
from typing import Any

import orjson

REL_TOL = 1e-9
ABS_TOL = 1e-9


def first_difference(
    actual: Any, expected: Any, *, unordered: bool = False, path: str = "data"
) -> str | None:
    """Where ``actual`` first differs from ``expected``, or None when they match."""
    if unordered:
        actual, expected = canonical(actual), canonical(expected)
    return _difference(actual, expected, path)


def _difference(actual: Any, expected: Any, path: str) -> str | None:
    if isinstance(expected, dict):
        if not isinstance(actual, dict) or list(actual) != list(expected):
            return f"{path}: got {_short(actual)}, expected {_short(expected)}"
        for key, value in expected.items():
            found = _difference(actual[key], value, f"{path}.{key}")
            if found:
                return found
        return None
    if isinstance(expected, list):
        if not isinstance(actual, list) or len(actual) != len(expected):
            return f"{path}: got {_short(actual)}, expected {_short(expected)}"
        for index, (a, e) in enumerate(zip(actual, expected, strict=True)):
            found = _difference(a, e, f"{path}[{index}]")
            if found:
                return found
        return None
    return (
        None if same_value(actual, expected) else f"{path}: got {actual!r}, expected {expected!r}"
    )


def same_value(actual: Any, expected: Any) -> bool:
    if isinstance(actual, bool) or isinstance(expected, bool):
        return actual is expected
    if isinstance(expected, int):  # Int and count: an integer, never a float
        return isinstance(actual, int) and actual == expected
    if isinstance(actual, int | float) and isinstance(expected, int | float):
        return math.isclose(actual, expected, rel_tol=REL_TOL, abs_tol=ABS_TOL)
    return type(actual) is type(expected) and actual == expected


def canonical(value: Any) -> Any:
    """Lists sorted by a stable text form of their canonical elements; floats rounded so that
    values equal within the tolerance sort alike."""
    if isinstance(value, dict):
        return {k: canonical(v) for k, v in value.items()}
    if isinstance(value, list):
        items = [canonical(v) for v in value]
        return sorted(items, key=lambda v: orjson.dumps(_rounded(v), option=orjson.OPT_SORT_KEYS))
    return value


def _rounded(value: Any) -> Any:
    if isinstance(value, float):
        return float(f"{value:.9g}")
    if isinstance(value, dict):
        return {k: _rounded(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_rounded(v) for v in value]
    return value


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 300 else text[:300] + "..."
