"""The security layer at the HTTP edge: where the application keeps it, and how a refusal is
answered."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from typing import cast

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response

from federation.config import Config
from federation.gateway import GraphQLResponse, OperationType
from federation.security.clients import Caller
from federation.security.guard import Prepared, Security
from federation.security.limits import DEVELOPMENT_LIMITS, LimitExceeded, Limits
from federation.security.refusal import Refusal
from federation.server.media import GRAPHQL_RESPONSE_JSON
from federation.server.params import BatchTooLarge, GraphQLParams
from federation.server.responses import json_response
from federation.server.types import ServedGateway


def set_security(app: Starlette, security: Security | None) -> None:
    app.state.security = security


def security_of(request: Request) -> Security | None:
    """The layer of the running gateway, or None while the application is still starting."""
    return cast("Security | None", getattr(request.app.state, "security", None))


def refusal_response(refusal: Refusal, media_type: str) -> Response:
    """A fixed status when the refusal has one; else a GraphQL request error's: 400 with
    ``application/graphql-response+json``, 200 with legacy ``application/json``."""
    status = refusal.status
    if status is None:
        status = 400 if media_type == GRAPHQL_RESPONSE_JSON else 200
    headers = {"Vary": "Accept", **refusal.headers}
    if status >= 400:
        headers.setdefault("Cache-Control", "no-store")
    return json_response(refusal.body(), media_type=media_type, status_code=status, headers=headers)


def client_address(request: Request) -> str | None:
    return request.client.host if request.client else None


def authenticate(request: Request) -> Caller | None:
    """The caller (None while the application starts); raises :class:`Refusal` (401)."""
    security = security_of(request)
    if security is None:
        return None
    return security.authenticate(request.headers, client_address(request))


def limits_of(caller: Caller | None) -> Limits:
    return caller.limits if caller is not None else DEVELOPMENT_LIMITS


def where_of(caller: Caller | None) -> str:
    return caller.where if caller is not None else "security.limits"


async def admit(request: Request, caller: Caller | None, requests: int) -> None:
    """Take the caller's rate-limit tokens; raises :class:`Refusal` (429)."""
    security = security_of(request)
    if security is not None and caller is not None:
        await security.admit(caller, requests)


def batch_too_large(error: BatchTooLarge, caller: Caller | None) -> Refusal:
    limit = LimitExceeded("max_batch_size", error.size, error.max_size, where_of(caller))
    return Refusal.from_limit(limit, status=400)


async def prepare(request: Request, caller: Caller, params: GraphQLParams) -> Prepared:
    """The document to run, within the caller's limits; raises :class:`Refusal`."""
    security = security_of(request)
    assert security is not None  # set with the gateway
    return await security.prepare(
        caller,
        query=params.query,
        document_id=params.document_id,
        extensions=params.extensions,
        operation_name=params.operation_name,
        variables=params.variables,
    )


async def execute(
    gateway: ServedGateway,
    caller: Caller,
    prepared: Prepared,
    params: GraphQLParams,
    allowed_operations: frozenset[OperationType],
) -> GraphQLResponse:
    """Run the operation within ``caller.limits.timeout``; raises :class:`Refusal` (504)."""
    identity = {"caller": caller.name} if caller.name is not None else {}
    timeout = caller.limits.timeout or None
    try:
        async with asyncio.timeout(timeout):
            return await gateway.execute(
                prepared.query,
                params.variables,
                params.operation_name,
                allowed_operations=allowed_operations,
                **identity,
            )
    except TimeoutError:
        raise Refusal(
            f"the operation did not finish within {timeout:g} s "
            f"({caller.where}.timeout): ask for less data (smaller `limit` arguments, fewer "
            "nested lists), or ask the operator for a longer timeout",
            "EXECUTION_TIMEOUT",
            status=504,
        ) from None


async def finish(request: Request, prepared: Prepared, result: GraphQLResponse) -> GraphQLResponse:
    """Remember a valid APQ document; mask unexpected errors in production."""
    security = security_of(request)
    if security is None:
        return result
    body = await security.finish(prepared, result.body, request_error=result.request_error)
    return result if body is result.body else replace(result, body=body)


def build_security(config: Config, gateway: ServedGateway) -> Security:
    """The security layer of a started gateway (APQ documents go to its cache store)."""
    store = getattr(gateway, "cache_store", None)  # a test double may have none
    return Security.build(config, gateway.schema, store)
