"""The HTTP edge over the real `Gateway` on the Chinook SQLite file, started by the lifespan.

Skipped while `Gateway.start` is not implemented.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import orjson
import pytest
from servers import chinook_sqlite

from federation.config import Config, SourceConfig
from federation.server import create_app

GQL = "application/graphql-response+json"


@pytest.fixture(scope="module")
async def client(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[httpx.AsyncClient]:
    copy = chinook_sqlite(tmp_path_factory.mktemp("chinook"))  # writable: it has mutations
    source = SourceConfig(name="chinook", kind="sqlite", path=str(copy))
    app = create_app(Config(sources=(source,), base_dir=copy.parent))
    try:
        async with app.router.lifespan_context(app):
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
                yield client
    except NotImplementedError:
        pytest.skip("gateway not implemented")


async def test_typename_over_post_and_get(client: httpx.AsyncClient) -> None:
    post = await client.post("/graphql", json={"query": "{ __typename }"}, headers={"accept": GQL})
    get = await client.get("/graphql", params={"query": "{ __typename }"})
    assert post.status_code == 200
    assert post.headers["content-type"] == f"{GQL}; charset=utf-8"
    assert orjson.loads(post.content)["data"]["__typename"] in ("query_root", "Query")
    assert get.status_code == 200
    assert get.headers["content-type"] == "application/json; charset=utf-8"


@pytest.mark.parametrize("query", ["{", "{ 8f31403dfe404bccbb0e835f2629c6a7 }"])
async def test_request_errors_are_400_without_data(client: httpx.AsyncClient, query: str) -> None:
    response = await client.post("/graphql", json={"query": query}, headers={"accept": GQL})
    assert response.status_code == 400
    body = orjson.loads(response.content)
    assert "data" not in body
    assert body["errors"]


async def test_mutation_over_get_is_refused(client: httpx.AsyncClient) -> None:
    response = await client.get(
        "/graphql", params={"query": "mutation { __typename }"}, headers={"accept": GQL}
    )
    assert response.status_code == 405
    assert response.headers["allow"] == "POST"


async def test_ready_when_chinook_answers(client: httpx.AsyncClient) -> None:
    response = await client.get("/readyz")
    assert response.status_code == 200
    assert orjson.loads(response.content)["sources"] == {"chinook": {"ready": True}}


def _sample(text: str, name: str) -> float:
    """The value of the sample ``name`` (with its labels) in Prometheus' text format."""
    for line in text.splitlines():
        if line.rsplit(" ", 1)[0] == name:
            return float(line.rsplit(" ", 1)[1])
    raise AssertionError(f"{name} not in /metrics")


async def test_metrics_count_what_the_gateway_did(client: httpx.AsyncClient) -> None:
    before = (await client.get("/metrics")).text
    query = "query ($id: Int!) { Artist(where: {ArtistId: {_eq: $id}}) { Name } }"
    for artist in (1, 2, 3):
        await client.post("/graphql", json={"query": query, "variables": {"id": artist}})
    response = await client.get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain; version=0.0.4")
    text = response.text
    assert "# TYPE federation_cache_hits_total counter" in text
    statements = 'federation_source_statements_total{source="chinook"}'
    assert _sample(text, statements) - _sample(before, statements) == 3
    hits = 'federation_plan_cache_total{result="hit"}'
    assert _sample(text, hits) - _sample(before, hits) >= 2  # one plan for the three values
    assert _sample(text, 'federation_source_circuit_open{source="chinook"}') == 0
