"""The JSON strategy of each supported SQL dialect, by name."""

from __future__ import annotations

from federation.errors import QueryError
from federation.planner.sql.dialects.base import JsonDialect
from federation.planner.sql.dialects.duckdb import DuckDBJson
from federation.planner.sql.dialects.mysql import MySQLJson
from federation.planner.sql.dialects.postgres import PostgresJson
from federation.planner.sql.dialects.sqlite import SQLiteJson

DIALECTS: dict[str, JsonDialect] = {
    d.name: d for d in (SQLiteJson(), DuckDBJson(), PostgresJson(), MySQLJson())
}


def get_dialect(name: str) -> JsonDialect:
    try:
        return DIALECTS[name]
    except KeyError:
        raise QueryError(
            f"no SQL compiler for dialect {name!r}; use one of {', '.join(sorted(DIALECTS))}"
        ) from None


__all__ = ["DIALECTS", "JsonDialect", "get_dialect"]
