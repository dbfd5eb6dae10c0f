"""Read a SQLite database's tables, views, columns, keys and foreign keys (blocking; runs on a
worker thread). Only the ``main`` database is read; ``sqlite_%`` internals and the shadow tables
of virtual tables are skipped."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from typing import Any

from federation.catalog import Column, ForeignKey, ScalarType, Table, UniqueConstraint

from .types import infer_type, normalise, scalar_type

_SAMPLE_ROWS = 1000
"""Rows read to guess the type of a column declared without one."""

_LIST_TABLES = """
SELECT name, type = 'view', wr FROM pragma_table_list
WHERE schema = 'main' AND type IN ('table', 'view', 'virtual')
  AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'
ORDER BY name
"""

_COLUMNS = (
    "SELECT name, type, \"notnull\", pk FROM pragma_table_xinfo(?, 'main') "
    "WHERE hidden <> 1 ORDER BY cid"
)

_FOREIGN_KEYS = (
    'SELECT id, "table", "from", "to" FROM pragma_foreign_key_list(?, \'main\') ORDER BY id, seq'
)


_UNIQUE_INDEXES = (
    "SELECT name FROM pragma_index_list(?, 'main') "
    "WHERE \"unique\" AND origin <> 'pk' AND NOT partial ORDER BY seq"
)

_INDEX_COLUMNS = "SELECT name FROM pragma_index_info(?, 'main') ORDER BY seqno"


def quote(name: str) -> str:
    """An identifier quoted for SQLite (introspection only reads names the database gave us)."""
    return '"' + name.replace('"', '""') + '"'


def read_tables(conn: sqlite3.Connection) -> list[Table]:
    listed = [(str(n), bool(v), bool(wr)) for n, v, wr in conn.execute(_LIST_TABLES).fetchall()]
    exact = {name.lower(): name for name, _, _ in listed}
    return [_read_table(conn, name, is_view, wr, exact) for name, is_view, wr in listed]


def _read_table(
    conn: sqlite3.Connection, name: str, is_view: bool, without_rowid: bool, exact: dict[str, str]
) -> Table:
    rows = conn.execute(_COLUMNS, (name,)).fetchall()
    primary_key = _primary_key(conn, name)
    rowid_alias = _rowid_alias(rows, without_rowid)
    columns = tuple(_column(conn, name, row, row[0] == rowid_alias) for row in rows)
    return Table(
        name=name,
        columns=columns,
        primary_key=primary_key,
        foreign_keys=() if is_view else _foreign_keys(conn, name, exact),
        is_view=is_view,
        unique_constraints=() if is_view else _unique_constraints(conn, name, primary_key),
    )


def _rowid_alias(rows: Sequence[Sequence[Any]], without_rowid: bool) -> str | None:
    """The ``INTEGER PRIMARY KEY`` column, which aliases the rowid and so is never NULL (other
    primary-key columns of a rowid table may hold NULL unless declared NOT NULL)."""
    keys = [row for row in rows if row[3]]
    if without_rowid or len(keys) != 1 or normalise(str(keys[0][1])) != "INTEGER":
        return None
    return str(keys[0][0])


def _column(conn: sqlite3.Connection, table: str, row: Sequence[Any], rowid_alias: bool) -> Column:
    name, declared, notnull = str(row[0]), str(row[1] or ""), bool(row[2])
    kind = scalar_type(declared) or _infer(conn, table, name)
    return Column(name=name, type=kind, nullable=not (notnull or rowid_alias), source_type=declared)


def _infer(conn: sqlite3.Connection, table: str, column: str) -> ScalarType:
    name = quote(column)
    sql = f"SELECT typeof({name}), {name} FROM {quote(table)} LIMIT {_SAMPLE_ROWS}"
    try:
        samples = [(str(t), v) for t, v in conn.execute(sql).fetchall()]
    except sqlite3.Error:  # a broken view must not stop introspection of the rest
        return ScalarType.STRING
    return infer_type(samples)


def _foreign_keys(
    conn: sqlite3.Connection, table: str, exact: dict[str, str]
) -> tuple[ForeignKey, ...]:
    grouped: dict[int, list[Sequence[Any]]] = {}
    for row in conn.execute(_FOREIGN_KEYS, (table,)).fetchall():
        grouped.setdefault(int(row[0]), []).append(row)
    own = _column_names(conn, table)
    keys = (_foreign_key(conn, rows, own, exact) for rows in grouped.values())
    return tuple(key for key in keys if key is not None)


def _foreign_key(
    conn: sqlite3.Connection, rows: list[Sequence[Any]], own: dict[str, str], exact: dict[str, str]
) -> ForeignKey | None:
    """One (possibly composite) key. SQLite matches names case-insensitively and lets
    ``REFERENCES parent`` omit the columns, meaning the parent's primary key; names are
    returned as the tables spell them."""
    target = exact.get(str(rows[0][1]).lower())
    if target is None:  # references a table that does not exist; SQLite allows that
        return None
    theirs = _column_names(conn, target)
    if any(r[3] is None for r in rows):
        ref_columns = _primary_key(conn, target)
    else:
        ref_columns = tuple(theirs.get(str(r[3]).lower(), str(r[3])) for r in rows)
    if len(ref_columns) != len(rows):
        return None
    columns = tuple(own.get(str(r[2]).lower(), str(r[2])) for r in rows)
    return ForeignKey(columns=columns, ref_table=target, ref_columns=ref_columns)


def _column_names(conn: sqlite3.Connection, table: str) -> dict[str, str]:
    return {str(r[0]).lower(): str(r[0]) for r in conn.execute(_COLUMNS, (table,)).fetchall()}


def _primary_key(conn: sqlite3.Connection, table: str) -> tuple[str, ...]:
    rows = conn.execute(_COLUMNS, (table,)).fetchall()
    return tuple(str(r[0]) for r in sorted((r for r in rows if r[3]), key=lambda r: r[3]))


def _unique_constraints(
    conn: sqlite3.Connection, table: str, primary_key: tuple[str, ...]
) -> tuple[UniqueConstraint, ...]:
    """SQLite names no constraints: Hasura's convention names them ``<t>_pkey`` and
    ``<t>_<columns>_key`` (unique indexes over expressions or with a WHERE are left out)."""
    found = [UniqueConstraint(f"{table}_pkey", primary_key)] if primary_key else []
    for (index,) in conn.execute(_UNIQUE_INDEXES, (table,)).fetchall():
        columns = tuple(row[0] for row in conn.execute(_INDEX_COLUMNS, (index,)).fetchall())
        if columns and all(column is not None for column in columns):
            names = tuple(str(column) for column in columns)
            found.append(UniqueConstraint(unique_key_name(table, names), names))
    return tuple(found)


def unique_key_name(table: str, columns: Sequence[str]) -> str:
    return f"{table}_{'_'.join(columns)}_key"
