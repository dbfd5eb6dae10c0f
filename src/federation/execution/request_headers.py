"""The incoming request's headers, for connectors that forward some of them to their source.

The server sets :data:`REQUEST_HEADERS` once per HTTP request (an ASGI middleware,
:mod:`federation.server.forwarding`); fetches run in tasks that copy the context, so every
connector call made for that request sees it. A connector forwards only the headers its source
names in ``options.forward_headers``, and never a hop-by-hop or message-framing header.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from contextvars import ContextVar

REQUEST_HEADERS: ContextVar[Mapping[str, str] | None] = ContextVar("request_headers", default=None)
"""Lower-case header name -> value (repeated headers joined with ``", "``); None outside a
request (the CLI, tests calling ``Gateway.execute`` directly)."""

HOP_BY_HOP = frozenset(
    {
        # RFC 9110 section 7.6.1 and RFC 2616 section 13.5.1: meaningful for one connection only
        "connection",
        "keep-alive",
        "proxy-authenticate",
        "proxy-authorization",
        "proxy-connection",
        "te",
        "trailer",
        "transfer-encoding",
        "upgrade",
    }
)
FRAMING = frozenset({"host", "content-length", "content-type", "content-encoding", "expect"})
"""Headers that describe the incoming message itself: the outgoing request has its own."""
NEVER_FORWARDED = HOP_BY_HOP | FRAMING


def incoming_headers(raw: Iterable[tuple[bytes, bytes]]) -> dict[str, str]:
    """ASGI ``scope["headers"]`` as a mapping, without the headers that may never be forwarded
    (including any the ``Connection`` header names as hop-by-hop for this request)."""
    headers: dict[str, str] = {}
    for name, value in raw:
        key = name.decode("latin-1").lower()
        text = value.decode("latin-1")
        headers[key] = f"{headers[key]}, {text}" if key in headers else text
    dropped = NEVER_FORWARDED | {
        token.strip().lower() for token in headers.get("connection", "").split(",")
    }
    return {key: value for key, value in headers.items() if key not in dropped}


def forwarded(names: Iterable[str]) -> dict[str, str]:
    """The headers among ``names`` (lower-case) that the current request carries."""
    incoming = REQUEST_HEADERS.get() or {}
    return {name: incoming[name] for name in names if name in incoming}
