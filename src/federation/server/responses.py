"""Responses the HTTP edge builds itself. Gateway results are sent as the bytes it produced."""

from __future__ import annotations

from collections.abc import Mapping

import orjson
from starlette.responses import Response

from federation.server.media import JSON


def errors_body(message: str, code: str) -> bytes:
    """A GraphQL response with one request error and no `data` entry."""
    return orjson.dumps({"errors": [{"message": message, "extensions": {"code": code}}]})


def json_response(
    body: bytes,
    *,
    media_type: str = JSON,
    status_code: int = 200,
    headers: Mapping[str, str] | None = None,
) -> Response:
    """`body` sent unchanged, labelled with its media type and UTF-8 (JSON is always UTF-8)."""
    return Response(
        body,
        status_code=status_code,
        headers=dict(headers or {}),
        media_type=f"{media_type}; charset=utf-8",
    )
