"""`federation persist`: a persisted-query manifest built from `.graphql` files.

Each operation in the files becomes one manifest entry: the operation and the fragments it uses
(from any of the files), printed in a canonical form; its id is the SHA-256 of that text, which
is what a client sends (``documentId``, or APQ's ``sha256Hash``). Every operation is validated
against the gateway's schema, and every problem is reported, each naming its file and operation.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from graphql import (
    DocumentNode,
    ExecutableDefinitionNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLSchema,
    OperationDefinitionNode,
    Visitor,
    parse,
    print_ast,
    visit,
)

from federation.security.manifests import APOLLO_FORMAT, check_operation, sha256_hex

Format = Literal["apollo", "relay"]


@dataclass(frozen=True, slots=True)
class Entry:
    id: str
    name: str
    type: str
    body: str


def graphql_files(paths: Iterable[Path]) -> list[Path]:
    """The files named, and the ``*.graphql``/``*.gql`` files under the folders named."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files += sorted(p for p in path.rglob("*") if p.suffix in (".graphql", ".gql"))
        else:
            files.append(path)
    return files


def build_entries(files: list[Path], schema: GraphQLSchema) -> tuple[list[Entry], list[str]]:
    """The manifest entries, and every problem found (file, operation, what is wrong)."""
    problems: list[str] = []
    documents: list[tuple[Path, DocumentNode]] = []
    for file in files:
        try:
            documents.append((file, parse(file.read_text(encoding="utf-8"))))
        except OSError as error:
            problems.append(f"{file}: cannot read: {error.strerror}")
        except GraphQLError as error:
            problems.append(f"{file}: {error.message} ({_where(error)})")
    fragments = _fragments(documents, problems)
    entries: list[Entry] = []
    names: dict[str, Path] = {}
    for file, document in documents:
        for operation in document.definitions:
            if isinstance(operation, OperationDefinitionNode):
                entry = _entry(file, operation, fragments, schema, names, problems)
                if entry is not None:
                    entries.append(entry)
    return entries, problems


def manifest(entries: list[Entry], format: Format) -> dict[str, Any]:
    if format == "relay":
        return {entry.id: entry.body for entry in entries}
    return {
        "format": APOLLO_FORMAT,
        "version": 1,
        "operations": [
            {"id": e.id, "name": e.name, "type": e.type, "body": e.body} for e in entries
        ],
    }


def _fragments(
    documents: list[tuple[Path, DocumentNode]], problems: list[str]
) -> dict[str, FragmentDefinitionNode]:
    found: dict[str, FragmentDefinitionNode] = {}
    where: dict[str, Path] = {}
    for file, document in documents:
        for definition in document.definitions:
            if isinstance(definition, FragmentDefinitionNode):
                name = definition.name.value
                if name in found:
                    problems.append(
                        f"{file}: fragment {name!r} is also defined in {where[name]}: "
                        "give each fragment a unique name"
                    )
                found[name], where[name] = definition, file
    return found


def _entry(
    file: Path,
    operation: OperationDefinitionNode,
    fragments: dict[str, FragmentDefinitionNode],
    schema: GraphQLSchema,
    names: dict[str, Path],
    problems: list[str],
) -> Entry | None:
    if operation.name is None:
        problems.append(
            f"{file}: an operation has no name ({_node_where(operation)}): name it, e.g. "
            "`query ArtistNames { ... }` (the name identifies it in the manifest and in logs)"
        )
        return None
    name = operation.name.value
    if name in names:
        problems.append(f"{file}: operation {name!r} is also defined in {names[name]}")
        return None
    names[name] = file
    definitions = _with_fragments(operation, fragments)
    # Validated as written, so that each problem points into the file.
    found = check_operation(DocumentNode(definitions=tuple(definitions)), schema)
    problems += [f"{file}: operation {name!r}: {problem}" for problem in found]
    if found:
        return None
    body = "\n\n".join(print_ast(definition) for definition in definitions)
    return Entry(sha256_hex(body), name, operation.operation.value, body)


def _with_fragments(
    operation: OperationDefinitionNode, fragments: dict[str, FragmentDefinitionNode]
) -> list[ExecutableDefinitionNode]:
    """The operation and every fragment it uses (recursively), fragments sorted by name."""
    used: dict[str, FragmentDefinitionNode] = {}
    pending: list[Any] = [operation]
    while pending:
        collector = _Spreads()
        visit(pending.pop(), collector)
        for name in collector.names:
            if name not in used and name in fragments:
                used[name] = fragments[name]
                pending.append(fragments[name])
    return [operation, *(used[name] for name in sorted(used))]


class _Spreads(Visitor):
    def __init__(self) -> None:
        super().__init__()
        self.names: list[str] = []

    def enter_fragment_spread(self, node: FragmentSpreadNode, *_: object) -> None:
        self.names.append(node.name.value)


def _where(error: GraphQLError) -> str:
    return ", ".join(f"line {at.line}, column {at.column}" for at in error.locations or ())


def _node_where(node: OperationDefinitionNode) -> str:
    if node.loc is None:
        return "position unknown"
    location = node.loc.source.get_location(node.loc.start)
    return f"line {location.line}, column {location.column}"
