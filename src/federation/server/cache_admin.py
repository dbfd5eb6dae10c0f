"""Admin-only cache endpoints, behind ``Authorization: Bearer <cache.admin_token>``:

- ``POST /admin/cache/purge`` with ``{"tags": [...]}``, ``{"types": [...]}`` or ``{"all": true}``;
- ``GET /admin/cache/stats``: hits, misses, stale answers and evictions per layer.

Without ``cache.admin_token`` they answer 404. The token is compared by its SHA-256 digest in
constant time, so neither its length nor its prefix leaks through timing.
"""

from __future__ import annotations

import hashlib
import hmac
from typing import Any

import orjson
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from federation.cache.purge import purge
from federation.cache.store import TwoLayerStore
from federation.server.responses import errors_body, json_response
from federation.server.state import gateway_of

_PURGE_SHAPE = 'send {"tags": ["db.album"]}, {"types": ["Album"]} or {"all": true}'


def cache_admin_routes() -> list[BaseRoute]:
    return [
        Route("/admin/cache/purge", purge_endpoint, methods=["POST"]),
        Route("/admin/cache/stats", stats_endpoint, methods=["GET"]),
    ]


class _Denied(Exception):
    def __init__(self, status: int, message: str, code: str) -> None:
        super().__init__(message)
        self.status, self.code = status, code

    def response(self) -> Response:
        headers = (
            {"WWW-Authenticate": 'Bearer realm="federation-admin"'} if self.status == 401 else {}
        )
        return json_response(
            errors_body(str(self), self.code), status_code=self.status, headers=headers
        )


def _authorized_store(request: Request) -> TwoLayerStore:
    gateway = gateway_of(request)
    if gateway is None:
        raise _Denied(503, "the gateway is still starting: retry shortly", "STARTING")
    token = gateway.config.cache.admin_token
    if not token:
        raise _Denied(404, "cache admin endpoints are off: set cache.admin_token", "NOT_FOUND")
    scheme, _, given = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not given.strip():
        raise _Denied(
            401,
            "admin endpoint: send Authorization: Bearer <cache.admin_token>",
            "UNAUTHENTICATED",
        )
    expected = hashlib.sha256(token.encode()).digest()
    if not hmac.compare_digest(hashlib.sha256(given.strip().encode()).digest(), expected):
        raise _Denied(403, "admin endpoint: the bearer token is not cache.admin_token", "FORBIDDEN")
    store: TwoLayerStore | None = getattr(gateway, "cache_store", None)
    if store is None:
        raise _Denied(404, "this gateway has no cache", "NOT_FOUND")
    return store


async def purge_endpoint(request: Request) -> Response:
    try:
        store = _authorized_store(request)
        tags, types, everything = _purge_request(await request.body())
    except _Denied as denied:
        return denied.response()
    removed = await purge(store, tags=tags, types=types, everything=everything)
    body = {"purged": removed, "redis": _redis_state(store)}
    return json_response(orjson.dumps(body), headers={"Cache-Control": "no-store"})


async def stats_endpoint(request: Request) -> Response:
    try:
        store = _authorized_store(request)
    except _Denied as denied:
        return denied.response()
    body = {
        **store.stats.as_dict(),
        "l1_entries": len(store.l1),
        "l1_bytes": store.l1.size,
        "redis": _redis_state(store),
    }
    return json_response(orjson.dumps(body), headers={"Cache-Control": "no-store"})


def _purge_request(raw: bytes) -> tuple[list[str], list[str], bool]:
    try:
        data: Any = orjson.loads(raw or b"{}")
    except orjson.JSONDecodeError:
        raise _Denied(400, f"the body is not JSON: {_PURGE_SHAPE}", "BAD_REQUEST") from None
    if not isinstance(data, dict) or not set(data) <= {"tags", "types", "all"}:
        raise _Denied(400, f"unexpected body: {_PURGE_SHAPE}", "BAD_REQUEST")
    tags, types, everything = data.get("tags", []), data.get("types", []), data.get("all")
    lists_ok = all(
        isinstance(v, list) and all(isinstance(i, str) for i in v) for v in (tags, types)
    )
    if not lists_ok or everything not in (None, True, False):
        raise _Denied(400, f"tags and types are lists of strings: {_PURGE_SHAPE}", "BAD_REQUEST")
    if not (tags or types or everything):
        raise _Denied(400, f"nothing to purge: {_PURGE_SHAPE}", "BAD_REQUEST")
    return tags, types, everything is True


def _redis_state(store: TwoLayerStore) -> str:
    if not store.redis_configured:
        return "not configured"
    return "up" if store.redis_up else "unreachable (answering from memory)"
