"""GraphQL names for source names: tables, columns and relationships."""

from __future__ import annotations

import re

_INVALID = re.compile(r"[^_0-9A-Za-z]")


def graphql_name(name: str) -> str:
    """A valid GraphQL name for a source identifier (``Order Items`` -> ``Order_Items``)."""
    cleaned = _INVALID.sub("_", name)
    if not cleaned or cleaned[0].isdigit():
        cleaned = f"_{cleaned}"
    if cleaned.startswith("__"):
        cleaned = cleaned.lstrip("_") or "_"
    return cleaned


def object_relationship_name(fk_columns: tuple[str, ...], target_table: str) -> str:
    """``author_id`` -> ``author``; ``ArtistId`` -> ``Artist``; else the target table's name."""
    if len(fk_columns) == 1:
        column = fk_columns[0]
        for suffix in ("_id", "_ID", "Id", "ID"):
            if column.endswith(suffix) and len(column) > len(suffix):
                return graphql_name(column[: -len(suffix)])
    return graphql_name(target_table)


def array_relationship_name(source_table: str) -> str:
    """The rows of ``article`` that point at this one: ``articles``."""
    name = graphql_name(source_table)
    return name if name.endswith("s") else f"{name}s"
