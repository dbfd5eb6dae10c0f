"""SDL overlays from ``schema/*.graphql``: rename, hide, describe, relate.

Directives (documented in docs/schema-overlays.md)::

    directive @table(source: String!, name: String!, schema: String, rootField: String) on OBJECT
    directive @column(name: String!) on FIELD_DEFINITION
    directive @hide on OBJECT | FIELD_DEFINITION
    directive @relationship(fields: [String!]!, references: [String!]!) on FIELD_DEFINITION
    directive @cacheControl(maxAge: Int, scope: CacheControlScope, inheritMaxAge: Boolean)
        on OBJECT | FIELD_DEFINITION

A type without ``@table`` refers to the generated type of that name. Only the fields an overlay
lists change; the others keep their generated form.

A type with ``@rest(source: ...)`` declares an endpoint of a ``rest`` source (read by that
connector: ``federation_connectors.rest.sdl``); here it binds like ``@table(source: ..., name:
<its type name>)``, so ``@hide``, descriptions and ``@relationship`` work on it as on a table.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from graphql import (
    DirectiveNode,
    FieldDefinitionNode,
    GraphQLSyntaxError,
    ListTypeNode,
    NamedTypeNode,
    NonNullTypeNode,
    ObjectTypeDefinitionNode,
    ObjectTypeExtensionNode,
    TypeNode,
    parse,
    value_from_ast_untyped,
)

from federation.errors import ConfigError

DIRECTIVES_SDL = """
directive @table(source: String!, name: String!, schema: String, rootField: String) on OBJECT
directive @column(name: String!) on FIELD_DEFINITION
directive @hide on OBJECT | FIELD_DEFINITION
directive @relationship(fields: [String!]!, references: [String!]!) on FIELD_DEFINITION
enum CacheControlScope { PUBLIC PRIVATE }
directive @cacheControl(maxAge: Int, scope: CacheControlScope, inheritMaxAge: Boolean) \
on OBJECT | FIELD_DEFINITION
"""


@dataclass(frozen=True, slots=True)
class CacheHint:
    """``@cacheControl`` (Apollo's semantics, read by :mod:`federation.cache.hints`)."""

    max_age: int | None = None
    scope: str | None = None
    """``PUBLIC``, ``PRIVATE`` or None (not set)."""
    inherit_max_age: bool = False


@dataclass(frozen=True, slots=True)
class OverlayRelationship:
    target_type: str
    is_list: bool
    fields: tuple[str, ...]
    references: tuple[str, ...]


@dataclass(slots=True)
class OverlayField:
    name: str
    where: str
    """``file:line`` for error messages."""
    description: str | None = None
    column: str | None = None
    hidden: bool = False
    relationship: OverlayRelationship | None = None
    cache_control: CacheHint | None = None


@dataclass(slots=True)
class OverlayType:
    name: str
    where: str
    description: str | None = None
    source: str | None = None
    table: str | None = None
    schema: str | None = None
    root_field: str | None = None
    hidden: bool = False
    fields: list[OverlayField] = field(default_factory=list)
    cache_control: CacheHint | None = None


def load_overlays(schema_dir: Path | None) -> list[OverlayType]:
    """Read every ``*.graphql`` file of the folder, in name order."""
    if schema_dir is None or not schema_dir.is_dir():
        return []
    types: list[OverlayType] = []
    problems: list[str] = []
    for path in sorted(schema_dir.glob("*.graphql")):
        try:
            types.extend(parse_overlay(path.read_text(encoding="utf-8"), str(path)))
        except ConfigError as error:
            problems.extend(error.problems)
    if problems:
        raise ConfigError(problems)
    return types


def parse_overlay(text: str, filename: str = "<overlay>") -> list[OverlayType]:
    try:
        document = parse(text, no_location=False)
    except GraphQLSyntaxError as error:
        raise ConfigError([f"{filename}: {error.message} at {_position(error)}"]) from None
    types, problems = [], []
    for definition in document.definitions:
        if isinstance(definition, ObjectTypeDefinitionNode | ObjectTypeExtensionNode):
            types.append(_overlay_type(definition, filename))
        elif not _is_directive_definition(definition):
            problems.append(
                f"{_where(filename, definition)}: only object types (`type X` or `extend type X`) "
                f"and directive definitions belong in schema overlays"
            )
    if problems:
        raise ConfigError(problems)
    return types


def _overlay_type(node: Any, filename: str) -> OverlayType:
    directives = _directives(node.directives)
    table = directives.get("table") or _rest_binding(node, directives)
    overlay = OverlayType(
        name=node.name.value,
        where=_where(filename, node),
        description=_description(node),
        source=table.get("source"),
        table=table.get("name"),
        schema=table.get("schema"),
        root_field=table.get("rootField"),
        hidden="hide" in directives,
        cache_control=_cache_hint(directives, _where(filename, node)),
    )
    overlay.fields = [_overlay_field(f, filename) for f in node.fields or ()]
    return overlay


def _rest_binding(node: Any, directives: dict[str, dict[str, Any]]) -> dict[str, Any]:
    rest = directives.get("rest")
    return {} if rest is None else {"source": rest.get("source"), "name": node.name.value}


def _overlay_field(node: FieldDefinitionNode, filename: str) -> OverlayField:
    directives = _directives(node.directives)
    relationship = directives.get("relationship")
    result = OverlayField(
        name=node.name.value,
        where=_where(filename, node),
        description=_description(node),
        column=directives.get("column", {}).get("name"),
        hidden="hide" in directives,
        cache_control=_cache_hint(directives, _where(filename, node)),
    )
    if relationship is not None:
        target, is_list = _named_type(node.type)
        result.relationship = OverlayRelationship(
            target_type=target,
            is_list=is_list,
            fields=tuple(relationship.get("fields") or ()),
            references=tuple(relationship.get("references") or ()),
        )
    return result


def _cache_hint(directives: dict[str, dict[str, Any]], where: str) -> CacheHint | None:
    arguments = directives.get("cacheControl")
    if arguments is None:
        return None
    max_age, scope = arguments.get("maxAge"), arguments.get("scope")
    if max_age is not None and (not isinstance(max_age, int) or max_age < 0):
        raise ConfigError([f"{where}: @cacheControl(maxAge:) must be 0 or more seconds"])
    if scope is not None and scope not in ("PUBLIC", "PRIVATE"):
        raise ConfigError([f"{where}: @cacheControl(scope:) must be PUBLIC or PRIVATE"])
    inherit = arguments.get("inheritMaxAge") is True
    return CacheHint(max_age, scope, inherit)


def _directives(nodes: tuple[DirectiveNode, ...] | None) -> dict[str, dict[str, Any]]:
    return {
        d.name.value: {a.name.value: value_from_ast_untyped(a.value) for a in d.arguments or ()}
        for d in nodes or ()
    }


def _named_type(node: TypeNode) -> tuple[str, bool]:
    is_list = False
    while not isinstance(node, NamedTypeNode):
        if isinstance(node, ListTypeNode):
            is_list = True
        assert isinstance(node, ListTypeNode | NonNullTypeNode)
        node = node.type
    return node.name.value, is_list


def _description(node: Any) -> str | None:
    return node.description.value if getattr(node, "description", None) else None


def _is_directive_definition(node: Any) -> bool:
    return type(node).__name__ == "DirectiveDefinitionNode"


def _where(filename: str, node: Any) -> str:
    loc = node.loc
    if loc is None:
        return filename
    line = loc.source.body.count("\n", 0, loc.start) + 1
    return f"{filename}:{line}"


def _position(error: GraphQLSyntaxError) -> str:
    locations = error.locations or []
    return f"line {locations[0].line}" if locations else "unknown position"
