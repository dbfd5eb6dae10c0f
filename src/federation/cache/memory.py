"""L1: the in-process layer, an LRU bounded by entries and by bytes, indexed by tag.

Both bounds hold with one cachetools ``maxsize``: an entry costs at least
``max_bytes / max_entries``, so the cache can never hold more than ``max_entries`` entries nor
more than ``max_bytes`` bytes of values (small values are charged a little more than their size).
"""

from __future__ import annotations

from collections.abc import Iterable

from cachetools import LRUCache

from federation.cache.entry import Entry
from federation.cache.stats import LayerStats


class _Evicting(LRUCache[str, Entry]):
    """An LRU that tells its owner which entries it evicted."""

    def __init__(self, owner: MemoryLayer, maxsize: int, min_cost: int) -> None:
        super().__init__(maxsize, getsizeof=lambda entry: max(len(entry.value), min_cost))
        self._owner = owner

    def popitem(self) -> tuple[str, Entry]:
        key, entry = super().popitem()
        self._owner.evicted(key, entry)
        return key, entry


class MemoryLayer:
    def __init__(self, *, max_entries: int, max_bytes: int, stats: LayerStats) -> None:
        self.max_entries = max_entries
        self.max_bytes = max_bytes
        self.stats = stats
        self._entries = self._new_lru()
        self._by_tag: dict[str, set[str]] = {}

    def _new_lru(self) -> _Evicting:
        return _Evicting(self, self.max_bytes, max(1, self.max_bytes // self.max_entries))

    def __len__(self) -> int:
        return len(self._entries)

    @property
    def size(self) -> int:
        """Bytes charged against ``max_bytes``."""
        return int(self._entries.currsize)

    def get(self, key: str) -> Entry | None:
        return self._entries.get(key)

    def set(self, key: str, entry: Entry) -> None:
        if max(len(entry.value), self._entries.getsizeof(entry)) > self.max_bytes:
            return  # larger than the whole layer: cachetools would raise
        self.discard(key)
        self._entries[key] = entry
        for tag in entry.tags:
            self._by_tag.setdefault(tag, set()).add(key)

    def discard(self, key: str) -> None:
        entry = self._entries.pop(key, None)
        if entry is not None:
            self._unindex(key, entry)

    def invalidate(self, tags: Iterable[str]) -> int:
        removed = 0
        for tag in tags:
            for key in self._by_tag.pop(tag, set()):
                if key in self._entries:
                    self.discard(key)
                    removed += 1
        self.stats.invalidations += removed
        return removed

    def clear(self) -> int:
        removed = len(self._entries)
        self._entries = self._new_lru()  # LRUCache.clear() would pop (and count) one by one
        self._by_tag.clear()
        self.stats.invalidations += removed
        return removed

    def evicted(self, key: str, entry: Entry) -> None:
        self.stats.evictions += 1
        self._unindex(key, entry)

    def _unindex(self, key: str, entry: Entry) -> None:
        for tag in entry.tags:
            keys = self._by_tag.get(tag)
            if keys is not None:
                keys.discard(key)
                if not keys:
                    del self._by_tag[tag]
