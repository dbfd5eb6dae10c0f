"""The reference executor: graphql-core's own ``graphql_sync`` over the gateway's schema, with
plain-Python resolvers over every row of the SQLite file loaded into memory.

It shares nothing with the gateway but the schema (types, argument coercion, validation) and
the schema model (which table and column a field stands for). Values are returned already
encoded as the gateway documents them: ``bigint`` and ``numeric`` as strings (``numeric`` in
the text form SQLite gives a REAL), Boolean as true/false, Float as numbers, dates as ISO text.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from graphql import ExecutionResult, GraphQLError, GraphQLResolveInfo, execute_sync, parse, validate

from federation.catalog import Column, ScalarType
from federation.gateway import Gateway
from federation.planner.plan import Relationship
from federation.schema.model import SchemaModel, TableType

from . import semantics
from .precheck import argument_errors
from .semantics import Row


@dataclass(frozen=True, slots=True)
class RowObject:
    table: TableType
    row: Row


@dataclass(frozen=True, slots=True)
class AggregateObject:
    table: TableType
    rows: list[Row]


@dataclass(frozen=True, slots=True)
class AggregateFields:
    table: TableType
    rows: list[Row]


@dataclass(frozen=True, slots=True)
class FunctionFields:
    table: TableType
    rows: list[Row]
    function: str


class Reference:
    """Answers queries from the rows of ``path`` through ``gateway``'s schema."""

    def __init__(self, gateway: Gateway, path: Path) -> None:
        self.schema = gateway.schema
        self.model: SchemaModel = gateway.model
        self.tables = load_rows(self.model, path)

    def execute(
        self,
        query: str,
        variables: dict[str, Any] | None = None,
        operation_name: str | None = None,
    ) -> ExecutionResult:
        try:
            document = parse(query)
        except GraphQLError as error:
            return ExecutionResult(None, [error])
        errors = validate(self.schema, document) or argument_errors(
            self.schema, self.model, document, variables, operation_name
        )
        if errors:
            return ExecutionResult(None, errors)
        result = execute_sync(
            self.schema,
            document,
            root_value=self,
            variable_values=variables,
            operation_name=operation_name,
            field_resolver=self.resolve,
        )
        assert isinstance(result, ExecutionResult)
        return result

    # --- resolvers ---------------------------------------------------------------------

    def resolve(self, source: Any, info: GraphQLResolveInfo, **args: Any) -> Any:
        name = info.field_name
        if source is self:
            return self.root(name, args)
        if isinstance(source, RowObject):
            return self.row_field(source, name, args)
        if isinstance(source, AggregateObject):
            if name == "nodes":
                return [RowObject(source.table, r) for r in source.rows]
            return AggregateFields(source.table, source.rows)
        if isinstance(source, AggregateFields):
            return self.aggregate_field(source, name, args)
        assert isinstance(source, FunctionFields)
        column = source.table.columns[name]
        value = semantics.aggregate(source.function, [r[column.name] for r in source.rows])
        return encode(column, value) if source.function in ("min", "max", "sum") else value

    def root(self, name: str, args: dict[str, Any]) -> Any:
        entry = self.model.roots[name]
        t = entry.table_type
        if entry.kind == "groups":
            raise GraphQLError("the reference does not implement _group_by")
        if entry.kind == "one":
            for row in self.tables[t.name]:
                if all(
                    row[c.name] == semantics.stored_form(args[n], row[c.name])
                    for n, c in t.primary_key
                ):
                    return RowObject(t, row)
            return None
        rows = semantics.select(self.model, t, self.tables[t.name], args, self.related)
        if entry.kind == "aggregate":
            return AggregateObject(t, rows)
        return [RowObject(t, r) for r in rows]

    def row_field(self, source: RowObject, name: str, args: dict[str, Any]) -> Any:
        t = source.table
        if name in t.columns:
            column = t.columns[name]
            return encode(column, source.row[column.name])
        rel = t.relationships.get(name) or t.relationships[name.removesuffix("_aggregate")]
        target = self.model.type_of(rel.target)
        rows = self.related(rel, source.row)
        if rel.kind == "object" and name in t.relationships:
            return RowObject(target, rows[0]) if rows else None
        rows = semantics.select(self.model, target, rows, args, self.related)
        if name in t.relationships:
            return [RowObject(target, r) for r in rows]
        return AggregateObject(target, rows)

    def aggregate_field(self, source: AggregateFields, name: str, args: dict[str, Any]) -> Any:
        if name == "count":
            columns = [source.table.columns[c] for c in args.get("columns") or ()]
            return semantics.count(source.rows, columns, bool(args.get("distinct")))
        return FunctionFields(source.table, source.rows, name)

    def related(self, rel: Relationship, row: Row) -> list[Row]:
        """The target rows whose columns equal the row's (NULL never joins)."""
        if any(row[parent] is None for parent, _ in rel.mapping):
            return []
        target = self.model.type_of(rel.target)
        return [
            r
            for r in self.tables[target.name]
            if all(r[child] == row[parent] for parent, child in rel.mapping)
        ]


def load_rows(model: SchemaModel, path: Path) -> dict[str, list[Row]]:
    """Every row of every table the model exposes, in rowid order, booleans as ``bool``."""
    connection = sqlite3.connect(path)
    try:
        return {name: _rows(connection, t) for name, t in model.types.items()}
    finally:
        connection.close()


def _rows(connection: sqlite3.Connection, t: TableType) -> list[Row]:
    table = t.ref.table
    names = [c.name for c in table.columns]
    quoted = ", ".join(f'"{n}"' for n in names)
    cursor = connection.execute(f'SELECT {quoted} FROM "{table.name}"')
    booleans = {c.name for c in table.columns if c.type is ScalarType.BOOLEAN}
    rows = []
    for values in cursor:
        row = dict(zip(names, values, strict=True))
        for name in booleans:
            row[name] = None if row[name] is None else bool(row[name])
        rows.append(row)
    return rows


def encode(column: Column, value: Any) -> Any:
    """A stored value as the gateway returns it. ``sum`` goes through here too: for bigint and
    numeric a string, which graphql-core's Float also accepts (it parses numeric strings)."""
    if value is None:
        return None
    if column.type in (ScalarType.BIGINT, ScalarType.NUMERIC):
        return real_text(value) if isinstance(value, float) else str(value)
    if column.type in (ScalarType.TIMESTAMP, ScalarType.TIMESTAMPTZ):
        return str(value).replace(" ", "T")
    return value


def real_text(value: float) -> str:
    """A REAL as SQLite's ``CAST(x AS TEXT)`` writes it (``%!.15g``: 15 significant digits,
    always a decimal point): a ``numeric`` column has REAL affinity in SQLite."""
    text = f"{value:.15g}"
    mantissa, e, exponent = text.partition("e")
    if "." not in mantissa and mantissa.lstrip("-").isdigit():
        mantissa += ".0"
    return mantissa + (f"e{exponent}" if e else "")
