"""GraphQL-over-HTTP request parameters: read from a GET query string or a POST JSON body.

Anything that makes the request not well-formed raises `BadRequest` with a message that says
what was wrong and how to fix it; the endpoint turns it into a GraphQL error response.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import orjson


class BadRequest(Exception):
    """The HTTP request is not a well-formed GraphQL-over-HTTP request."""


class BatchTooLarge(BadRequest):
    """A batch holds more requests than allowed."""

    def __init__(self, size: int, max_size: int) -> None:
        self.size = size
        self.max_size = max_size
        super().__init__(
            f"the batch holds {size} requests, more than the {max_size} allowed: "
            f"split it into smaller batches"
        )


@dataclass(frozen=True, slots=True)
class GraphQLParams:
    query: str | None
    """None when the request names a persisted document instead (`documentId`, or APQ's
    `extensions.persistedQuery`): the security layer resolves it."""
    variables: dict[str, Any] | None = None
    operation_name: str | None = None
    extensions: dict[str, Any] | None = None
    document_id: str | None = None
    """A persisted document's id: `documentId` (GraphQL over HTTP) or `doc_id` (Relay)."""


def from_query_string(params: Mapping[str, str]) -> GraphQLParams:
    """GET: `query` (or `documentId`/`doc_id`), `operationName`, and `variables`/`extensions`
    as JSON text."""
    return _build(
        query=params.get("query"),
        variables=_json_param(params, "variables"),
        operation_name=params.get("operationName") or None,
        extensions=_json_param(params, "extensions"),
        document_id=params.get("documentId") or params.get("doc_id"),
    )


def from_json_body(body: bytes) -> GraphQLParams:
    """POST: a JSON object `{query, variables, operationName, extensions}`."""
    if not body.strip():
        raise BadRequest(
            'the request body is empty: send a JSON object such as {"query": "{ __typename }"}'
        )
    try:
        data = orjson.loads(body)
    except orjson.JSONDecodeError as exc:
        raise BadRequest(f"the request body is not valid JSON: {exc}") from None
    if isinstance(data, list):
        raise BadRequest("a JSON array body is a batch: read it with from_batch_body")
    return _from_object(data)


def from_batch_body(body: bytes, max_size: int) -> GraphQLParams | list[GraphQLParams]:
    """POST: one request object, or a batch (a JSON array of request objects, as Apollo
    Client's batch link and Hasura send them)."""
    try:
        data = orjson.loads(body) if body.strip() else None
    except orjson.JSONDecodeError:
        data = None
    if not isinstance(data, list):
        return from_json_body(body)
    if not data:
        raise BadRequest("the batch is empty: send at least one request object in the array")
    if max_size and len(data) > max_size:
        raise BatchTooLarge(len(data), max_size)
    return [_from_object(item) for item in data]


def _from_object(data: object) -> GraphQLParams:
    if not isinstance(data, dict):
        raise BadRequest(
            f"the request body must be a JSON object with a `query` string, "
            f"not a JSON {_json_kind(data)}"
        )
    return _build(
        query=data.get("query"),
        variables=data.get("variables"),
        operation_name=data.get("operationName"),
        extensions=data.get("extensions"),
        document_id=data.get("documentId", data.get("doc_id")),
    )


def _build(
    *,
    query: object,
    variables: object,
    operation_name: object,
    extensions: object,
    document_id: object = None,
) -> GraphQLParams:
    if document_id is not None and not isinstance(document_id, str):
        raise BadRequest(
            f"the `documentId` parameter must be a string, not a JSON {_json_kind(document_id)}"
        )
    checked_extensions = _object_or_none("extensions", extensions)
    persisted = document_id or (checked_extensions or {}).get("persistedQuery") is not None
    if query is None and not persisted:
        raise BadRequest("the `query` parameter is missing: send the GraphQL document as a string")
    if query is not None and not isinstance(query, str):
        raise BadRequest(f"the `query` parameter must be a string, not a JSON {_json_kind(query)}")
    if operation_name is not None and not isinstance(operation_name, str):
        raise BadRequest(
            f"the `operationName` parameter must be a string or null, "
            f"not a JSON {_json_kind(operation_name)}"
        )
    return GraphQLParams(
        query=query,
        variables=_object_or_none("variables", variables),
        operation_name=operation_name or None,
        extensions=checked_extensions,
        document_id=document_id or None,
    )


def _object_or_none(name: str, value: object) -> dict[str, Any] | None:
    if value is None or isinstance(value, dict):
        return value
    raise BadRequest(
        f"the `{name}` parameter must be a JSON object (a map of names to values) or null, "
        f"not a JSON {_json_kind(value)}"
    )


def _json_param(params: Mapping[str, str], name: str) -> object:
    """A GET parameter holding JSON text; absent or empty means null."""
    raw = params.get(name)
    if not raw:
        return None
    try:
        return orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        raise BadRequest(
            f"the `{name}` query parameter is not valid JSON ({exc}): "
            f"URL-encode a JSON object, e.g. {name}=%7B%22id%22%3A1%7D"
        ) from None


def _json_kind(value: object) -> str:
    """The JSON name of a decoded value's type, for error messages."""
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    if isinstance(value, dict):
        return "object"
    return "null"
