"""HTTP caching of GraphQL responses: ``Cache-Control`` from the computed maxAge and scope,
``Age`` for answers served from the cache, and ``ETag`` / ``If-None-Match`` -> 304 for GET.

A response is ``no-store`` unless the gateway computed a maxAge above 0 for it (queries only:
never mutations, request errors or answers with errors). The ETag is a hash of the exact bytes
sent, so it changes exactly when the body does.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping

from cachetools import LRUCache
from starlette.responses import Response

from federation.cache.responses import CacheInfo

NO_STORE = "no-store"


def cache_control(info: CacheInfo, *, failed: bool) -> dict[str, str]:
    if failed or info.max_age <= 0:
        return {"Cache-Control": NO_STORE}
    headers = {"Cache-Control": f"max-age={info.max_age}, {info.scope.lower()}"}
    if info.age > 0:
        headers["Age"] = str(min(info.age, info.max_age))
    return headers


_RECENT: LRUCache[int, tuple[bytes, str]] = LRUCache(256)
"""ETags of recent bodies by identity: a cache hit hands out the same bytes object, so its
ETag is not hashed again (90 KB cost about 60 µs, a third of a cached answer)."""


def etag_of(body: bytes) -> str:
    recent = _RECENT.get(id(body))
    if recent is not None and recent[0] is body:
        return recent[1]
    etag = '"' + hashlib.blake2b(body, digest_size=16).hexdigest() + '"'
    _RECENT[id(body)] = (body, etag)  # the body is kept, so its id cannot be reused meanwhile
    return etag


def matches(if_none_match: str | None, etag: str) -> bool:
    """RFC 9110 13.1.2: weak comparison against a list of entity tags, or ``*``."""
    if not if_none_match:
        return False
    if if_none_match.strip() == "*":
        return True
    wanted = etag.removeprefix("W/")
    return any(tag.strip().removeprefix("W/") == wanted for tag in if_none_match.split(","))


def not_modified(headers: Mapping[str, str]) -> Response:
    """304: no body; the validators and caching headers a 200 would have carried."""
    return Response(status_code=304, headers=dict(headers))
