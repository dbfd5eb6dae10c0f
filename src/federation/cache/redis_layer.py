"""L2: Redis, shared by every worker and replica, and the pub/sub channel that carries
invalidations to every process's L1.

Keys: ``<prefix>e:<key>`` holds an encoded :class:`~federation.cache.entry.Entry`;
``<prefix>t:<tag>`` is the set of entry keys that carry the tag. Invalidating a tag deletes the
entries and the set in one Lua script, then publishes the tags on ``<prefix>invalidate``.
Every call may raise ``redis.RedisError`` or ``OSError``: the store decides what an outage means.
"""

from __future__ import annotations

import math
import os
import uuid
from collections.abc import AsyncIterator, Iterable
from typing import Any, Final

import orjson
from redis.asyncio import Redis
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff

ALL_TAGS: Final = "*"
"""The tag that stands for every entry in an invalidation message (a purge --all)."""

_INVALIDATE: Final = """
local removed = 0
for _, tag_key in ipairs(KEYS) do
  local members = redis.call('SMEMBERS', tag_key)
  for i = 1, #members, 1000 do
    removed = removed + redis.call('UNLINK', unpack(members, i, math.min(i + 999, #members)))
  end
  redis.call('UNLINK', tag_key)
end
return removed
"""


class RedisLayer:
    def __init__(self, url: str, *, prefix: str, timeout: float) -> None:
        self.prefix = prefix
        self.channel = f"{prefix}invalidate"
        self.origin = f"{os.getpid()}-{uuid.uuid4().hex[:8]}"
        """Names this process in the messages it publishes, so that it can skip its own."""
        # No retries: an unreachable Redis must cost a request one short timeout, not several.
        self.client: Redis = Redis.from_url(
            url,
            socket_timeout=timeout,
            socket_connect_timeout=timeout,
            retry=Retry(NoBackoff(), 0),
        )
        self._invalidate = self.client.register_script(_INVALIDATE)

    async def close(self) -> None:
        await self.client.aclose()

    def entry_key(self, key: str) -> str:
        return f"{self.prefix}e:{key}"

    def tag_key(self, tag: str) -> str:
        return f"{self.prefix}t:{tag}"

    async def get(self, key: str) -> bytes | None:
        value = await self.client.get(self.entry_key(key))
        return value if isinstance(value, bytes) else None

    async def set(self, key: str, blob: bytes, keep_for: float, tags: Iterable[str]) -> bool:
        """Store ``blob`` for ``keep_for`` seconds (``inf``: until evicted or invalidated)."""
        entry_key = self.entry_key(key)
        seconds = None if math.isinf(keep_for) else max(1, math.ceil(keep_for))
        async with self.client.pipeline(transaction=False) as pipe:
            pipe.set(entry_key, blob, ex=seconds)
            for tag in tags:
                tag_key = self.tag_key(tag)
                pipe.sadd(tag_key, entry_key)
                if seconds is None:
                    pipe.persist(tag_key)
                else:  # the set lives as long as its longest-lived entry
                    pipe.expire(tag_key, seconds, nx=True)
                    pipe.expire(tag_key, seconds, gt=True)
            await pipe.execute()
        return True

    async def invalidate(self, tags: Iterable[str]) -> int:
        keys = [self.tag_key(tag) for tag in tags]
        removed = int(await self._invalidate(keys=keys)) if keys else 0
        await self.publish(tags=list(tags))
        return removed

    async def clear(self) -> int:
        removed = 0
        async for batch in self._batches(f"{self.prefix}[et]:*"):
            removed += int(await self.client.unlink(*batch))
        await self.publish(tags=[ALL_TAGS])
        return removed

    async def publish(self, *, tags: list[str]) -> None:
        message = orjson.dumps({"origin": self.origin, "tags": tags})
        await self.client.publish(self.channel, message)

    async def _batches(self, pattern: str) -> AsyncIterator[list[Any]]:
        batch: list[Any] = []
        async for key in self.client.scan_iter(match=pattern, count=1000):
            batch.append(key)
            if len(batch) >= 1000:
                yield batch
                batch = []
        if batch:
            yield batch

    async def messages(self) -> AsyncIterator[list[str]]:
        """The tags of every invalidation other processes publish, until the connection fails
        (then it raises). Starts with an empty list once subscribed."""
        pubsub = self.client.pubsub(ignore_subscribe_messages=True)
        try:
            await pubsub.subscribe(self.channel)
            yield []
            while True:
                # A bounded wait (not socket_timeout's error) so that a quiet channel is normal.
                message = await pubsub.get_message(timeout=1.0)
                if message is None:
                    continue
                tags = _tags_of(message.get("data"), self.origin)
                if tags:
                    yield tags
        finally:
            await pubsub.aclose()

    async def ping(self) -> None:
        await self.client.ping()


def _tags_of(data: Any, own_origin: str) -> list[str]:
    try:
        message = orjson.loads(data)
    except (orjson.JSONDecodeError, TypeError):
        return []
    if not isinstance(message, dict) or message.get("origin") == own_origin:
        return []
    tags = message.get("tags")
    return [t for t in tags if isinstance(t, str)] if isinstance(tags, list) else []
