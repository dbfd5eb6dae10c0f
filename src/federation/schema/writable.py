"""Which tables take mutations, and the names of their mutation root fields.

A table is writable when its source's connector declares the ``mutations`` capability, the
source is not ``read_only``, the table is not listed in the source's ``read_only_tables``, it
is not a view, and its primary key is exposed (written rows are read back by key).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from federation.config import SourceConfig
from federation.connector import MUTATIONS, Capabilities
from federation.errors import ConfigError
from federation.schema.model import MutationEntry, MutationKind, SchemaModel, TableType

SourceTraits = Mapping[str, tuple[SourceConfig, Capabilities]]
"""Per source name: its configuration and its connector's capabilities."""


def mutation_names(root_name: str) -> dict[str, MutationKind]:
    """Hasura's mutation root field names for a table whose query root field is ``root_name``."""
    return {
        f"insert_{root_name}": "insert",
        f"insert_{root_name}_one": "insert_one",
        f"update_{root_name}": "update",
        f"update_{root_name}_by_pk": "update_by_pk",
        f"delete_{root_name}": "delete",
        f"delete_{root_name}_by_pk": "delete_by_pk",
    }


def writable_in(sources: SourceTraits) -> Callable[[TableType], bool]:
    """The test :func:`enable_mutations` applies, from the sources' config and capabilities."""

    def writable(t: TableType) -> bool:
        traits = sources.get(t.ref.source)
        if traits is None:
            return False
        config, capabilities = traits
        table = t.ref.table
        listed = {table.name, table.qualified_name} & set(config.read_only_tables)
        return (
            capabilities.accepts(MUTATIONS)
            and not config.read_only
            and not table.is_view
            and not listed
        )

    return writable


def enable_mutations(model: SchemaModel, writable: Callable[[TableType], bool]) -> None:
    """Fill ``model.mutations`` for every writable table with an exposed primary key."""
    model.mutations.clear()
    problems: list[str] = []
    for t in model.types.values():
        if not (writable(t) and t.primary_key):
            continue
        for name, kind in mutation_names(t.root_name).items():
            if name in model.mutations:
                other = model.mutations[name].table_type.name
                problems.append(
                    f"mutation root field {name!r} is generated for both {other} and {t.name}; "
                    f'rename one table with @table(..., rootField: "...") in schema/'
                )
            model.mutations[name] = MutationEntry(kind, t)
    if problems:
        raise ConfigError(problems)


def writable_types(model: SchemaModel) -> set[str]:
    """Names of the GraphQL types that take mutations."""
    return {entry.table_type.name for entry in model.mutations.values()}
