"""Gateways sharing one Redis: entries and invalidations cross processes; Redis going down
mid-run leaves every request answered."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest
import pytest_asyncio
from gateways import CallCounter, config_for, make_db, run, write_behind
from redis_servers import free_port, private_redis, require_redis, unique_prefix

from federation.cache.settings import CacheSettings
from federation.gateway import Gateway

AUTHORS = "{ author(order_by: {id: asc}) { id name } }"
RENAME = 'mutation { update_author_by_pk(pk_columns: {id: 1}, _set: {name: "%s"}) { id } }'


@pytest_asyncio.fixture(loop_scope="session")
async def two(tmp_path: Path) -> AsyncIterator[tuple[Gateway, Gateway]]:
    """Two gateways, each with its own L1, over one SQLite file and one Redis."""
    settings = CacheSettings(
        default_max_age=60, redis_url=require_redis(), key_prefix=unique_prefix()
    )
    config = config_for(make_db(tmp_path / "db.sqlite"), tmp_path, settings)
    one, other = await Gateway.start(config), await Gateway.start(config)
    yield one, other
    await one.cache_store.clear()
    await one.stop()
    await other.stop()


async def test_an_answer_computed_by_one_gateway_serves_the_other(
    two: tuple[Gateway, Gateway],
) -> None:
    one, other = two
    counter = CallCounter(other)
    first, _ = await run(one, AUTHORS)
    second, response = await run(other, AUTHORS)
    assert second == first and response.cache.hit and counter.calls == 0
    assert other.cache_store.stats.l2.hits == 1


async def test_a_mutation_on_one_gateway_evicts_the_other_l1(
    two: tuple[Gateway, Gateway],
) -> None:
    one, other = two
    await run(one, AUTHORS)
    await run(other, AUTHORS)  # now in other's L1 too
    assert (await run(other, AUTHORS))[1].cache.hit
    await run(one, RENAME % "Renamed")
    await _eventually(lambda: len(other.cache_store.l1) == 0)
    result, response = await run(other, AUTHORS)
    assert result["data"]["author"][0]["name"] == "Renamed" and not response.cache.hit


async def test_redis_going_down_mid_run_answers_every_request(tmp_path: Path) -> None:
    with private_redis() as (url, process):
        settings = CacheSettings(default_max_age=60, redis_url=url, redis_retry_after=0.2)
        db = make_db(tmp_path / "db.sqlite")
        gateway = await Gateway.start(config_for(db, tmp_path, settings))
        try:
            await run(gateway, AUTHORS)
            process.terminate()
            process.wait(timeout=10)
            for name in ("A", "B"):
                result, _ = await run(gateway, RENAME % name)
                assert "errors" not in result
                result, _ = await run(gateway, AUTHORS)
                assert "errors" not in result and result["data"]["author"][0]["name"] == name
            write_behind(db, "update author set name = 'behind' where id = 2")
            result, hit = await run(gateway, AUTHORS)  # L1 still caches
            assert hit.cache.hit and result["data"]["author"][1]["name"] == "Bob"
            assert not gateway.cache_store.redis_up
        finally:
            await gateway.stop()


async def _eventually(condition: object, timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():  # type: ignore[operator]
        assert time.monotonic() < deadline, "condition not met in time"
        await asyncio.sleep(0.02)


# --- two real server processes ---------------------------------------------------------------


@pytest.fixture
def servers(tmp_path: Path) -> Iterator[tuple[str, str]]:
    redis_url, prefix = require_redis(), unique_prefix()
    make_db(tmp_path / "db.sqlite")
    (tmp_path / "federation.yaml").write_text(
        "sources: [{name: db, kind: sqlite, path: db.sqlite}]\n"
        f"cache: {{default_max_age: 60, redis_url: '{redis_url}', key_prefix: '{prefix}'}}\n"
    )
    env = {**os.environ, "FEDERATION_CONFIG": str(tmp_path / "federation.yaml")}
    ports = [free_port(), free_port()]
    processes = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "uvicorn",
                "--factory",
                "federation.server.app:create_app",
                "--port",
                str(port),
                "--log-level",
                "warning",
            ],
            env=env,
        )
        for port in ports
    ]
    try:
        urls = [f"http://127.0.0.1:{port}" for port in ports]
        for url in urls:
            _wait_ready(url)
        yield urls[0], urls[1]
    finally:
        for process in processes:
            process.terminate()
            process.wait(timeout=10)


def _wait_ready(url: str) -> None:
    for _ in range(200):
        try:
            if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.05)
    raise RuntimeError(f"the server at {url} did not start")


def test_two_server_processes_share_entries_and_invalidations(
    servers: tuple[str, str],
) -> None:
    one, two = servers
    with httpx.Client(timeout=10) as client:

        def names(url: str) -> list[str]:
            response = client.get(f"{url}/graphql", params={"query": AUTHORS})
            assert response.headers["cache-control"] == "max-age=60, public"
            return [a["name"] for a in response.json()["data"]["author"]]

        assert names(one) == names(two) == ["Ann", "Bob"]
        posted = client.post(f"{one}/graphql", json={"query": RENAME % "Cross"})
        assert "errors" not in posted.json()
        deadline = time.monotonic() + 5
        while names(two)[0] != "Cross":
            assert time.monotonic() < deadline, "process two still answers the old name"
            time.sleep(0.05)
