"""Counters per cache layer, cheap to bump and ready to export as metrics."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass(slots=True)
class LayerStats:
    hits: int = 0
    misses: int = 0
    stale: int = 0
    """Answers served from an expired entry because the source failed (stale-if-error)."""
    evictions: int = 0
    """Entries dropped to make room (L1) ; L2 evictions are Redis's own (``evicted_keys``)."""
    sets: int = 0
    invalidations: int = 0
    """Entries removed because a tag they carry was invalidated or purged."""
    errors: int = 0
    """Operations that failed (L2: Redis unreachable; the request went on without it)."""


@dataclass(slots=True)
class CacheStats:
    l1: LayerStats = field(default_factory=LayerStats)
    l2: LayerStats = field(default_factory=LayerStats)
    coalesced: int = 0
    """Requests that waited for an identical request already in flight instead of running."""

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)
