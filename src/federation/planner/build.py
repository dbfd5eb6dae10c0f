"""GraphQL operation -> typed plan.

The operation has passed validation and its variables are coerced; arguments are coerced here by
graphql-core into Python values, then turned into plan nodes by pure functions.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    GraphQLObjectType,
    GraphQLSchema,
    OperationDefinitionNode,
)
from graphql.execution.values import get_argument_values

from federation.errors import QueryError
from federation.planner import arguments
from federation.planner.json_path import parse_json_path
from federation.planner.mutation_plan import MutationField
from federation.planner.mutations import plan_mutation
from federation.planner.plan import (
    AggregateBlock,
    AggregateItem,
    AggregateRelationField,
    AggregateSelect,
    And,
    ArrayRelationField,
    BoolExp,
    ColumnAggregate,
    ColumnField,
    Compare,
    CountField,
    Field,
    GroupKeyBlock,
    GroupSelect,
    NodesField,
    ObjectRelationField,
    Plan,
    RootField,
    Select,
    TypenameField,
)
from federation.planner.selection import collect_fields, sub_selections
from federation.schema.model import SchemaModel, TableType

INTROSPECTION_FIELDS = frozenset({"__schema", "__type"})


@dataclass(frozen=True, slots=True)
class IntrospectionField:
    """``__schema``/``__type`` at the root: answered by graphql-core from the schema itself."""

    key: str


PlanEntry = RootField | TypenameField | IntrospectionField | MutationField


class Planner:
    """Plans one operation. Holds what every step needs; each method plans one kind of node."""

    def __init__(
        self,
        schema: GraphQLSchema,
        model: SchemaModel,
        fragments: dict[str, FragmentDefinitionNode],
        variables: Any,
    ) -> None:
        self.schema = schema
        self.model = model
        self.fragments = fragments
        self.variables = variables

    def plan(self, operation: OperationDefinitionNode) -> tuple[Plan, list[PlanEntry]]:
        """The plan, and every root entry in response order (introspection fields included)."""
        if operation.operation.value == "mutation":
            return plan_mutation(self, operation)
        if operation.operation.value != "query":
            raise QueryError(
                f"{operation.operation.value} operations are not supported yet; send a query",
                code="OPERATION_NOT_SUPPORTED",
            )
        root_type = self.schema.query_type
        assert root_type is not None
        fields = collect_fields([operation.selection_set], self.fragments, self.variables)
        entries: list[PlanEntry] = []
        for key, nodes in fields.items():
            name = nodes[0].name.value
            if name == "__typename":
                entries.append(TypenameField(key, root_type.name))
            elif name in INTROSPECTION_FIELDS:
                entries.append(IntrospectionField(key))
            else:
                entries.append(self.root_field(root_type, key, nodes))
        roots = tuple(e for e in entries if not isinstance(e, IntrospectionField))
        return Plan("query", roots), entries

    # --- root fields ---------------------------------------------------------------------

    def root_field(
        self, root_type: GraphQLObjectType, key: str, nodes: list[FieldNode]
    ) -> RootField:
        name = nodes[0].name.value
        entry = self.model.roots[name]
        t = entry.table_type
        args = get_argument_values(root_type.fields[name], nodes[0], self.variables)
        source = t.ref.source
        if entry.kind == "many":
            return RootField(key, "many", source, self.select(t, nodes, args), nullable=False)
        if entry.kind == "one":
            where: BoolExp = And(
                tuple(Compare(column, "_eq", args[n]) for n, column in t.primary_key)
            )
            select = self.select(t, nodes, {})
            select = Select(select.table, select.fields, where=where)
            return RootField(key, "one", source, select, nullable=True)
        if entry.kind == "aggregate":
            return RootField(
                key, "aggregate", source, self.aggregate(t, nodes, args), nullable=False
            )
        return RootField(key, "groups", source, self.groups(t, nodes, args), nullable=False)

    # --- rows ----------------------------------------------------------------------------

    def select(self, t: TableType, nodes: list[FieldNode], args: dict[str, Any]) -> Select:
        return Select(
            table=t.ref,
            fields=self.fields(t, nodes),
            **arguments.row_arguments(self.model, t, args),
        )

    def fields(self, t: TableType, nodes: list[FieldNode]) -> tuple[Field, ...]:
        object_type = self.schema.get_type(t.name)
        assert isinstance(object_type, GraphQLObjectType)
        result: list[Field] = []
        for key, field_nodes in self.collect(nodes).items():
            result.append(self.field(t, object_type, key, field_nodes))
        return tuple(result)

    def field(
        self, t: TableType, object_type: GraphQLObjectType, key: str, nodes: list[FieldNode]
    ) -> Field:
        name = nodes[0].name.value
        if name == "__typename":
            return TypenameField(key, t.name)
        if name in t.columns:
            return self.column(t, object_type, key, nodes)
        args = get_argument_values(object_type.fields[name], nodes[0], self.variables)
        if name in t.relationships:
            rel = t.relationships[name]
            target = self.model.type_of(rel.target)
            if rel.kind == "object":
                return ObjectRelationField(key, rel, self.select(target, nodes, {}))
            return ArrayRelationField(key, rel, self.select(target, nodes, args))
        rel = t.relationships[name.removesuffix("_aggregate")]
        target = self.model.type_of(rel.target)
        return AggregateRelationField(key, rel, self.aggregate(target, nodes, args))

    def column(
        self, t: TableType, object_type: GraphQLObjectType, key: str, nodes: list[FieldNode]
    ) -> ColumnField:
        name = nodes[0].name.value
        column = t.columns[name]
        if not nodes[0].arguments:
            return ColumnField(key, column)
        args = get_argument_values(object_type.fields[name], nodes[0], self.variables)
        path = args.get("path")
        if path is None:
            return ColumnField(key, column)
        return ColumnField(key, column, parse_json_path(path, f"{t.name}.{name}"))

    def collect(self, nodes: list[FieldNode]) -> dict[str, list[FieldNode]]:
        return collect_fields(sub_selections(nodes), self.fragments, self.variables)

    # --- aggregates ----------------------------------------------------------------------

    def aggregate(
        self, t: TableType, nodes: list[FieldNode], args: dict[str, Any]
    ) -> AggregateSelect:
        rows = Select(t.ref, (), **arguments.row_arguments(self.model, t, args))
        fields: list[AggregateBlock | NodesField | TypenameField] = []
        for key, field_nodes in self.collect(nodes).items():
            name = field_nodes[0].name.value
            if name == "__typename":
                fields.append(TypenameField(key, f"{t.name}_aggregate"))
            elif name == "nodes":
                fields.append(NodesField(key, self.fields(t, field_nodes)))
            else:
                fields.append(AggregateBlock(key, self.aggregate_items(t, field_nodes)))
        return AggregateSelect(rows, tuple(fields))

    def aggregate_items(self, t: TableType, nodes: list[FieldNode]) -> tuple[AggregateItem, ...]:
        fields_type = self.schema.get_type(f"{t.name}_aggregate_fields")
        assert isinstance(fields_type, GraphQLObjectType)
        items: list[AggregateItem] = []
        for key, field_nodes in self.collect(nodes).items():
            name = field_nodes[0].name.value
            if name == "__typename":
                items.append(TypenameField(key, fields_type.name))
            elif name == "count":
                args = get_argument_values(
                    fields_type.fields["count"], field_nodes[0], self.variables
                )
                columns = tuple(t.columns[c] for c in args.get("columns") or ())
                items.append(CountField(key, columns, bool(args.get("distinct"))))
            else:
                items.append(self.column_aggregate(t, key, name, field_nodes))
        return tuple(items)

    def column_aggregate(
        self, t: TableType, key: str, function: str, nodes: list[FieldNode]
    ) -> ColumnAggregate:
        fields: list[ColumnField | TypenameField] = []
        for sub_key, sub_nodes in self.collect(nodes).items():
            name = sub_nodes[0].name.value
            if name == "__typename":
                fields.append(TypenameField(sub_key, f"{t.name}_{function}_fields"))
            else:
                fields.append(ColumnField(sub_key, t.columns[name]))
        return ColumnAggregate(key, function, tuple(fields))

    # --- grouped aggregates ------------------------------------------------------------------

    def groups(self, t: TableType, nodes: list[FieldNode], args: dict[str, Any]) -> GroupSelect:
        by_names: list[str] = list(args["by"])
        if not by_names:
            raise QueryError(f"{t.root_name}_group_by needs at least one column in `by`")
        rows = Select(t.ref, (), where=arguments.bool_exp(self.model, t, args.get("where")))
        fields: list[GroupKeyBlock | AggregateBlock | TypenameField] = []
        for key, field_nodes in self.collect(nodes).items():
            name = field_nodes[0].name.value
            if name == "__typename":
                fields.append(TypenameField(key, f"{t.name}_group"))
            elif name == "keys":
                fields.append(self.group_keys(t, key, field_nodes, by_names))
            else:
                fields.append(AggregateBlock(key, self.aggregate_items(t, field_nodes)))
        return GroupSelect(
            rows=rows,
            by=tuple(t.columns[n] for n in by_names),
            fields=tuple(fields),
            having=arguments.having(t, args.get("having")),
            order_by=arguments.group_order(t, args.get("order_by"), by_names),
            limit=arguments.non_negative(args.get("limit"), "limit"),
            offset=arguments.non_negative(args.get("offset"), "offset"),
        )

    def group_keys(
        self, t: TableType, key: str, nodes: list[FieldNode], by_names: list[str]
    ) -> GroupKeyBlock:
        fields: list[ColumnField | TypenameField] = []
        for sub_key, sub_nodes in self.collect(nodes).items():
            name = sub_nodes[0].name.value
            if name == "__typename":
                fields.append(TypenameField(sub_key, f"{t.name}_group_keys"))
            elif name not in by_names:
                raise QueryError(
                    f"keys.{name} is not a grouped column; add {name} to `by` "
                    f"(grouped: {', '.join(by_names)})"
                )
            else:
                fields.append(ColumnField(sub_key, t.columns[name]))
        return GroupKeyBlock(key, tuple(fields))
