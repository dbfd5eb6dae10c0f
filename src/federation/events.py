"""Events the gateway reports to whoever listens: today, the tables a mutation changed.

    def forget(event: TablesChanged) -> None:
        cache.invalidate(event.source, event.tables)

    unsubscribe = gateway.events.subscribe(forget)

A subscriber is a plain function or a coroutine function; it runs after the mutation's
transaction committed, before the response is sent. A subscriber that raises is logged and
does not change the response (the data is already written).
"""

from __future__ import annotations

import inspect
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

log = logging.getLogger("federation.events")


@dataclass(frozen=True, slots=True)
class TablesChanged:
    """A mutation root field committed writes to ``tables`` of ``source``: qualified names as
    the catalog has them (``public.article``, or ``article`` where the source has no schemas);
    nested inserts list every table they wrote."""

    source: str
    tables: frozenset[str]


Subscriber = Callable[[TablesChanged], Awaitable[None] | None]


class Events:
    """A tiny registry of subscribers, called in the order they subscribed."""

    def __init__(self) -> None:
        self._subscribers: list[Subscriber] = []

    def subscribe(self, subscriber: Subscriber) -> Callable[[], None]:
        """Call ``subscriber`` for every event; returns a function that unsubscribes it."""
        self._subscribers.append(subscriber)
        return lambda: self._subscribers.remove(subscriber)

    async def publish(self, event: TablesChanged) -> None:
        for subscriber in list(self._subscribers):
            try:
                result = subscriber(event)
                if inspect.isawaitable(result):
                    await result
            except Exception:  # a listener's bug must not fail a committed write
                log.exception("event subscriber %r failed on %r", subscriber, event)
