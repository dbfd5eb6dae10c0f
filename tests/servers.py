"""Real PostgreSQL and MariaDB/MySQL servers for tests, and Chinook loaded into them.

Servers (override with the environment variables in brackets, the clients' own names):

* PostgreSQL at 127.0.0.1:5432 [``PGHOST``, ``PGPORT``], trust auth, maintenance database
  ``test``, user ``postgres`` or else ``root`` [``PGUSER``];
* MariaDB/MySQL at 127.0.0.1:3306 [``MYSQL_HOST``, ``MYSQL_TCP_PORT``], ``root`` with an empty
  password [``MYSQL_USER``, ``MYSQL_PWD``].

A test that needs an unreachable server (or the datasets folder, when absent) is SKIPPED with the
reason, except under ``CI=true``, where it FAILS: CI must never pass by skipping.

Fixtures (registered by ``tests/conftest.py``; import the helpers from ``servers``):

``pg_database`` / ``mysql_database``
    A fresh, empty database for the test module (``fed_test_<module>_<pid>``): its DSN. Dropped
    after the module; leftovers of killed runs are dropped on the next run.
``chinook_pg`` / ``chinook_mysql``
    The DSN of a database holding Chinook (``fed_chinook``), loaded once and kept between runs
    (reloaded when the SQL file changes). Shared by every test run: read it, never write it.

Helpers: ``pg_dsn(db)``, ``mysql_dsn(db)``, ``chinook_pg_dsn()``, ``chinook_mysql_dsn()``,
``pg_execute(dsn, sql)``, ``mysql_execute(dsn, sql)`` (sync; multi-statement scripts allowed).
"""

from __future__ import annotations

import asyncio
import functools
import os
import re
from collections.abc import Callable, Coroutine, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, NoReturn, TypeVar
from urllib.parse import quote

import pytest
from fixtures.chinook import (
    CHINOOK_DB,
    chinook_script,
    chinook_sqlite_copy,
    ensure_mysql_chinook,
    ensure_pg_chinook,
)

T = TypeVar("T")

PG_HOST = os.environ.get("PGHOST", "127.0.0.1")
PG_PORT = int(os.environ.get("PGPORT", "5432"))
PG_MAINTENANCE_DB = "test"
MYSQL_HOST = os.environ.get("MYSQL_HOST", "127.0.0.1")
MYSQL_PORT = int(os.environ.get("MYSQL_TCP_PORT", "3306"))
MYSQL_USER = os.environ.get("MYSQL_USER", "root")
MYSQL_PASSWORD = os.environ.get("MYSQL_PWD", "")
PROBE_TIMEOUT = 3.0

_TEST_DB = re.compile(r"^fed_test_\w+_(\d+)$")


def under_ci() -> bool:
    return os.environ.get("CI", "").lower() == "true"


def unavailable(reason: str) -> NoReturn:
    """Skip the test with ``reason``; under CI=true fail it instead."""
    if under_ci():
        pytest.fail(f"{reason} (CI=true: tests that need it must not be skipped)", pytrace=False)
    pytest.skip(reason)


def run_sync(factory: Callable[[], Coroutine[Any, Any, T]]) -> T:
    """Run a coroutine to completion from sync code, even inside a running event loop."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(lambda: asyncio.run(factory())).result()


# --- PostgreSQL ------------------------------------------------------------------------------


def _pg_url(user: str, db: str) -> str:
    return f"postgresql://{user}@{PG_HOST}:{PG_PORT}/{db}"


@functools.cache
def _pg_user() -> str | None:
    """The first user the server lets in; None when it cannot be reached at all."""
    import asyncpg

    async def accepts(user: str) -> bool:
        try:
            conn = await asyncpg.connect(_pg_url(user, PG_MAINTENANCE_DB), timeout=PROBE_TIMEOUT)
        except Exception:
            return False
        await conn.close()
        return True

    candidates = [os.environ["PGUSER"]] if os.environ.get("PGUSER") else []
    for user in [*candidates, "postgres", "root"]:
        if run_sync(functools.partial(accepts, user)):
            return user
    return None


def require_postgres() -> str:
    """The user to connect as; skips (fails under CI) when PostgreSQL is unreachable."""
    user = _pg_user()
    if user is None:
        unavailable(
            f"PostgreSQL is not reachable at {PG_HOST}:{PG_PORT} as postgres or root "
            f"(database {PG_MAINTENANCE_DB!r}); start it to run these tests"
        )
    return user


def pg_dsn(db: str) -> str:
    return _pg_url(require_postgres(), db)


def pg_execute(dsn: str, sql: str, *args: Any) -> list[Any]:
    """Run one statement (with ``$n`` args) or a multi-statement script (without)."""
    import asyncpg

    async def run() -> list[Any]:
        conn = await asyncpg.connect(dsn, timeout=PROBE_TIMEOUT)
        try:
            if args:
                return list(await conn.fetch(sql, *args))
            await conn.execute(sql)
            return []
        finally:
            await conn.close()

    return run_sync(run)


def create_pg_database(name: str) -> str:
    admin = pg_dsn(PG_MAINTENANCE_DB)
    pg_execute(admin, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    pg_execute(admin, f'CREATE DATABASE "{name}"')
    return pg_dsn(name)


def drop_pg_database(name: str) -> None:
    pg_execute(pg_dsn(PG_MAINTENANCE_DB), f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _drop_stale_pg_databases() -> None:
    admin = pg_dsn(PG_MAINTENANCE_DB)
    rows = pg_execute(admin, "SELECT datname FROM pg_database WHERE datname LIKE $1", "fed_test_%")
    for (name,) in rows:
        if _is_stale(name):
            drop_pg_database(name)


def chinook_pg_dsn() -> str:
    """DSN of the PostgreSQL Chinook database (snake_case names), loaded on first use."""
    require_postgres()
    script = _chinook_or_skip("Chinook_PostgreSql.sql")
    run_sync(lambda: ensure_pg_chinook(pg_dsn(PG_MAINTENANCE_DB), pg_dsn(CHINOOK_DB), script))
    return pg_dsn(CHINOOK_DB)


# --- MariaDB / MySQL -------------------------------------------------------------------------


def _mysql_connect(db: str | None = None, **extra: Any) -> Any:
    import pymysql

    return pymysql.connect(
        host=MYSQL_HOST,
        port=MYSQL_PORT,
        user=MYSQL_USER,
        password=MYSQL_PASSWORD,
        database=db,
        connect_timeout=PROBE_TIMEOUT,
        autocommit=True,
        charset="utf8mb4",
        **extra,
    )


@functools.cache
def _mysql_reason() -> str | None:
    try:
        _mysql_connect().close()
    except Exception as error:
        return (
            f"MariaDB/MySQL is not reachable at {MYSQL_HOST}:{MYSQL_PORT} as {MYSQL_USER}: {error}"
        )
    return None


def require_mysql() -> None:
    reason = _mysql_reason()
    if reason is not None:
        unavailable(f"{reason}; start it to run these tests")


def mysql_dsn(db: str) -> str:
    require_mysql()
    password = f":{quote(MYSQL_PASSWORD, safe='')}" if MYSQL_PASSWORD else ""
    return f"mysql://{MYSQL_USER}{password}@{MYSQL_HOST}:{MYSQL_PORT}/{db}"


def mysql_execute(db: str | None, sql: str, args: tuple[Any, ...] | None = None) -> list[Any]:
    """Run a statement (``%s`` args) or a multi-statement script in database ``db``."""
    from pymysql.constants import CLIENT

    require_mysql()
    conn = _mysql_connect(db, client_flag=CLIENT.MULTI_STATEMENTS)
    try:
        with conn.cursor() as cursor:
            cursor.execute(sql, args)
            rows = list(cursor.fetchall())
            while cursor.nextset():
                pass
            return rows
    finally:
        conn.close()


def create_mysql_database(name: str) -> str:
    mysql_execute(None, f"DROP DATABASE IF EXISTS `{name}`; CREATE DATABASE `{name}`")
    return mysql_dsn(name)


def drop_mysql_database(name: str) -> None:
    mysql_execute(None, f"DROP DATABASE IF EXISTS `{name}`")


def _drop_stale_mysql_databases() -> None:
    for (name,) in mysql_execute(None, "SHOW DATABASES LIKE %s", ("fed\\_test\\_%",)):
        if _is_stale(name):
            drop_mysql_database(name)


def chinook_mysql_dsn() -> str:
    """DSN of the MariaDB/MySQL Chinook database (PascalCase names), loaded on first use."""
    require_mysql()
    script = _chinook_or_skip("Chinook_MySql.sql")
    ensure_mysql_chinook(_mysql_connect, script)
    return mysql_dsn(CHINOOK_DB)


# --- shared ----------------------------------------------------------------------------------


def chinook_sqlite(folder: Path) -> Path:
    """A private copy of the Chinook SQLite file in ``folder``; skips (fails under CI) if absent."""
    copy = chinook_sqlite_copy(folder)
    if copy is None:
        unavailable(
            "the Chinook SQLite file is missing from tests/data/chinook/; "
            "set FEDERATION_DATASETS to a folder holding chinook/"
        )
    return copy


def _chinook_or_skip(file_name: str) -> str:
    script = chinook_script(file_name)
    if script is None:
        unavailable(
            f"the Chinook dataset file {file_name} is missing from tests/data/chinook/; "
            "set FEDERATION_DATASETS to a folder holding chinook/"
        )
    return script


def _is_stale(name: str) -> bool:
    """A per-run database whose run (its pid suffix) is gone."""
    match = _TEST_DB.match(name)
    if match is None:
        return False
    pid = int(match.group(1))
    if pid == os.getpid():
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


def module_database_name(request: pytest.FixtureRequest) -> str:
    module = re.sub(r"\W", "_", request.module.__name__.rsplit(".", 1)[-1]).lower()
    return f"fed_test_{module[:40]}_{os.getpid()}"


# --- fixtures --------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def pg_database(request: pytest.FixtureRequest) -> Iterator[str]:
    """A fresh PostgreSQL database for this test module; yields its DSN."""
    require_postgres()
    _drop_stale_once("pg", _drop_stale_pg_databases)
    name = module_database_name(request)
    yield create_pg_database(name)
    drop_pg_database(name)


@pytest.fixture(scope="module")
def mysql_database(request: pytest.FixtureRequest) -> Iterator[str]:
    """A fresh MariaDB/MySQL database for this test module; yields its DSN."""
    require_mysql()
    _drop_stale_once("mysql", _drop_stale_mysql_databases)
    name = module_database_name(request)
    yield create_mysql_database(name)
    drop_mysql_database(name)


@pytest.fixture(scope="session")
def chinook_pg() -> str:
    return chinook_pg_dsn()


@pytest.fixture(scope="session")
def chinook_mysql() -> str:
    return chinook_mysql_dsn()


_cleaned: set[str] = set()


def _drop_stale_once(kind: str, clean: Callable[[], None]) -> None:
    if kind not in _cleaned:
        _cleaned.add(kind)
        clean()
