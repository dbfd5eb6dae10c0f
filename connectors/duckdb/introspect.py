"""Read a DuckDB database's tables, views, columns, keys and foreign keys from its catalog
functions (blocking; runs on a worker thread).

Only the file's own database is read (not attached ones), in every non-internal schema unless
the source lists ``schemas``. Tables of the default schema ``main`` get ``schema=None``, so
their GraphQL names and SQL stay unqualified; others keep their schema. DuckDB's catalog does
not name a foreign key's target schema: it is the referencing table's own.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import duckdb

from federation.catalog import Column, ForeignKey, Table, UniqueConstraint

from .types import scalar_type

DEFAULT_SCHEMA = "main"

_RELATIONS = """
SELECT schema_name, table_name, false, comment FROM duckdb_tables()
WHERE database_name = current_database() AND NOT internal AND NOT temporary
UNION ALL
SELECT schema_name, view_name, true, comment FROM duckdb_views()
WHERE database_name = current_database() AND NOT internal AND NOT temporary
ORDER BY 1, 2
"""

_COLUMNS = """
SELECT schema_name, table_name, column_name, data_type, is_nullable, comment FROM duckdb_columns()
WHERE database_name = current_database() AND NOT internal
ORDER BY schema_name, table_name, column_index
"""

_CONSTRAINTS = """
SELECT schema_name, table_name, constraint_type, constraint_column_names, referenced_table,
       referenced_column_names, constraint_name
FROM duckdb_constraints()
WHERE database_name = current_database()
  AND constraint_type IN ('PRIMARY KEY', 'FOREIGN KEY', 'UNIQUE')
ORDER BY schema_name, table_name, constraint_index
"""

_SCHEMAS = """
SELECT schema_name FROM duckdb_schemas()
WHERE database_name = current_database() AND (NOT internal OR schema_name = 'main')
"""

Key = tuple[str, str]


def read_tables(conn: duckdb.DuckDBPyConnection, schemas: Sequence[str]) -> list[Table]:
    wanted = set(schemas) or {str(row[0]) for row in conn.execute(_SCHEMAS).fetchall()}
    relations = [r for r in conn.execute(_RELATIONS).fetchall() if r[0] in wanted]
    columns = _columns(conn.execute(_COLUMNS).fetchall())
    keys, foreign, unique = _constraints(conn.execute(_CONSTRAINTS).fetchall())
    return [
        Table(
            name=str(name),
            columns=tuple(columns.get((schema, name), ())),
            primary_key=keys.get((schema, name), ()),
            foreign_keys=tuple(foreign.get((schema, name), ())),
            schema=None if schema == DEFAULT_SCHEMA else str(schema),
            is_view=bool(is_view),
            description=comment or None,
            unique_constraints=tuple(unique.get((schema, name), ())),
        )
        for schema, name, is_view, comment in relations
    ]


def _columns(rows: Sequence[Sequence[Any]]) -> dict[Key, list[Column]]:
    found: dict[Key, list[Column]] = {}
    for schema, table, name, data_type, nullable, comment in rows:
        column = Column(
            name=str(name),
            type=scalar_type(str(data_type)),
            nullable=bool(nullable),
            source_type=str(data_type),
            description=comment or None,
        )
        found.setdefault((schema, table), []).append(column)
    return found


def _constraints(
    rows: Sequence[Sequence[Any]],
) -> tuple[
    dict[Key, tuple[str, ...]], dict[Key, list[ForeignKey]], dict[Key, list[UniqueConstraint]]
]:
    keys: dict[Key, tuple[str, ...]] = {}
    foreign: dict[Key, list[ForeignKey]] = {}
    unique: dict[Key, list[UniqueConstraint]] = {}
    for schema, table, kind, columns, ref_table, ref_columns, name in rows:
        if kind in ("PRIMARY KEY", "UNIQUE"):
            constraint = UniqueConstraint(str(name), tuple(columns))
            unique.setdefault((schema, table), []).append(constraint)
            if kind == "PRIMARY KEY":
                keys[(schema, table)] = tuple(columns)
            continue
        key = ForeignKey(
            columns=tuple(columns),
            ref_table=str(ref_table),
            ref_columns=tuple(ref_columns),
            ref_schema=None if schema == DEFAULT_SCHEMA else str(schema),
            name=name,
        )
        foreign.setdefault((schema, table), []).append(key)
    return keys, foreign, unique
