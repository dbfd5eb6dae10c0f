"""The built-in ``duckdb`` connector."""

from .connector import DuckDBConnector

__all__ = ["DuckDBConnector"]
