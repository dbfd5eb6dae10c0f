"""``rest`` endpoints declared in ``schema/*.graphql``: object types carrying ``@rest``.

The directives map one to one onto the keys of ``options.endpoints`` (same names, same
meanings), so a type becomes the same declaration mapping and goes through the same checks
(:class:`~.endpoints.EndpointParser`); only the wording of problems differs: each names the
file and line, and the directive argument or field at fault. Documented in
docs/rest-and-graphql-sources.md.

The schema overlay reader reads these files too (``federation.schema.overlay``): there a
``@rest`` type binds to the table this connector generates, so ``@hide``, descriptions and
``@relationship`` work on it. Fields with ``@relationship`` are therefore not endpoint fields.
"""

from __future__ import annotations

from dataclasses import dataclass
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

from .endpoints import Endpoint, EndpointParser

DIRECTIVES_SDL = """
directive @rest(
  source: String!, path: String!, rows: String, by_pk: String, by_pk_row: String
) on OBJECT
directive @pagination(
  style: String!, page_param: String, first_page: Int, offset_param: String,
  size_param: String, page_size: Int, cursor_param: String, next: String, max_pages: Int
) on OBJECT
directive @batch(path: String!, key: String!, max_keys: Int, rows: String) on OBJECT
directive @key on FIELD_DEFINITION
directive @field(path: String!) on FIELD_DEFINITION
directive @filter(
  _eq: String, _neq: String, _gt: String, _gte: String, _lt: String, _lte: String,
  _in: String, _nin: String, _like: String, _ilike: String
) on FIELD_DEFINITION
"""
"""The directive set, for editors and for ``federation openapi`` output."""

_REST_ARGS = frozenset({"source", "path", "rows", "by_pk", "by_pk_row"})


@dataclass(frozen=True, slots=True)
class SdlEndpoint:
    endpoint: Endpoint
    where: str
    """``file:line`` of the type."""


def load_sdl_endpoints(schema_dir: Path | None, source: str) -> tuple[SdlEndpoint, ...]:
    """The ``@rest(source: <source>)`` types of every ``*.graphql`` file, in file name order.

    Raises one :class:`ConfigError` listing every problem of this source's types.
    """
    if schema_dir is None or not schema_dir.is_dir():
        return ()
    found: list[SdlEndpoint] = []
    problems: list[str] = []
    for path in sorted(schema_dir.glob("*.graphql")):
        try:
            found.extend(parse_sdl_endpoints(path.read_text(encoding="utf-8"), source, str(path)))
        except ConfigError as error:
            problems.extend(error.problems)
    first: dict[str, str] = {}
    for item in found:
        name = item.endpoint.type_name
        if name in first:
            again = f"type {name!r} is declared again (first at {first[name]})"
            problems.append(f"{item.where}: {again}")
        first.setdefault(name, item.where)
    if problems:
        raise ConfigError(problems)
    return tuple(found)


def parse_sdl_endpoints(text: str, source: str, filename: str = "<sdl>") -> list[SdlEndpoint]:
    """The endpoints one SDL document declares for ``source``."""
    try:
        document = parse(text)
    except GraphQLSyntaxError as error:
        line = error.locations[0].line if error.locations else "?"
        raise ConfigError([f"{filename}:{line}: {error.message}"]) from None
    problems: list[str] = []
    found = []
    for node in document.definitions:
        if not isinstance(node, ObjectTypeDefinitionNode | ObjectTypeExtensionNode):
            continue
        rest = _directive(node.directives, "rest")
        if rest is None or _arguments(rest).get("source") != source:
            continue
        endpoint = _TypeReader(node, rest, filename, problems).endpoint()
        if endpoint is not None:
            found.append(SdlEndpoint(endpoint, _where(filename, node)))
    if problems:
        raise ConfigError(sorted(problems, key=_line))
    return found


def _line(problem: str) -> int:
    """The line number of a ``file:line: message`` problem, to report in file order."""
    where = problem.split(": ", 1)[0]
    number = where.rpartition(":")[2]
    return int(number) if number.isdigit() else 0


class _TypeReader:
    """One ``@rest`` type -> the declaration mapping of ``options.endpoints`` -> an Endpoint."""

    def __init__(self, node: Any, rest: DirectiveNode, filename: str, problems: list[str]) -> None:
        self.node = node
        self.type_name: str = node.name.value
        self.rest = rest
        self.filename = filename
        self.problems = problems
        self.fields: dict[str, FieldDefinitionNode] = {}

    def endpoint(self) -> Endpoint | None:
        before = len(self.problems)
        endpoint = _SdlParser(self, self.problems).endpoint(self.declaration())
        return endpoint if len(self.problems) == before else None

    def declaration(self) -> dict[str, Any]:
        rest = _arguments(self.rest)
        self.unknown(rest, _REST_ARGS, "@rest", self.rest)
        if _directive(self.node.directives, "table") is not None:
            self.fail(self.node, "takes @rest or @table, not both")
        declaration: dict[str, Any] = {"type": self.type_name, "path": rest.get("path")}
        if rest.get("rows"):
            declaration["rows"] = rest["rows"]
        if rest.get("by_pk") is not None:
            declaration["by_pk"] = {"path": rest["by_pk"], "row": rest.get("by_pk_row")}
        elif rest.get("by_pk_row") is not None:
            self.fail(self.rest, "@rest(by_pk_row:) needs by_pk: the item path")
        if self.node.description is not None:
            declaration["description"] = self.node.description.value
        for name in ("pagination", "batch"):
            directive = _directive(self.node.directives, name)
            if directive is not None:
                declaration[name] = _arguments(directive)
        declaration["fields"], keys, filters = self.field_declarations()
        if keys:
            declaration["primary_key"] = keys
        if filters:
            declaration["filters"] = filters
        return declaration

    def field_declarations(
        self,
    ) -> tuple[dict[str, Any], list[str], dict[str, dict[str, Any]]]:
        fields: dict[str, Any] = {}
        keys: list[str] = []
        filters: dict[str, dict[str, Any]] = {}
        for node in self.node.fields or ():
            if _directive(node.directives, "relationship") is not None:
                continue  # a relationship (schema overlay), not a value of the rows
            name = node.name.value
            self.fields[name] = node
            type_text = self.type_text(node)
            if type_text is None:
                continue
            spec: dict[str, Any] = {"type": type_text}
            path = _directive(node.directives, "field")
            if path is not None:
                spec["from"] = _arguments(path).get("path")
                if not isinstance(spec["from"], str) or not spec["from"]:
                    self.fail(node, '@field needs path: "a.b"', f".{name}")
            if node.description is not None:
                spec["description"] = node.description.value
            fields[name] = spec
            if _directive(node.directives, "key") is not None:
                keys.append(name)
            declared = _directive(node.directives, "filter")
            if declared is not None:
                filters[name] = _arguments(declared)
        if not fields:
            self.fail(self.node, "declares no fields: list the fields of a row (id: Int!)")
        return fields, keys, filters

    def type_text(self, node: FieldDefinitionNode) -> str | None:
        """``Int!`` for a scalar field; lists and object types are refused by name."""
        type_node: TypeNode = node.type
        bang = isinstance(type_node, NonNullTypeNode)
        if isinstance(type_node, NonNullTypeNode):
            type_node = type_node.type
        if isinstance(type_node, ListTypeNode):
            message = "list fields are not supported; declare it jsonb (the JSON value as is)"
            self.fail(node, message, f".{node.name.value}")
            return None
        assert isinstance(type_node, NamedTypeNode)
        return type_node.name.value + ("!" if bang else "")

    def unknown(
        self, arguments: dict[str, Any], known: frozenset[str], label: str, node: Any
    ) -> None:
        for name in arguments:
            if name not in known:
                names = ", ".join(sorted(known))
                self.fail(node, f"unknown argument {name!r} (known: {names})", f" {label}")

    def fail(self, node: Any, message: str, label: str = "") -> None:
        where = _where(self.filename, node)
        self.problems.append(f"{where}: {self.type_name}{label}: {message}")


class _SdlParser(EndpointParser):
    """The shared checks, with each declaration key worded as the SDL spells it."""

    def __init__(self, reader: _TypeReader, problems: list[str]) -> None:
        super().__init__(reader.type_name, problems)
        self.reader = reader

    def fail(self, key: str, message: str) -> None:
        if key == "fields":
            return  # no fields at all: the reader said so in SDL terms
        node, label = self.locate(key)
        message = message.replace("unknown key", "unknown argument")
        self.problems.append(
            f"{_where(self.reader.filename, node)}: {self.reader.type_name}{label}: {message}"
        )

    def locate(self, key: str) -> tuple[Any, str]:
        """The SDL node a declaration key path comes from, and how the SDL spells it."""
        head, _, rest = key.partition(".")
        reader = self.reader
        if head in ("fields", "filters"):
            name, _, op = rest.partition(".")
            node = reader.fields.get(name, reader.node)
            label = f".{name}" + (f" @filter({op}:)" if op else "")
            return node, label
        if head in ("pagination", "batch"):
            directive = _directive(reader.node.directives, head)
            return directive or reader.node, f" @{head}({rest}:)" if rest else f" @{head}"
        if head == "primary_key":
            return reader.node, " @key"
        if head == "by_pk":
            return reader.rest, " @rest(by_pk:)"
        if head == "path":
            return reader.rest, " @rest(path:)"
        return reader.node, ""


def _directive(nodes: Any, name: str) -> DirectiveNode | None:
    return next((d for d in nodes or () if d.name.value == name), None)


def _arguments(directive: DirectiveNode) -> dict[str, Any]:
    return {a.name.value: value_from_ast_untyped(a.value) for a in directive.arguments or ()}


def _where(filename: str, node: Any) -> str:
    loc = node.loc
    if loc is None:
        return filename
    return f"{filename}:{loc.source.body.count(chr(10), 0, loc.start) + 1}"
