"""The cache: section of federation.yaml: values, defaults and errors with key paths."""

from __future__ import annotations

from pathlib import Path

import pytest

from federation.cache.settings import CacheSettings, SourceCachePolicy
from federation.config import load_config
from federation.errors import ConfigError


def write(folder: Path, cache: str) -> Path:
    (folder / "db.sqlite").touch()
    file = folder / "federation.yaml"
    file.write_text(f"sources: [{{name: db, kind: sqlite, path: db.sqlite}}]\ncache: {cache}\n")
    return file


def test_every_key_is_read(tmp_path: Path) -> None:
    config = load_config(
        write(
            tmp_path,
            "{default_max_age: 5, sources: {db: {max_age: 30, scope: private}}, "
            "redis_url: 'redis://r:6379/1', max_bytes: 2MB, max_entries: 10, "
            "stale_if_error: 60, admin_token: t, coalesce: false}",
        ),
        env={},
    )
    assert config.cache == CacheSettings(
        default_max_age=5,
        sources={"db": SourceCachePolicy(30, "PRIVATE")},
        redis_url="redis://r:6379/1",
        max_bytes=2 * 1024 * 1024,
        max_entries=10,
        stale_if_error=60,
        admin_token="t",
        coalesce=False,
    )
    assert config.cache.policy("other") == SourceCachePolicy(5)


def test_no_section_means_defaults(tmp_path: Path) -> None:
    assert load_config(write(tmp_path, "{}"), env={}).cache == CacheSettings()


def test_problems_name_their_key(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as caught:
        load_config(
            write(
                tmp_path,
                "{default_max_age: -1, sources: {nope: 5}, redis_url: 'http://x', "
                "max_bytes: lots, ttl: 3}",
            ),
            env={},
        )
    problems = "\n".join(caught.value.problems)
    assert "cache.default_max_age: expected a number of seconds" in problems
    assert "cache.sources.nope: no source named 'nope' (sources: db)" in problems
    assert "cache.redis_url: expected a redis://" in problems
    assert "cache.max_bytes: expected a size in bytes" in problems
    assert "cache.ttl: unknown key" in problems
