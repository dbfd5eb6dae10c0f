"""The schema model: which GraphQL type and field stands for which table, column and join.

The GraphQL schema is generated from it, and the planner reads it to turn fields into plan
nodes. GraphQL names may differ from source names (renames in ``schema/`` overlays).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from federation.catalog import Column
from federation.planner.plan import Relationship, TableRef

RootKind = Literal["many", "one", "aggregate", "groups"]


@dataclass(slots=True)
class TableType:
    """A table exposed as a GraphQL object type."""

    name: str
    ref: TableRef
    root_name: str
    description: str | None = None
    columns: dict[str, Column] = field(default_factory=dict)
    """GraphQL field name -> column, in the table's column order."""
    column_descriptions: dict[str, str] = field(default_factory=dict)
    relationships: dict[str, Relationship] = field(default_factory=dict)
    """GraphQL field name -> relationship (object and array)."""
    relationship_descriptions: dict[str, str] = field(default_factory=dict)

    @property
    def primary_key(self) -> tuple[tuple[str, Column], ...]:
        """The primary-key columns with their GraphQL names; empty when a key column is hidden."""
        by_source_name = {column.name: name for name, column in self.columns.items()}
        keys = self.ref.table.primary_key
        if not all(key in by_source_name for key in keys):
            return ()
        return tuple((by_source_name[key], self.columns[by_source_name[key]]) for key in keys)

    def field_name_of(self, column_name: str) -> str | None:
        for name, column in self.columns.items():
            if column.name == column_name:
                return name
        return None


@dataclass(frozen=True, slots=True)
class RootEntry:
    kind: RootKind
    table_type: TableType


MutationKind = Literal["insert", "insert_one", "update", "update_by_pk", "delete", "delete_by_pk"]


@dataclass(frozen=True, slots=True)
class MutationEntry:
    kind: MutationKind
    table_type: TableType


@dataclass(slots=True)
class SchemaModel:
    types: dict[str, TableType] = field(default_factory=dict)
    """GraphQL type name -> table type."""
    roots: dict[str, RootEntry] = field(default_factory=dict)
    """Query root field name -> what it answers."""

    by_table: dict[tuple[str, str | None, str], TableType] = field(default_factory=dict)
    mutations: dict[str, MutationEntry] = field(default_factory=dict)
    """Mutation root field name -> what it writes; filled by
    :func:`federation.schema.writable.enable_mutations` for writable tables only."""

    def type_of(self, ref: TableRef) -> TableType:
        return self.by_table[(ref.source, ref.table.schema, ref.table.name)]

    def index(self) -> None:
        """Rebuild the root-field index after types change."""
        self.roots.clear()
        self.by_table = {
            (t.ref.source, t.ref.table.schema, t.ref.table.name): t for t in self.types.values()
        }
        for table_type in self.types.values():
            base = table_type.root_name
            self.roots[base] = RootEntry("many", table_type)
            if table_type.primary_key:
                self.roots[f"{base}_by_pk"] = RootEntry("one", table_type)
            self.roots[f"{base}_aggregate"] = RootEntry("aggregate", table_type)
            self.roots[f"{base}_group_by"] = RootEntry("groups", table_type)
