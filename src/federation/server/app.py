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
from starlette.middleware import Middleware
from starlette.routing import BaseRoute, Route

from federation.config import Config, load_config
from federation.gateway import Gateway
from federation.server.cache_admin import cache_admin_routes
from federation.server.forwarding import RequestHeadersMiddleware
from federation.server.graphiql_assets import graphiql_assets
from federation.server.graphql_http import GraphQLEndpoint
from federation.server.health import healthz, readyz
from federation.server.metrics import metrics
from federation.server.security_edge import build_security, set_security
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
    routes.extend(cache_admin_routes())
    if config.server.metrics:
        routes.append(Route("/metrics", metrics, methods=["GET"]))
    if config.server.graphiql:
        routes.append(graphiql_assets())
    app = Starlette(
        routes=routes,
        middleware=[Middleware(RequestHeadersMiddleware)],  # for options.forward_headers
        lifespan=_lifespan(config, gateway),
    )
    set_gateway(app, gateway)
    set_security(app, build_security(config, gateway) if gateway is not None else None)
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
        try:
            security = build_security(config, gateway)  # an invalid manifest stops the start
        except BaseException:
            await gateway.stop()
            raise
        set_gateway(app, gateway)
        set_security(app, security)
        try:
            yield
        finally:
            set_security(app, None)
            set_gateway(app, None)
            await security.close()
            await gateway.stop()

    return lifespan
