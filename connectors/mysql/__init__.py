"""The ``mysql`` connector for MySQL 8 and MariaDB 10.11+ (aiomysql). See :mod:`.connector`
for parameters and results and :mod:`.types` for the type mapping."""

from .connector import MySQLConnector

__all__ = ["MySQLConnector"]
