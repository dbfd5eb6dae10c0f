"""Masking of unexpected errors (the production profile).

An error the caller can act on keeps its message: validation and other request errors, limits,
constraint violations, a source that is down or slow. Any other error in a result (a source's
own failure, whose text can reveal tables, hosts or data) is answered with a generic message and
its code; the original goes to the log.
"""

from __future__ import annotations

import logging
from typing import Any, Final

import orjson

log = logging.getLogger("federation.security")

UNEXPECTED_CODES: Final = frozenset({"SOURCE_ERROR", "INTERNAL_SERVER_ERROR"})
MASKED_MESSAGE: Final = "internal error: the details are in the gateway's log"


def mask_unexpected(body: bytes) -> bytes:
    """``body`` with the messages of unexpected errors replaced (unchanged when it has none)."""
    if b'"errors"' not in body:
        return body
    response = orjson.loads(body)
    errors = response.get("errors") if isinstance(response, dict) else None
    if not errors or not any(_unexpected(error) for error in errors):
        return body
    response["errors"] = [_masked(error) if _unexpected(error) else error for error in errors]
    return orjson.dumps(response)


def _unexpected(error: dict[str, Any]) -> bool:
    code = (error.get("extensions") or {}).get("code")
    return code is None or code in UNEXPECTED_CODES


def _masked(error: dict[str, Any]) -> dict[str, Any]:
    log.error("masked error: %s", error.get("message"), extra={"graphql_error": error})
    code = (error.get("extensions") or {}).get("code") or "INTERNAL_SERVER_ERROR"
    masked: dict[str, Any] = {"message": MASKED_MESSAGE}
    if "path" in error:
        masked["path"] = error["path"]
    masked["extensions"] = {"code": code}
    return masked
