"""What the HTTP edge needs from the gateway, as a protocol.

`federation.gateway.Gateway` satisfies it; tests pass a small test double that does too.
"""

from __future__ import annotations

from typing import Any, Protocol

from graphql import GraphQLSchema

from federation.config import Config
from federation.gateway import GraphQLResponse, OperationType


class ServedGateway(Protocol):
    """The part of `Gateway` that the server calls."""

    config: Config
    schema: GraphQLSchema
    """Persisted-query manifests are validated against it, and operation costs measured."""

    async def execute(
        self,
        query: str,
        variables: dict[str, Any] | None = None,
        operation_name: str | None = None,
        *,
        allowed_operations: frozenset[OperationType] = ...,
        caller: str | None = None,
    ) -> GraphQLResponse: ...

    async def readiness(self) -> dict[str, str | None]: ...

    async def stop(self) -> None: ...
