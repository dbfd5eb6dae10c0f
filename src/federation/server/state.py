"""Where the application keeps its gateway: `app.state.gateway`, set by `create_app` or the
lifespan, read by the endpoints."""

from __future__ import annotations

from typing import cast

from starlette.applications import Starlette
from starlette.requests import Request

from federation.server.types import ServedGateway


def set_gateway(app: Starlette, gateway: ServedGateway | None) -> None:
    app.state.gateway = gateway


def gateway_of(request: Request) -> ServedGateway | None:
    """The running gateway, or None while the application is still starting."""
    return cast("ServedGateway | None", getattr(request.app.state, "gateway", None))
