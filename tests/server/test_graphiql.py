"""GraphiQL for browsers at `/graphql`, and what happens when it is disabled."""

from __future__ import annotations

import httpx
import orjson
from server_doubles import SmallGateway, client_for

BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


async def test_browser_get_without_query_gets_graphiql(
    client: httpx.AsyncClient, gateway: SmallGateway
) -> None:
    response = await client.get("/graphql", headers={"accept": BROWSER})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert "<title>federation GraphiQL</title>" in response.text
    assert "GraphiQL.createFetcher" in response.text
    assert gateway.calls == []


async def test_browser_get_with_query_runs_the_query(client: httpx.AsyncClient) -> None:
    response = await client.get(
        "/graphql", params={"query": "{ hello }"}, headers={"accept": BROWSER}
    )
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json; charset=utf-8"
    assert orjson.loads(response.content) == {"data": {"hello": "hello world"}}


async def test_non_browser_get_without_query_is_a_request_error(
    client: httpx.AsyncClient,
) -> None:
    response = await client.get("/graphql", headers={"accept": "application/graphql-response+json"})
    assert response.status_code == 400
    assert b"<html" not in response.content


async def test_disabled_graphiql_is_not_served(gateway: SmallGateway) -> None:
    async with client_for(gateway, graphiql=False) as client:
        browser = await client.get("/graphql", headers={"accept": BROWSER})
        html_only = await client.get("/graphql", headers={"accept": "text/html"})
    assert browser.status_code == 400
    assert browser.headers["content-type"] == "application/json; charset=utf-8"
    message = orjson.loads(browser.content)["errors"][0]["message"]
    assert "GraphiQL is disabled" in message
    assert html_only.status_code == 406
