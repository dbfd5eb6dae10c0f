"""The built-in ``graphql`` connector: a remote GraphQL API's list fields as tables."""

from .connector import GraphQLConnector

__all__ = ["GraphQLConnector"]
