"""The source declarations the connector tests share: REST endpoints of the local service,
and small helpers to build source configs."""

from __future__ import annotations

import socket
import sqlite3
from pathlib import Path
from typing import Any

from federation.config import SourceConfig

USER_ENDPOINT: dict[str, Any] = {
    "type": "user",
    "path": "/users",
    "rows": "data.items",
    "fields": {
        "id": "Int!",
        "name": "String!",
        "status": "String",
        "score": "numeric",
        "joined": "date",
        "city": {"type": "String", "from": "profile.city"},
    },
    "primary_key": ["id"],
    "by_pk": {"path": "/users/{id}", "row": "data"},
    "filters": {"status": {"_eq": "status={value}"}},
    "pagination": {"style": "page", "size_param": "per_page", "page_size": 3, "max_pages": 5},
    "batch": {"path": "/users_batch?ids={ids}", "key": "id"},
}
ENDPOINTS: list[dict[str, Any]] = [
    USER_ENDPOINT,
    {
        "type": "event",
        "path": "/events",
        "rows": "events",
        "fields": {"seq": "Int!", "kind": "String"},
        "pagination": {"style": "cursor", "next": "next", "max_pages": 5},
    },
    {"type": "flaky", "path": "/flaky", "fields": {"id": "Int!", "ok": "Boolean"}},
]
SLOW_ENDPOINTS: list[dict[str, Any]] = [
    {
        "type": "slow",
        "path": "/slow/{id}",
        "fields": {"id": "Int!", "ok": "Boolean"},
        "primary_key": ["id"],
        "by_pk": {"path": "/slow/{id}", "row": "data"},
    }
]
DOWN_ENDPOINT: dict[str, Any] = {"type": "gone", "path": "/gone", "fields": {"id": "Int!"}}
API_KEY = "secret-key-123"


def closed_port_url() -> str:
    """A loopback URL where nothing listens."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}"


def sqlite_file(folder: Path) -> Path:
    path = folder / "db.sqlite"
    with sqlite3.connect(path) as connection:
        connection.executescript(
            "create table author(id integer primary key, name text);"
            "insert into author values (1, 'Ann'), (2, 'Bob');"
        )
    return path


def rest_source(name: str, url: str, endpoints: list[dict[str, Any]], **extra: Any) -> SourceConfig:
    options = {"headers": {"X-Api-Key": API_KEY}, "backoff": 0.01, "endpoints": endpoints}
    return SourceConfig(name=name, kind="rest", dsn=url, options=options, **extra)
