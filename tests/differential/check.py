"""One comparison: the gateway's response against the reference's ``ExecutionResult``."""

from __future__ import annotations

from typing import Any

import orjson

from .compare import first_difference
from .conftest import Pair


async def difference(
    pair: Pair,
    query: str,
    variables: dict[str, Any] | None = None,
    operation_name: str | None = None,
    *,
    unordered: bool = False,
) -> str | None:
    """Why the gateway's answer differs from the reference's, or None when they agree.

    Both must agree on whether there are errors; without errors, ``data`` must be equal.
    With errors only their presence is compared (the gateway reports a failed root field as
    ``data: null``, graphql-core nulls the nearest nullable parent)."""
    response = orjson.loads((await pair.gateway.execute(query, variables, operation_name)).body)
    expected = pair.reference.execute(query, variables, operation_name)
    got_errors, want_errors = bool(response.get("errors")), bool(expected.errors)
    if got_errors != want_errors:
        return (
            f"errors: gateway {response.get('errors')!r}, "
            f"reference {[e.message for e in expected.errors or ()]!r}"
        )
    if want_errors:
        return None
    return first_difference(response.get("data"), expected.data, unordered=unordered)
