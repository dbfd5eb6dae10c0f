"""A test double for the gateway (it stands for the executor, not for a database) and clients.

`SmallGateway` runs a tiny graphql-core schema so that parse, validation and variable errors,
`__typename` and mutations behave as a real GraphQL executor's do, and returns
`GraphQLResponse` bytes built with orjson, as the real gateway does.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import httpx
import orjson
from graphql import (
    GraphQLError,
    GraphQLSchema,
    OperationDefinitionNode,
    build_schema,
    execute,
    get_operation_ast,
    parse,
    validate,
)

from federation.config import Config, ServerConfig
from federation.gateway import GraphQLResponse, OperationType
from federation.server import create_app

SDL = """
type Query { hello(name: String): String  fail: String }
type Mutation { bump: Int }
"""


def _root() -> dict[str, Any]:
    def fail(_info: Any) -> str:
        raise ValueError("boom")

    return {"hello": lambda _info, name="world": f"hello {name}", "fail": fail, "bump": 1}


@dataclass
class SmallGateway:
    config: Config = field(default_factory=lambda: Config(sources=()))
    readiness_report: dict[str, str | None] = field(default_factory=dict)
    calls: list[dict[str, Any]] = field(default_factory=list)
    stopped: bool = False
    schema: GraphQLSchema = field(default_factory=lambda: build_schema(SDL))

    async def execute(
        self,
        query: str,
        variables: dict[str, Any] | None = None,
        operation_name: str | None = None,
        *,
        allowed_operations: frozenset[OperationType] = frozenset({"query", "mutation"}),
        caller: str | None = None,
    ) -> GraphQLResponse:
        self.calls.append(
            {
                "query": query,
                "variables": variables,
                "operation_name": operation_name,
                "allowed_operations": allowed_operations,
                "caller": caller,
            }
        )
        try:
            document = parse(query)
        except GraphQLError as error:
            return _request_error([error])
        errors = validate(self.schema, document)
        if errors:
            return _request_error(errors)
        operation = get_operation_ast(document, operation_name)
        if isinstance(operation, OperationDefinitionNode):
            kind: OperationType = operation.operation.value  # type: ignore[assignment]
            if kind not in allowed_operations:
                error = GraphQLError(f"{kind} operations are not allowed over GET: use POST")
                return _request_error([error], not_allowed=True, operation_type=kind)
        result = execute(self.schema, document, _root(), None, variables, operation_name)
        assert not hasattr(result, "__await__")
        if result.data is None and result.errors:  # type: ignore[union-attr]
            return _request_error(result.errors)  # type: ignore[union-attr]
        return GraphQLResponse(body=orjson.dumps(result.formatted))  # type: ignore[union-attr]

    async def readiness(self) -> dict[str, str | None]:
        return self.readiness_report

    async def stop(self) -> None:
        self.stopped = True


def _request_error(
    errors: list[GraphQLError],
    *,
    not_allowed: bool = False,
    operation_type: OperationType | None = None,
) -> GraphQLResponse:
    body = orjson.dumps({"errors": [error.formatted for error in errors]})
    return GraphQLResponse(
        body=body, request_error=True, not_allowed=not_allowed, operation_type=operation_type
    )


def client_for(gateway: SmallGateway, *, graphiql: bool = True) -> httpx.AsyncClient:
    config = Config(sources=(), server=ServerConfig(graphiql=graphiql))
    app = create_app(config, gateway=gateway)
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test")
