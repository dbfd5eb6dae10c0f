"""Argument errors found before execution, as Hasura (and the gateway) report them.

graphql-core runs a resolver only when its parent has data, so a bad ``where`` under a
``_by_pk`` that finds no row would go unnoticed; Hasura rejects the whole query. This walks
every field the operation selects (after ``@skip``/``@include``) and checks its arguments.
"""

from __future__ import annotations

from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLIncludeDirective,
    GraphQLObjectType,
    GraphQLSchema,
    GraphQLSkipDirective,
    InlineFragmentNode,
    SelectionSetNode,
    get_named_type,
    get_operation_ast,
)
from graphql.execution.values import get_argument_values, get_directive_values, get_variable_values

from federation.schema.model import SchemaModel

from .semantics import check_arguments


def argument_errors(
    schema: GraphQLSchema,
    model: SchemaModel,
    document: DocumentNode,
    variables: dict[str, Any] | None,
    operation_name: str | None,
) -> list[GraphQLError]:
    """The first argument error as a one-item list; empty when there is none (or when
    execution itself will report the problem: no operation, bad variables)."""
    operation = get_operation_ast(document, operation_name)
    if operation is None or schema.query_type is None:
        return []
    coerced = get_variable_values(schema, operation.variable_definitions or (), variables or {})
    if isinstance(coerced, list):
        return []
    fragments = {
        d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
    }
    walker = _Walker(model, fragments, coerced)
    try:
        walker.walk(operation.selection_set, schema.query_type)
    except GraphQLError as error:
        return [error]
    return []


class _Walker:
    def __init__(
        self,
        model: SchemaModel,
        fragments: dict[str, FragmentDefinitionNode],
        variables: dict[str, Any],
    ) -> None:
        self.model = model
        self.fragments = fragments
        self.variables = variables

    def walk(self, selection_set: SelectionSetNode, parent: GraphQLObjectType) -> None:
        for node in selection_set.selections:
            if not self.included(node):
                continue
            if isinstance(node, FieldNode):
                self.field(node, parent)
            elif isinstance(node, InlineFragmentNode):
                self.walk(node.selection_set, parent)
            elif isinstance(node, FragmentSpreadNode):
                self.walk(self.fragments[node.name.value].selection_set, parent)

    def field(self, node: FieldNode, parent: GraphQLObjectType) -> None:
        name = node.name.value
        if name.startswith("__"):
            return
        definition = parent.fields[name]
        named = get_named_type(definition.type)
        table = self.model.types.get(named.name) or self.model.types.get(
            named.name.removesuffix("_aggregate")
        )
        if table is not None and "where" in definition.args:
            check_arguments(
                self.model, table, get_argument_values(definition, node, self.variables)
            )
        if node.selection_set is not None and isinstance(named, GraphQLObjectType):
            self.walk(node.selection_set, named)

    def included(self, node: Any) -> bool:
        skip = get_directive_values(GraphQLSkipDirective, node, self.variables)
        if skip and skip["if"]:
            return False
        include = get_directive_values(GraphQLIncludeDirective, node, self.variables)
        return not (include and not include["if"])
