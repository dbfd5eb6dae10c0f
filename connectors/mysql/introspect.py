"""Read tables, views, columns, keys and comments from ``information_schema`` in four
statements, whatever the number of tables.

A MySQL schema is a database: ``Table.schema`` is the database name. MariaDB stores ``JSON``
as ``LONGTEXT`` guarded by a ``json_valid(col)`` CHECK constraint; those columns are read from
``CHECK_CONSTRAINTS`` (MariaDB only: MySQL 8 has a real JSON type and no ``TABLE_NAME`` there).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import aiomysql

from federation.catalog import Column, ForeignKey, Table, UniqueConstraint

from .types import scalar_type

TABLES_SQL = """
SELECT TABLE_SCHEMA AS schema_name, TABLE_NAME AS table_name, TABLE_TYPE AS table_type,
       TABLE_COMMENT AS table_comment
FROM information_schema.TABLES WHERE TABLE_SCHEMA IN ({schemas})
ORDER BY TABLE_SCHEMA, TABLE_NAME
"""

COLUMNS_SQL = """
SELECT TABLE_SCHEMA AS schema_name, TABLE_NAME AS table_name, COLUMN_NAME AS column_name,
       DATA_TYPE AS data_type, COLUMN_TYPE AS column_type, IS_NULLABLE AS is_nullable,
       COLUMN_COMMENT AS column_comment
FROM information_schema.COLUMNS WHERE TABLE_SCHEMA IN ({schemas})
ORDER BY TABLE_SCHEMA, TABLE_NAME, ORDINAL_POSITION
"""

KEYS_SQL = """
SELECT k.TABLE_SCHEMA AS schema_name, k.TABLE_NAME AS table_name,
       k.CONSTRAINT_NAME AS constraint_name, k.COLUMN_NAME AS column_name,
       k.REFERENCED_TABLE_SCHEMA AS ref_schema, k.REFERENCED_TABLE_NAME AS ref_table,
       k.REFERENCED_COLUMN_NAME AS ref_column, c.CONSTRAINT_TYPE AS constraint_type
FROM information_schema.KEY_COLUMN_USAGE k
JOIN information_schema.TABLE_CONSTRAINTS c
  ON c.CONSTRAINT_SCHEMA = k.CONSTRAINT_SCHEMA AND c.TABLE_NAME = k.TABLE_NAME
 AND c.CONSTRAINT_NAME = k.CONSTRAINT_NAME
WHERE k.TABLE_SCHEMA IN ({schemas})
  AND c.CONSTRAINT_TYPE IN ('PRIMARY KEY', 'UNIQUE', 'FOREIGN KEY')
ORDER BY k.TABLE_SCHEMA, k.TABLE_NAME, k.CONSTRAINT_NAME, k.ORDINAL_POSITION
"""

MARIADB_CHECKS_SQL = """
SELECT CONSTRAINT_SCHEMA AS schema_name, TABLE_NAME AS table_name,
       CHECK_CLAUSE AS check_clause
FROM information_schema.CHECK_CONSTRAINTS WHERE CONSTRAINT_SCHEMA IN ({schemas})
"""

_JSON_VALID = re.compile(r"^\s*json_valid\(\s*`((?:[^`]|``)+)`\s*\)\s*$", re.IGNORECASE)

TableKey = tuple[str, str]
Row = Mapping[str, Any]


async def read_tables(
    conn: aiomysql.Connection, schemas: Sequence[str], *, mariadb: bool
) -> list[Table]:
    placeholders = ", ".join(["%s"] * len(schemas))
    queries = [TABLES_SQL, COLUMNS_SQL, KEYS_SQL] + ([MARIADB_CHECKS_SQL] if mariadb else [])
    results: list[list[Row]] = []
    async with conn.cursor(aiomysql.DictCursor) as cursor:
        for sql in queries:
            await cursor.execute(sql.format(schemas=placeholders), tuple(schemas))
            results.append(list(await cursor.fetchall()))
    checks = results[3] if mariadb else []
    return build_tables(results[0], results[1], results[2], json_columns(checks))


def json_columns(check_rows: Iterable[Row]) -> set[tuple[str, str, str]]:
    """``(schema, table, column)`` of every column guarded by ``json_valid(col)``."""
    found = set()
    for row in check_rows:
        match = _JSON_VALID.match(row["check_clause"] or "")
        if match:
            column = match.group(1).replace("``", "`")
            found.add((row["schema_name"], row["table_name"], column))
    return found


def build_tables(
    table_rows: Iterable[Row],
    column_rows: Iterable[Row],
    key_rows: Iterable[Row],
    json_checked: set[tuple[str, str, str]],
) -> list[Table]:
    columns: dict[TableKey, list[Column]] = defaultdict(list)
    for row in column_rows:
        key = (row["schema_name"], row["table_name"])
        checked = (*key, row["column_name"]) in json_checked
        columns[key].append(_column(row, checked))
    primary, foreign, unique = _keys(key_rows)
    return [
        Table(
            name=row["table_name"],
            schema=row["schema_name"],
            columns=tuple(columns[key]),
            primary_key=primary.get(key, ()),
            foreign_keys=tuple(foreign.get(key, ())),
            is_view=row["table_type"] == "VIEW",
            description=_table_comment(row),
            unique_constraints=tuple(unique.get(key, ())),
        )
        for row in table_rows
        if (key := (row["schema_name"], row["table_name"])) in columns
    ]


def _column(row: Row, json_checked: bool) -> Column:
    return Column(
        name=row["column_name"],
        type=scalar_type(row["data_type"], row["column_type"], json_checked=json_checked),
        nullable=row["is_nullable"] == "YES",
        source_type=row["column_type"],
        description=row["column_comment"] or None,
    )


def _table_comment(row: Row) -> str | None:
    comment: str = row["table_comment"] or ""
    # MySQL reports "VIEW" as every view's comment; views cannot have comments.
    if row["table_type"] == "VIEW" and comment == "VIEW":
        return None
    return comment or None


def _keys(
    rows: Iterable[Row],
) -> tuple[
    dict[TableKey, tuple[str, ...]],
    dict[TableKey, list[ForeignKey]],
    dict[TableKey, list[UniqueConstraint]],
]:
    primary: dict[TableKey, list[str]] = defaultdict(list)
    grouped: dict[tuple[str, str, str], list[Row]] = defaultdict(list)
    unique_columns: dict[tuple[str, str, str], list[str]] = defaultdict(list)
    for row in rows:
        key = (row["schema_name"], row["table_name"])
        kind = row.get("constraint_type") or (
            "PRIMARY KEY" if row["constraint_name"] == "PRIMARY" else "FOREIGN KEY"
        )
        if kind in ("PRIMARY KEY", "UNIQUE"):
            unique_columns[(*key, row["constraint_name"])].append(row["column_name"])
        if kind == "PRIMARY KEY":
            primary[key].append(row["column_name"])
        elif kind == "FOREIGN KEY":
            grouped[(*key, row["constraint_name"])].append(row)
    foreign: dict[TableKey, list[ForeignKey]] = defaultdict(list)
    for (schema, table, name), parts in grouped.items():
        foreign[(schema, table)].append(
            ForeignKey(
                columns=tuple(part["column_name"] for part in parts),
                ref_table=parts[0]["ref_table"],
                ref_columns=tuple(part["ref_column"] for part in parts),
                ref_schema=parts[0]["ref_schema"],
                name=name,
            )
        )
    unique: dict[TableKey, list[UniqueConstraint]] = defaultdict(list)
    for (schema, table, name), columns in unique_columns.items():
        unique[(schema, table)].append(UniqueConstraint(name, tuple(columns)))
    return {key: tuple(cols) for key, cols in primary.items()}, foreign, unique
