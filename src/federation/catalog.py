"""What the sources hold: tables, columns, types, keys and relationships.

A connector's ``introspect()`` returns a :class:`SourceCatalog`; the schema builder turns the
catalogs of every source into the GraphQL schema. Everything here is plain, frozen data.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field


class ScalarType(enum.Enum):
    """The gateway's column types. Values are the GraphQL scalar names (Hasura's, so queries that
    declare variables as ``$id: uuid!`` or ``$n: bigint`` run unchanged)."""

    INT = "Int"
    BIGINT = "bigint"
    FLOAT = "Float"
    NUMERIC = "numeric"
    STRING = "String"
    BOOLEAN = "Boolean"
    DATE = "date"
    TIME = "time"
    TIMESTAMP = "timestamp"
    TIMESTAMPTZ = "timestamptz"
    UUID = "uuid"
    JSON = "jsonb"
    BYTES = "bytea"

    @property
    def is_numeric(self) -> bool:
        return self in _NUMERIC

    @property
    def is_ordered(self) -> bool:
        """Whether ``min``/``max`` and ``_gt``-style comparisons make sense for the type."""
        return self not in (ScalarType.JSON, ScalarType.BYTES, ScalarType.BOOLEAN)


_NUMERIC = frozenset({ScalarType.INT, ScalarType.BIGINT, ScalarType.FLOAT, ScalarType.NUMERIC})


@dataclass(frozen=True, slots=True)
class Column:
    name: str
    type: ScalarType
    nullable: bool = True
    source_type: str = ""
    """The type as the source declares it (``varchar(40)``, ``int8``), for EXPLAIN and docs."""
    description: str | None = None


@dataclass(frozen=True, slots=True)
class ForeignKey:
    columns: tuple[str, ...]
    ref_table: str
    ref_columns: tuple[str, ...]
    ref_schema: str | None = None
    name: str | None = None


@dataclass(frozen=True, slots=True)
class UniqueConstraint:
    """A primary key or unique constraint: what ``on_conflict`` of an insert names."""

    name: str
    columns: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Table:
    name: str
    columns: tuple[Column, ...]
    primary_key: tuple[str, ...] = ()
    foreign_keys: tuple[ForeignKey, ...] = ()
    schema: str | None = None
    """The database schema (``public``); ``None`` where the source has no schemas."""
    is_view: bool = False
    description: str | None = None
    unique_constraints: tuple[UniqueConstraint, ...] = ()
    """The primary key (by its constraint's name) and the unique constraints."""

    def column(self, name: str) -> Column:
        for column in self.columns:
            if column.name == name:
                return column
        raise KeyError(f"table {self.name!r} has no column {name!r}")

    @property
    def qualified_name(self) -> str:
        return f"{self.schema}.{self.name}" if self.schema else self.name


@dataclass(frozen=True, slots=True)
class SourceCatalog:
    source: str
    tables: tuple[Table, ...] = field(default_factory=tuple)

    def table(self, name: str, schema: str | None = None) -> Table:
        for table in self.tables:
            if table.name == name and (schema is None or table.schema == schema):
                return table
        raise KeyError(f"source {self.source!r} has no table {name!r}")
