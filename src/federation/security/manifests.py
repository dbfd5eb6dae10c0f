"""Persisted-query manifests: operations registered ahead of time and run by id.

Two formats are read:

- Apollo's: ``{"format": "apollo-persisted-query-manifest", "version": 1, "operations":
  [{"id": ..., "name": ..., "type": "query", "body": ...}]}``;
- Relay's: ``{"<id>": "<document text>", ...}``.

Every operation is validated against the schema when the file is loaded; an invalid one stops
the start with an error naming the file, the operation and the problem. A file that changes is
loaded again (checked at most every ``check_interval`` seconds); if the new version is invalid,
the error is logged and the previous operations stay in service.
"""

from __future__ import annotations

import hashlib
import logging
import os
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

import orjson
from graphql import (
    DocumentNode,
    GraphQLError,
    GraphQLSchema,
    OperationDefinitionNode,
    parse,
    validate,
)

from federation.errors import ConfigError

log = logging.getLogger("federation.security")

APOLLO_FORMAT: Final = "apollo-persisted-query-manifest"


@dataclass(frozen=True, slots=True)
class PersistedOperation:
    id: str
    body: str
    name: str | None = None


class ManifestFile:
    """One manifest file, loaded again when it changes on disk."""

    def __init__(
        self,
        path: Path,
        schema: GraphQLSchema,
        *,
        check_interval: float = 1.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.path = path
        self.schema = schema
        self.check_interval = check_interval
        self.clock = clock
        self.stamp = _stamp(path)
        self.operations = load_manifest(path, schema)  # raises: an invalid file stops the start
        self.checked = clock()

    def get(self, document_id: str) -> PersistedOperation | None:
        self.refresh()
        return self.operations.get(document_id)

    def refresh(self) -> None:
        now = self.clock()
        if now - self.checked < self.check_interval:
            return
        self.checked = now
        stamp = _stamp(self.path)
        if stamp == self.stamp:
            return
        self.stamp = stamp
        try:
            self.operations = load_manifest(self.path, self.schema)
        except ConfigError as error:
            log.error("manifest not reloaded, the previous version stays in service: %s", error)
            return
        log.info("manifest %s reloaded: %d operations", self.path, len(self.operations))


def _stamp(path: Path) -> tuple[int, int] | None:
    try:
        stat = os.stat(path)
    except OSError:
        return None
    return (stat.st_mtime_ns, stat.st_size)


def load_manifest(path: Path, schema: GraphQLSchema) -> dict[str, PersistedOperation]:
    """The operations of a manifest file by id; raises :class:`ConfigError` listing every
    problem (each names the file and the operation)."""
    try:
        data = orjson.loads(path.read_bytes())
    except OSError as error:
        raise ConfigError([f"{path}: cannot read the manifest: {error.strerror}"]) from None
    except orjson.JSONDecodeError as error:
        raise ConfigError([f"{path}: the manifest is not valid JSON: {error}"]) from None
    operations, problems = _read(data)
    for operation in operations:
        problems += [f"{_label(operation)}: {p}" for p in check_operation(operation.body, schema)]
    if problems:
        raise ConfigError([f"{path}: {problem}" for problem in problems])
    return {operation.id: operation for operation in operations}


def check_operation(body: str | DocumentNode, schema: GraphQLSchema) -> list[str]:
    """What is wrong with a document as a persisted operation (nothing: an empty list)."""
    try:
        document = parse(body) if isinstance(body, str) else body
    except GraphQLError as error:
        return [_located(error)]
    problems = [_located(error) for error in validate(schema, document)]
    if not any(isinstance(d, OperationDefinitionNode) for d in document.definitions):
        problems.append("the document has no operation")
    return problems


def _read(data: Any) -> tuple[list[PersistedOperation], list[str]]:
    if isinstance(data, dict) and "format" in data:
        return _read_apollo(data)
    if isinstance(data, dict) and all(isinstance(v, str) for v in data.values()):
        return [PersistedOperation(str(k), v, _operation_name(v)) for k, v in data.items()], []
    return [], [
        f'expected an Apollo manifest ({{"format": "{APOLLO_FORMAT}", "version": 1, '
        '"operations": [...]}) or a Relay manifest ({"<id>": "<document>"})'
    ]


def _read_apollo(data: dict[str, Any]) -> tuple[list[PersistedOperation], list[str]]:
    if data.get("format") != APOLLO_FORMAT or data.get("version") != 1:
        found = f"format {data.get('format')!r}, version {data.get('version')!r}"
        return [], [f'expected format "{APOLLO_FORMAT}" version 1, found {found}']
    items = data.get("operations")
    if not isinstance(items, list):
        return [], ['"operations" must be a list of {"id", "name", "type", "body"} objects']
    operations, problems = [], []
    seen: set[str] = set()
    for index, item in enumerate(items):
        if not (
            isinstance(item, dict)
            and isinstance(item.get("id"), str)
            and isinstance(item.get("body"), str)
        ):
            problems.append(f"operations[{index}]: needs an `id` and a `body` (strings)")
            continue
        if item["id"] in seen:
            problems.append(f"operations[{index}]: duplicate id {item['id']!r}")
        seen.add(item["id"])
        name = item.get("name") if isinstance(item.get("name"), str) else None
        operations.append(PersistedOperation(item["id"], item["body"], name))
    return operations, problems


def _operation_name(body: str) -> str | None:
    try:
        document = parse(body)
    except GraphQLError:
        return None
    for definition in document.definitions:
        if isinstance(definition, OperationDefinitionNode) and definition.name:
            return definition.name.value
    return None


def _label(operation: PersistedOperation) -> str:
    name = f"operation {operation.name!r}" if operation.name else "an unnamed operation"
    return f"{name} (id {operation.id})"


def _located(error: GraphQLError) -> str:
    where = ", ".join(f"line {at.line}, column {at.column}" for at in error.locations or ())
    return f"{error.message} ({where})" if where else error.message


def sha256_hex(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


class Manifests:
    """Every manifest in service: shared ones, and each client's safelist."""

    def __init__(self, shared: Iterable[ManifestFile], by_client: dict[str, list[ManifestFile]]):
        self.shared = list(shared)
        self.by_client = by_client

    def listed(self, client: str | None, document_id: str) -> PersistedOperation | None:
        """The operation when it is in the client's own manifests."""
        return _first(self.by_client.get(client or "", ()), document_id)

    def shared_operation(self, document_id: str) -> PersistedOperation | None:
        return _first(self.shared, document_id)

    def anywhere(self, document_id: str) -> PersistedOperation | None:
        everything = [f for files in self.by_client.values() for f in files]
        return _first([*self.shared, *everything], document_id)


def _first(files: Iterable[ManifestFile], document_id: str) -> PersistedOperation | None:
    for file in files:
        found = file.get(document_id)
        if found is None and document_id.startswith("sha256:"):  # a prefixed document id
            found = file.get(document_id.removeprefix("sha256:"))
        if found is not None:
            return found
    return None
