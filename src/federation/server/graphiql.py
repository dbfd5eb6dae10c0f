"""GraphiQL for browsers at `/graphql`.

The page is strawberry's GraphiQL template (`strawberry.http.ides`) with our title, and with its
unpkg.com URLs pointing at the copies the gateway serves itself (`graphiql_assets.py`), so it
works without internet access. Its fetcher POSTs JSON to the same URL, which the GraphQL endpoint
answers.
"""

from __future__ import annotations

from functools import cache

from starlette.requests import Request
from starlette.responses import HTMLResponse
from strawberry.http.ides import get_graphql_ide_html

from federation.server.graphiql_assets import localize
from federation.server.media import accepts_html


@cache
def graphiql_html() -> str:
    """The GraphiQL page, read once from strawberry's package data."""
    html = localize(get_graphql_ide_html(graphql_ide="graphiql"))
    return html.replace("<title>Strawberry GraphiQL</title>", "<title>federation GraphiQL</title>")


def wants_graphiql(request: Request) -> bool:
    """A browser opening `/graphql`: a GET that asks for HTML and carries no `query`."""
    return (
        request.method in ("GET", "HEAD")
        and "query" not in request.query_params
        and accepts_html(request.headers.get("accept"))
    )


def graphiql_response() -> HTMLResponse:
    return HTMLResponse(graphiql_html(), headers={"Vary": "Accept"})
