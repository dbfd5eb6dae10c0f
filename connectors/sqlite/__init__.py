"""The built-in ``sqlite`` connector."""

from .connector import SQLiteConnector

__all__ = ["SQLiteConnector"]
