"""`/graphql`: GraphQL over HTTP (https://graphql.github.io/graphql-over-http/draft/).

Our own small endpoint rather than strawberry's view: the gateway's executor returns the final
response as JSON bytes (built with orjson, database JSON embedded unparsed), and strawberry's view
turns an `ExecutionResult` into Python data and serializes it again. Its view would also need
overriding for `application/graphql-response+json` negotiation, 406, 415 and 405 for GET
mutations. strawberry still provides the GraphiQL page (see `graphiql.py`).

Status codes, as audited by the `graphql-http` suite:

- a request that is not well-formed (bad JSON, missing or non-string `query`, `variables` not an
  object): 400, whatever the media type (audits BCF8, B7N8, 3E3A);
- a batch (a JSON array of requests, POST only): a JSON array of responses, 200; each part
  carries its own errors;
- GraphQL request errors (parse, validation, variable coercion, unknown operation): 400 with
  `application/graphql-response+json`, 200 with `application/json` (audits 556A, 74FF, 86EE,
  572B, FDE2, 7B9B: legacy clients only trust the body of a 200 `application/json` response);
- a mutation over GET: 405 with `Allow: POST`; no acceptable media type: 406;
- a POST body that is not JSON: 415 (forms and text/plain are refused: CSRF); too large: 413;
- a method other than GET, HEAD and POST: 405.
"""

from __future__ import annotations

import logging
from typing import Final

from starlette.requests import Request
from starlette.responses import Response
from starlette.types import Receive, Scope, Send

from federation.errors import QueryError
from federation.gateway import GraphQLResponse, OperationType
from federation.security.clients import Caller
from federation.security.limits import DEVELOPMENT_LIMITS
from federation.security.refusal import Refusal
from federation.server.graphiql import graphiql_response, wants_graphiql
from federation.server.http_cache import cache_control, etag_of, matches, not_modified
from federation.server.media import (
    GRAPHQL_RESPONSE_JSON,
    REQUEST_TYPES,
    accepts_html,
    negotiate,
    parse_media_type,
)
from federation.server.params import (
    BadRequest,
    BatchTooLarge,
    GraphQLParams,
    from_batch_body,
    from_query_string,
)
from federation.server.responses import errors_body, json_response
from federation.server.security_edge import (
    admit,
    authenticate,
    batch_too_large,
    finish,
    limits_of,
    prepare,
    refusal_response,
    where_of,
)
from federation.server.security_edge import execute as execute_guarded
from federation.server.state import gateway_of

logger = logging.getLogger(__name__)

MAX_BODY_BYTES: Final = DEVELOPMENT_LIMITS.max_body_bytes
"""Larger POST bodies get 413 before they are parsed (the default of
`security.limits.max_body_bytes`; docs/security.md)."""
MAX_BATCH_SIZE: Final = DEVELOPMENT_LIMITS.max_batch_size
"""Requests in one batch; more is refused with 400 (a batch must not multiply one request's cost
without bound). The default of `security.limits.max_batch_size`."""

READ_ONLY: Final[frozenset[OperationType]] = frozenset({"query"})
READ_WRITE: Final[frozenset[OperationType]] = frozenset({"query", "mutation"})
_SAFE_METHODS: Final = ("GET", "HEAD")
_VARY: Final = {"Vary": "Accept"}
_NOT_ACCEPTABLE: Final = (
    "none of the media types in the Accept header can be served: "
    "accept application/graphql-response+json or application/json"
)


class Refused(Exception):
    """The request is refused at the HTTP level, whatever media type the client accepts."""

    def __init__(self, status_code: int, message: str, code: str) -> None:
        self.status_code = status_code
        self.code = code
        super().__init__(message)


class GraphQLEndpoint:
    """The `/graphql` endpoint as a plain ASGI app, so that it sees every method and answers
    the unsupported ones itself; `graphiql` serves the GraphiQL page to browsers."""

    def __init__(self, *, graphiql: bool) -> None:
        self.graphiql = graphiql

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        response = await handle(Request(scope, receive), graphiql=self.graphiql)
        await response(scope, receive, send)


async def handle(request: Request, *, graphiql: bool) -> Response:
    if request.method not in (*_SAFE_METHODS, "POST"):
        message = f"{request.method} is not supported on /graphql: use GET or POST"
        return _refusal(Refused(405, message, "METHOD_NOT_ALLOWED"), {"Allow": "GET, HEAD, POST"})
    if graphiql and wants_graphiql(request):
        return graphiql_response()
    media_type = negotiate(request.headers.get("accept"))
    if media_type is None:
        return _refusal(Refused(406, _NOT_ACCEPTABLE, "NOT_ACCEPTABLE"))
    try:
        caller = authenticate(request)  # the security layer: docs/security.md
        params = await _read_params(request, graphiql=graphiql, caller=caller)
        await admit(request, caller, len(params) if isinstance(params, list) else 1)
        if isinstance(params, list):
            return await _execute_batch(request, params, media_type, caller)
    except Refusal as exc:
        return refusal_response(exc, media_type)
    except Refused as exc:
        return _refusal(exc)
    except BadRequest as exc:
        body = errors_body(str(exc), "BAD_REQUEST")
        return json_response(body, media_type=media_type, status_code=400, headers=_VARY)
    return await _execute(request, params, media_type, caller)


async def _read_params(
    request: Request, *, graphiql: bool, caller: Caller | None
) -> GraphQLParams | list[GraphQLParams]:
    if request.method in _SAFE_METHODS:
        if not graphiql and not _names_document(request) and _is_browser(request):
            raise BadRequest(
                "GraphiQL is disabled on this server (server.graphiql: false): "
                "send a `query` parameter to run an operation"
            )
        return from_query_string(request.query_params)
    _check_content_type(request.headers.get("content-type"))
    body = await _read_body(request, caller)
    try:
        return from_batch_body(body, limits_of(caller).max_batch_size)
    except BatchTooLarge as exc:
        raise batch_too_large(exc, caller) from None


def _names_document(request: Request) -> bool:
    return any(key in request.query_params for key in ("query", "documentId", "doc_id"))


def _is_browser(request: Request) -> bool:
    return accepts_html(request.headers.get("accept"))


def _check_content_type(content_type: str | None) -> None:
    if content_type is None:
        raise Refused(
            415,
            "the POST request has no Content-Type header: "
            "send the body as JSON with Content-Type: application/json",
            "UNSUPPORTED_MEDIA_TYPE",
        )
    name, params = parse_media_type(content_type)
    if name not in REQUEST_TYPES:
        raise Refused(
            415,
            f"Content-Type {name!r} is not supported (form and text bodies are refused to "
            "prevent cross-site request forgery): send the body as JSON with "
            "Content-Type: application/json",
            "UNSUPPORTED_MEDIA_TYPE",
        )
    if params.get("charset", "utf-8").lower() not in ("utf-8", "utf8"):
        raise Refused(
            415,
            f"charset {params['charset']!r} is not supported: encode the body as UTF-8",
            "UNSUPPORTED_MEDIA_TYPE",
        )


async def _read_body(request: Request, caller: Caller | None) -> bytes:
    """The body, refused with 413 as soon as it exceeds the caller's `max_body_bytes`."""
    max_bytes = limits_of(caller).max_body_bytes or None
    too_large = Refused(
        413,
        f"the request body is larger than {max_bytes} bytes "
        f"({where_of(caller)}.max_body_bytes): "
        "send large inputs as variables in several requests",
        "PAYLOAD_TOO_LARGE",
    )
    declared = request.headers.get("content-length", "")
    if max_bytes and declared.isdigit() and int(declared) > max_bytes:
        raise too_large
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if max_bytes and len(body) > max_bytes:
            raise too_large
    return bytes(body)


async def _execute(
    request: Request, params: GraphQLParams, media_type: str, caller: Caller | None
) -> Response:
    gateway = gateway_of(request)
    if gateway is None or caller is None:
        return _refusal(Refused(503, "the gateway is still starting: retry shortly", "STARTING"))
    safe = request.method in _SAFE_METHODS
    try:
        prepared = await prepare(request, caller, params)
        allowed = READ_ONLY if safe else READ_WRITE
        result = await execute_guarded(gateway, caller, prepared, params, allowed)
        result = await finish(request, prepared, result)
    except Refusal as exc:
        return refusal_response(exc, media_type)
    except QueryError as exc:
        return _request_error(str(exc), exc.code, media_type)
    except Exception:
        # Details stay in the log: an internal error message can reveal data or topology.
        logger.exception("unexpected error while executing a GraphQL request")
        return _refusal(Refused(500, "internal server error", "INTERNAL_SERVER_ERROR"))
    return _from_result(
        result, media_type, safe=safe, if_none_match=request.headers.get("if-none-match")
    )


async def _execute_batch(
    request: Request, batch: list[GraphQLParams], media_type: str, caller: Caller | None
) -> Response:
    gateway = gateway_of(request)
    if gateway is None or caller is None:
        return _refusal(Refused(503, "the gateway is still starting: retry shortly", "STARTING"))
    bodies = []
    for params in batch:  # in order: a batch may hold mutations, which run serially
        try:
            prepared = await prepare(request, caller, params)
            result = await execute_guarded(gateway, caller, prepared, params, READ_WRITE)
            bodies.append((await finish(request, prepared, result)).body)
        except Refusal as exc:
            bodies.append(exc.body())
        except QueryError as exc:
            bodies.append(errors_body(str(exc), exc.code))
    body = b"[" + b",".join(bodies) + b"]"
    return json_response(body, media_type=media_type, status_code=200, headers=_VARY)


def _from_result(
    result: GraphQLResponse, media_type: str, *, safe: bool, if_none_match: str | None = None
) -> Response:
    if result.not_allowed and safe:
        headers = {**_VARY, "Allow": "POST", "Cache-Control": "no-store"}
        return json_response(result.body, media_type=media_type, status_code=405, headers=headers)
    failed = result.request_error or result.not_allowed
    status = 400 if failed and media_type == GRAPHQL_RESPONSE_JSON else 200
    headers = {**_VARY, **cache_control(result.cache, failed=failed)}
    if safe and not failed:  # validators for GET: a client revalidates with If-None-Match
        headers["ETag"] = etag_of(result.body)
        if matches(if_none_match, headers["ETag"]):
            return not_modified(headers)
    return json_response(result.body, media_type=media_type, status_code=status, headers=headers)


def _request_error(message: str, code: str, media_type: str) -> Response:
    """A GraphQL request error: 400, or 200 for legacy `application/json`."""
    status = 400 if media_type == GRAPHQL_RESPONSE_JSON else 200
    body = errors_body(message, code)
    return json_response(body, media_type=media_type, status_code=status, headers=_VARY)


def _refusal(exc: Refused, headers: dict[str, str] | None = None) -> Response:
    body = errors_body(str(exc), exc.code)
    return json_response(body, status_code=exc.status_code, headers={**_VARY, **(headers or {})})
