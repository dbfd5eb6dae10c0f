"""Runs a mutation operation: its root fields one after another, in document order (the GraphQL
spec's serial execution), each in one transaction on its source.

A field that fails (a constraint violation, a source error) rolls its transaction back, answers
null with an error carrying its ``path``, and the following fields still run: each sees what the
earlier ones committed. After a field commits, :class:`~federation.events.TablesChanged` is
published with every table it wrote.

Returned rows are read in the same transaction, after the write (before it, for a delete), by
one query per ``returning`` selection compiled by the query compiler: ``primary key IN (the
written keys)``, ordered by the primary key.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import orjson

from federation.catalog import Table
from federation.connector import Capabilities
from federation.errors import ConstraintViolation, QueryError, SourceError
from federation.events import Events, TablesChanged
from federation.execution.sources import Sources
from federation.execution.writes import Key, Writer, Written, key_columns
from federation.planner.mutation_plan import (
    AffectedRowsField,
    Delete,
    Insert,
    MutationField,
    MutationResponse,
    ReturningField,
)
from federation.planner.plan import (
    And,
    BoolExp,
    ColumnRef,
    Compare,
    Or,
    OrderItem,
    RootField,
    Select,
    TypenameField,
)
from federation.planner.pushdown import check_pushdown
from federation.planner.sql import compile_root


async def run_mutation(entries: Sequence[object], sources: Sources, events: Events) -> bytes:
    """The response to a mutation whose entries are MutationFields and ``__typename``s."""
    data: dict[str, Any] = {}
    errors: list[dict[str, Any]] = []
    runner = _FieldRunner(sources, events)
    for entry in entries:
        if isinstance(entry, TypenameField):
            data[entry.key] = entry.typename
            continue
        assert isinstance(entry, MutationField)
        value, error = await runner.run(entry)
        data[entry.key] = value
        if error is not None:
            errors.append(error)
    body: dict[str, Any] = {"errors": errors, "data": data} if errors else {"data": data}
    return orjson.dumps(body)


class _FieldRunner:
    def __init__(self, sources: Sources, events: Events) -> None:
        self.sources = sources
        self.events = events

    async def run(self, field: MutationField) -> tuple[Any, dict[str, Any] | None]:
        try:
            connector = await self.sources.by_name[field.source].ensure_open()
            dialect = connector.dialect
            if dialect is None:
                raise QueryError(f"source {field.source!r} takes no SQL, so no mutations")
            async with connector.transaction() as tx:
                writer = Writer(tx, dialect)
                written, fetched = await _write(writer, field, dialect, connector.capabilities)
        except (SourceError, QueryError) as error:
            return None, _error(field, error)
        await self.events.publish(TablesChanged(field.source, frozenset(written.tables)))
        return _assemble(field, written, fetched), None


async def _write(
    writer: Writer, field: MutationField, dialect: str, capabilities: Capabilities
) -> tuple[Written, dict[str, Any]]:
    action = field.action
    if not isinstance(action, Insert) and action.where is not None:
        check_pushdown(
            RootField(
                field.key, "many", field.source, Select(action.table, (), action.where), False
            ),
            capabilities,
        )
    reader = _Reader(writer, field, dialect, capabilities)
    if isinstance(action, Delete):
        keys = await writer.delete_keys(action)
        fetched = await reader.fetch(keys)  # the rows as they were
        return await writer.delete(action), fetched
    written = await (writer.insert(action) if isinstance(action, Insert) else writer.update(action))
    return written, await reader.fetch(written.keys)


class _Reader:
    """Reads the returned rows by key, with the query compiler, in the write's transaction."""

    def __init__(
        self, writer: Writer, field: MutationField, dialect: str, capabilities: Capabilities
    ) -> None:
        self.writer = writer
        self.field = field
        self.dialect = dialect
        self.capabilities = capabilities

    async def fetch(self, keys: list[Key]) -> dict[str, Any]:
        output = self.field.output
        if isinstance(output, Select):
            return {"": await self.one(output, keys)}
        return {
            f.key: await self.many(f.select, keys)
            for f in output.fields
            if isinstance(f, ReturningField)
        }

    async def many(self, select: Select, keys: list[Key]) -> Any:
        if not keys:
            return orjson.Fragment(b"[]")
        table = select.table.table
        order = tuple(OrderItem(ColumnRef(c)) for c in key_columns(table))
        query = Select(select.table, select.fields, where=_by_keys(table, keys), order_by=order)
        text = await self.run(RootField(self.field.key, "many", self.field.source, query, False))
        return orjson.Fragment(text if text is not None else b"[]")

    async def one(self, select: Select, keys: list[Key]) -> Any:
        if not keys:
            return None
        query = Select(select.table, select.fields, where=_by_keys(select.table.table, keys[:1]))
        text = await self.run(RootField(self.field.key, "one", self.field.source, query, True))
        return None if text is None else orjson.Fragment(text)

    async def run(self, root: RootField) -> str | bytes | None:
        check_pushdown(root, self.capabilities)
        statement = compile_root(root, self.dialect)
        return await self.writer.tx.fetch_json(statement.sql, statement.params)


def _by_keys(table: Table, keys: list[Key]) -> BoolExp:
    columns = key_columns(table)
    if len(columns) == 1:
        return Compare(columns[0], "_in", [key[0] for key in keys])
    return Or(
        tuple(
            And(tuple(Compare(c, "_eq", v) for c, v in zip(columns, key, strict=True)))
            for key in keys
        )
    )


def _assemble(field: MutationField, written: Written, fetched: dict[str, Any]) -> Any:
    output = field.output
    if not isinstance(output, MutationResponse):
        return fetched[""]
    result: dict[str, Any] = {}
    for item in output.fields:
        if isinstance(item, AffectedRowsField):
            result[item.key] = written.affected
        elif isinstance(item, ReturningField):
            result[item.key] = fetched[item.key]
        else:
            result[item.key] = item.typename
    return result


def _error(field: MutationField, error: SourceError | QueryError) -> dict[str, Any]:
    extensions: dict[str, Any] = {"code": error.code}
    if isinstance(error, SourceError):
        extensions["source"] = error.source
    if isinstance(error, ConstraintViolation) and error.constraint:
        extensions["constraint"] = error.constraint
    return {"message": str(error), "path": [field.key], "extensions": extensions}
