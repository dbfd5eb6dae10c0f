"""TwoLayerStore: L1 bounds and TTLs with a controlled clock, tags, and L2 in a real Redis."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
import pytest_asyncio
from redis_servers import private_redis, require_redis, unique_prefix

from federation.cache.store import TwoLayerStore


class Clock:
    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


async def test_ttl_expiry_follows_the_clock() -> None:
    clock = Clock()
    store = TwoLayerStore(clock=clock)
    await store.set("k", b"v", ttl=10)
    clock.now += 9.9
    assert await store.get("k") == b"v"
    clock.now += 0.2
    assert await store.get("k") is None
    assert store.stats.l1.hits == 1 and store.stats.l1.misses == 1


async def test_zero_ttl_is_never_stored_and_none_never_expires() -> None:
    clock = Clock()
    store = TwoLayerStore(clock=clock)
    await store.set("zero", b"v", ttl=0)
    await store.set("forever", b"v")
    clock.now += 10**9
    assert await store.get("zero") is None
    assert await store.get("forever") == b"v"


async def test_stale_entries_are_kept_for_the_window_only() -> None:
    clock = Clock()
    store = TwoLayerStore(clock=clock, stale_window=30)
    await store.set("k", b"v", ttl=10)
    clock.now += 20
    assert await store.get("k") is None
    found = await store.get_entry("k", allow_stale=True)
    assert found is not None and found[0].value == b"v" and found[0].age(clock.now) == 20
    clock.now += 21
    assert await store.get_entry("k", allow_stale=True) is None


async def test_l1_is_bounded_by_entries_and_by_bytes() -> None:
    store = TwoLayerStore(max_entries=4, max_bytes=4000)
    for i in range(10):
        await store.set(f"small{i}", b"x")
    assert len(store.l1) == 4
    assert await store.get("small9") == b"x" and await store.get("small0") is None
    await store.set("big", b"y" * 3000)
    assert store.l1.size <= 4000
    assert await store.get("big") == b"y" * 3000
    assert store.stats.l1.evictions >= 6 + 3
    await store.set("too-big", b"z" * 5000)  # larger than the layer: not kept, no error
    assert await store.get("too-big") is None


async def test_tags_invalidate_only_their_entries() -> None:
    store = TwoLayerStore()
    await store.set("a", b"1", tags=["db.album"])
    await store.set("b", b"2", tags=["db.album", "db.artist"])
    await store.set("c", b"3", tags=["db.track"])
    assert await store.invalidate_tags(["db.album"]) == 2
    assert [await store.get(k) for k in "abc"] == [None, None, b"3"]
    assert store.stats.l1.invalidations == 2


async def test_a_value_computed_before_an_invalidation_is_not_stored() -> None:
    store = TwoLayerStore()
    token = store.generation()
    await store.invalidate_tags(["db.album"])  # a write lands while the read is in flight
    await store.set("a", b"old", tags=["db.album"], since=token)
    await store.set("b", b"other", tags=["db.track"], since=token)
    assert await store.get("a") is None
    assert await store.get("b") == b"other"


# --- with Redis ----------------------------------------------------------------------------------


@pytest_asyncio.fixture(loop_scope="session")
async def pair() -> AsyncIterator[tuple[TwoLayerStore, TwoLayerStore]]:
    """Two stores with their own L1 sharing one Redis, as two processes would."""
    url, prefix = require_redis(), unique_prefix()
    stores = (
        TwoLayerStore(redis_url=url, key_prefix=prefix),
        TwoLayerStore(redis_url=url, key_prefix=prefix),
    )
    yield stores
    await stores[0].clear()
    for store in stores:
        await store.close()


async def test_l2_is_shared_and_promoted_into_l1(
    pair: tuple[TwoLayerStore, TwoLayerStore],
) -> None:
    one, two = pair
    await one.set("k", b"shared", ttl=60, tags=["db.album"])
    assert await two.get("k") == b"shared"
    assert two.stats.l1.misses == 1 and two.stats.l2.hits == 1
    assert await two.get("k") == b"shared"
    assert two.stats.l1.hits == 1


async def test_invalidation_reaches_the_other_process_l1(
    pair: tuple[TwoLayerStore, TwoLayerStore],
) -> None:
    one, two = pair
    await one.set("k", b"v", ttl=60, tags=["db.album"])
    assert await two.get("k") == b"v"  # now in two's L1 as well
    await asyncio.sleep(0.05)  # both listeners subscribed
    await one.invalidate_tags(["db.album"])
    for _ in range(100):
        if two.l1.get("k") is None:
            break
        await asyncio.sleep(0.02)
    assert two.l1.get("k") is None
    assert await two.get("k") is None


async def test_an_unreachable_redis_degrades_to_l1(caplog: pytest.LogCaptureFixture) -> None:
    from redis_servers import free_port

    store = TwoLayerStore(redis_url=f"redis://127.0.0.1:{free_port()}/0", retry_after=60)
    await store.set("k", b"v", ttl=60, tags=["t"])
    assert await store.get("k") == b"v"
    assert await store.invalidate_tags(["t"]) == 1
    assert not store.redis_up
    assert store.stats.l2.errors == 1  # then not tried again until retry_after
    assert sum("Redis cache unreachable" in r.message for r in caplog.records) == 1
    await store.close()


async def test_redis_stopped_mid_run_then_back() -> None:
    with private_redis() as (url, process):
        store = TwoLayerStore(redis_url=url, retry_after=0.1)
        await store.set("k", b"v", ttl=60)
        process.terminate()
        process.wait(timeout=10)
        await store.set("k2", b"v2", ttl=60)
        assert await store.get("k") == b"v"
        assert await store.get("k2") == b"v2"
        assert not store.redis_up
        await store.close()
