"""Purging by tag, by type or everything: shared by the CLI and the admin endpoint."""

from __future__ import annotations

from collections.abc import Iterable

from federation.cache.hints import type_tag
from federation.cache.store import TwoLayerStore


async def purge(
    store: TwoLayerStore,
    *,
    tags: Iterable[str] = (),
    types: Iterable[str] = (),
    everything: bool = False,
) -> int:
    """Remove matching entries here, in Redis and (through pub/sub) in every other process;
    returns how many entries this process and Redis held."""
    if everything:
        return await store.clear()
    return await store.invalidate_tags([*tags, *(type_tag(name) for name in types)])
