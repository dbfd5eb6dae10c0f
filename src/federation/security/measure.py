"""What an operation's shape costs, measured before it is validated.

Limits must be checked before validation: validating a document with thousands of aliases is
itself the attack (overlapping-field checks are quadratic). Documents are parsed here with the
caller's token limit, so a huge document stops being parsed at the limit; a parsed document and
its measurements are kept by text, so a repeated document is measured once.
"""

from __future__ import annotations

from dataclasses import dataclass

from cachetools import LRUCache
from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
    Visitor,
    visit,
)
from graphql.language.parser import Parser


@dataclass(frozen=True, slots=True)
class Shape:
    """The measurements of one operation of a document."""

    tokens: int
    depth: int
    aliases: int
    root_fields: int
    directives_per_field: int


class TokenLimitReached(Exception):
    """The document has more tokens than the limit it was parsed with."""


@dataclass(frozen=True, slots=True)
class ParsedText:
    document: DocumentNode
    tokens: int
    fragments: dict[str, FragmentDefinitionNode]
    aliases: int
    directives_per_field: int


class ShapeCache:
    """Parsed documents and the shape of their operations, by document text (bounded LRU)."""

    def __init__(self, size: int = 1024) -> None:
        self.parsed: LRUCache[str, ParsedText] = LRUCache(size)
        self.shapes: LRUCache[tuple[str, str | None], Shape | None] = LRUCache(size)

    def parse(self, query: str, max_tokens: int) -> ParsedText | None:
        """The parsed document, or None when it does not parse (the gateway reports why).

        Raises :class:`TokenLimitReached` when it has more than ``max_tokens`` tokens (0: no
        limit)."""
        found = self.parsed.get(query)
        if found is not None:
            if max_tokens and found.tokens > max_tokens:
                raise TokenLimitReached
            return found
        parser = Parser(query, max_tokens=max_tokens or None, no_location=True)
        try:
            document = parser.parse_document()
        except GraphQLError as error:
            if max_tokens and "tokens" in error.message and parser.token_count > max_tokens:
                raise TokenLimitReached from None
            return None
        parsed = self.parsed[query] = _describe(document, parser.token_count)
        return parsed

    def shape(self, query: str, operation_name: str | None, max_tokens: int) -> Shape | None:
        """The shape of the operation the request runs; None when the document does not
        parse or has no such operation (the gateway then answers with the GraphQL error)."""
        parsed = self.parse(query, max_tokens)
        if parsed is None:
            return None
        key = (query, operation_name)
        if key not in self.shapes:
            self.shapes[key] = _shape(parsed, operation_name)
        return self.shapes[key]


def select(parsed: ParsedText, operation_name: str | None) -> OperationDefinitionNode | None:
    operations = [d for d in parsed.document.definitions if isinstance(d, OperationDefinitionNode)]
    if operation_name is None:
        return operations[0] if len(operations) == 1 else None
    for operation in operations:
        if operation.name and operation.name.value == operation_name:
            return operation
    return None


def _describe(document: DocumentNode, tokens: int) -> ParsedText:
    counter = _DocumentCounter()
    visit(document, counter)
    fragments = {
        d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
    }
    return ParsedText(document, tokens, fragments, counter.aliases, counter.directives)


class _DocumentCounter(Visitor):
    """Aliases and the most directives on one node, counted over the whole text: an alias in
    a fragment costs once however often the fragment is spread (its fields merge)."""

    def __init__(self) -> None:
        super().__init__()
        self.aliases = 0
        self.directives = 0

    def enter_field(self, node: FieldNode, *_: object) -> None:
        self.aliases += node.alias is not None
        self.directives = max(self.directives, len(node.directives or ()))

    def enter_fragment_spread(self, node: FragmentSpreadNode, *_: object) -> None:
        self.directives = max(self.directives, len(node.directives or ()))

    def enter_inline_fragment(self, node: InlineFragmentNode, *_: object) -> None:
        self.directives = max(self.directives, len(node.directives or ()))

    def enter_operation_definition(self, node: OperationDefinitionNode, *_: object) -> None:
        self.directives = max(self.directives, len(node.directives or ()))


def _shape(parsed: ParsedText, operation_name: str | None) -> Shape | None:
    operation = select(parsed, operation_name)
    if operation is None:
        return None
    walker = _Walker(parsed.fragments)
    return Shape(
        tokens=parsed.tokens,
        depth=walker.depth(operation.selection_set),
        aliases=parsed.aliases,
        root_fields=walker.root_fields(operation.selection_set),
        directives_per_field=parsed.directives_per_field,
    )


class _Walker:
    """Depth and root fields through fragments, each fragment measured once (a fragment
    spread many times, or in a cycle, cannot make the walk exponential or endless)."""

    def __init__(self, fragments: dict[str, FragmentDefinitionNode]) -> None:
        self.fragments = fragments
        self.depths: dict[str, int] = {}
        self.roots: dict[str, int] = {}

    def depth(self, selection_set: SelectionSetNode | None) -> int:
        deepest = 0
        for selection in selection_set.selections if selection_set else ():
            if isinstance(selection, FieldNode):
                deepest = max(deepest, 1 + self.depth(selection.selection_set))
            elif isinstance(selection, InlineFragmentNode):
                deepest = max(deepest, self.depth(selection.selection_set))
            elif isinstance(selection, FragmentSpreadNode):
                deepest = max(deepest, self.fragment_depth(selection.name.value))
        return deepest

    def fragment_depth(self, name: str) -> int:
        if name not in self.depths:
            self.depths[name] = 0  # a cycle counts nothing (validation rejects it)
            fragment = self.fragments.get(name)
            self.depths[name] = self.depth(fragment.selection_set) if fragment else 0
        return self.depths[name]

    def root_fields(self, selection_set: SelectionSetNode | None) -> int:
        count = 0
        for selection in selection_set.selections if selection_set else ():
            if isinstance(selection, FieldNode):
                count += 1
            elif isinstance(selection, InlineFragmentNode):
                count += self.root_fields(selection.selection_set)
            elif isinstance(selection, FragmentSpreadNode):
                count += self.fragment_roots(selection.name.value)
        return count

    def fragment_roots(self, name: str) -> int:
        if name not in self.roots:
            self.roots[name] = 0
            fragment = self.fragments.get(name)
            self.roots[name] = self.root_fields(fragment.selection_set) if fragment else 0
        return self.roots[name]
