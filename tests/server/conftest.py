"""Fixtures for the HTTP edge tests: a started test-double gateway and a client on the app."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from server_doubles import SmallGateway, client_for


@pytest.fixture
def gateway() -> SmallGateway:
    return SmallGateway()


@pytest.fixture
async def client(gateway: SmallGateway) -> AsyncIterator[httpx.AsyncClient]:
    async with client_for(gateway) as client:
        yield client
