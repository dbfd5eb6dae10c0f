"""Per-client rate limits: a token bucket per caller, in Redis when the cache has one.

A bucket holds at most ``burst`` tokens and gains ``requests_per_second`` tokens a second; each
request (each request of a batch) takes one. An empty bucket answers 429 with ``Retry-After``:
the whole seconds until a token is back. In Redis, one Lua script reads, refills and takes
atomically, with Redis's own clock, so replicas share each bucket exactly. If Redis cannot be
reached, the in-process buckets take over (a limit per replica rather than no limit).
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Callable
from typing import Any, Final

from cachetools import TTLCache
from redis.asyncio import Redis
from redis.exceptions import RedisError

from federation.security.refusal import Refusal
from federation.security.settings import RateLimit

log = logging.getLogger("federation.security")

_SCRIPT: Final = """
local rate = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local cost = tonumber(ARGV[3])
local clock = redis.call('TIME')
local now = tonumber(clock[1]) + tonumber(clock[2]) / 1000000
local state = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens = tonumber(state[1]) or burst
local at = tonumber(state[2]) or now
tokens = math.min(burst, tokens + math.max(0, now - at) * rate)
local wait = 0
if tokens >= cost then
  tokens = tokens - cost
else
  wait = (cost - tokens) / rate
end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', tostring(now))
redis.call('PEXPIRE', KEYS[1], math.ceil(burst / rate * 1000) + 1000)
return tostring(wait)
"""


class MemoryBuckets:
    """Buckets in this process (a bucket unused for an hour is forgotten)."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self.clock = clock
        self.buckets: TTLCache[str, tuple[float, float]] = TTLCache(100_000, 3600, timer=clock)

    async def take(self, key: str, limit: RateLimit, cost: int) -> float:
        """Seconds to wait before ``cost`` tokens are there (0: taken now)."""
        now = self.clock()
        tokens, at = self.buckets.get(key, (float(limit.burst), now))
        tokens = min(limit.burst, tokens + max(0.0, now - at) * limit.requests_per_second)
        wait = 0.0
        if tokens >= cost:
            tokens -= cost
        else:
            wait = (cost - tokens) / limit.requests_per_second
        self.buckets[key] = (tokens, now)
        return wait


class RedisBuckets:
    """Buckets in Redis, shared by every replica."""

    def __init__(self, url: str, prefix: str, fallback: MemoryBuckets) -> None:
        self.redis: Any = Redis.from_url(url, socket_timeout=0.25, socket_connect_timeout=0.25)
        self.script = self.redis.register_script(_SCRIPT)
        self.prefix = prefix
        self.fallback = fallback
        self.warned = False

    async def take(self, key: str, limit: RateLimit, cost: int) -> float:
        args = [limit.requests_per_second, limit.burst, cost]
        try:
            wait = await self.script(keys=[f"{self.prefix}ratelimit:{key}"], args=args)
        except (TimeoutError, RedisError, OSError) as error:
            if not self.warned:
                log.warning("rate limits fall back to this process: Redis failed: %s", error)
                self.warned = True
            return await self.fallback.take(key, limit, cost)
        self.warned = False
        return float(wait)

    async def close(self) -> None:
        await self.redis.aclose()


class RateLimiter:
    def __init__(self, buckets: MemoryBuckets | RedisBuckets) -> None:
        self.buckets = buckets

    async def admit(self, key: str, limit: RateLimit | None, cost: int, who: str) -> None:
        """Take ``cost`` tokens from ``key``'s bucket, or raise :class:`Refusal` (429)."""
        if limit is None:
            return
        if cost > limit.burst:  # would never pass: waiting does not help
            raise Refusal(
                f"the batch holds {cost} requests, more than the {limit.burst} that {who} may "
                "send at once (rate_limit.burst): split it into smaller batches",
                "RATE_LIMITED",
                status=429,
            )
        wait = await self.buckets.take(key, limit, cost)
        if wait > 0:
            raise _refusal(who, limit, max(1, math.ceil(wait)), cost)

    async def close(self) -> None:
        if isinstance(self.buckets, RedisBuckets):
            await self.buckets.close()


def _refusal(who: str, limit: RateLimit, retry_after: int, cost: int) -> Refusal:
    return Refusal(
        f"rate limit exceeded for {who}: at most {limit.requests_per_second:g} requests per "
        f"second (bursts of {limit.burst}); this request needs {cost}: retry after "
        f"{retry_after} s",
        "RATE_LIMITED",
        status=429,
        headers={"Retry-After": str(retry_after)},
        extensions={"retryAfter": retry_after},
    )
