"""The ``cache:`` section of federation.yaml (reference: docs/caching.md).

Parsed here, not in config.py, so that the cache owns its keys; config.py calls
:func:`parse_cache_settings` with a function that records ``key.path: message`` problems.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

Scope = Literal["PUBLIC", "PRIVATE"]
Report = Callable[[str, str], None]


@dataclass(frozen=True, slots=True)
class SourceCachePolicy:
    max_age: float = 0.0
    """Seconds a root field of the source may be cached; 0 means never (unless a
    ``@cacheControl`` hint on the type or field says otherwise)."""
    scope: Scope = "PUBLIC"


@dataclass(frozen=True, slots=True)
class CacheSettings:
    enabled: bool = True
    """False turns off the response and fetch caches (the plan cache always runs)."""
    default_max_age: float = 0.0
    """maxAge of a root field whose source has no policy and no hint covers it."""
    sources: Mapping[str, SourceCachePolicy] = field(default_factory=dict)
    redis_url: str | None = None
    key_prefix: str = "federation:"
    max_entries: int = 10_000
    max_bytes: int = 64 * 1024 * 1024
    plan_cache_size: int = 2048
    stale_if_error: float = 0.0
    """Seconds after expiry during which a failing source is answered from the stale entry."""
    fetch_cache: bool = True
    coalesce: bool = True
    redis_timeout: float = 0.25
    redis_retry_after: float = 5.0
    admin_token: str | None = None
    """Bearer token for ``/admin/cache/*``; None disables those endpoints (404)."""

    def policy(self, source: str) -> SourceCachePolicy:
        return self.sources.get(source) or SourceCachePolicy(self.default_max_age)


_SIZE_UNITS = {"": 1, "b": 1, "kb": 1024, "kib": 1024, "mb": 1024**2, "mib": 1024**2, "gb": 1024**3}


def parse_cache_settings(data: Any, source_names: set[str], report: Report) -> CacheSettings:
    """The settings from the ``cache:`` mapping (None: defaults); problems go to ``report``."""
    if data is None:
        return CacheSettings()
    if not isinstance(data, dict):
        report("cache", f"expected a mapping, got {type(data).__name__}")
        return CacheSettings()
    values: dict[str, Any] = {}
    for key, value in data.items():
        path = f"cache.{key}"
        parser = _FIELDS.get(str(key))
        if parser is None:
            report(path, f"unknown key (known keys: {', '.join(_FIELDS)})")
            continue
        if value is None:
            continue
        try:
            values[key] = (
                _sources(value, source_names, report) if key == "sources" else parser(value)
            )
        except ValueError as error:
            report(path, str(error))
    return CacheSettings(**values)


def _sources(value: Any, names: set[str], report: Report) -> dict[str, SourceCachePolicy]:
    if not isinstance(value, dict):
        raise ValueError("expected a mapping of source name to seconds or {max_age, scope}")
    policies: dict[str, SourceCachePolicy] = {}
    for name, item in value.items():
        path = f"cache.sources.{name}"
        if name not in names:
            report(path, f"no source named {name!r} (sources: {', '.join(sorted(names))})")
            continue
        try:
            policies[name] = _policy(item)
        except ValueError as error:
            report(path, str(error))
    return policies


def _policy(item: Any) -> SourceCachePolicy:
    if not isinstance(item, dict):
        return SourceCachePolicy(_seconds(item))
    unknown = set(item) - {"max_age", "scope"}
    if unknown:
        raise ValueError(f"unknown key {sorted(unknown)[0]!r} (known keys: max_age, scope)")
    return SourceCachePolicy(_seconds(item.get("max_age", 0)), _scope(item.get("scope")))


def _scope(value: Any) -> Scope:
    text = str(value or "PUBLIC").upper()
    if text == "PUBLIC":
        return "PUBLIC"
    if text == "PRIVATE":
        return "PRIVATE"
    raise ValueError(f"expected scope PUBLIC or PRIVATE, got {value!r}")


def _seconds(value: Any) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        number = math.nan
    if isinstance(value, bool) or not math.isfinite(number) or number < 0:
        raise ValueError(f"expected a number of seconds (0 or more), got {value!r}")
    return number


def _positive_int(value: Any) -> int:
    if isinstance(value, bool) or not str(value).strip().isdigit() or int(value) < 1:
        raise ValueError(f"expected a whole number of at least 1, got {value!r}")
    return int(value)


def _size(value: Any) -> int:
    text = str(value).strip().lower().replace(" ", "")
    digits = text.rstrip("kmgib")
    unit = text[len(digits) :]
    if isinstance(value, bool) or not digits.isdigit() or unit not in _SIZE_UNITS:
        raise ValueError(f"expected a size in bytes such as 67108864 or '64MB', got {value!r}")
    return max(1, int(digits) * _SIZE_UNITS[unit])


def _boolean(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in ("true", "yes", "on", "1", "false", "no", "off", "0"):
        return text in ("true", "yes", "on", "1")
    raise ValueError(f"expected true or false, got {value!r}")


def _text(value: Any) -> str | None:
    if not isinstance(value, str):
        raise ValueError(f"expected a string, got {value!r}")
    return value or None  # `${VAR:-}` means "not given"


def _redis_url(value: Any) -> str | None:
    url = _text(value)
    if url and not url.startswith(("redis://", "rediss://", "unix://")):
        raise ValueError(f"expected a redis://, rediss:// or unix:// URL, got {value!r}")
    return url


def _positive_seconds(value: Any) -> float:
    seconds = _seconds(value)
    if seconds == 0:
        raise ValueError(f"expected a number of seconds greater than 0, got {value!r}")
    return seconds


_FIELDS: dict[str, Callable[[Any], Any]] = {
    "enabled": _boolean,
    "default_max_age": _seconds,
    "sources": lambda value: value,  # parsed with the source names, above
    "redis_url": _redis_url,
    "key_prefix": lambda value: _text(value) or "",
    "max_entries": _positive_int,
    "max_bytes": _size,
    "plan_cache_size": _positive_int,
    "stale_if_error": _seconds,
    "fetch_cache": _boolean,
    "coalesce": _boolean,
    "redis_timeout": _positive_seconds,
    "redis_retry_after": _positive_seconds,
    "admin_token": _text,
}
