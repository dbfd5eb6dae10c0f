"""OpenAPI schema properties -> typed endpoint fields (``id: Int!``, ``city: String
@field(path: "profile.city")``).

A nested object with declared properties is flattened one level (``profile_city``), so its
values are typed and filterable; deeper or free-form values stay whole as ``jsonb``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .document import Resolver, Schema, UnresolvedRef, types_of

_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")

_STRING_FORMATS = {
    "date": "date",
    "date-time": "timestamptz",
    "time": "time",
    "uuid": "uuid",
    "decimal": "numeric",
    "number": "numeric",
    "int64": "bigint",
}


@dataclass(slots=True)
class OutField:
    name: str
    type: str
    """A declaration type: ``Int!``, ``bigint``, ``timestamptz``..."""
    source_path: str
    """Where the value is in a row (dotted); equal to ``name`` for most fields."""
    description: str | None = None
    key: bool = False
    filters: dict[str, str] = field(default_factory=dict)
    """Operator -> query template (``_eq`` -> ``status={value}``)."""


def graphql_name(text: str) -> str:
    """A GraphQL name for any text: other characters become ``_``; a leading digit gets one."""
    name = re.sub(r"[^A-Za-z0-9_]", "_", text).strip("_") or "_"
    if name[0].isdigit():
        name = "_" + name
    return "x" + name if name.startswith("__") else name


def fields_of(schema: Schema, resolver: Resolver, notes: list[str]) -> list[OutField]:
    """The fields of a row schema; what cannot be mapped is added to ``notes``."""
    out: list[OutField] = []
    _add(schema, resolver, notes, out, prefix=(), required=True)
    seen: dict[str, int] = {}
    for item in out:  # a flattened name may meet a real one (profile_city twice)
        count = seen.get(item.name, 0)
        seen[item.name] = count + 1
        if count:
            item.name = f"{item.name}_{count + 1}"
    return out


def _add(
    schema: Schema,
    resolver: Resolver,
    notes: list[str],
    out: list[OutField],
    prefix: tuple[str, ...],
    required: bool,
) -> None:
    needed = set(schema.get("required") or ()) if required else set()
    for prop, raw in (schema.get("properties") or {}).items():
        path = (*prefix, str(prop))
        label = ".".join(path)
        if "." in str(prop):
            notes.append(f"property {label!r}: a '.' in a name cannot be addressed; left out")
            continue
        try:
            sub = resolver.resolve(raw)
        except UnresolvedRef as error:
            notes.append(f"property {label!r}: $ref {error.ref} is outside the document; jsonb")
            sub = {}
        types, nullable = types_of(sub)
        if types == {"object"} and sub.get("properties") and not prefix and "x-cycle" not in sub:
            _add(sub, resolver, notes, out, path, required=prop in needed and not nullable)
            continue
        scalar = _scalar(sub, types, label, notes)
        bang = "!" if prop in needed and not nullable else ""
        name = graphql_name("_".join(path))
        description = sub.get("description") or (
            raw.get("description") if isinstance(raw, dict) else None
        )
        out.append(OutField(name, scalar + bang, label, description))


def _scalar(schema: Schema, types: set[str], label: str, notes: list[str]) -> str:
    if len(types) != 1:
        if types or any(k in schema for k in ("oneOf", "anyOf")):
            notes.append(f"property {label!r}: several possible types; kept whole as jsonb")
        elif "x-cycle" not in schema and schema:
            notes.append(f"property {label!r}: no type given; kept whole as jsonb")
        return "jsonb"
    (kind,) = types
    fmt = schema.get("format")
    if kind == "integer":
        return "bigint" if fmt == "int64" else "Int"
    if kind == "number":
        return "numeric" if fmt == "decimal" else "Float"
    if kind == "string":
        return _STRING_FORMATS.get(str(fmt), "String")
    if kind == "boolean":
        return "Boolean"
    return "jsonb"  # objects without declared properties, arrays: the JSON value as is
