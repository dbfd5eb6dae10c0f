"""The Hasura conformance suite, kept in ``tests/data/hasura`` (Apache-2.0, see its NOTICE.md;
``HASURA_CONFORMANCE_DIR`` points elsewhere).

This module finds the folders, reads each ``cases.yaml`` and ``metadata.yaml`` and turns the
metadata into what our gateway reads (an ``include`` list and a ``schema/`` overlay declaring
every Hasura relationship by its name).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NoReturn

import pytest
import yaml

SUITE_ENV = "HASURA_CONFORMANCE_DIR"
REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_SUITE = REPO_ROOT / "tests" / "data" / "hasura"
SOURCE_NAME = "db"

_LTREE = "ltree operators are not built (see docs/hasura-compatibility.md)"
_JSONPATH = "jsonb path operators are not built (see docs/hasura-compatibility.md)"

UNSUPPORTED_FEATURES: dict[str, str] = {
    "op_ancestor": _LTREE,
    "op_ancestor_any": _LTREE,
    "op_descendant": _LTREE,
    "op_descendant_any": _LTREE,
    "op_matches": _LTREE,
    "op_matches_any": _LTREE,
    "op_matches_fulltext": _LTREE,
    "op_jsonb_path_exists": _JSONPATH,
    "op_jsonb_path_match": _JSONPATH,
}
"""Case ``features`` we choose not to build, with the reason shown in the skip."""

KNOWN_DIFFERENCES: dict[str, str] = {
    "boolexp/jsonb/select_article_author_jsonb_contains_latest": (
        "the GraphQL spec's validation rejects the unused variable $tags "
        "(All Variables Used); Hasura accepts it. We follow the spec."
    ),
    "offset/select_query_article_string_offset": (
        'offset: "1" is a String where the schema says Int; GraphQL input coercion rejects it. '
        "Hasura accepts it for legacy clients. We follow the spec."
    ),
}
"""Cases we fail on purpose or for a feature not built yet: strict xfails, so a fix shows."""


@dataclass(frozen=True, slots=True)
class TableRef:
    schema: str
    name: str

    @property
    def type_name(self) -> str:
        """The generated GraphQL type: the table name, prefixed by a schema other than public."""
        return self.name if self.schema == "public" else f"{self.schema}_{self.name}"


@dataclass(frozen=True, slots=True)
class Relationship:
    table: TableRef
    name: str
    kind: str
    """``object`` or ``array``."""
    remote_table: TableRef
    column_mapping: tuple[tuple[str, str], ...]
    """(column of ``table``, column of ``remote_table``) pairs, in the metadata's order."""


@dataclass(frozen=True, slots=True)
class Case:
    folder: str
    id: str
    query: Any
    """The document, or for a batch a list of ``{query, variables}`` requests."""
    variables: dict[str, Any] | None
    operation_name: str | None
    expected_status: int
    expected: Any
    expects_error: bool
    features: tuple[str, ...]
    batch: bool
    notes: str | None

    @property
    def test_id(self) -> str:
        return f"{self.folder}/{self.id}"

    @property
    def kind(self) -> str:
        return "error" if self.expects_error else "data"

    def skip_reason(self) -> str | None:
        tags = [f for f in self.features if f in UNSUPPORTED_FEATURES]
        if not tags:
            return None
        reasons = sorted({UNSUPPORTED_FEATURES[f] for f in tags})
        return f"{'; '.join(reasons)} [features: {', '.join(tags)}]"

    def http_body(self) -> Any:
        """The JSON body to POST: one request object, or a list of them for a batch."""
        if self.batch:
            requests = self.query
            return [
                _request(r["query"], r.get("variables"), r.get("operation_name")) for r in requests
            ]
        return _request(self.query, self.variables, self.operation_name)


@dataclass(frozen=True, slots=True)
class Folder:
    name: str
    """Path relative to the suite root, e.g. ``boolexp/jsonb``."""
    path: Path
    tables: tuple[TableRef, ...]
    relationships: tuple[Relationship, ...]

    @property
    def setup_sql(self) -> str:
        return (self.path / "setup.sql").read_text(encoding="utf-8")

    @property
    def database(self) -> str:
        return "hasura_" + self.name.replace("/", "_").replace("-", "_").replace(".", "_")

    def cases(self) -> list[Case]:
        raw = yaml.safe_load((self.path / "cases.yaml").read_text(encoding="utf-8")) or []
        return [_case(self.name, item) for item in raw]


def unavailable(reason: str) -> NoReturn:
    """Skip with ``reason`` when a prerequisite is missing; under ``CI=true`` fail instead."""
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{reason} (CI=true: conformance prerequisites must be present)")
    pytest.skip(reason)


def suite_dir() -> Path:
    return Path(os.environ.get(SUITE_ENV) or DEFAULT_SUITE)


def load_folders(root: Path) -> list[Folder]:
    """Every folder of the suite that has a ``cases.yaml``, sorted by name."""
    return [_folder(root, p.parent) for p in sorted(root.rglob("cases.yaml"))]


def load_cases(root: Path) -> list[Case]:
    return [case for folder in load_folders(root) for case in folder.cases()]


def include_list(folder: Folder) -> tuple[str, ...]:
    """The source ``include`` list: only the tables Hasura tracked are exposed."""
    return tuple(t.name if t.schema == "public" else f"{t.schema}.{t.name}" for t in folder.tables)


def overlay_sdl(folder: Folder, source: str = SOURCE_NAME) -> str:
    """A ``schema/`` overlay declaring every Hasura relationship explicitly, by Hasura's name."""
    blocks = []
    for table in folder.tables:
        rels = [r for r in folder.relationships if r.table == table]
        if rels:
            fields = "\n".join(f"  {_relationship_field(r)}" for r in rels)
            head = f"type {table.type_name} {_table_directive(table, source)}"
            blocks.append(f"{head} {{\n{fields}\n}}\n")
    return "\n".join(blocks)


def _table_directive(table: TableRef, source: str) -> str:
    schema = "" if table.schema == "public" else f", schema: {_gql_string(table.schema)}"
    return f"@table(source: {_gql_string(source)}, name: {_gql_string(table.name)}{schema})"


def _relationship_field(rel: Relationship) -> str:
    target = rel.remote_table.type_name
    gql_type = f"[{target}!]!" if rel.kind == "array" else target
    fields = ", ".join(_gql_string(c) for c, _ in rel.column_mapping)
    references = ", ".join(_gql_string(c) for _, c in rel.column_mapping)
    return f"{rel.name}: {gql_type} @relationship(fields: [{fields}], references: [{references}])"


def _gql_string(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _request(query: str, variables: Any, operation_name: str | None) -> dict[str, Any]:
    body: dict[str, Any] = {"query": query}
    if variables is not None:
        body["variables"] = variables
    if operation_name is not None:
        body["operationName"] = operation_name
    return body


def _table(raw: dict[str, str]) -> TableRef:
    return TableRef(schema=raw.get("schema", "public"), name=raw["name"])


def _folder(root: Path, path: Path) -> Folder:
    meta = yaml.safe_load((path / "metadata.yaml").read_text(encoding="utf-8")) or {}
    rels = tuple(
        Relationship(
            table=_table(r["table"]),
            name=r["name"],
            kind=r["kind"],
            remote_table=_table(r["remote_table"]),
            column_mapping=tuple(r["column_mapping"].items()),
        )
        for r in meta.get("relationships") or ()
    )
    tables = tuple(_table(t) for t in meta.get("tables") or ())
    return Folder(path.relative_to(root).as_posix(), path, tables, rels)


def _case(folder: str, raw: dict[str, Any]) -> Case:
    return Case(
        folder=folder,
        id=raw["id"],
        query=raw["query"],
        variables=raw.get("variables"),
        operation_name=raw.get("operation_name"),
        expected_status=int(raw.get("expected_status") or 200),
        expected=raw.get("expected"),
        expects_error=bool(raw.get("expects_error")),
        features=tuple(raw.get("features") or ()),
        batch=bool(raw.get("batch")),
        notes=raw.get("notes"),
    )
