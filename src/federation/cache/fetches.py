"""The per-source fetch cache: the JSON text a source returned for one statement (or, for a
native connector, one plan node), keyed by what was sent, tagged by the tables read.

:class:`CachingExecutor` wraps :meth:`Executor.call_source`, the one place a source is asked for
data, so every fetch (root fields, batched cross-source levels) goes through it. Identical
fetches in flight are coalesced; a failing source is answered from a stale entry within
``cache.stale_if_error`` seconds, and the request is told (:data:`REQUEST_STATE`).
"""

from __future__ import annotations

import hashlib
from collections.abc import Awaitable, Callable
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

import orjson

from federation.cache.coalesce import Coalescer
from federation.cache.hints import CachePolicy, HintIndex
from federation.cache.store import TwoLayerStore
from federation.errors import SourceError
from federation.execution.executor import Executor
from federation.execution.request_headers import forwarded
from federation.planner.plan import RootField
from federation.planner.sql.statement import CompiledStatement

Text = str | bytes | None
CallSource = Callable[[RootField, CompiledStatement | None], Awaitable[Text]]


@dataclass(slots=True)
class RequestState:
    """What the caches learnt while answering one request."""

    caller: str | None = None
    stale_ages: list[float] = field(default_factory=list)
    """Ages (seconds) of the stale entries that answered for failing sources."""


REQUEST_STATE: ContextVar[RequestState | None] = ContextVar("cache_request_state", default=None)


@dataclass(frozen=True, slots=True)
class _Fetched:
    text: Text
    stale_age: float | None = None


class FetchCache:
    def __init__(
        self,
        store: TwoLayerStore,
        hints: HintIndex,
        schema_version: str,
        forward_headers: dict[str, tuple[str, ...]],
        *,
        enabled: bool,
        coalesce: bool,
    ) -> None:
        self.store = store
        self.hints = hints
        self.schema_version = schema_version
        self.forward_headers = forward_headers
        """Source -> the request headers its connector forwards: they change its answers."""
        self.enabled = enabled
        self.coalesce = coalesce
        self._in_flight: Coalescer[_Fetched] = Coalescer(store.stats)

    async def fetch(
        self, field: RootField, statement: CompiledStatement | None, call: CallSource
    ) -> Text:
        state = REQUEST_STATE.get()
        caller = state.caller if state else None
        policy = self.hints.root_policy(field)
        private = policy.scope == "PRIVATE"
        if private and caller is None:
            return await call(field, statement)  # nothing to tell callers apart: no sharing
        key = self.key(field, statement, caller if private else None)
        if self.coalesce:
            fetched = await self._in_flight.run(
                key, lambda: self._fetch(key, policy, field, statement, call)
            )
        else:
            fetched = await self._fetch(key, policy, field, statement, call)
        if fetched.stale_age is not None and state is not None:
            state.stale_ages.append(fetched.stale_age)
        return fetched.text

    async def _fetch(
        self,
        key: str,
        policy: CachePolicy,
        field: RootField,
        statement: CompiledStatement | None,
        call: CallSource,
    ) -> _Fetched:
        use_store = self.enabled and policy.cacheable
        if use_store:
            found = await self.store.get_entry(key)
            if found is not None:
                return _Fetched(_decode(found[0].value))
        since = self.store.generation()
        try:
            text = await call(field, statement)
        except SourceError:
            stale = await self.store.get_entry(key, allow_stale=True) if use_store else None
            if stale is None:
                raise
            self.store.note_stale(stale[1])
            return _Fetched(_decode(stale[0].value), stale[0].age(self.store.clock()))
        if use_store:
            await self.store.set(
                key, _encode(text), ttl=policy.max_age, tags=policy.tags, since=since
            )
        return _Fetched(text)

    def key(self, field: RootField, statement: CompiledStatement | None, caller: str | None) -> str:
        what: Any = (
            [statement.sql, _params(statement.params)] if statement is not None else repr(field)
        )
        headers = forwarded(self.forward_headers.get(field.source, ()))
        material = orjson.dumps(
            [self.schema_version, field.source, what, caller, sorted(headers.items())],
            default=_typed,
            option=orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_PASSTHROUGH_DATACLASS,
        )
        return "f:" + hashlib.sha256(material).hexdigest()


class CachingExecutor(Executor):
    """The executor with the fetch cache around :meth:`call_source`."""

    fetches: FetchCache | None = None

    async def call_source(self, field: RootField, statement: CompiledStatement | None) -> Text:
        if self.fetches is None:
            return await super().call_source(field, statement)
        return await self.fetches.fetch(field, statement, super().call_source)


# None (a source with no rows to build JSON from) must survive the round trip: one marker byte.
_NONE, _BYTES, _STR = b"\x00", b"\x01", b"\x02"


def _encode(text: Text) -> bytes:
    if text is None:
        return _NONE
    return _BYTES + text if isinstance(text, bytes) else _STR + text.encode()


def _decode(value: bytes) -> Text:
    marker, body = value[:1], value[1:]
    if marker == _NONE:
        return None
    return body if marker == _BYTES else body.decode()


def _params(params: Any) -> Any:
    return list(params) if isinstance(params, tuple | list) else params


def _typed(value: Any) -> str:
    """Values orjson cannot write (Decimal, bytes...), with their type: 1 and "1" differ."""
    return f"{type(value).__name__}:{value!r}"
