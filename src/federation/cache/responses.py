"""The response cache: whole query responses, keyed by everything that changes the answer.

Key: the schema version, the document's hash, the operation name, the variables, the caller
(only when the policy is PRIVATE) and the values of request headers that a source of the plan
forwards. Mutations, responses with errors and answers that used a stale fetch are never stored.
When execution fails, an entry expired less than ``cache.stale_if_error`` seconds ago answers
instead, marked ``"extensions": {"cache": {"stale": true, "age": <seconds>}}``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

import orjson

from federation.cache.coalesce import Coalescer
from federation.cache.fetches import REQUEST_STATE, RequestState
from federation.cache.hints import CachePolicy
from federation.cache.settings import Scope
from federation.cache.store import TwoLayerStore
from federation.execution.request_headers import forwarded


@dataclass(frozen=True, slots=True)
class CacheInfo:
    """What the HTTP layer needs for ``Cache-Control`` and ``Age``."""

    max_age: int = 0
    """Seconds; 0 means ``no-store``."""
    scope: Scope = "PUBLIC"
    age: int = 0
    """Seconds since the answer was computed (a cache hit)."""
    hit: bool = False
    stale: bool = False


NO_STORE = CacheInfo()


@dataclass(frozen=True, slots=True)
class CacheRequest:
    document_hash: str
    operation_name: str | None
    variables: bytes
    """Canonical JSON (sorted keys)."""
    caller: str | None


@dataclass(frozen=True, slots=True)
class _Computed:
    body: bytes
    stale_age: float | None


class ResponseCache:
    def __init__(
        self,
        store: TwoLayerStore,
        schema_version: str,
        forward_headers: dict[str, tuple[str, ...]],
        *,
        enabled: bool,
        coalesce: bool,
    ) -> None:
        self.store = store
        self.schema_version = schema_version
        self.forward_headers = forward_headers
        self.enabled = enabled
        self.coalesce = coalesce
        self._in_flight: Coalescer[_Computed] = Coalescer(store.stats)

    async def answer(
        self, request: CacheRequest, policy: CachePolicy, run: Callable[[], Awaitable[bytes]]
    ) -> tuple[bytes, CacheInfo]:
        private = policy.scope == "PRIVATE"
        if not (self.enabled and policy.cacheable) or (private and request.caller is None):
            computed = await _compute(run, request.caller)
            return _uncached(computed)
        key = self.key(request, policy)
        found = await self.store.get_entry(key)
        if found is not None:
            entry = found[0]
            age = int(entry.age(self.store.clock()))
            return entry.value, CacheInfo(int(policy.max_age), policy.scope, age, hit=True)
        since = self.store.generation()
        if self.coalesce:
            computed = await self._in_flight.run(key, lambda: _compute(run, request.caller))
        else:
            computed = await _compute(run, request.caller)
        if has_errors(computed.body):
            return await self._stale_or(key, computed)
        if computed.stale_age is not None:
            return _uncached(computed)
        await self.store.set(key, computed.body, ttl=policy.max_age, tags=policy.tags, since=since)
        return computed.body, CacheInfo(int(policy.max_age), policy.scope)

    async def _stale_or(self, key: str, computed: _Computed) -> tuple[bytes, CacheInfo]:
        found = await self.store.get_entry(key, allow_stale=True)
        if found is None:
            return _uncached(computed)
        entry, layer = found
        self.store.note_stale(layer)
        age = entry.age(self.store.clock())
        return with_stale_mark(entry.value, age), CacheInfo(stale=True, age=int(age))

    def key(self, request: CacheRequest, policy: CachePolicy) -> str:
        headers = {
            source: forwarded(self.forward_headers[source])
            for source in sorted(policy.sources)
            if source in self.forward_headers
        }
        material = orjson.dumps(
            [
                self.schema_version,
                request.document_hash,
                request.operation_name,
                request.variables.decode(),
                request.caller if policy.scope == "PRIVATE" else None,
                headers,
            ]
        )
        return "r:" + hashlib.sha256(material).hexdigest()


async def _compute(run: Callable[[], Awaitable[bytes]], caller: str | None) -> _Computed:
    state = RequestState(caller)
    token = REQUEST_STATE.set(state)
    try:
        body = await run()
    finally:
        REQUEST_STATE.reset(token)
    return _Computed(body, max(state.stale_ages) if state.stale_ages else None)


def _uncached(computed: _Computed) -> tuple[bytes, CacheInfo]:
    if computed.stale_age is None:
        return computed.body, NO_STORE
    age = computed.stale_age
    return with_stale_mark(computed.body, age), CacheInfo(stale=True, age=int(age))


def has_errors(body: bytes) -> bool:
    """The executor writes ``errors`` first when there are any (``{"errors": [...], ...}``)."""
    return body.startswith(b'{"errors"')


def with_stale_mark(body: bytes, age: float) -> bytes:
    """``body`` with ``"extensions": {"cache": {"stale": true, "age": <seconds>}}``."""
    mark = orjson.dumps({"cache": {"stale": True, "age": round(age, 3)}})
    return body[:-1] + b',"extensions":' + mark + b"}"
