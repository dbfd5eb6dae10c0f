"""Gateways over a real SQLite file for the cache tests, and a counter of source calls."""

from __future__ import annotations

import sqlite3
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import orjson

from federation.cache.settings import CacheSettings
from federation.config import Config, SourceConfig
from federation.gateway import Gateway, GraphQLResponse

SCHEMA = """
create table author(id integer primary key, name text not null);
create table article(id integer primary key, title text, author_id integer references author(id));
insert into author values (1, 'Ann'), (2, 'Bob');
insert into article values (1, 'A1', 1), (2, 'A2', 1), (3, 'B1', 2);
"""


def make_db(path: Path) -> Path:
    connection = sqlite3.connect(path)
    connection.executescript(SCHEMA)
    connection.commit()
    connection.close()
    return path


def write_behind(db: Path, sql: str) -> None:
    """Change the data without the gateway knowing (no mutation, no invalidation)."""
    connection = sqlite3.connect(db)
    connection.executescript(sql)
    connection.commit()
    connection.close()


def config_for(
    db: Path, base: Path, settings: CacheSettings, schema_dir: Path | None = None
) -> Config:
    source = SourceConfig(name="db", kind="sqlite", path=str(db))
    return Config(sources=(source,), base_dir=base, cache=settings, schema_dir=schema_dir)


async def run(
    gateway: Gateway, query: str, variables: dict[str, Any] | None = None, **kw: Any
) -> tuple[Any, GraphQLResponse]:
    response = await gateway.execute(query, variables, **kw)
    return orjson.loads(response.body), response


class CallCounter:
    """Counts the statements the gateway sends to its source (optionally slowed down, so that
    concurrent requests overlap)."""

    def __init__(self, gateway: Gateway, delay: float = 0.0) -> None:
        import asyncio

        self.calls = 0
        connector = gateway.sources.by_name["db"].connector
        original: Callable[..., Awaitable[Any]] = connector.fetch_json

        async def counted(*args: Any, **kwargs: Any) -> Any:
            self.calls += 1
            if delay:
                await asyncio.sleep(delay)
            return await original(*args, **kwargs)

        connector.fetch_json = counted  # type: ignore[method-assign]
