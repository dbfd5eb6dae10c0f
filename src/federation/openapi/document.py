"""Reading an OpenAPI 3.0/3.1 document: a file or URL, JSON or YAML; ``$ref`` and ``allOf``.

Only local references (``#/components/...``) are followed; any other reference is reported by
the caller as not mapped. Cycles end at the second visit of a reference (as an opaque object).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import unquote

import httpx
import yaml

from federation.errors import ConfigError

Schema = dict[str, Any]


def load_document(spec: str) -> dict[str, Any]:
    """The parsed document at ``spec`` (a path, or an http(s) URL), checked to be OpenAPI 3."""
    text = _fetch(spec) if spec.startswith(("http://", "https://")) else _read(spec)
    try:
        document = yaml.safe_load(text)  # JSON is YAML too
    except yaml.YAMLError as error:
        raise ConfigError([f"{spec}: neither JSON nor YAML: {error}"]) from None
    if not isinstance(document, dict):
        raise ConfigError([f"{spec}: expected an OpenAPI document (a mapping at the top)"])
    version = str(document.get("openapi", ""))
    if not version.startswith("3."):
        found = f"Swagger {document['swagger']}" if "swagger" in document else repr(version)
        raise ConfigError(
            [
                f"{spec}: expected OpenAPI 3.0 or 3.1 (`openapi: 3.x`), found {found}; convert "
                f"older documents first (for example with swagger2openapi)"
            ]
        )
    return document


def _read(spec: str) -> str:
    try:
        return Path(spec).read_text(encoding="utf-8")
    except OSError as error:
        raise ConfigError([f"{spec}: cannot read: {error.strerror or error}"]) from None


def _fetch(url: str) -> str:
    try:
        response = httpx.get(url, follow_redirects=True, timeout=30.0)
    except httpx.HTTPError as error:
        raise ConfigError([f"{url}: cannot fetch: {error}"]) from None
    if response.is_error:
        raise ConfigError([f"{url}: answered HTTP {response.status_code}"])
    return response.text


class Resolver:
    """Follows ``$ref`` inside one document and merges ``allOf``."""

    def __init__(self, document: dict[str, Any]) -> None:
        self.document = document

    def ref_name(self, schema: Any) -> str | None:
        """``Post`` for ``{$ref: '#/components/schemas/Post'}``."""
        if isinstance(schema, dict) and isinstance(schema.get("$ref"), str):
            return str(schema["$ref"]).rsplit("/", 1)[-1]
        return None

    def resolve(self, value: Any, seen: frozenset[str] = frozenset()) -> Schema:
        """The schema with its own ``$ref`` followed and ``allOf`` merged (not recursively into
        properties: callers resolve what they walk). Raises :class:`UnresolvedRef`."""
        if not isinstance(value, dict):
            return {}
        ref = value.get("$ref")
        if isinstance(ref, str):
            if ref in seen:
                return {"type": "object", "x-cycle": ref}
            return self.resolve(self._target(ref), seen | {ref})
        if "allOf" in value:
            return self._merge(value, seen)
        return value

    def _target(self, ref: str) -> Any:
        if not ref.startswith("#/"):
            raise UnresolvedRef(ref)
        node: Any = self.document
        for part in ref[2:].split("/"):
            key = unquote(part).replace("~1", "/").replace("~0", "~")
            if not isinstance(node, dict) or key not in node:
                raise UnresolvedRef(ref)
            node = node[key]
        return node

    def _merge(self, value: Schema, seen: frozenset[str]) -> Schema:
        merged: Schema = {k: v for k, v in value.items() if k != "allOf"}
        properties: dict[str, Any] = {}
        required: list[str] = []
        for part in [*value["allOf"], merged]:
            resolved = self.resolve(part, seen)
            properties.update(resolved.get("properties") or {})
            required.extend(resolved.get("required") or ())
            for key, item in resolved.items():
                if key not in ("properties", "required"):
                    merged.setdefault(key, item)
        if properties:
            merged["properties"] = properties
            merged.setdefault("type", "object")
        if required:
            merged["required"] = list(dict.fromkeys(required))
        return merged


class UnresolvedRef(Exception):
    """A ``$ref`` outside the document, or to nothing."""

    def __init__(self, ref: str) -> None:
        self.ref = ref
        super().__init__(ref)


def types_of(schema: Schema) -> tuple[set[str], bool]:
    """The JSON types a schema allows (3.1 lists, 3.0 ``nullable``) and whether null is one."""
    declared = schema.get("type")
    types = set(declared) if isinstance(declared, list) else {declared} if declared else set()
    nullable = "null" in types or bool(schema.get("nullable"))
    types.discard("null")
    if not types and "properties" in schema:
        types.add("object")
    if not types and "items" in schema:
        types.add("array")
    return types, nullable
