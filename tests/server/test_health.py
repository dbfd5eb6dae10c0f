"""`/healthz` and `/readyz`."""

from __future__ import annotations

import asyncio

import httpx
import orjson
import pytest
from server_doubles import SmallGateway, client_for

from federation.config import Config
from federation.server import create_app, health


async def test_healthz_is_ok_without_touching_sources(
    client: httpx.AsyncClient, gateway: SmallGateway
) -> None:
    gateway.readiness_report = {"db": "connection refused"}
    response = await client.get("/healthz")
    assert response.status_code == 200
    assert orjson.loads(response.content) == {"status": "ok"}


async def test_readyz_200_when_every_source_answers(
    client: httpx.AsyncClient, gateway: SmallGateway
) -> None:
    gateway.readiness_report = {"a": None, "b": None}
    response = await client.get("/readyz")
    assert response.status_code == 200
    assert orjson.loads(response.content) == {
        "status": "ready",
        "sources": {"a": {"ready": True}, "b": {"ready": True}},
    }


async def test_readyz_503_names_each_failing_source(
    client: httpx.AsyncClient, gateway: SmallGateway
) -> None:
    gateway.readiness_report = {"a": None, "b": "connection refused"}
    response = await client.get("/readyz")
    assert response.status_code == 503
    assert orjson.loads(response.content)["sources"] == {
        "a": {"ready": True},
        "b": {"ready": False, "error": "connection refused"},
    }


async def test_readyz_503_when_readiness_hangs(
    gateway: SmallGateway, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def hang() -> dict[str, str | None]:
        await asyncio.sleep(10)
        return {}

    gateway.readiness = hang  # type: ignore[method-assign]
    monkeypatch.setattr(health, "READINESS_TIMEOUT", 0.05)
    async with client_for(gateway) as client:
        response = await client.get("/readyz")
    assert response.status_code == 503
    assert "did not answer within" in orjson.loads(response.content)["error"]


async def test_readyz_503_while_starting() -> None:
    app = create_app(Config(sources=()))  # lifespan not run: no gateway yet
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as c:
        ready = await c.get("/readyz")
        graphql = await c.post("/graphql", json={"query": "{ __typename }"})
        alive = await c.get("/healthz")
    assert ready.status_code == 503
    assert orjson.loads(ready.content) == {"status": "starting"}
    assert graphql.status_code == 503
    assert alive.status_code == 200
