"""Catalogs + overlays -> the schema model.

Steps, in order: one type per table; overlays rename, hide and describe; relationships from
foreign keys; relationships declared in overlays. Every problem is collected and reported at once.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import Literal

from federation.catalog import SourceCatalog, Table
from federation.errors import ConfigError
from federation.planner.plan import Relationship, TableRef
from federation.schema.model import SchemaModel, TableType
from federation.schema.naming import (
    array_relationship_name,
    graphql_name,
    object_relationship_name,
)
from federation.schema.overlay import OverlayField, OverlayType


def build_model(
    catalogs: Sequence[SourceCatalog], overlays: Sequence[OverlayType] = ()
) -> SchemaModel:
    model = SchemaModel()
    for table_type in _table_types(catalogs):
        model.types[table_type.name] = table_type
    model.index()
    problems: list[str] = []
    hidden_relationships = _apply_overlays(model, overlays, problems)
    model.index()
    _add_foreign_key_relationships(model, hidden_relationships)
    _add_overlay_relationships(model, overlays, problems)
    _check_names(model, problems)
    if problems:
        raise ConfigError(problems)
    model.index()
    return model


def _table_types(catalogs: Sequence[SourceCatalog]) -> list[TableType]:
    entries = [(catalog, table) for catalog in catalogs for table in catalog.tables]
    multi_schema = {
        catalog.source
        for catalog in catalogs
        if len({table.schema for table in catalog.tables}) > 1
    }
    names = [_base_name(c.source, t, c.source in multi_schema) for c, t in entries]
    clashes = {name for name, count in Counter(names).items() if count > 1}
    types = []
    for (catalog, table), name in zip(entries, names, strict=True):
        if name in clashes:
            name = f"{graphql_name(catalog.source)}_{name}"
        types.append(_table_type(name, TableRef(catalog.source, table)))
    return types


def _base_name(source: str, table: Table, qualify: bool) -> str:
    if qualify and table.schema:
        return graphql_name(f"{table.schema}_{table.name}")
    return graphql_name(table.name)


def _table_type(name: str, ref: TableRef) -> TableType:
    table_type = TableType(name=name, ref=ref, root_name=name, description=ref.table.description)
    for column in ref.table.columns:
        table_type.columns[graphql_name(column.name)] = column
        if column.description:
            table_type.column_descriptions[graphql_name(column.name)] = column.description
    return table_type


# --- overlays: rename, hide, describe ---------------------------------------------------------


def _apply_overlays(
    model: SchemaModel, overlays: Sequence[OverlayType], problems: list[str]
) -> set[tuple[str, str]]:
    """Returns (type, field) pairs hidden by name before relationships exist."""
    hidden: set[tuple[str, str]] = set()
    for overlay in overlays:
        table_type = _bind_type(model, overlay, problems)
        if table_type is None:
            continue
        del model.types[table_type.name]
        if overlay.hidden:
            continue
        table_type.name = overlay.name
        table_type.root_name = overlay.root_field or (
            overlay.name if overlay.table else table_type.root_name
        )
        table_type.description = overlay.description or table_type.description
        for field in overlay.fields:
            if field.relationship is None:
                _apply_field(table_type, field, problems, hidden)
        model.types[table_type.name] = table_type
    return hidden


def _bind_type(model: SchemaModel, overlay: OverlayType, problems: list[str]) -> TableType | None:
    if overlay.table is None:
        found = model.types.get(overlay.name)
        if found is None:
            problems.append(
                f"{overlay.where}: type {overlay.name!r} matches no generated type; bind it with "
                f'@table(source: "...", name: "...")'
            )
        return found
    for table_type in model.types.values():
        ref = table_type.ref
        if (
            ref.source == overlay.source
            and ref.table.name == overlay.table
            and (overlay.schema is None or ref.table.schema == overlay.schema)
        ):
            return table_type
    problems.append(
        f"{overlay.where}: @table(source: {overlay.source!r}, name: {overlay.table!r}) names no "
        f"table; check the source name in federation.yaml and the table's spelling"
    )
    return None


def _apply_field(
    table_type: TableType, field: OverlayField, problems: list[str], hidden: set[tuple[str, str]]
) -> None:
    current = _current_field_name(table_type, field)
    if current is None:
        if field.cache_control is not None and field.column is None:
            return  # a cache hint on a relationship (generated later): read by federation.cache
        if field.hidden:  # a relationship generated later may carry this name
            hidden.add((table_type.name, field.name))
            return
        problems.append(
            f"{field.where}: {table_type.name}.{field.name} matches no column of "
            f'{table_type.ref.table.qualified_name}; bind it with @column(name: "...")'
        )
        return
    column = table_type.columns.pop(current)
    description = table_type.column_descriptions.pop(current, None)
    if field.hidden:
        return
    table_type.columns[field.name] = column
    if field.description or description:
        table_type.column_descriptions[field.name] = field.description or description or ""


def _current_field_name(table_type: TableType, field: OverlayField) -> str | None:
    if field.column is not None:
        return table_type.field_name_of(field.column)
    return field.name if field.name in table_type.columns else None


# --- relationships ----------------------------------------------------------------------------


def _add_foreign_key_relationships(model: SchemaModel, hidden: set[tuple[str, str]]) -> None:
    for table_type in list(model.types.values()):
        table = table_type.ref.table
        for fk in table.foreign_keys:
            target = _find_table(model, table_type.ref.source, fk.ref_table, fk.ref_schema)
            if target is None or not _all_visible(table_type, fk.columns):
                continue
            mapping = tuple(zip(fk.columns, fk.ref_columns, strict=True))
            forward = object_relationship_name(fk.columns, target.name)
            by = "_".join(graphql_name(column) for column in fk.columns)
            _add_relationship(table_type, forward, "object", target, mapping, by, hidden)
            backward = array_relationship_name(table_type.name)
            reverse = tuple((b, a) for a, b in mapping)
            _add_relationship(target, backward, "array", table_type, reverse, by, hidden)


def _add_relationship(
    owner: TableType,
    name: str,
    kind: Literal["object", "array"],
    target: TableType,
    mapping: tuple[tuple[str, str], ...],
    by: str,
    hidden: set[tuple[str, str]],
) -> None:
    if name in owner.columns or name in owner.relationships:
        name = f"{name}_by_{by}"
    if name in owner.columns or name in owner.relationships or (owner.name, name) in hidden:
        return
    owner.relationships[name] = Relationship(name, kind, target.ref, mapping)


def _add_overlay_relationships(
    model: SchemaModel, overlays: Sequence[OverlayType], problems: list[str]
) -> None:
    for overlay in overlays:
        owner = model.types.get(overlay.name)
        if owner is None:
            continue
        for field in overlay.fields:
            if field.relationship is None:
                continue
            relationship = _overlay_relationship(model, owner, field, problems)
            if relationship is not None:
                _drop_generated_twin(owner, relationship)
                owner.relationships.pop(field.name, None)
                owner.relationships[field.name] = relationship
                if field.description:
                    owner.relationship_descriptions[field.name] = field.description


def _drop_generated_twin(owner: TableType, declared: Relationship) -> None:
    """A declared relationship over the same join as a generated one replaces it: the overlay
    names the relationship, and the schema should not offer the same join twice."""
    for name, existing in list(owner.relationships.items()):
        if (existing.target, existing.mapping, existing.kind) == (
            declared.target,
            declared.mapping,
            declared.kind,
        ) and name not in owner.relationship_descriptions:
            del owner.relationships[name]


def _overlay_relationship(
    model: SchemaModel, owner: TableType, field: OverlayField, problems: list[str]
) -> Relationship | None:
    spec = field.relationship
    assert spec is not None
    target = model.types.get(spec.target_type)
    if target is None:
        problems.append(
            f"{field.where}: relationship target type {spec.target_type!r} does not exist"
        )
        return None
    if not spec.fields or len(spec.fields) != len(spec.references):
        problems.append(
            f"{field.where}: @relationship needs as many `fields` as `references` (at least one)"
        )
        return None
    mapping = []
    for mine, theirs in zip(spec.fields, spec.references, strict=True):
        left, right = _column_of(owner, mine), _column_of(target, theirs)
        if left is None or right is None:
            missing = f"{owner.name}.{mine}" if left is None else f"{target.name}.{theirs}"
            problems.append(f"{field.where}: @relationship names unknown column {missing}")
            return None
        mapping.append((left, right))
    kind = "array" if spec.is_list else "object"
    return Relationship(field.name, kind, target.ref, tuple(mapping))  # type: ignore[arg-type]


def _column_of(table_type: TableType, name: str) -> str | None:
    """A column's source name from its GraphQL field name or its source name."""
    if name in table_type.columns:
        return table_type.columns[name].name
    return name if table_type.field_name_of(name) is not None else None


def _find_table(model: SchemaModel, source: str, name: str, schema: str | None) -> TableType | None:
    for table_type in model.types.values():
        table = table_type.ref.table
        same_schema = schema is None or table.schema in (None, schema)
        if table_type.ref.source == source and table.name == name and same_schema:
            return table_type
    return None


def _all_visible(table_type: TableType, columns: tuple[str, ...]) -> bool:
    return all(table_type.field_name_of(column) is not None for column in columns)


def _check_names(model: SchemaModel, problems: list[str]) -> None:
    roots: Counter[str] = Counter()
    for table_type in model.types.values():
        for suffix in ("", "_by_pk", "_aggregate", "_group_by"):
            roots[table_type.root_name + suffix] += 1
        clash = set(table_type.columns) & set(table_type.relationships)
        for name in sorted(clash):
            problems.append(
                f"type {table_type.name}: field {name!r} is both a column and a relationship"
            )
    for name, count in roots.items():
        if count > 1:
            problems.append(
                f"root field {name!r} is generated {count} times; rename one table with "
                f'@table(..., rootField: "...") in schema/'
            )
