"""``__schema`` and ``__type`` at the root, answered by graphql-core from the schema itself.

Only the introspection fields of the operation are executed this way; data fields never are.
"""

from __future__ import annotations

from typing import Any

from graphql import (
    DocumentNode,
    ExecutionResult,
    FieldNode,
    GraphQLSchema,
    OperationDefinitionNode,
    SelectionSetNode,
    execute_sync,
)

from federation.execution.operation import ParsedDocument


def introspection_document(
    parsed: ParsedDocument, operation: OperationDefinitionNode
) -> DocumentNode:
    """The operation with only its ``__schema``/``__type`` root fields, plus all fragments."""
    selections = tuple(
        s
        for s in operation.selection_set.selections
        if isinstance(s, FieldNode) and s.name.value in ("__schema", "__type")
    )
    only = OperationDefinitionNode(
        operation=operation.operation,
        name=operation.name,
        variable_definitions=operation.variable_definitions,
        directives=operation.directives,
        selection_set=SelectionSetNode(selections=selections),
    )
    return DocumentNode(definitions=(only, *parsed.fragments.values()))


def run_introspection(
    schema: GraphQLSchema, document: DocumentNode, variables: dict[str, Any] | None
) -> dict[str, Any]:
    result = execute_sync(schema, document, variable_values=variables)
    assert isinstance(result, ExecutionResult)
    return result.data or {}
