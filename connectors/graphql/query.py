"""A root field -> ONE remote GraphQL query, and what the gateway does after it.

The remote selection uses the plan's keys as aliases; columns the gateway still needs for its
remainder (a filter the remote cannot take, say) are selected under reserved aliases. Argument
values travel as variables, never inside the document text. An argument is forwarded only
when the remote field declares it and everything before it in SQL order (where, order_by,
distinct_on, limit/offset) is forwarded too; the rest is done by
:mod:`federation.execution.remainder`.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from federation.catalog import Column
from federation.execution.remainder import Applied
from federation.planner.plan import (
    AggregateBlock,
    AggregateSelect,
    And,
    BoolExp,
    ColumnField,
    ColumnRef,
    Compare,
    CountField,
    Exists,
    Field,
    NodesField,
    Not,
    Or,
    OrderItem,
    RootField,
    Select,
)

from .remote import RemoteArg, RemoteTable


@dataclass(frozen=True, slots=True)
class RemoteQuery:
    document: str
    variables: dict[str, Any]
    aliases: tuple[tuple[str, Column], ...]
    """(alias in the remote answer, column): how to read rows back."""
    applied: Applied
    single: bool
    """The remote field returns one object (``by_pk``), not a list."""


def build_query(remote: RemoteTable, root: RootField) -> RemoteQuery:
    select = root.query.rows if isinstance(root.query, AggregateSelect) else root.query
    assert isinstance(select, Select)
    variables: dict[str, Any] = {}
    definitions: list[str] = []

    def bind(arg: RemoteArg, value: Any) -> str:
        name = f"v{len(variables)}"
        variables[name] = value
        definitions.append(f"${name}: {arg.type}")
        return f"{arg.name}: ${name}"

    single = root.kind == "one" and remote.by_pk_field is not None
    if single:
        equal = _equalities(select.where)
        arguments = [bind(arg, equal[arg.name]) for arg in remote.by_pk_args]
        field_name, applied = remote.by_pk_field or "", Applied(where=True)
    else:
        arguments, applied = _list_arguments(remote, select, bind)
        field_name = remote.list_field
    aliases = _aliases(root, select, applied)
    selection = (
        " ".join(_aliased(alias, column.name) for alias, column in aliases) or "_t: __typename"
    )
    call = f"{field_name}({', '.join(arguments)})" if arguments else field_name
    head = f"query({', '.join(definitions)})" if definitions else "query"
    document = f"{head} {{ {root.key}: {call} {{ {selection} }} }}"
    return RemoteQuery(document, variables, aliases, applied, single)


def _aliased(alias: str, name: str) -> str:
    return name if alias == name else f"{alias}: {name}"


def _list_arguments(remote: RemoteTable, select: Select, bind: Any) -> tuple[list[str], Applied]:
    arguments: list[str] = []
    ok = True
    where = order = distinct = paged = False
    if select.where is not None:
        value = _where_value(remote, select.where)
        where = ok = value is not None and "where" in remote.args
        if where:
            arguments.append(bind(remote.args["where"], value))
    if select.order_by and ok:
        items = _order_value(remote, select.order_by)
        order = ok = items is not None and "order_by" in remote.args
        if order:
            arguments.append(bind(remote.args["order_by"], items))
    if select.distinct_on and ok:
        distinct = ok = "distinct_on" in remote.args
        if distinct:
            names = [column.name for column in select.distinct_on]
            arguments.append(bind(remote.args["distinct_on"], names))
    pages = [
        (n, v) for n, v in (("limit", select.limit), ("offset", select.offset)) if v is not None
    ]
    if pages and ok and all(name in remote.args for name, _ in pages):
        paged = True
        arguments.extend(bind(remote.args[name], value) for name, value in pages)
    return arguments, Applied(where, order, distinct, paged)


def _where_value(remote: RemoteTable, exp: BoolExp) -> dict[str, Any] | None:
    """The plan's filter as a Hasura-style ``where`` object, or None when the remote cannot
    take all of it."""
    if isinstance(exp, And | Or):
        items = [_where_value(remote, item) for item in exp.items]
        if any(item is None for item in items):
            return None
        return {"_and" if isinstance(exp, And) else "_or": items}
    if isinstance(exp, Not):
        inner = _where_value(remote, exp.item)
        return None if inner is None else {"_not": inner}
    operators = (
        remote.where_operators.get(exp.column.name, frozenset())
        if isinstance(exp, Compare)
        else frozenset()
    )
    if isinstance(exp, Compare) and exp.cast is None and exp.op in operators:
        return {exp.column.name: {exp.op: exp.value}}
    return None  # Exists, Const, casts and unknown operators stay in the gateway


def _order_value(remote: RemoteTable, order_by: tuple[OrderItem, ...]) -> list[Any] | None:
    items = []
    for item in order_by:
        target = item.target
        if not isinstance(target, ColumnRef) or target.path:
            return None
        direction = "desc" if item.descending else "asc"
        if item.nulls_first is not None:
            direction += "_nulls_first" if item.nulls_first else "_nulls_last"
        if direction not in remote.order_directions.get(target.column.name, frozenset()):
            return None
        items.append({target.column.name: direction})
    return items


def _equalities(where: BoolExp | None) -> dict[str, Any]:
    items = where.items if isinstance(where, And) else (where,)
    return {i.column.name: i.value for i in items if isinstance(i, Compare) and i.op == "_eq"}


def _aliases(root: RootField, select: Select, applied: Applied) -> tuple[tuple[str, Column], ...]:
    """Plan keys for selected columns, then reserved aliases for columns the remainder reads."""
    pairs = [(f.key, f.column) for f in _selected(root) if isinstance(f, ColumnField)]
    taken = {alias for alias, _ in pairs}
    covered = {column.name for _, column in pairs}
    for column in _needed(root, select, applied):
        if column.name not in covered:
            alias = f"_c_{column.name}"
            while alias in taken:
                alias = "_" + alias
            pairs.append((alias, column))
            taken.add(alias)
            covered.add(column.name)
    return tuple(pairs)


def _selected(root: RootField) -> Iterator[Field]:
    query = root.query
    if isinstance(query, Select):
        yield from query.fields
    elif isinstance(query, AggregateSelect):
        for field in query.fields:
            if isinstance(field, NodesField):
                yield from field.fields


def _needed(root: RootField, select: Select, applied: Applied) -> Iterator[Column]:
    if select.where is not None and not applied.where:
        yield from _where_columns(select.where)
    if select.order_by and not applied.order_by:
        yield from (i.target.column for i in select.order_by if isinstance(i.target, ColumnRef))
    if select.distinct_on and not applied.distinct_on:
        yield from select.distinct_on
    if isinstance(root.query, AggregateSelect):
        for field in root.query.fields:
            if isinstance(field, AggregateBlock):
                for item in field.items:
                    if isinstance(item, CountField):
                        yield from item.columns


def _where_columns(exp: BoolExp) -> Iterator[Column]:
    if isinstance(exp, And | Or):
        for item in exp.items:
            yield from _where_columns(item)
    elif isinstance(exp, Not):
        yield from _where_columns(exp.item)
    elif isinstance(exp, Compare):
        yield exp.column
    elif isinstance(exp, Exists) and exp.where is not None:
        yield from _where_columns(exp.where)
