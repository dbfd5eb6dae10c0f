"""The HTTP edge: a Starlette application serving `/graphql` (GraphQL over HTTP and GraphiQL),
`/healthz` and `/readyz`."""

from federation.server.app import create_app
from federation.server.types import ServedGateway

__all__ = ["ServedGateway", "create_app"]
