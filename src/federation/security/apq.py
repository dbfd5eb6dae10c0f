"""Automatic persisted queries, with Apollo's wire protocol.

A client sends ``extensions: {"persistedQuery": {"version": 1, "sha256Hash": "<hex>"}}`` without
``query``; an unknown hash is answered ``PersistedQueryNotFound`` and the client sends the hash
with the query, which is then remembered. Documents are kept in the gateway's two-layer cache
store, so every replica that shares its Redis knows them.

Both protocol answers are 200 with ``Cache-Control: private, no-cache, must-revalidate`` (as
Apollo Server sends them), whatever the media type: Apollo Client's link reads them from the
body, and no CDN may keep them.
"""

from __future__ import annotations

import re
from typing import Any, Final, Protocol

from federation.security.refusal import Refusal

KEY_PREFIX: Final = "apq:"
_HEX64 = re.compile(r"[0-9a-fA-F]{64}")
_NO_STORE: Final = {"Cache-Control": "private, no-cache, must-revalidate"}


class Store(Protocol):
    """What APQ needs of :class:`federation.cache.store.TwoLayerStore`."""

    async def get(self, key: str) -> bytes | None: ...

    async def set(self, key: str, value: bytes, *, ttl: float | None = None) -> None: ...


def not_found() -> Refusal:
    return Refusal(
        "PersistedQueryNotFound", "PERSISTED_QUERY_NOT_FOUND", status=200, headers=_NO_STORE
    )


def not_supported() -> Refusal:
    return Refusal(
        "PersistedQueryNotSupported", "PERSISTED_QUERY_NOT_SUPPORTED", status=200, headers=_NO_STORE
    )


def requested_hash(extensions: dict[str, Any] | None) -> str | None:
    """The hash of ``extensions.persistedQuery``, or None when there is none; raises
    :class:`Refusal` (400) when it is malformed."""
    persisted = (extensions or {}).get("persistedQuery")
    if persisted is None:
        return None
    if not isinstance(persisted, dict) or persisted.get("version") != 1:
        raise Refusal(
            "Unsupported persisted query version: send extensions.persistedQuery with "
            '{"version": 1, "sha256Hash": "<hex>"}',
            "PERSISTED_QUERY_VERSION_NOT_SUPPORTED",
            status=400,
        )
    digest = persisted.get("sha256Hash")
    if not isinstance(digest, str) or not _HEX64.fullmatch(digest):
        raise Refusal(
            "extensions.persistedQuery.sha256Hash must be the SHA-256 of the query as 64 "
            "hexadecimal digits",
            "BAD_REQUEST",
            status=400,
        )
    return digest.lower()


def mismatch() -> Refusal:
    return Refusal(
        "provided sha does not match query: extensions.persistedQuery.sha256Hash must be the "
        "SHA-256 (hex) of the exact query text sent with it",
        "PERSISTED_QUERY_HASH_MISMATCH",
        status=400,
    )


class APQ:
    """Registered documents by hash, in the shared store."""

    def __init__(self, store: Store, ttl: float | None) -> None:
        self.store = store
        self.ttl = ttl

    async def get(self, digest: str) -> str | None:
        found = await self.store.get(KEY_PREFIX + digest)
        return found.decode() if found is not None else None

    async def remember(self, digest: str, query: str) -> None:
        await self.store.set(KEY_PREFIX + digest, query.encode(), ttl=self.ttl)
