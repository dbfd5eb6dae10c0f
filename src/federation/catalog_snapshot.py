"""Catalog snapshots: the last successful introspection of a source, kept on disk so the schema
survives a source that is down when the gateway starts."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import orjson

from federation.catalog import (
    Column,
    ForeignKey,
    ScalarType,
    SourceCatalog,
    Table,
    UniqueConstraint,
)

log = logging.getLogger("federation.catalog")


def save_snapshot(folder: Path, catalog: SourceCatalog) -> None:
    try:
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{catalog.source}.json"
        temporary = path.with_suffix(".tmp")
        temporary.write_bytes(orjson.dumps(_dump(catalog), default=_enum_value))
        temporary.replace(path)
    except OSError as error:  # a read-only folder must not stop the gateway
        log.info("catalog snapshot of %s not written: %s", catalog.source, error)


def load_snapshot(folder: Path, source: str) -> SourceCatalog | None:
    path = folder / f"{source}.json"
    try:
        return _load(orjson.loads(path.read_bytes()))
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _enum_value(value: Any) -> Any:
    if isinstance(value, ScalarType):
        return value.value
    raise TypeError


def _dump(catalog: SourceCatalog) -> dict[str, Any]:
    from dataclasses import asdict

    return asdict(catalog)


def _load(data: dict[str, Any]) -> SourceCatalog:
    tables = tuple(
        Table(
            name=t["name"],
            columns=tuple(Column(**{**c, "type": ScalarType(c["type"])}) for c in t["columns"]),
            primary_key=tuple(t["primary_key"]),
            foreign_keys=tuple(
                ForeignKey(
                    **{
                        **fk,
                        "columns": tuple(fk["columns"]),
                        "ref_columns": tuple(fk["ref_columns"]),
                    }
                )
                for fk in t["foreign_keys"]
            ),
            schema=t["schema"],
            is_view=t["is_view"],
            description=t["description"],
            unique_constraints=tuple(
                UniqueConstraint(u["name"], tuple(u["columns"]))
                for u in t.get("unique_constraints", ())
            ),
        )
        for t in data["tables"]
    )
    return SourceCatalog(data["source"], tables)
