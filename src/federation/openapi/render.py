"""Endpoint declarations -> the ``@rest`` SDL of ``schema/*.graphql``, with what was not
mapped as comments (docs/rest-and-graphql-sources.md describes the directives)."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from typing import Any

from .analyze import OutEndpoint
from .fields import OutField


def render(
    source: str, header: Iterable[str], endpoints: list[OutEndpoint], skipped: list[str]
) -> str:
    lines = [f"# {line}" if line else "#" for line in header]
    if skipped:
        lines += ["#", "# Not mapped:"] + [f"#   {item}" for item in skipped]
    for endpoint in endpoints:
        lines += ["", *_type(source, endpoint)]
    return "\n".join(lines) + "\n"


def _type(source: str, endpoint: OutEndpoint) -> list[str]:
    lines = [f"# from {endpoint.operation}"]
    lines += [f"# note: {note}" for note in endpoint.notes]
    lines += _description(endpoint.description, "")
    rest: dict[str, Any] = {"source": source, "path": endpoint.path}
    if endpoint.rows:
        rest["rows"] = endpoint.rows
    if endpoint.by_pk:
        rest["by_pk"] = endpoint.by_pk
        if endpoint.by_pk_row:
            rest["by_pk_row"] = endpoint.by_pk_row
    lines.append(f"type {endpoint.type_name} {_directive('rest', rest)}")
    if endpoint.pagination:
        lines.append(f"  {_directive('pagination', endpoint.pagination)}")
    if endpoint.batch:
        lines.append(f"  {_directive('batch', endpoint.batch)}")
    lines[-1] += " {"
    for item in endpoint.fields:
        lines += _description(item.description, "  ")
        lines.append(f"  {item.name}: {item.type}{_field_directives(item)}")
    lines.append("}")
    return lines


def _field_directives(item: OutField) -> str:
    parts = [""]
    if item.key:
        parts.append("@key")
    if item.source_path != item.name:
        parts.append(_directive("field", {"path": item.source_path}))
    if item.filters:
        parts.append(_directive("filter", item.filters))
    return " ".join(parts)


def _directive(name: str, arguments: dict[str, Any]) -> str:
    text = ", ".join(f"{key}: {json.dumps(value)}" for key, value in arguments.items())
    return f"@{name}({text})"


def _description(text: str | None, indent: str) -> list[str]:
    if not text or not text.strip():
        return []
    body = re.sub(r'"""', r'\\"""', text.strip())
    if "\n" not in body:
        return [f'{indent}"""{body}"""']
    return [
        f'{indent}"""',
        *(f"{indent}{line}".rstrip() for line in body.splitlines()),
        f'{indent}"""',
    ]
