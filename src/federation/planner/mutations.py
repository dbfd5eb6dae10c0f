"""A mutation operation -> :class:`MutationField` plan nodes, one per root field, in document
order (they run serially). Coerced arguments become plan nodes by small pure steps; returned
rows are planned by the query planner, so relationships in ``returning`` work as in queries.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from graphql import FieldNode, GraphQLObjectType, OperationDefinitionNode
from graphql.execution.values import get_argument_values

from federation.errors import QueryError
from federation.planner import arguments
from federation.planner.mutation_plan import (
    Action,
    AffectedRowsField,
    ArrayInsert,
    Delete,
    Insert,
    InsertRow,
    MutationField,
    MutationResponse,
    ObjectInsert,
    OnConflict,
    ReturningField,
    Update,
)
from federation.planner.plan import And, BoolExp, Compare, Plan, Select, TypenameField
from federation.planner.selection import collect_fields
from federation.planner.stitch import refuse_stitched
from federation.schema.model import MutationEntry, SchemaModel, TableType

if TYPE_CHECKING:
    from federation.planner.build import PlanEntry, Planner


def plan_mutation(
    planner: Planner, operation: OperationDefinitionNode
) -> tuple[Plan, list[PlanEntry]]:
    root_type = planner.schema.mutation_type
    if root_type is None:  # validation rejects mutations on a schema without them
        raise QueryError("no source accepts mutations", code="OPERATION_NOT_SUPPORTED")
    fields = collect_fields([operation.selection_set], planner.fragments, planner.variables)
    roots: list[MutationField | TypenameField] = []
    for key, nodes in fields.items():
        name = nodes[0].name.value
        if name == "__typename":
            roots.append(TypenameField(key, root_type.name))
        else:
            roots.append(_MutationPlanner(planner, root_type).field(key, nodes))
    return Plan("mutation", tuple(roots)), list(roots)


class _MutationPlanner:
    def __init__(self, planner: Planner, root_type: GraphQLObjectType) -> None:
        self.planner = planner
        self.model: SchemaModel = planner.model
        self.root_type = root_type

    def field(self, key: str, nodes: list[FieldNode]) -> MutationField:
        name = nodes[0].name.value
        entry = self.model.mutations[name]
        args = get_argument_values(self.root_type.fields[name], nodes[0], self.planner.variables)
        t = entry.table_type
        action = self.action(entry, args)
        output: MutationResponse | Select
        if entry.kind in ("insert", "update", "delete"):
            output = self.response(t, nodes)
        else:
            output = self.planner.select(t, nodes, {})
            refuse_stitched(output, None, key)
        return MutationField(key, entry.kind, t.ref.source, action, output)

    def action(self, entry: MutationEntry, args: dict[str, Any]) -> Action:
        t = entry.table_type
        kind = entry.kind
        if kind == "insert":
            rows = tuple(self.insert_row(t, obj) for obj in args["objects"])
            return Insert(t.ref, rows, self.on_conflict(t, args.get("on_conflict")))
        if kind == "insert_one":
            row = self.insert_row(t, args["object"])
            return Insert(t.ref, (row,), self.on_conflict(t, args.get("on_conflict")))
        if kind in ("update", "update_by_pk"):
            where = (
                self.where(t, args["where"])
                if kind == "update"
                else by_primary_key(t, args["pk_columns"])
            )
            return self.update(t, where, args)
        where = self.where(t, args["where"]) if kind == "delete" else by_primary_key(t, args)
        return Delete(t.ref, where)

    def where(self, t: TableType, value: dict[str, Any]) -> BoolExp | None:
        where = arguments.bool_exp(self.model, t, value)
        refuse_stitched(Select(t.ref, ()), where, "where")
        return None if where == And(()) else where

    # --- inserts -------------------------------------------------------------------------

    def insert_row(self, t: TableType, value: dict[str, Any]) -> InsertRow:
        values = []
        objects: list[ObjectInsert] = []
        arrays: list[ArrayInsert] = []
        for name, item in value.items():
            if name in t.columns:
                values.append((t.columns[name], item))
                continue
            rel = t.relationships[name]
            target = self.model.type_of(rel.target)
            conflict = self.on_conflict(target, item.get("on_conflict"))
            if rel.kind == "object":
                objects.append(ObjectInsert(rel, self.insert_row(target, item["data"]), conflict))
            else:
                rows = tuple(self.insert_row(target, data) for data in item["data"])
                arrays.append(ArrayInsert(rel, rows, conflict))
        _check_no_double_keys(t, values, objects)
        return InsertRow(tuple(values), tuple(objects), tuple(arrays))

    def on_conflict(self, t: TableType, value: dict[str, Any] | None) -> OnConflict | None:
        if value is None:
            return None
        constraint = next(
            c for c in t.ref.table.unique_constraints if c.name == value["constraint"]
        )
        columns = tuple(t.columns[name] for name in value.get("update_columns") or ())
        where = arguments.bool_exp(self.model, t, value.get("where"))
        return OnConflict(constraint, columns, where)

    # --- updates -------------------------------------------------------------------------

    def update(self, t: TableType, where: BoolExp | None, args: dict[str, Any]) -> Update:
        set_ = tuple((t.columns[name], v) for name, v in (args.get("_set") or {}).items())
        inc = tuple((t.columns[name], v) for name, v in (args.get("_inc") or {}).items())
        for column, amount in inc:
            if amount is None:
                raise QueryError(
                    f"`_inc: {{{column.name}: null}}` on {t.name} adds nothing; give a number "
                    "or leave the column out",
                    code="BAD_ARGUMENT",
                )
        both = {c.name for c, _ in set_} & {c.name for c, _ in inc}
        if both:
            raise QueryError(
                f"column(s) {', '.join(sorted(both))} of {t.name} appear in both `_set` and "
                "`_inc`; give each column in one of them",
                code="BAD_ARGUMENT",
            )
        if not (set_ or inc):
            raise QueryError(
                f"nothing to update in {t.name}: give at least one column in `_set` or `_inc`",
                code="BAD_ARGUMENT",
            )
        return Update(t.ref, where, set_, inc)

    # --- output --------------------------------------------------------------------------

    def response(self, t: TableType, nodes: list[FieldNode]) -> MutationResponse:
        fields: list[AffectedRowsField | ReturningField | TypenameField] = []
        for key, field_nodes in self.planner.collect(nodes).items():
            name = field_nodes[0].name.value
            if name == "__typename":
                fields.append(TypenameField(key, f"{t.name}_mutation_response"))
            elif name == "affected_rows":
                fields.append(AffectedRowsField(key))
            else:
                returning = self.planner.select(t, field_nodes, {})
                refuse_stitched(returning, None, key)
                fields.append(ReturningField(key, returning))
        return MutationResponse(tuple(fields))


def by_primary_key(t: TableType, values: dict[str, Any]) -> BoolExp:
    return And(tuple(Compare(column, "_eq", values[name]) for name, column in t.primary_key))


def _check_no_double_keys(
    t: TableType, values: list[tuple[Any, Any]], objects: list[ObjectInsert]
) -> None:
    given = {column.name for column, _ in values}
    for item in objects:
        twice = given & {mine for mine, _ in item.relationship.mapping}
        if twice:
            raise QueryError(
                f"{t.name}: column(s) {', '.join(sorted(twice))} are given and also set by the "
                f"nested insert of {item.relationship.name}; give one of them",
                code="BAD_ARGUMENT",
            )
