"""The ``postgres`` connector (asyncpg). See :mod:`.connector` for parameters and results and
:mod:`.types` for the type mapping."""

from .connector import PostgresConnector

__all__ = ["PostgresConnector"]
