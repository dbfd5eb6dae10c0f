"""The ASGI application: routes, and a lifespan that starts and stops the gateway.

    app = create_app()                     # federation.yaml via load_config()
    app = create_app(config)               # a loaded Config
    app = create_app(gateway=gateway)      # an already started gateway (tests, embedding)

uvicorn: `uvicorn --factory federation.server:create_app`.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager

from starlette.applications import Starlette
from starlette.routing import BaseRoute, Route

from federation.config import Config, load_config
from federation.gateway import Gateway
from federation.server.graphiql_assets import graphiql_assets
from federation.server.graphql_http import GraphQLEndpoint
from federation.server.health import healthz, readyz
from federation.server.state import set_gateway
from federation.server.types import ServedGateway


def create_app(config: Config | None = None, *, gateway: ServedGateway | None = None) -> Starlette:
    """The application. A gateway passed in is used as is and left open (its owner stops it);
    otherwise the lifespan starts one from `config` and stops it at shutdown."""
    if config is None:
        config = gateway.config if gateway is not None else load_config()
    routes: list[BaseRoute] = [
        Route("/graphql", GraphQLEndpoint(graphiql=config.server.graphiql)),
        Route("/healthz", healthz, methods=["GET"]),
        Route("/readyz", readyz, methods=["GET"]),
    ]
    if config.server.graphiql:
        routes.append(graphiql_assets())
    app = Starlette(routes=routes, lifespan=_lifespan(config, gateway))
    set_gateway(app, gateway)
    return app


def _lifespan(
    config: Config, given: ServedGateway | None
) -> Callable[[Starlette], AbstractAsyncContextManager[None]]:
    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        if given is not None:
            yield
            return
        gateway = await Gateway.start(config)
        set_gateway(app, gateway)
        try:
            yield
        finally:
            set_gateway(app, None)
            await gateway.stop()

    return lifespan
