"""GraphiQL at `/graphql`: the page, its vendored assets, and what happens when it is off."""

from __future__ import annotations

import base64
import hashlib
import re

import httpx
import orjson
from server_doubles import SmallGateway, client_for

BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
# `src=`/`href=` of each <script>/<link> tag, with the tag's `integrity`, if any.
TAG = re.compile(r"<(?:script|link)\b[^>]*>", re.S)
URL_ATTR = re.compile(r'\b(?:src|href)="([^"]*)"')
INTEGRITY = re.compile(r'\bintegrity="sha384-([^"]*)"')


async def _page(client: httpx.AsyncClient) -> str:
    response = await client.get("/graphql", headers={"accept": BROWSER})
    assert response.status_code == 200
    return response.text


def _assets(html: str) -> dict[str, str | None]:
    """Each asset URL the page loads -> its SRI sha384 digest (base64), if it carries one."""
    assets: dict[str, str | None] = {}
    for tag in TAG.findall(html):
        url = URL_ATTR.search(tag)
        if url is None or url.group(1).startswith("data:"):
            continue
        integrity = INTEGRITY.search(tag)
        assets[url.group(1)] = integrity.group(1) if integrity else None
    return assets


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


async def test_page_loads_only_assets_served_by_the_gateway(client: httpx.AsyncClient) -> None:
    html = await _page(client)
    assets = _assets(html)
    assert len(assets) == 7  # react, react-dom, js-cookie, graphiql js+css, explorer js+css
    assert all(url.startswith("graphiql-assets/") for url in assets), assets
    assert "unpkg.com" not in html
    assert "https://" not in html


async def test_every_asset_is_served_immutable_with_its_type(client: httpx.AsyncClient) -> None:
    for url, digest in _assets(await _page(client)).items():
        # Relative to the page, exactly as a browser resolves it.
        response = await client.get(httpx.URL("http://test/graphql").join(url))
        assert response.status_code == 200, url
        expected = "text/css" if url.endswith(".css") else "text/javascript"
        assert response.headers["content-type"] == f"{expected}; charset=utf-8", url
        assert response.headers["cache-control"] == "public, max-age=31536000, immutable"
        # The bytes are upstream's: the template's SRI hash still matches them.
        assert digest == base64.b64encode(hashlib.sha384(response.content).digest()).decode()


async def test_asset_revalidation_keeps_the_cache_header(client: httpx.AsyncClient) -> None:
    url = "/graphiql-assets/react-18.2.0/react.production.min.js"
    first = await client.get(url)
    again = await client.get(url, headers={"if-none-match": first.headers["etag"]})
    assert again.status_code == 304
    assert again.headers["cache-control"] == "public, max-age=31536000, immutable"


async def test_unknown_asset_is_not_found(client: httpx.AsyncClient) -> None:
    assert (await client.get("/graphiql-assets/react-18.2.0/nope.js")).status_code == 404


async def test_disabled_graphiql_serves_no_assets(gateway: SmallGateway) -> None:
    async with client_for(gateway, graphiql=False) as client:
        response = await client.get("/graphiql-assets/graphiql-3.8.3/graphiql.min.js")
    assert response.status_code == 404
