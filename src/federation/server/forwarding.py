"""ASGI middleware that publishes each HTTP request's headers to the connectors
(:data:`federation.execution.request_headers.REQUEST_HEADERS`) for ``options.forward_headers``.

A plain ASGI middleware rather than Starlette's ``BaseHTTPMiddleware``: the endpoint then runs in
this very context, and the variable is reset when the request ends.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Receive, Scope, Send

from federation.execution.request_headers import REQUEST_HEADERS, incoming_headers


class RequestHeadersMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        token = REQUEST_HEADERS.set(incoming_headers(scope["headers"]))
        try:
            await self.app(scope, receive, send)
        finally:
            REQUEST_HEADERS.reset(token)
