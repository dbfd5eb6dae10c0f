"""HTTP caching on a real gateway: Cache-Control, ETag / If-None-Match -> 304, and the
admin-only purge and stats endpoints."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import orjson
import pytest
from gateways import config_for, make_db

from federation.cache.settings import CacheSettings
from federation.server import create_app

TOKEN = "s3cret-admin-token"
AUTHORS = "{ author(order_by: {id: asc}) { id name } }"


async def _client(tmp_path: Path, settings: CacheSettings) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(config_for(make_db(tmp_path / "db.sqlite"), tmp_path, settings))
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
            yield client


@pytest.fixture
async def client(tmp_path: Path) -> AsyncIterator[httpx.AsyncClient]:
    settings = CacheSettings(default_max_age=60, admin_token=TOKEN)
    async for client in _client(tmp_path, settings):
        yield client


async def test_get_carries_cache_control_and_an_etag_that_revalidates(
    client: httpx.AsyncClient,
) -> None:
    first = await client.get("/graphql", params={"query": AUTHORS})
    assert first.status_code == 200
    assert first.headers["cache-control"] == "max-age=60, public"
    etag = first.headers["etag"]
    again = await client.get(
        "/graphql", params={"query": AUTHORS}, headers={"if-none-match": f'W/"x", {etag}'}
    )
    assert again.status_code == 304 and again.content == b""
    assert again.headers["etag"] == etag and again.headers["cache-control"].startswith("max-age=")

    mutation = 'mutation { update_author_by_pk(pk_columns: {id: 1}, _set: {name: "Z"}) { id } }'
    post = await client.post("/graphql", json={"query": mutation})
    assert post.headers["cache-control"] == "no-store" and "etag" not in post.headers
    changed = await client.get(
        "/graphql", params={"query": AUTHORS}, headers={"if-none-match": etag}
    )
    assert changed.status_code == 200 and changed.headers["etag"] != etag
    assert orjson.loads(changed.content)["data"]["author"][0]["name"] == "Z"


async def test_errors_and_uncacheable_answers_are_no_store(client: httpx.AsyncClient) -> None:
    invalid = await client.get("/graphql", params={"query": "{ nope }"})
    typename = await client.get("/graphql", params={"query": "{ __typename }"})
    assert invalid.headers["cache-control"] == "no-store" and "etag" not in invalid.headers
    assert typename.headers["cache-control"] == "no-store"


async def test_admin_endpoints_need_the_token(client: httpx.AsyncClient) -> None:
    missing = await client.get("/admin/cache/stats")
    assert missing.status_code == 401 and missing.headers["www-authenticate"].startswith("Bearer")
    wrong = await client.get("/admin/cache/stats", headers={"authorization": "Bearer nope"})
    assert wrong.status_code == 403
    assert "cache.admin_token" in orjson.loads(wrong.content)["errors"][0]["message"]


async def test_admin_purge_by_type_and_stats(client: httpx.AsyncClient) -> None:
    auth = {"authorization": f"Bearer {TOKEN}"}
    await client.get("/graphql", params={"query": AUTHORS})
    hit = await client.get("/graphql", params={"query": AUTHORS})
    assert hit.headers.get("age") is None or int(hit.headers["age"]) >= 0
    stats = orjson.loads((await client.get("/admin/cache/stats", headers=auth)).content)
    assert stats["l1"]["hits"] >= 1 and stats["redis"] == "not configured"

    bad = await client.post("/admin/cache/purge", json={"typo": 1}, headers=auth)
    assert bad.status_code == 400
    purged = await client.post("/admin/cache/purge", json={"types": ["author"]}, headers=auth)
    assert purged.status_code == 200 and orjson.loads(purged.content)["purged"] >= 1
    stats = orjson.loads((await client.get("/admin/cache/stats", headers=auth)).content)
    assert stats["l1_entries"] == 0


async def test_admin_endpoints_are_off_without_a_token(tmp_path: Path) -> None:
    async for client in _client(tmp_path, CacheSettings()):
        response = await client.post(
            "/admin/cache/purge", json={"all": True}, headers={"authorization": "Bearer x"}
        )
        assert response.status_code == 404
        assert "cache.admin_token" in response.text
