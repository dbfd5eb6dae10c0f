"""A remote GraphQL schema (from standard introspection) -> catalog tables.

Every query root field that returns a list of an object type with scalar fields becomes a table
named after the field (``options.prefix`` prepended): its columns are the type's scalar and enum
fields without required arguments. A root field returning one object of that type, whose
arguments are all required and all name columns (``book(id: ID!)``, or Hasura's ``book_by_pk``),
gives the table its primary key and answers ``<t>_by_pk``.

What the list field can take is read from its arguments: ``where`` when its input type looks like
Hasura's bool_exp (``_and``, ``_or``, ``_not`` and per-column comparison inputs), ``order_by``,
``distinct_on``, ``limit`` and ``offset``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from graphql import (
    GraphQLArgument,
    GraphQLEnumType,
    GraphQLField,
    GraphQLInputObjectType,
    GraphQLList,
    GraphQLNamedType,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLScalarType,
    GraphQLSchema,
    get_named_type,
    get_nullable_type,
)

from federation.catalog import Column, ScalarType, Table

_SCALARS = {scalar.value.lower(): scalar for scalar in ScalarType} | {
    "id": ScalarType.STRING,
    "json": ScalarType.JSON,
    "float8": ScalarType.FLOAT,
    "int8": ScalarType.BIGINT,
    "long": ScalarType.BIGINT,
    "datetime": ScalarType.TIMESTAMPTZ,
}


@dataclass(frozen=True, slots=True)
class RemoteArg:
    name: str
    type: str
    """The argument's type as GraphQL text (``[book_order_by!]``), for variable definitions."""


@dataclass(slots=True)
class RemoteTable:
    table: Table
    list_field: str
    args: dict[str, RemoteArg] = field(default_factory=dict)
    """The list field's arguments this connector knows how to fill, by name."""
    where_operators: dict[str, frozenset[str]] = field(default_factory=dict)
    """Column -> the comparison operators the remote ``where`` accepts for it (empty: no
    Hasura-style ``where``)."""
    order_directions: dict[str, frozenset[str]] = field(default_factory=dict)
    """Column -> the ``order_by`` enum values the remote accepts for it."""
    by_pk_field: str | None = None
    by_pk_args: tuple[RemoteArg, ...] = ()


def remote_tables(schema: GraphQLSchema, prefix: str = "") -> list[RemoteTable]:
    query = schema.query_type
    if query is None:
        return []
    tables = []
    for name, root in query.fields.items():
        item = _list_item(root)
        if item is None:
            continue
        columns = _columns(item)
        if columns:
            tables.append(_remote_table(query, prefix + name, name, root, item, columns))
    return tables


def _list_item(root: GraphQLField) -> GraphQLObjectType | None:
    outer = get_nullable_type(root.type)
    if not isinstance(outer, GraphQLList):
        return None
    item = get_named_type(outer)
    return item if isinstance(item, GraphQLObjectType) else None


def _columns(item: GraphQLObjectType) -> tuple[Column, ...]:
    columns = []
    for name, remote in item.fields.items():
        named = get_named_type(remote.type)
        if isinstance(get_nullable_type(remote.type), GraphQLList) or _required_args(remote):
            continue
        if isinstance(named, GraphQLScalarType | GraphQLEnumType):
            nullable = not isinstance(remote.type, GraphQLNonNull)
            columns.append(Column(name, _scalar(named), nullable, named.name, remote.description))
    return tuple(columns)


def _scalar(named: GraphQLNamedType) -> ScalarType:
    if isinstance(named, GraphQLEnumType):
        return ScalarType.STRING
    return _SCALARS.get(named.name.lower(), ScalarType.JSON)


def _required_args(remote: GraphQLField) -> bool:
    return any(isinstance(a.type, GraphQLNonNull) for a in remote.args.values())


def _remote_table(
    query: GraphQLObjectType,
    name: str,
    list_field: str,
    root: GraphQLField,
    item: GraphQLObjectType,
    columns: tuple[Column, ...],
) -> RemoteTable:
    by_pk = _by_pk(query, list_field, item, {c.name for c in columns})
    primary_key = tuple(arg.name for arg in by_pk[1]) if by_pk else ()
    description = root.description or item.description
    remote = RemoteTable(Table(name, columns, primary_key, description=description), list_field)
    if by_pk:
        remote.by_pk_field, remote.by_pk_args = by_pk
    for arg_name in ("where", "order_by", "distinct_on", "limit", "offset"):
        if arg_name in root.args:
            remote.args[arg_name] = RemoteArg(arg_name, str(root.args[arg_name].type))
    if "where" in root.args:
        remote.where_operators = _where_operators(root.args["where"])
    if "order_by" in root.args:
        remote.order_directions = _order_directions(root.args["order_by"])
    return remote


def _by_pk(
    query: GraphQLObjectType, list_field: str, item: GraphQLObjectType, columns: set[str]
) -> tuple[str, tuple[RemoteArg, ...]] | None:
    candidates = []
    for name, remote in query.fields.items():
        if get_nullable_type(remote.type) is not item or not remote.args:
            continue
        args = remote.args.items()
        if all(isinstance(a.type, GraphQLNonNull) and n in columns for n, a in args):
            found = (name, tuple(RemoteArg(n, str(a.type)) for n, a in args))
            candidates.append((name != f"{list_field}_by_pk", name, found))
    return min(candidates)[2] if candidates else None


def _where_operators(arg: GraphQLArgument) -> dict[str, frozenset[str]]:
    where = get_named_type(arg.type)
    if not isinstance(where, GraphQLInputObjectType) or "_and" not in where.fields:
        return {}
    operators = {}
    for name, remote in where.fields.items():
        comparison = get_named_type(remote.type)
        if not name.startswith("_") and isinstance(comparison, GraphQLInputObjectType):
            operators[name] = frozenset(comparison.fields)
    return operators


def _order_directions(arg: GraphQLArgument) -> dict[str, frozenset[str]]:
    order = get_named_type(arg.type)
    if not isinstance(order, GraphQLInputObjectType):
        return {}
    directions = {}
    for name, remote in order.fields.items():
        enum = get_named_type(remote.type)
        if isinstance(enum, GraphQLEnumType):
            directions[name] = frozenset(enum.values)
    return directions


def graphql_errors(body: Any) -> list[str]:
    """The messages of a GraphQL response's ``errors``."""
    errors = body.get("errors") if isinstance(body, dict) else None
    if not errors:
        return []
    return [str(e.get("message", e)) if isinstance(e, dict) else str(e) for e in errors]
