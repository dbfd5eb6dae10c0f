"""Helpers for the security tests: a real gateway over a small SQLite file, configured from a
federation.yaml written per test, served through the real application (``serve``, the fixture
in conftest.py). Its own module name, as every folder's conftest is named ``conftest``."""

from __future__ import annotations

import hashlib
import sqlite3
import textwrap
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from pathlib import Path
from typing import Any

import httpx
import orjson

from federation.config import load_config
from federation.gateway import Gateway
from federation.server import create_app

SCHEMA = """
create table artist(id integer primary key, name text not null);
create table album(
  id integer primary key, title text not null, artist_id integer references artist(id)
);
insert into artist values (1, 'Ann'), (2, 'Bob');
insert into album values (1, 'A1', 1), (2, 'A2', 1), (3, 'B1', 2);
"""
GQL = "application/graphql-response+json"
JSON = "application/json"
PARTNER_KEY = "partner-secret-key"
WEB_KEY = "web-secret-key"


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def make_db(folder: Path) -> Path:
    db = folder / "db.sqlite"
    if not db.exists():
        connection = sqlite3.connect(db)
        connection.executescript(SCHEMA)
        connection.commit()
        connection.close()
    return db


def write_config(folder: Path, extra: str = "") -> Path:
    make_db(folder)
    text = "sources:\n  - {name: db, kind: sqlite, path: db.sqlite}\n" + textwrap.dedent(extra)
    file = folder / "federation.yaml"
    file.write_text(text, encoding="utf-8")
    return file


def write_json(folder: Path, name: str, data: Any) -> Path:
    file = folder / name
    file.write_bytes(orjson.dumps(data, option=orjson.OPT_INDENT_2))
    return file


def errors_of(response: httpx.Response) -> list[dict[str, Any]]:
    errors: list[dict[str, Any]] = orjson.loads(response.content)["errors"]
    return errors


def code_of(response: httpx.Response) -> str:
    [error] = errors_of(response)
    code: str = error["extensions"]["code"]
    return code


Serve = Callable[..., AbstractAsyncContextManager[httpx.AsyncClient]]


def serve_from(tmp_path: Path) -> Serve:
    """``async with serve(yaml) as client``: the app over a gateway started from the config."""

    @asynccontextmanager
    async def serving(
        extra: str = "", env: dict[str, str] | None = None
    ) -> AsyncIterator[httpx.AsyncClient]:
        config = load_config(write_config(tmp_path, extra), env=env or {})
        gateway = await Gateway.start(config)
        try:
            app = create_app(config, gateway=gateway)
            transport = httpx.ASGITransport(app=app)
            try:
                async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
                    yield client
            finally:
                await app.state.security.close()
        finally:
            await gateway.stop()

    return serving
