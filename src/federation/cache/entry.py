"""One cached value with the times that decide whether it is fresh, stale or gone.

The same bytes travel to Redis: a fixed header (stored at, fresh until, tags length), the tags,
then the value, so that another process can index the entry by its tags when it promotes it
to its own memory layer.
"""

from __future__ import annotations

import math
import struct
from dataclasses import dataclass
from typing import Final

_HEADER: Final = struct.Struct("!ddI")
_TAG_SEPARATOR: Final = "\x1f"


@dataclass(frozen=True, slots=True)
class Entry:
    value: bytes
    stored_at: float
    """Clock time when the value was computed."""
    fresh_until: float
    """Clock time after which the value is stale (``inf``: never)."""
    tags: tuple[str, ...] = ()

    def fresh(self, now: float) -> bool:
        return now < self.fresh_until

    def age(self, now: float) -> float:
        return max(0.0, now - self.stored_at)

    def keep_until(self, stale_window: float) -> float:
        """When the entry is of no use any more, not even as a stale answer."""
        return self.fresh_until + stale_window


def make_entry(value: bytes, now: float, ttl: float | None, tags: tuple[str, ...]) -> Entry:
    return Entry(value, now, math.inf if ttl is None else now + ttl, tags)


def encode(entry: Entry) -> bytes:
    tags = _TAG_SEPARATOR.join(entry.tags).encode()
    return _HEADER.pack(entry.stored_at, entry.fresh_until, len(tags)) + tags + entry.value


def decode(blob: bytes) -> Entry | None:
    """The entry, or None for bytes that are not one (another program's key, a format change)."""
    if len(blob) < _HEADER.size:
        return None
    stored_at, fresh_until, tags_length = _HEADER.unpack_from(blob)
    start = _HEADER.size + tags_length
    if start > len(blob):
        return None
    text = blob[_HEADER.size : start].decode(errors="replace")
    tags = tuple(text.split(_TAG_SEPARATOR)) if text else ()
    return Entry(blob[start:], stored_at, fresh_until, tags)
