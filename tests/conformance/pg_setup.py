"""One fresh PostgreSQL database per conformance folder, loaded from its ``setup.sql``.

Loading is cached: the database's comment records the hash of the script it was loaded from,
so a re-run with an unchanged script reuses the database (the suite only reads).
"""

from __future__ import annotations

import asyncio
import hashlib
import os
from collections.abc import Coroutine
from typing import Any

import asyncpg

USERS = ("postgres", "root")
MARKER_PREFIX = "federation conformance setup sha256="


def admin_dsns() -> list[str]:
    """Where to try the maintenance database: ``PG*`` variables, else 127.0.0.1:5432 as
    ``postgres`` then ``root`` (trust authentication)."""
    host = os.environ.get("PGHOST", "127.0.0.1")
    port = os.environ.get("PGPORT", "5432")
    users = [os.environ["PGUSER"]] if os.environ.get("PGUSER") else list(USERS)
    return [f"postgresql://{user}@{host}:{port}/postgres" for user in users]


def find_admin_dsn() -> tuple[str | None, str]:
    """The first DSN that connects, or None and why none did."""
    problems = []
    for dsn in admin_dsns():
        try:
            _run(_ping(dsn))
        except (TimeoutError, OSError, asyncpg.PostgresError) as exc:
            problems.append(f"{dsn}: {exc}")
            continue
        return dsn, ""
    return None, "; ".join(problems)


def database_dsn(admin_dsn: str, database: str) -> str:
    return admin_dsn.rsplit("/", 1)[0] + "/" + database


def ensure_database(admin_dsn: str, database: str, setup_sql: str) -> str:
    """Create ``database`` from ``setup_sql`` unless it already holds that script; its DSN."""
    _run(_ensure(admin_dsn, database, setup_sql))
    return database_dsn(admin_dsn, database)


def _run(coroutine: Coroutine[Any, Any, None]) -> None:
    """Run on a private loop: ``asyncio.run`` would reset the loop pytest-asyncio keeps."""
    loop = asyncio.new_event_loop()
    try:
        loop.run_until_complete(coroutine)
    finally:
        loop.close()


async def _ping(dsn: str) -> None:
    conn = await asyncpg.connect(dsn, timeout=5)
    await conn.close()


async def _ensure(admin_dsn: str, database: str, setup_sql: str) -> None:
    marker = MARKER_PREFIX + hashlib.sha256(setup_sql.encode()).hexdigest()
    admin = await asyncpg.connect(admin_dsn, timeout=5)
    try:
        if await _comment(admin, database) == marker:
            return
        quoted = _ident(database)
        await admin.execute(f"DROP DATABASE IF EXISTS {quoted} WITH (FORCE)")
        await admin.execute(f"CREATE DATABASE {quoted} TEMPLATE template0 ENCODING 'UTF8'")
        await _load(database_dsn(admin_dsn, database), setup_sql)
        # The marker goes on last, so a failed load is retried next time.
        await admin.execute(f"COMMENT ON DATABASE {quoted} IS '{marker}'")
    finally:
        await admin.close()


async def _load(dsn: str, setup_sql: str) -> None:
    # The suite's data is written for a UTC session (README: PGTZ=UTC).
    conn = await asyncpg.connect(dsn, timeout=5, server_settings={"timezone": "UTC"})
    try:
        await conn.execute(setup_sql)
    finally:
        await conn.close()


async def _comment(admin: asyncpg.Connection, database: str) -> str | None:
    value = await admin.fetchval(
        "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = $1",
        database,
    )
    return value if isinstance(value, str) else None


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'
