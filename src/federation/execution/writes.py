"""The statements of one mutation root field, run inside its transaction.

- insert: ``INSERT ... RETURNING <key>``, one statement per run of rows with the same columns;
  nested inserts go row by row (object relationships first, then the row, then its array
  relationships). Without INSERT RETURNING (MySQL), each row is inserted alone and its key
  comes from the values or ``LAST_INSERT_ID()``.
- update: ``UPDATE ... WHERE key IN (SELECT key ... WHERE <where>) RETURNING <key>``; without
  UPDATE RETURNING (MariaDB, MySQL) the keys are selected first (``FOR UPDATE``), then updated.
- delete: the keys are selected first, the returned rows read (as they were), then deleted.

:class:`Written` holds the keys of the top-level rows, the count of written rows (nested ones
included) and the tables written, for the response and the ``TablesChanged`` event.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from federation.catalog import Column, Table
from federation.connector import Transaction
from federation.errors import QueryError
from federation.planner.mutation_plan import Delete, Insert, InsertRow, OnConflict, Update
from federation.planner.plan import TableRef
from federation.planner.sql import mutations as sql
from federation.planner.sql.statement import CompiledStatement

Key = tuple[Any, ...]
Values = dict[str, tuple[Column, Any]]


@dataclass(slots=True)
class Written:
    keys: list[Key] = field(default_factory=list)
    """Primary keys of the top-level rows written, in the order the source reported them."""
    affected: int = 0
    tables: set[str] = field(default_factory=set)


def key_columns(table: Table) -> tuple[Column, ...]:
    return tuple(table.column(name) for name in table.primary_key)


class Writer:
    """Runs the statements of one action on ``tx``; ``dialect`` is the source's SQL dialect."""

    def __init__(self, tx: Transaction, dialect: str) -> None:
        self.tx = tx
        self.dialect = dialect
        self.written = Written()

    async def rows(self, statement: CompiledStatement) -> list[tuple[Any, ...]]:
        return await self.tx.fetch_rows(statement.sql, statement.params)

    # --- update and delete ------------------------------------------------------------------

    async def update(self, action: Update) -> Written:
        table = action.table.table
        key = key_columns(table)
        names = [c.name for c in key]
        self.written.tables.add(table.qualified_name)
        if "update" in self.tx.returning:
            statement = sql.update(
                self.dialect,
                table,
                action.set,
                action.inc,
                key,
                where=action.where,
                returning=names,
            )
            keys = [tuple(row) for row in await self.rows(statement)]
        else:
            keys = [
                tuple(row) for row in await self.rows(self.select_keys(action.table, action.where))
            ]
            if keys:
                statement = sql.update(self.dialect, table, action.set, action.inc, key, keys=keys)
                await self.tx.execute(statement.sql, statement.params)
            keys = [_moved(k, key, action) for k in keys]
        self.written.keys = keys
        self.written.affected = len(keys)
        return self.written

    async def delete_keys(self, action: Delete) -> list[Key]:
        """First step of a delete: the keys of the rows to delete (locked where possible)."""
        self.written.tables.add(action.table.table.qualified_name)
        rows = await self.rows(self.select_keys(action.table, action.where))
        self.written.keys = [tuple(row) for row in rows]
        return self.written.keys

    async def delete(self, action: Delete) -> Written:
        """Second step: delete the rows whose keys :meth:`delete_keys` read."""
        table = action.table.table
        if self.written.keys:
            statement = sql.delete(self.dialect, table, self.written.keys, key_columns(table))
            self.written.affected = await self.tx.execute(statement.sql, statement.params)
        return self.written

    def select_keys(self, ref: TableRef, where: Any) -> CompiledStatement:
        return sql.select_keys(self.dialect, ref.table, where, key_columns(ref.table))

    # --- insert ---------------------------------------------------------------------------

    async def insert(self, action: Insert) -> Written:
        table = action.table.table
        rows = await self.insert_rows(table, action.rows, action.on_conflict, ())
        self.written.keys = [tuple(row[name] for name in table.primary_key) for row in rows]
        return self.written

    async def insert_rows(
        self,
        table: Table,
        rows: Sequence[InsertRow],
        on_conflict: OnConflict | None,
        need: tuple[str, ...],
    ) -> list[dict[str, Any]]:
        """Insert ``rows`` (and their nested rows); return the key and ``need`` columns of each
        row written (a row an upsert left alone is not returned)."""
        wanted = _unique((*table.primary_key, *need, *_parent_columns(rows)))
        self.written.tables.add(table.qualified_name)
        if not any(row.nested for row in rows):
            return await self.insert_flat(table, [_values(r) for r in rows], on_conflict, wanted)
        result = []
        for row in rows:
            written = await self.insert_nested(table, row, on_conflict, wanted)
            if written is not None:
                result.append(written)
        return result

    async def insert_nested(
        self, table: Table, row: InsertRow, on_conflict: OnConflict | None, wanted: tuple[str, ...]
    ) -> dict[str, Any] | None:
        values = _values(row)
        for item in row.objects:
            rel = item.relationship
            theirs = tuple(target for _, target in rel.mapping)
            parents = await self.insert_rows(
                rel.target.table, (item.row,), item.on_conflict, theirs
            )
            if not parents:
                raise QueryError(
                    f"the nested insert of {rel.name!r} wrote no row (its on_conflict left the "
                    f"row alone), so the {table.name} row has nothing to refer to; give "
                    "update_columns or insert the row without the nested object",
                    code="BAD_ARGUMENT",
                )
            for mine, target in rel.mapping:
                values[mine] = (table.column(mine), parents[0][target])
        found = await self.insert_flat(table, [values], on_conflict, wanted)
        if not found:
            return None
        for array in row.arrays:
            rel = array.relationship
            links = {target: found[0][mine] for mine, target in rel.mapping}
            children = [_linked(child, rel.target.table, links) for child in array.rows]
            await self.insert_rows(rel.target.table, children, array.on_conflict, ())
        return found[0]

    async def insert_flat(
        self,
        table: Table,
        rows: list[Values],
        on_conflict: OnConflict | None,
        wanted: tuple[str, ...],
    ) -> list[dict[str, Any]]:
        """Rows with only columns: one statement per run of rows with the same columns."""
        if "insert" not in self.tx.returning:
            return [await self.insert_one_by_one(table, row, on_conflict, wanted) for row in rows]
        written: list[dict[str, Any]] = []
        for batch in _same_columns(rows):
            columns = [column for column, _ in batch[0].values()]
            values = [[value for _, value in row.values()] for row in batch]
            statement = sql.insert(self.dialect, table, columns, values, on_conflict, wanted)
            written += [dict(zip(wanted, row, strict=True)) for row in await self.rows(statement)]
        self.written.affected += len(written)
        return written

    async def insert_one_by_one(
        self, table: Table, row: Values, on_conflict: OnConflict | None, wanted: tuple[str, ...]
    ) -> dict[str, Any]:
        """Without INSERT RETURNING: insert, find the key, read the wanted columns by key."""
        columns = [column for column, _ in row.values()]
        statement = sql.insert(
            self.dialect, table, columns, [[v for _, v in row.values()]], on_conflict
        )
        self.written.affected += min(1, await self.tx.execute(statement.sql, statement.params))
        key = [row[name][1] if name in row else None for name in table.primary_key]
        if None in key:
            if len(key) != 1:
                raise QueryError(
                    f"cannot tell which {table.name} row was inserted: give every primary key "
                    "column, or use a source with INSERT ... RETURNING",
                    code="NOT_SUPPORTED_BY_SOURCE",
                )
            key = [(await self.tx.fetch_rows("SELECT LAST_INSERT_ID()", ()))[0][0]]
        read = sql.read_columns(self.dialect, table, [tuple(key)], key_columns(table), wanted)
        found = await self.rows(read)
        return dict(zip(wanted, found[0], strict=True))


def _values(row: InsertRow) -> Values:
    return {column.name: (column, value) for column, value in row.values}


def _linked(row: InsertRow, table: Table, links: dict[str, Any]) -> InsertRow:
    """A nested array row with its foreign key columns set to the parent's values."""
    values = _values(row)
    for name, value in links.items():
        values[name] = (table.column(name), value)
    return InsertRow(tuple(values.values()), row.objects, row.arrays)


def _parent_columns(rows: Sequence[InsertRow]) -> tuple[str, ...]:
    """Columns of these rows that nested array inserts copy into their rows."""
    return tuple(
        mine for row in rows for array in row.arrays for mine, _ in array.relationship.mapping
    )


def _unique(names: Sequence[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(names))


def _same_columns(rows: list[Values]) -> list[list[Values]]:
    batches: list[list[Values]] = []
    for row in rows:
        if batches and list(batches[-1][0]) == list(row):
            batches[-1].append(row)
        else:
            batches.append([row])
    return batches


def _moved(key: Key, columns: Sequence[Column], action: Update) -> Key:
    """A row's key after the update, when ``_set``/``_inc`` changed key columns."""
    new = list(key)
    for i, column in enumerate(columns):
        for target, value in action.set:
            if target.name == column.name:
                new[i] = value
        for target, amount in action.inc:
            if target.name == column.name:
                new[i] = new[i] + amount
    return tuple(new)
