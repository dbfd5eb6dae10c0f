"""A two-layer key-value store: L1 in this process, L2 in Redis (optional), tag invalidation.

    store = TwoLayerStore(redis_url="redis://127.0.0.1:6379/0")
    await store.set("k", b"value", ttl=30, tags=["db.album"])
    await store.get("k")                      # b"value" (L1, else L2 promoted into L1)
    await store.invalidate_tags(["db.album"]) # here, in Redis, and (pub/sub) in every process

Redis is a cache, never a dependency: when it cannot be reached, every call goes on with L1
alone, a warning is logged once, and Redis is tried again after ``retry_after`` seconds. As an
invalidation published during an outage is lost, each process empties its L1 when it reconnects.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
import time
from collections.abc import Awaitable, Callable, Iterable
from typing import Literal, TypeVar

from redis.exceptions import RedisError

from federation.cache.entry import Entry, decode, encode, make_entry
from federation.cache.memory import MemoryLayer
from federation.cache.redis_layer import ALL_TAGS, RedisLayer
from federation.cache.settings import CacheSettings
from federation.cache.stats import CacheStats

log = logging.getLogger("federation.cache")

Layer = Literal["l1", "l2"]
T = TypeVar("T")
_OUTAGE = (RedisError, OSError, asyncio.TimeoutError)


class TwoLayerStore:
    def __init__(
        self,
        *,
        max_entries: int = 10_000,
        max_bytes: int = 64 * 1024 * 1024,
        redis_url: str | None = None,
        key_prefix: str = "federation:",
        stale_window: float = 0.0,
        redis_timeout: float = 0.25,
        retry_after: float = 5.0,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.stats = CacheStats()
        self.stale_window = stale_window
        """Seconds an expired entry is kept to answer when its source fails."""
        self.retry_after = retry_after
        self.call_timeout = redis_timeout * 4
        """A bound on one Redis call as a whole (connect, send, read and the client's own
        steps), beyond the socket timeouts: an outage must never hold a request."""
        self.clock = clock
        self.l1 = MemoryLayer(max_entries=max_entries, max_bytes=max_bytes, stats=self.stats.l1)
        self.l2 = (
            RedisLayer(redis_url, prefix=key_prefix, timeout=redis_timeout) if redis_url else None
        )
        self._generation = 0
        self._tag_generation: dict[str, int] = {}
        self._cleared_generation = 0
        self._down_until = 0.0
        self._down = False
        self._listener: asyncio.Task[None] | None = None

    # --- the interface -------------------------------------------------------------------

    async def get(self, key: str) -> bytes | None:
        """The value when fresh, else None."""
        found = await self.get_entry(key)
        return found[0].value if found else None

    async def set(
        self,
        key: str,
        value: bytes,
        *,
        ttl: float | None = None,
        tags: Iterable[str] = (),
        since: int | None = None,
    ) -> None:
        """Keep ``value`` for ``ttl`` seconds (None: until evicted or invalidated; 0 or less:
        not at all). ``since`` (a :meth:`generation` read before the value was computed) drops
        the value when one of its tags was invalidated meanwhile: it may predate the write."""
        if ttl is not None and ttl <= 0:
            return
        self._ensure_listener()
        tags = tuple(dict.fromkeys(tags))
        if since is not None and self._invalidated_since(tags, since):
            return
        entry = make_entry(value, self.clock(), ttl, tags)
        self.l1.set(key, entry)
        self.stats.l1.sets += 1
        if self._redis_usable():
            assert self.l2 is not None
            keep_for = math.inf if ttl is None else ttl + self.stale_window
            if await self._try(self.l2.set(key, encode(entry), keep_for, tags)):
                self.stats.l2.sets += 1

    async def invalidate_tags(self, tags: Iterable[str]) -> int:
        """Remove every entry carrying one of ``tags`` here and in Redis, and tell the other
        processes. Returns how many entries were removed (L1 + L2)."""
        tags = list(dict.fromkeys(tags))
        if not tags:
            return 0
        removed = self._forget(tags)
        if self._redis_usable():
            assert self.l2 is not None
            count = await self._try(self.l2.invalidate(tags))
            if count is not None:
                self.stats.l2.invalidations += count
                removed += count
        return removed

    # --- beyond the interface ----------------------------------------------------------------

    async def get_entry(self, key: str, *, allow_stale: bool = False) -> tuple[Entry, Layer] | None:
        """The entry and the layer it came from: fresh, or (``allow_stale``) expired less than
        ``stale_window`` seconds ago when no fresh one exists."""
        self._ensure_listener()
        now = self.clock()
        stale: tuple[Entry, Layer] | None = None
        entry = self.l1.get(key)
        if entry is not None:
            if entry.fresh(now):
                self.stats.l1.hits += 1
                return entry, "l1"
            if now < entry.keep_until(self.stale_window):
                stale = (entry, "l1")
            else:
                self.l1.discard(key)
        self.stats.l1.misses += 1
        found = await self._from_redis(key, now)
        if found is not None and found.fresh(now):
            return found, "l2"
        if found is not None and stale is None:
            stale = (found, "l2")
        return stale if allow_stale else None

    def note_stale(self, layer: Layer) -> None:
        """Count an answer served from a stale entry of ``layer``."""
        (self.stats.l1 if layer == "l1" else self.stats.l2).stale += 1

    def generation(self) -> int:
        """A token to pass to :meth:`set` as ``since``."""
        return self._generation

    async def clear(self) -> int:
        """Remove every entry, here, in Redis (under the key prefix) and in every process."""
        self._generation += 1
        self._cleared_generation = self._generation
        removed = self.l1.clear()
        if self._redis_usable():
            assert self.l2 is not None
            count = await self._try(self.l2.clear())
            removed += count or 0
        return removed

    @property
    def redis_configured(self) -> bool:
        return self.l2 is not None

    @property
    def redis_up(self) -> bool:
        return self.l2 is not None and not self._down

    async def close(self) -> None:
        if self._listener is not None:
            self._listener.cancel()
            with contextlib.suppress(asyncio.CancelledError, TimeoutError):
                # the listener's cleanup talks to Redis: bounded, Redis may be gone
                await asyncio.wait_for(self._listener, self.call_timeout)
            self._listener = None
        if self.l2 is not None:
            with contextlib.suppress(*_OUTAGE):
                await asyncio.wait_for(self.l2.close(), self.call_timeout)

    # --- internals -------------------------------------------------------------------------

    def _forget(self, tags: list[str]) -> int:
        self._generation += 1
        if ALL_TAGS in tags:
            self._cleared_generation = self._generation
            return self.l1.clear()
        for tag in tags:
            self._tag_generation[tag] = self._generation
        return self.l1.invalidate(tags)

    def _invalidated_since(self, tags: tuple[str, ...], since: int) -> bool:
        if self._cleared_generation > since:
            return True
        return any(self._tag_generation.get(tag, 0) > since for tag in tags)

    async def _from_redis(self, key: str, now: float) -> Entry | None:
        if not self._redis_usable():
            return None
        assert self.l2 is not None
        blob = await self._try(self.l2.get(key))
        entry = decode(blob) if blob is not None else None
        if entry is None or now >= entry.keep_until(self.stale_window):
            self.stats.l2.misses += 1
            return None
        if entry.fresh(now):
            self.stats.l2.hits += 1
            self.l1.set(key, entry)
        return entry

    def _redis_usable(self) -> bool:
        return self.l2 is not None and time.monotonic() >= self._down_until

    async def _try(self, call: Awaitable[T]) -> T | None:
        try:
            async with asyncio.timeout(self.call_timeout):
                result = await call
        except _OUTAGE as error:
            self._failed(error)
            return None
        self._recovered()
        return result

    def _failed(self, error: BaseException) -> None:
        self.stats.l2.errors += 1
        self._down_until = time.monotonic() + self.retry_after
        if not self._down:
            self._down = True
            log.warning(
                "Redis cache unreachable (%s): answering from the in-process cache only; "
                "retrying every %g s",
                error or type(error).__name__,
                self.retry_after,
            )

    def _recovered(self) -> None:
        if self._down:
            self._down = False
            log.warning(
                "Redis cache reachable again: in-process cache emptied "
                "(it may have missed invalidations)"
            )
            self._forget([ALL_TAGS])

    def _ensure_listener(self) -> None:
        if self.l2 is not None and self._listener is None:
            self._listener = asyncio.get_running_loop().create_task(self._listen())

    async def _listen(self) -> None:
        """Apply other processes' invalidations to L1, for as long as the store lives."""
        assert self.l2 is not None
        first = True
        while True:
            try:
                async for tags in self.l2.messages():
                    if not tags:  # (re)subscribed: anything published while away is lost
                        if not first:
                            self._forget([ALL_TAGS])
                        first = False
                        self._recovered()
                        continue
                    self._forget(tags)
            except _OUTAGE as error:
                self._failed(error)
                first = False
            await asyncio.sleep(self.retry_after)


def store_from_settings(settings: CacheSettings) -> TwoLayerStore:
    return TwoLayerStore(
        max_entries=settings.max_entries,
        max_bytes=settings.max_bytes,
        redis_url=settings.redis_url,
        key_prefix=settings.key_prefix,
        stale_window=settings.stale_if_error,
        redis_timeout=settings.redis_timeout,
        retry_after=settings.redis_retry_after,
    )
