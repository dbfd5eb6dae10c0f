"""An operation's estimated cost: how many values it may resolve, before it runs.

Every field costs 1 each time it is resolved; a list field resolves its sub-selection once per
item, and the number of items is its `limit` (or `first`, `last`) argument, from the document or
the variables, else ``list_size``. So ``{ artist(limit: 10) { name albums(limit: 5) { title } } }``
costs ``1 + 10 * (1 + (1 + 5 * 1)) = 71``. Introspection fields (``__schema``, ``__type``) cost 1
and are not descended into: they have their own protection (depth, the production profile).

    >>> from graphql import build_schema, parse
    >>> schema = build_schema("type Query { xs(limit: Int): [X] } type X { a: Int b: [X] }")
    >>> doc = parse("{ xs(limit: 3) { a b { a } } }")
    >>> estimate_cost(schema, doc.definitions[0], {}, {}, list_size=10)
    37
"""

from __future__ import annotations

from typing import Any, Final

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLNamedType,
    GraphQLSchema,
    InlineFragmentNode,
    IntValueNode,
    OperationDefinitionNode,
    SelectionSetNode,
    VariableNode,
    get_named_type,
    get_nullable_type,
    is_interface_type,
    is_list_type,
    is_object_type,
)

SIZE_ARGUMENTS: Final = ("limit", "first", "last")


def estimate_cost(
    schema: GraphQLSchema,
    operation: OperationDefinitionNode,
    fragments: dict[str, FragmentDefinitionNode],
    variables: dict[str, Any],
    *,
    list_size: int,
) -> int:
    root = schema.get_root_type(operation.operation)
    return _Estimator(schema, fragments, variables, list_size).cost(operation.selection_set, root)


class _Estimator:
    def __init__(
        self,
        schema: GraphQLSchema,
        fragments: dict[str, FragmentDefinitionNode],
        variables: dict[str, Any],
        list_size: int,
    ) -> None:
        self.schema = schema
        self.fragments = fragments
        self.variables = variables
        self.list_size = list_size
        self.fragment_costs: dict[str, int] = {}

    def cost(self, selection_set: SelectionSetNode | None, parent: GraphQLNamedType | None) -> int:
        total = 0
        for selection in selection_set.selections if selection_set else ():
            if isinstance(selection, FieldNode):
                total += self.field_cost(selection, parent)
            elif isinstance(selection, InlineFragmentNode):
                condition = selection.type_condition
                inner = self.schema.get_type(condition.name.value) if condition else parent
                total += self.cost(selection.selection_set, inner)
            elif isinstance(selection, FragmentSpreadNode):
                total += self.fragment_cost(selection.name.value)
        return total

    def field_cost(self, node: FieldNode, parent: GraphQLNamedType | None) -> int:
        name = node.name.value
        definition = None
        if is_object_type(parent) or is_interface_type(parent):
            definition = parent.fields.get(name)
        if definition is None or name.startswith("__") or node.selection_set is None:
            return 1
        items = self.size(node) if is_list_type(get_nullable_type(definition.type)) else 1
        return 1 + items * self.cost(node.selection_set, get_named_type(definition.type))

    def size(self, node: FieldNode) -> int:
        for argument in node.arguments or ():
            if argument.name.value in SIZE_ARGUMENTS:
                value = argument.value
                if isinstance(value, VariableNode):
                    found = self.variables.get(value.name.value)
                    if isinstance(found, int) and not isinstance(found, bool):
                        return max(found, 0)
                elif isinstance(value, IntValueNode):
                    return max(int(value.value), 0)
        return self.list_size

    def fragment_cost(self, name: str) -> int:
        if name not in self.fragment_costs:
            self.fragment_costs[name] = 0  # a cycle costs nothing here (validation rejects it)
            fragment = self.fragments.get(name)
            if fragment is not None:
                condition = self.schema.get_type(fragment.type_condition.name.value)
                self.fragment_costs[name] = self.cost(fragment.selection_set, condition)
        return self.fragment_costs[name]
