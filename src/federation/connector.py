"""The connector protocol, its capabilities and the entry-point registry.

A connector is a small subclass of :class:`Connector`: a ``kind`` name, a sqlglot ``dialect``,
its :class:`Capabilities` as data, and four coroutines (open, close, introspect, fetch). Built-in
connectors register through the ``federation.connectors`` entry-point group exactly as third-party
ones do.

Pushdown is negotiated: the planner asks :meth:`Capabilities.accepts` before it gives a connector
a piece of work, and does the remainder in the gateway when a connector declines.
"""

from __future__ import annotations

import abc
from collections.abc import Sequence
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass, field
from importlib.metadata import entry_points
from typing import Any, ClassVar

from federation.catalog import SourceCatalog
from federation.config import SourceConfig
from federation.errors import ConnectorError
from federation.planner.plan import RootField

ENTRY_POINT_GROUP = "federation.connectors"

CORE_OPERATORS = frozenset(
    {"_eq", "_neq", "_gt", "_gte", "_lt", "_lte", "_in", "_nin", "_is_null"}
    | {"_like", "_nlike", "_ilike", "_nilike"}
)

REGEX_OPERATORS = frozenset({"_regex", "_nregex", "_iregex", "_niregex"})
SIMILAR_OPERATORS = frozenset({"_similar", "_nsimilar"})
JSON_OPERATORS = frozenset(
    {"_contains", "_contained_in", "_has_key", "_has_keys_any", "_has_keys_all"}
)
CORE_AGGREGATES = frozenset({"count", "sum", "avg", "min", "max"})
STATISTICS = frozenset({"stddev", "stddev_pop", "stddev_samp", "variance", "var_pop", "var_samp"})


@dataclass(frozen=True, slots=True)
class Capabilities:
    """What a connector can take from the planner. Everything it lacks, the gateway does."""

    filter_operators: frozenset[str] = CORE_OPERATORS
    """Column operators of ``<t>_bool_exp`` the source evaluates."""
    order_by: bool = True
    limit_offset: bool = True
    distinct_on: bool = True
    aggregates: frozenset[str] = CORE_AGGREGATES
    group_by: bool = True
    nested_json: bool = True
    """Whether one statement can return a whole nested selection as JSON text."""
    joins: bool = True
    """Whether relationships (and filters through them) can be pushed into the statement."""
    max_depth: int | None = None
    """Most selection levels one statement may nest (None: no limit). Deeper relationships are
    joined by the gateway with one more statement per this many levels."""
    extra: frozenset[str] = field(default_factory=frozenset)

    def accepts(self, feature: str) -> bool:
        return (
            feature in self.filter_operators
            or feature in self.aggregates
            or (feature in self.extra or bool(getattr(self, feature, False)))
        )


MUTATIONS = "mutations"
"""The capability (in :attr:`Capabilities.extra`) of a connector that implements
:meth:`Connector.transaction`: its tables get insert/update/delete mutations."""


class Transaction(abc.ABC):
    """Statements that run on one connection inside one transaction (see
    :meth:`Connector.transaction`): all of them commit together or none does."""

    returning: frozenset[str] = frozenset({"insert", "update", "delete"})
    """The statements that take ``RETURNING`` on this source; the gateway reads keys back in
    the same transaction for the others."""

    @abc.abstractmethod
    async def fetch_rows(self, sql: str, params: Sequence[Any]) -> list[tuple[Any, ...]]:
        """Run a statement and return its rows."""

    @abc.abstractmethod
    async def execute(self, sql: str, params: Sequence[Any]) -> int:
        """Run a statement that returns no rows; return how many rows it changed."""

    async def fetch_json(self, sql: str, params: Sequence[Any]) -> str | bytes | None:
        """Run a statement that returns one row with one JSON text column; return that text."""
        rows = await self.fetch_rows(sql, params)
        return rows[0][0] if rows else None


class Connector(abc.ABC):
    """Base class of every connector. Subclasses set ``kind``, ``dialect`` and ``capabilities``."""

    kind: ClassVar[str]
    """The name used as ``kind:`` in federation.yaml."""
    dialect: ClassVar[str | None]
    """The sqlglot dialect of the SQL the planner generates for this connector; ``None`` for a
    native connector (REST, GraphQL) that answers plan nodes itself through :meth:`fetch_root`."""
    capabilities: ClassVar[Capabilities] = Capabilities()

    def __init__(self, config: SourceConfig) -> None:
        self.config = config
        self.name = config.name
        self.statements_executed = 0
        """Count of statements sent to the source; tests assert one per root field."""

    async def open(self) -> None:  # noqa: B027 - an optional hook, not abstract
        """Open pools or files. Called once in the application lifespan."""

    async def close(self) -> None:  # noqa: B027 - an optional hook, not abstract
        """Release what :meth:`open` took."""

    @abc.abstractmethod
    async def introspect(self) -> SourceCatalog:
        """Read tables, columns, keys and foreign keys."""

    @abc.abstractmethod
    async def fetch_json(self, sql: str, params: Sequence[Any]) -> str | bytes | None:
        """Run a statement that returns one row with one JSON text column; return that text."""

    @abc.abstractmethod
    async def fetch_rows(self, sql: str, params: Sequence[Any]) -> list[tuple[Any, ...]]:
        """Run a statement and return its rows."""

    async def fetch_root(self, root: RootField) -> str | bytes | None:
        """Native connectors (``dialect = None``): answer one root field with its JSON text, in
        the shape SQL connectors return (an array for ``many``, an object or null for ``one``;
        keys are the plan's keys in plan order)."""
        raise NotImplementedError(
            f"connector {self.kind!r} sets no SQL dialect but does not implement fetch_root()"
        )

    def describe_root(self, root: RootField) -> str:
        """EXPLAIN for a native root field: what the connector will request."""
        return f"-- {self.kind} source {self.name!r} answers {root.key!r} natively"

    def transaction(self) -> AbstractAsyncContextManager[Transaction]:
        """One transaction on one connection: commits when the block ends, rolls back when it
        raises. Connectors that declare the ``mutations`` capability implement it."""
        raise ConnectorError(f"connector {self.kind!r} does not support transactions")

    async def ping(self) -> None:
        """Raise if the source cannot answer; used by ``/readyz``."""
        await self.fetch_rows("SELECT 1", ())


def load_connector_class(kind: str) -> type[Connector]:
    """Find the connector registered under ``kind`` in the entry-point group."""
    found = {ep.name: ep for ep in entry_points(group=ENTRY_POINT_GROUP)}
    if kind not in found:
        known = ", ".join(sorted(found)) or "none"
        raise ConnectorError(
            f"no connector of kind {kind!r} is installed (installed: {known}); "
            f"a plugin registers one in the entry-point group {ENTRY_POINT_GROUP!r}"
        )
    try:
        loaded = found[kind].load()
    except Exception as error:  # a broken plugin must not hide behind a traceback
        raise ConnectorError(f"connector {kind!r} failed to load: {error}") from error
    if not (isinstance(loaded, type) and issubclass(loaded, Connector)):
        raise ConnectorError(f"entry point {kind!r} does not name a Connector subclass")
    return loaded


def installed_kinds() -> list[str]:
    return sorted(ep.name for ep in entry_points(group=ENTRY_POINT_GROUP))
