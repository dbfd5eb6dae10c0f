"""Per-client rate limits: token buckets in process (controlled clock) and in Redis (shared by
replicas), 429 with Retry-After."""

from __future__ import annotations

import os
import uuid

import httpx
import orjson
import pytest
import redis
from security_helpers import Serve, code_of, errors_of
from servers import unavailable

from federation.security.rate_limit import MemoryBuckets

LIMITED = """
security:
  rate_limit: {requests_per_second: 1, burst: 2}
clients:
  - name: partner
    key: partner-key
    rate_limit: {requests_per_second: 10, burst: 5}
"""
QUERY = {"query": "{ __typename }"}


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def controlled(client: httpx.AsyncClient) -> Clock:
    clock = Clock()
    security = client._transport.app.state.security  # type: ignore[attr-defined]
    security.rate_limiter.buckets = MemoryBuckets(clock)
    return clock


async def test_bucket_refills_over_time(serve: Serve) -> None:
    async with serve(LIMITED) as client:
        clock = controlled(client)
        statuses = [(await client.post("/graphql", json=QUERY)).status_code for _ in range(3)]
        refused = await client.post("/graphql", json=QUERY)
        clock.now += 0.5
        still = await client.post("/graphql", json=QUERY)
        clock.now += 1.0
        again = await client.post("/graphql", json=QUERY)
    assert statuses == [200, 200, 429]
    assert refused.status_code == 429
    assert refused.headers["retry-after"] == "1"
    assert code_of(refused) == "RATE_LIMITED"
    assert errors_of(refused)[0]["message"] == (
        "rate limit exceeded for this address: at most 1 requests per second (bursts of 2); "
        "this request needs 1: retry after 1 s"
    )
    assert still.status_code == 429
    assert again.status_code == 200


async def test_each_client_has_its_own_bucket(serve: Serve) -> None:
    async with serve(LIMITED) as client:
        controlled(client)
        anonymous = [(await client.post("/graphql", json=QUERY)).status_code for _ in range(3)]
        partner = [
            (
                await client.post("/graphql", json=QUERY, headers={"x-api-key": "partner-key"})
            ).status_code
            for _ in range(6)
        ]
    assert anonymous == [200, 200, 429]
    assert partner == [200] * 5 + [429]


async def test_each_request_of_a_batch_takes_a_token(serve: Serve) -> None:
    async with serve(LIMITED) as client:
        controlled(client)
        two = await client.post("/graphql", json=[QUERY, QUERY])
        one_more = await client.post("/graphql", json=QUERY)
        three = await client.post("/graphql", json=[QUERY] * 3)
    assert two.status_code == 200
    assert one_more.status_code == 429
    assert three.status_code == 429
    assert "more than the 2 that this address may send at once" in errors_of(three)[0]["message"]


def require_redis() -> str:
    url = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
    try:
        redis.Redis.from_url(url, socket_connect_timeout=2).ping()
    except redis.RedisError as error:
        unavailable(f"Redis is not reachable at {url} ({error}); start it to run this test")
    return url


async def test_replicas_share_buckets_in_redis(serve: Serve) -> None:
    url = require_redis()
    prefix = f"fedtest:{uuid.uuid4().hex[:10]}:"
    config = f"""
security:
  rate_limit: {{requests_per_second: 0.01, burst: 3}}
cache: {{redis_url: "{url}", key_prefix: "{prefix}"}}
"""
    async with serve(config) as first, serve(config) as second:
        statuses = [
            (await first.post("/graphql", json=QUERY)).status_code,
            (await second.post("/graphql", json=QUERY)).status_code,
            (await first.post("/graphql", json=QUERY)).status_code,
        ]
        refused = await second.post("/graphql", json=QUERY)
    assert statuses == [200, 200, 200]
    assert refused.status_code == 429
    assert 90 <= int(refused.headers["retry-after"]) <= 100  # 1 token at 0.01/s
    keys = redis.Redis.from_url(url).keys(f"{prefix}ratelimit:*")
    assert keys == [f"{prefix}ratelimit:address:127.0.0.1".encode()]
    redis.Redis.from_url(url).delete(*keys)
    assert orjson.loads(refused.content)["errors"][0]["extensions"]["retryAfter"] >= 90


@pytest.mark.parametrize("burst", [1])
async def test_redis_outage_falls_back_to_process_buckets(serve: Serve, burst: int) -> None:
    config = f"""
security:
  rate_limit: {{requests_per_second: 0.01, burst: {burst}}}
cache: {{redis_url: "redis://127.0.0.1:1/0"}}
"""
    async with serve(config) as client:
        first = await client.post("/graphql", json=QUERY)
        second = await client.post("/graphql", json=QUERY)
    assert (first.status_code, second.status_code) == (200, 429)
