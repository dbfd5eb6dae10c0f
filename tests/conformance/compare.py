"""How a response of ours is compared with the one Hasura's test expected.

The value-encoding rule, stated once (docs/hasura-compatibility.md repeats it):

* Objects compare by key set and value; key order is ignored. Lists compare element by element,
  in order (the suite's expected lists follow ``order_by`` or insertion order).
* JSON numbers compare by value: two integers exactly, otherwise within ``REL_TOL`` (floating
  aggregates such as ``avg`` and ``stddev`` are computed in floating point or numeric).
* Hasura's test server prints ``double precision`` columns as JSON strings; our gateway returns a
  GraphQL ``Float`` as a JSON number. So an expected numeric *string* matches an actual JSON
  number *with a fraction or exponent* (a Float) of the same value. Nothing else is converted:
  ``bigint`` and ``numeric`` must come back as the same string Hasura gives, and integers as
  integers.
"""

from __future__ import annotations

import math
import re
from typing import Any

REL_TOL = 1e-9
ABS_TOL = 1e-9
_NUMERIC_STRING = re.compile(r"-?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?")

REQUEST_ERROR_CODES = frozenset({"validation-failed", "parse-failed"})
"""Hasura codes of errors raised before execution: ours must then carry no ``data`` entry."""


def first_difference(actual: Any, expected: Any, path: str = "data") -> str | None:
    """The first place where ``actual`` does not match ``expected`` under the rule, or None."""
    if isinstance(expected, dict):
        return _dict_difference(actual, expected, path)
    if isinstance(expected, list):
        return _list_difference(actual, expected, path)
    if _values_match(actual, expected):
        return None
    return f"{path}: got {actual!r}, expected {expected!r}"


def data_case_problem(response: Any, expected: Any) -> str | None:
    """Why ``response`` is not the expected data response, or None when it is."""
    if not isinstance(response, dict):
        return f"response is not a JSON object: {response!r}"
    if response.get("errors"):
        return f"unexpected errors: {response['errors']!r}"
    if "data" not in response:
        return "response has no data"
    return first_difference(response["data"], expected.get("data"))


def error_case_problem(response: Any, expected: Any) -> str | None:
    """Why ``response`` is not an error for the same reason, or None when it is.

    The wording may differ. An error Hasura raises before execution (validation or parsing)
    must be a request error here too: ``errors`` and no ``data`` entry at all. Any other error
    needs ``errors`` and no data (absent or null).
    """
    if not isinstance(response, dict):
        return f"response is not a JSON object: {response!r}"
    if not response.get("errors"):
        return f"expected an error, got {response!r}"
    if _is_request_error(expected) and "data" in response:
        return f"expected a request error (no data entry), got data={response['data']!r}"
    if response.get("data") is not None:
        return f"expected no data with the error, got data={response['data']!r}"
    return None


def response_problem(response: Any, expected: Any, expects_error: bool) -> str | None:
    """Data or error check, chosen by the expected body (``expects_error`` when it has none)."""
    if expects_error or (isinstance(expected, dict) and "errors" in expected):
        return error_case_problem(response, expected)
    return data_case_problem(response, expected or {})


def _is_request_error(expected: Any) -> bool:
    if not isinstance(expected, dict):
        return False
    codes = {(e.get("extensions") or {}).get("code") for e in expected.get("errors") or ()}
    return bool(codes) and codes <= REQUEST_ERROR_CODES


def _dict_difference(actual: Any, expected: dict[str, Any], path: str) -> str | None:
    if not isinstance(actual, dict):
        return f"{path}: got {actual!r}, expected an object"
    if set(actual) != set(expected):
        missing, extra = sorted(set(expected) - set(actual)), sorted(set(actual) - set(expected))
        return f"{path}: keys differ (missing {missing}, unexpected {extra})"
    for key, value in expected.items():
        problem = first_difference(actual[key], value, f"{path}.{key}")
        if problem:
            return problem
    return None


def _list_difference(actual: Any, expected: list[Any], path: str) -> str | None:
    if not isinstance(actual, list):
        return f"{path}: got {actual!r}, expected a list"
    if len(actual) != len(expected):
        return f"{path}: got {len(actual)} items, expected {len(expected)}"
    for index, (got, want) in enumerate(zip(actual, expected, strict=True)):
        problem = first_difference(got, want, f"{path}[{index}]")
        if problem:
            return problem
    return None


def _values_match(actual: Any, expected: Any) -> bool:
    if _is_number(expected) and _is_number(actual):
        if isinstance(expected, int) and isinstance(actual, int):
            return bool(expected == actual)
        return math.isclose(actual, expected, rel_tol=REL_TOL, abs_tol=ABS_TOL)
    if isinstance(expected, str) and isinstance(actual, float):
        # Hasura's stringified double precision vs our GraphQL Float.
        return _NUMERIC_STRING.fullmatch(expected) is not None and math.isclose(
            actual, float(expected), rel_tol=REL_TOL, abs_tol=ABS_TOL
        )
    return type(actual) is type(expected) and bool(actual == expected)


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)
