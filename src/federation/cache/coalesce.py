"""Request coalescing: identical work in flight runs once; every caller gets its result.

The work runs in a task of its own, so a caller that goes away (a client disconnecting) does
not cancel it for the others.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Generic, TypeVar

from federation.cache.stats import CacheStats

T = TypeVar("T")


class Coalescer(Generic[T]):
    def __init__(self, stats: CacheStats) -> None:
        self.stats = stats
        self._in_flight: dict[str, asyncio.Task[T]] = {}

    def __len__(self) -> int:
        return len(self._in_flight)

    async def run(self, key: str, work: Callable[[], Awaitable[T]]) -> T:
        task = self._in_flight.get(key)
        if task is not None:
            self.stats.coalesced += 1
        else:
            task = asyncio.ensure_future(work())
            self._in_flight[key] = task
            task.add_done_callback(lambda done: self._finished(key, done))
        return await asyncio.shield(task)

    def _finished(self, key: str, task: asyncio.Task[T]) -> None:
        if self._in_flight.get(key) is task:
            del self._in_flight[key]
        if not task.cancelled():
            task.exception()  # retrieved here: every waiter may have gone away
