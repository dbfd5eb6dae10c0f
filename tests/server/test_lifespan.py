"""The application lifespan and configuration: who starts and stops the gateway."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
from server_doubles import SmallGateway

from federation.errors import ConfigError
from federation.server import create_app


async def test_a_given_gateway_is_served_and_left_open(gateway: SmallGateway) -> None:
    app = create_app(gateway=gateway)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
            response = await client.post("/graphql", json={"query": "{ __typename }"})
        assert response.status_code == 200
    assert gateway.stopped is False


def test_without_config_it_loads_federation_yaml(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("FEDERATION_CONFIG", raising=False)
    with pytest.raises(ConfigError, match=r"federation\.yaml"):
        create_app()
