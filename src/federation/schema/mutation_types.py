"""The ``mutation_root`` type, following Hasura's conventions.

For each writable table type ``t`` (see :mod:`federation.schema.writable`): ``insert_t``,
``insert_t_one``, ``update_t``, ``update_t_by_pk``, ``delete_t`` and ``delete_t_by_pk``, with
their input types ``t_insert_input``, ``t_on_conflict``, ``t_constraint``, ``t_update_column``,
``t_set_input``, ``t_inc_input``, ``t_pk_columns_input``, the nested-insert inputs
``t_obj_rel_insert_input`` / ``t_arr_rel_insert_input`` and the output
``t_mutation_response``. Like the query types, they only validate and document.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from typing import Any

from graphql import (
    GraphQLArgument,
    GraphQLEnumType,
    GraphQLEnumValue,
    GraphQLField,
    GraphQLInputField,
    GraphQLInputObjectType,
    GraphQLInt,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
)

from federation.schema.model import MutationKind, SchemaModel, TableType
from federation.schema.naming import graphql_name
from federation.schema.scalars import GRAPHQL_SCALARS
from federation.schema.writable import writable_types

ObjectTypes = Callable[[str], GraphQLObjectType]
BoolExps = Callable[[str], GraphQLInputObjectType]


def build_mutation_root(
    model: SchemaModel, object_type: ObjectTypes, bool_exp: BoolExps
) -> GraphQLObjectType | None:
    """``mutation_root``, or None when no table is writable (the schema then has no mutations).

    ``object_type`` and ``bool_exp`` give the query side's types by type name, so ``returning``
    and ``where`` share them."""
    if not model.mutations:
        return None
    types = _MutationTypes(model, object_type, bool_exp)
    fields: dict[str, GraphQLField] = {}
    for name, entry in model.mutations.items():
        fields[name] = types.root_field(entry.kind, entry.table_type)
    return GraphQLObjectType(
        "mutation_root", fields, description="Write data to the sources that allow it."
    )


def _non_null_list(of: Any) -> GraphQLNonNull[GraphQLList[Any]]:
    return GraphQLNonNull(GraphQLList(GraphQLNonNull(of)))


class _MutationTypes:
    """Builds and memoises the mutation types of every writable table type."""

    def __init__(self, model: SchemaModel, object_type: ObjectTypes, bool_exp: BoolExps) -> None:
        self.model = model
        self.object_type = object_type
        self.bool_exp = bool_exp
        self.writable = writable_types(model)
        self.insert_input = cache(self._insert_input)
        self.on_conflict = cache(self._on_conflict)
        self.response = cache(self._response)
        self.rel_input = cache(self._rel_input)
        self.set_input = cache(self._set_input)
        self.inc_input = cache(self._inc_input)

    # --- root fields --------------------------------------------------------------------

    def root_field(self, kind: MutationKind, t: TableType) -> GraphQLField:
        where = f'"{t.ref.table.qualified_name}" of source "{t.ref.source}"'
        build = {
            "insert": self.insert,
            "insert_one": self.insert_one,
            "update": self.update,
            "update_by_pk": self.update_by_pk,
            "delete": self.delete,
            "delete_by_pk": self.delete_by_pk,
        }[kind]
        return build(t, where)

    def conflict_arg(self, t: TableType) -> dict[str, GraphQLArgument]:
        on_conflict = self.on_conflict(t.name)
        if on_conflict is None:
            return {}
        return {"on_conflict": GraphQLArgument(on_conflict, description="Upsert: on conflict.")}

    def insert(self, t: TableType, where: str) -> GraphQLField:
        return GraphQLField(
            self.response(t.name),
            args={
                "objects": GraphQLArgument(
                    _non_null_list(self.insert_input(t.name)), description="The rows to insert."
                ),
                **self.conflict_arg(t),
            },
            description=f"Insert rows into {where}, in one transaction.",
        )

    def insert_one(self, t: TableType, where: str) -> GraphQLField:
        return GraphQLField(
            self.object_type(t.name),
            args={
                "object": GraphQLArgument(
                    GraphQLNonNull(self.insert_input(t.name)), description="The row to insert."
                ),
                **self.conflict_arg(t),
            },
            description=f"Insert one row into {where}; the row, or null when on_conflict "
            "left it out.",
        )

    def update(self, t: TableType, where: str) -> GraphQLField:
        return GraphQLField(
            self.response(t.name),
            args={
                "where": GraphQLArgument(
                    GraphQLNonNull(self.bool_exp(t.name)),
                    description="The rows to update (`{}` for every row).",
                ),
                **self.update_args(t),
            },
            description=f"Update the rows of {where} that match `where`.",
        )

    def update_by_pk(self, t: TableType, where: str) -> GraphQLField:
        return GraphQLField(
            self.object_type(t.name),
            args={
                "pk_columns": GraphQLArgument(
                    GraphQLNonNull(self.pk_columns(t)), description="The row's primary key."
                ),
                **self.update_args(t),
            },
            description=f"Update one row of {where} by its primary key; the row, or null.",
        )

    def delete(self, t: TableType, where: str) -> GraphQLField:
        return GraphQLField(
            self.response(t.name),
            args={
                "where": GraphQLArgument(
                    GraphQLNonNull(self.bool_exp(t.name)),
                    description="The rows to delete (`{}` for every row).",
                )
            },
            description=f"Delete the rows of {where} that match `where`.",
        )

    def delete_by_pk(self, t: TableType, where: str) -> GraphQLField:
        return GraphQLField(
            self.object_type(t.name),
            args={
                name: GraphQLArgument(GraphQLNonNull(GRAPHQL_SCALARS[column.type]))
                for name, column in t.primary_key
            },
            description=f"Delete one row of {where} by its primary key; the row, or null.",
        )

    # --- inputs --------------------------------------------------------------------------

    def _insert_input(self, name: str) -> GraphQLInputObjectType:
        t = self.model.types[name]

        def fields() -> dict[str, GraphQLInputField]:
            result = {
                field: GraphQLInputField(
                    GRAPHQL_SCALARS[column.type], description=f'Column "{column.name}".'
                )
                for field, column in t.columns.items()
            }
            for field, rel in t.relationships.items():
                target = self.model.type_of(rel.target)
                if target.name in self.writable and rel.target.source == t.ref.source:
                    result[field] = GraphQLInputField(
                        self.rel_input(target.name, rel.kind),
                        description=f"Insert the related {target.name} "
                        + ("row first." if rel.kind == "object" else "rows after this one."),
                    )
            return result

        return GraphQLInputObjectType(
            f"{name}_insert_input",
            fields,
            description=f'A row to insert into "{name}"; columns left out take their defaults.',
        )

    def _rel_input(self, name: str, kind: str) -> GraphQLInputObjectType:
        data = self.insert_input(name)
        fields = {
            "data": GraphQLInputField(
                GraphQLNonNull(data) if kind == "object" else _non_null_list(data),
                description="The row to insert." if kind == "object" else "The rows to insert.",
            )
        }
        on_conflict = self.on_conflict(name)
        if on_conflict is not None:
            fields["on_conflict"] = GraphQLInputField(on_conflict, description="Upsert.")
        suffix = "obj_rel_insert_input" if kind == "object" else "arr_rel_insert_input"
        return GraphQLInputObjectType(
            f"{name}_{suffix}",
            fields,
            description=f'Nested insert of "{name}" '
            + ("(an object relationship)." if kind == "object" else "(an array relationship)."),
        )

    def _on_conflict(self, name: str) -> GraphQLInputObjectType | None:
        t = self.model.types[name]
        constraints = t.ref.table.unique_constraints
        visible = {column.name for column in t.columns.values()}
        usable = [c for c in constraints if set(c.columns) <= visible]
        if not usable:
            return None
        constraint = GraphQLEnumType(
            f"{name}_constraint",
            {
                graphql_name(c.name): GraphQLEnumValue(
                    c.name, description=f"unique or primary key on ({', '.join(c.columns)})"
                )
                for c in usable
            },
            description=f'Unique and primary key constraints of "{name}".',
        )
        return GraphQLInputObjectType(
            f"{name}_on_conflict",
            lambda: {
                "constraint": GraphQLInputField(
                    GraphQLNonNull(constraint), description="The constraint that conflicts."
                ),
                "update_columns": GraphQLInputField(
                    _non_null_list(self.update_column(t)),
                    default_value=[],
                    description="Columns to overwrite with the new values; none leaves the "
                    "existing row as it is.",
                ),
                "where": GraphQLInputField(
                    self.bool_exp(name), description="Only update existing rows that match."
                ),
            },
            description=f'Upsert into "{name}": what to do when a row conflicts.',
        )

    def update_column(self, t: TableType) -> GraphQLEnumType:
        return GraphQLEnumType(
            f"{t.name}_update_column",
            {
                field: GraphQLEnumValue(field, description=f'column "{column.name}"')
                for field, column in t.columns.items()
            },
            description=f'Columns of "{t.name}" an upsert may overwrite.',
        )

    def update_args(self, t: TableType) -> dict[str, GraphQLArgument]:
        args = {"_set": GraphQLArgument(self.set_input(t.name), description="Set these columns.")}
        inc = self.inc_input(t.name)
        if inc is not None:
            args["_inc"] = GraphQLArgument(inc, description="Add to these columns.")
        return args

    def _set_input(self, name: str) -> GraphQLInputObjectType:
        t = self.model.types[name]
        return GraphQLInputObjectType(
            f"{name}_set_input",
            {f: GraphQLInputField(GRAPHQL_SCALARS[c.type]) for f, c in t.columns.items()},
            description=f'New values for columns of "{name}".',
        )

    def _inc_input(self, name: str) -> GraphQLInputObjectType | None:
        t = self.model.types[name]
        numeric = {f: c for f, c in t.columns.items() if c.type.is_numeric}
        if not numeric:
            return None
        return GraphQLInputObjectType(
            f"{name}_inc_input",
            {f: GraphQLInputField(GRAPHQL_SCALARS[c.type]) for f, c in numeric.items()},
            description=f'Amounts to add to numeric columns of "{name}".',
        )

    def pk_columns(self, t: TableType) -> GraphQLInputObjectType:
        return GraphQLInputObjectType(
            f"{t.name}_pk_columns_input",
            {
                name: GraphQLInputField(GraphQLNonNull(GRAPHQL_SCALARS[column.type]))
                for name, column in t.primary_key
            },
            description=f'The primary key of a "{t.name}" row.',
        )

    # --- output --------------------------------------------------------------------------

    def _response(self, name: str) -> GraphQLObjectType:
        return GraphQLObjectType(
            f"{name}_mutation_response",
            lambda: {
                "affected_rows": GraphQLField(
                    GraphQLNonNull(GraphQLInt),
                    description="Rows written, nested inserts included.",
                ),
                "returning": GraphQLField(
                    GraphQLNonNull(GraphQLList(GraphQLNonNull(self.object_type(name)))),
                    description="The written rows (as they were before a delete), in primary "
                    "key order.",
                ),
            },
            description=f'What a mutation of "{name}" wrote.',
        )
