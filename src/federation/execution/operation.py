"""Parsing and validation of documents, cached by the document's text.

A repeated document is parsed and validated once (bounded LRU); variables, which change between
requests, are coerced for every request.
"""

from __future__ import annotations

from dataclasses import dataclass
from hashlib import sha256

from cachetools import LRUCache
from graphql import (
    DocumentNode,
    FragmentDefinitionNode,
    GraphQLError,
    GraphQLSchema,
    NoSchemaIntrospectionCustomRule,
    OperationDefinitionNode,
    parse,
    specified_rules,
    validate,
)


@dataclass(frozen=True, slots=True)
class ParsedDocument:
    document: DocumentNode
    operations: dict[str | None, OperationDefinitionNode]
    fragments: dict[str, FragmentDefinitionNode]
    digest: str
    """SHA-256 of the document's text: how plan and response caches name it."""


class RequestError(Exception):
    """The request fails before execution: the response has errors and no ``data``."""

    def __init__(self, errors: list[GraphQLError]) -> None:
        self.errors = errors
        super().__init__("; ".join(e.message for e in errors))


class DocumentCache:
    def __init__(
        self,
        schema: GraphQLSchema,
        *,
        introspection: bool = True,
        hide_suggestions: bool = False,
        size: int = 1024,
    ) -> None:
        self.schema = schema
        self.hide_suggestions = hide_suggestions
        """No "Did you mean ...?" in errors: they reveal the schema (production profile)."""
        self.rules = [*specified_rules]
        if not introspection:
            self.rules.append(NoSchemaIntrospectionCustomRule)
        self.cache: LRUCache[str, ParsedDocument | RequestError] = LRUCache(size)

    def get(self, query: str) -> ParsedDocument:
        found = self.cache.get(query)
        if found is None:
            found = self.cache[query] = self._prepare(query)
        if isinstance(found, RequestError):
            raise found
        return found

    def _prepare(self, query: str) -> ParsedDocument | RequestError:
        try:
            document = parse(query)
        except GraphQLError as error:
            return RequestError([error])
        errors = validate(self.schema, document, self.rules, hide_suggestions=self.hide_suggestions)
        if errors:
            return RequestError(list(errors))
        operations: dict[str | None, OperationDefinitionNode] = {}
        fragments: dict[str, FragmentDefinitionNode] = {}
        for definition in document.definitions:
            if isinstance(definition, OperationDefinitionNode):
                operations[definition.name.value if definition.name else None] = definition
            elif isinstance(definition, FragmentDefinitionNode):
                fragments[definition.name.value] = definition
        return ParsedDocument(document, operations, fragments, sha256(query.encode()).hexdigest())


def select_operation(parsed: ParsedDocument, name: str | None) -> OperationDefinitionNode:
    if name is None:
        if len(parsed.operations) == 1:
            return next(iter(parsed.operations.values()))
        raise RequestError(
            [GraphQLError("the document has several operations; send operationName to pick one")]
        )
    if name not in parsed.operations:
        known = ", ".join(sorted(n for n in parsed.operations if n)) or "none"
        raise RequestError(
            [GraphQLError(f"unknown operation named {name!r} (the document has: {known})")]
        )
    return parsed.operations[name]
