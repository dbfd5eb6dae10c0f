"""The response and fetch caches on a real SQLite source: hits, invalidation by mutations,
errors and mutations never cached, coalescing, PRIVATE data, TTLs and stale-if-error."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest_asyncio
from gateways import CallCounter, config_for, make_db, run, write_behind

from federation.cache.settings import CacheSettings, SourceCachePolicy
from federation.gateway import Gateway

AUTHORS = "{ author(order_by: {id: asc}) { id name } }"
ARTICLES_BY_ANN = '{ article(where: {author: {name: {_eq: "Ann"}}}, order_by: {id: asc}) { id } }'


class Clock:
    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


@pytest_asyncio.fixture(loop_scope="session")
async def cached(tmp_path: Path) -> AsyncIterator[Gateway]:
    db = make_db(tmp_path / "db.sqlite")
    settings = CacheSettings(default_max_age=60, stale_if_error=300)
    gateway = await Gateway.start(config_for(db, tmp_path, settings))
    gateway.cache_store.clock = Clock()
    yield gateway
    await gateway.stop()


def db_of(gateway: Gateway) -> Path:
    return Path(gateway.config.sources[0].path or "")


async def test_a_repeated_query_does_not_reach_the_source(cached: Gateway) -> None:
    counter = CallCounter(cached)
    first, response = await run(cached, AUTHORS)
    again, hit = await run(cached, AUTHORS)
    assert again == first and counter.calls == 1
    assert hit.cache.hit and not response.cache.hit
    assert hit.cache.max_age == 60 and hit.cache.scope == "PUBLIC"
    assert hit.body == response.body


async def test_a_mutation_evicts_what_read_its_tables(cached: Gateway) -> None:
    await run(cached, AUTHORS)
    await run(cached, ARTICLES_BY_ANN)
    write_behind(db_of(cached), "insert into article values (9, 'behind', 1)")
    assert (await run(cached, ARTICLES_BY_ANN))[0]["data"]["article"] == [{"id": 1}, {"id": 2}]

    # The filter reads author through a relationship: a write to author must evict it too.
    result, response = await run(
        cached,
        'mutation { update_author(where: {id: {_eq: 2}}, _set: {name: "Ann"}) { affected_rows } }',
    )
    assert result == {"data": {"update_author": {"affected_rows": 1}}}
    assert response.cache.max_age == 0  # mutations are never cached
    articles, _ = await run(cached, ARTICLES_BY_ANN)
    assert articles["data"]["article"] == [{"id": 1}, {"id": 2}, {"id": 3}, {"id": 9}]
    authors, _ = await run(cached, AUTHORS)
    assert authors["data"]["author"][1] == {"id": 2, "name": "Ann"}


async def test_entries_expire_with_the_clock(cached: Gateway) -> None:
    clock = cached.cache_store.clock
    assert isinstance(clock, Clock)
    await run(cached, AUTHORS)
    write_behind(db_of(cached), "update author set name = 'Later' where id = 1")
    clock.now += 59
    assert (await run(cached, AUTHORS))[0]["data"]["author"][0]["name"] == "Ann"
    clock.now += 2
    assert (await run(cached, AUTHORS))[0]["data"]["author"][0]["name"] == "Later"


async def test_stale_if_error_answers_a_failing_source_and_says_so(cached: Gateway) -> None:
    clock = cached.cache_store.clock
    assert isinstance(clock, Clock)
    fresh, _ = await run(cached, AUTHORS)
    clock.now += 100  # expired 40 s ago, within the 300 s window
    write_behind(db_of(cached), "alter table author rename to gone")
    result, response = await run(cached, AUTHORS)
    assert result["data"] == fresh["data"]
    assert result["extensions"]["cache"] == {"stale": True, "age": 100}
    assert response.cache.stale and response.cache.max_age == 0
    assert cached.cache_store.stats.l1.stale >= 1
    clock.now += 300  # past the window: the error shows
    result, _ = await run(cached, AUTHORS)
    assert result["data"] is None and "errors" in result


async def test_errors_are_never_cached(cached: Gateway) -> None:
    write_behind(db_of(cached), "alter table author rename to gone")
    failed, response = await run(cached, AUTHORS)
    assert "errors" in failed and response.cache.max_age == 0
    write_behind(db_of(cached), "alter table gone rename to author")
    result, _ = await run(cached, AUTHORS)
    assert result["data"]["author"][0] == {"id": 1, "name": "Ann"}


async def test_identical_concurrent_requests_share_one_source_call(cached: Gateway) -> None:
    counter = CallCounter(cached, delay=0.05)
    results = await asyncio.gather(*(run(cached, AUTHORS) for _ in range(100)))
    assert counter.calls == 1
    assert all(result == results[0][0] for result, _ in results)
    assert cached.cache_store.stats.coalesced == 99


async def test_uncacheable_concurrent_requests_are_coalesced_too(tmp_path: Path) -> None:
    db = make_db(tmp_path / "db.sqlite")
    gateway = await Gateway.start(config_for(db, tmp_path, CacheSettings()))  # maxAge 0
    try:
        counter = CallCounter(gateway, delay=0.05)
        results = await asyncio.gather(*(run(gateway, AUTHORS) for _ in range(100)))
        assert counter.calls == 1
        assert {response.cache.max_age for _, response in results} == {0}
        await run(gateway, AUTHORS)
        assert counter.calls == 2  # nothing was stored
    finally:
        await gateway.stop()


async def test_private_data_is_cached_per_caller_and_never_shared(tmp_path: Path) -> None:
    db = make_db(tmp_path / "db.sqlite")
    settings = CacheSettings(sources={"db": SourceCachePolicy(60, "PRIVATE")})
    gateway = await Gateway.start(config_for(db, tmp_path, settings))
    try:
        counter = CallCounter(gateway)
        alice, response = await run(gateway, AUTHORS, caller="alice")
        assert response.cache.scope == "PRIVATE" and response.cache.max_age == 60
        write_behind(db, "update author set name = 'Changed' where id = 1")
        bob, _ = await run(gateway, AUTHORS, caller="bob")
        assert bob["data"]["author"][0]["name"] == "Changed"  # not alice's entry
        again, hit = await run(gateway, AUTHORS, caller="alice")
        assert again == alice and hit.cache.hit
        calls = counter.calls
        anonymous, response = await run(gateway, AUTHORS)
        await run(gateway, AUTHORS)
        assert counter.calls == calls + 2  # no caller: never cached
        assert anonymous["data"]["author"][0]["name"] == "Changed"
        assert response.cache.max_age == 0
    finally:
        await gateway.stop()


async def test_cache_control_hints_set_max_age_and_scope(tmp_path: Path) -> None:
    db = make_db(tmp_path / "db.sqlite")
    schema = tmp_path / "schema"
    schema.mkdir()
    (schema / "cache.graphql").write_text(
        """
        type author @cacheControl(maxAge: 30) {
          name: String @cacheControl(maxAge: 10)
          articles: [article] @cacheControl(scope: PRIVATE, inheritMaxAge: true)
        }
        type article @cacheControl(maxAge: 20) { id: Int }
        """
    )
    settings = CacheSettings(default_max_age=60)
    gateway = await Gateway.start(config_for(db, tmp_path, settings, schema))
    try:
        cases = {
            "{ author { id } }": (30, "PUBLIC"),
            "{ author { id name } }": (10, "PUBLIC"),
            "{ article { id } }": (20, "PUBLIC"),
            "{ article { id author { id } } }": (20, "PUBLIC"),
            "{ author { id articles { id } } }": (30, "PRIVATE"),
        }
        for query, (max_age, scope) in cases.items():
            _, response = await run(gateway, query, caller="c")
            assert (response.cache.max_age, response.cache.scope) == (max_age, scope), query
    finally:
        await gateway.stop()


async def test_a_zero_max_age_hint_turns_caching_off(tmp_path: Path) -> None:
    db = make_db(tmp_path / "db.sqlite")
    schema = tmp_path / "schema"
    schema.mkdir()
    (schema / "cache.graphql").write_text("type article @cacheControl(maxAge: 0) { id: Int }")
    gateway = await Gateway.start(
        config_for(db, tmp_path, CacheSettings(default_max_age=60), schema)
    )
    try:
        counter = CallCounter(gateway)
        query = "{ author { id articles { id } } }"
        await run(gateway, query)
        _, response = await run(gateway, query)
        assert counter.calls == 2 and response.cache.max_age == 0
    finally:
        await gateway.stop()
