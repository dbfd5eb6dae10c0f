"""The cache policy of a query plan: maxAge, scope and tags, from ``@cacheControl`` hints and
per-source defaults.

Apollo's rules (https://www.apollographql.com/docs/apollo-server/performance/caching), with
per-source defaults in place of one ``defaultMaxAge``:

- a field returning a table type takes its own hint, else its type's hint, else (with
  ``inheritMaxAge``) its parent's maxAge, else its source's default (``cache.sources``, then
  ``cache.default_max_age``): root fields and relationship fields alike;
- a scalar field inherits its parent's maxAge unless it has a hint of its own;
- the response's maxAge is the minimum over every field; its scope is PRIVATE when any hint or
  source policy met on the way says PRIVATE.

Tags name every table the answer read, selected or only filtered or ordered through
(``<source>.<qualified table>``), and every type (``type:<TypeName>``), for invalidation.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from federation.cache.settings import CacheSettings, Scope
from federation.planner.plan import (
    AggregateRef,
    AggregateRelationField,
    AggregateSelect,
    And,
    ArrayRelationField,
    ColumnField,
    Exists,
    GroupSelect,
    NodesField,
    Not,
    ObjectRelationField,
    Or,
    Plan,
    RootField,
    Select,
    TableRef,
)
from federation.schema.model import SchemaModel, TableType
from federation.schema.overlay import CacheHint, OverlayType


@dataclass(frozen=True, slots=True)
class CachePolicy:
    max_age: float
    """Seconds; 0 means not cacheable."""
    scope: Scope
    tags: frozenset[str]
    sources: frozenset[str] = frozenset()

    @property
    def cacheable(self) -> bool:
        return self.max_age > 0


NOT_CACHEABLE = CachePolicy(0.0, "PUBLIC", frozenset())


def table_tag(source: str, qualified_table: str) -> str:
    return f"{source}.{qualified_table}"


def type_tag(type_name: str) -> str:
    return f"type:{type_name}"


class HintIndex:
    """The hints of the overlays, by GraphQL type and field name, and the walk over plans."""

    def __init__(
        self, overlays: Sequence[OverlayType], model: SchemaModel, settings: CacheSettings
    ) -> None:
        self.model = model
        self.settings = settings
        self.types: dict[str, CacheHint] = {}
        self.fields: dict[tuple[str, str], CacheHint] = {}
        for overlay in overlays:
            if overlay.cache_control is not None:
                self.types[overlay.name] = overlay.cache_control
            for item in overlay.fields:
                if item.cache_control is not None:
                    self.fields[(overlay.name, item.name)] = item.cache_control

    def policy(self, plan: Plan) -> CachePolicy:
        if plan.operation_type != "query":
            return NOT_CACHEABLE
        roots = [root for root in plan.root_fields if isinstance(root, RootField)]
        return self._policy(roots) if roots else NOT_CACHEABLE  # nothing from a source

    def root_policy(self, root: RootField) -> CachePolicy:
        """The policy of one source fetch."""
        return self._policy([root])

    def _policy(self, roots: list[RootField]) -> CachePolicy:
        walk = _Walk(self)
        try:
            for root in roots:
                walk.root(root)
        except KeyError:  # a table the model does not expose: do not guess its tags
            return NOT_CACHEABLE
        if not math.isfinite(walk.max_age):
            return NOT_CACHEABLE
        return CachePolicy(walk.max_age, walk.scope, frozenset(walk.tags), frozenset(walk.sources))


@dataclass(slots=True)
class _Walk:
    index: HintIndex
    max_age: float = math.inf
    scope: Scope = "PUBLIC"
    tags: set[str] = field(default_factory=set)
    sources: set[str] = field(default_factory=set)

    def root(self, root: RootField) -> None:
        select = _rows(root.query)
        table_type = self.table_type(select.table)
        self.query(root.query, table_type, self.composite(None, table_type, None))

    def query(
        self, query: Select | AggregateSelect | GroupSelect, table_type: TableType, age: float
    ) -> None:
        if isinstance(query, Select):
            self.select(query, table_type, age)
            return
        self.select(query.rows, table_type, age)
        for item in query.fields:  # aggregate nodes select fields of the same table
            if isinstance(item, NodesField):
                self.fields(item.fields, table_type, age)

    def select(self, select: Select, table_type: TableType, age: float) -> None:
        self.filter(select.where)
        for item in select.order_by:
            target = item.target
            for relationship in target.path:
                self.tag(relationship.target)
            if isinstance(target, AggregateRef):
                self.tag(target.relationship.target)
        self.fields(select.fields, table_type, age)

    def fields(self, items: Iterable[Any], owner: TableType, age: float) -> None:
        for item in items:
            if isinstance(item, ColumnField):
                name = owner.field_name_of(item.column.name) or item.key
                self.scalar(self.index.fields.get((owner.name, name)), age)
            elif isinstance(item, ObjectRelationField | ArrayRelationField):
                self.relation(
                    item.relationship.name, item.relationship.target, item.select, owner, age
                )
            elif isinstance(item, AggregateRelationField):
                relationship = item.relationship
                self.relation(relationship.name, relationship.target, item.aggregate, owner, age)

    def relation(
        self,
        name: str,
        target: TableRef,
        query: Select | AggregateSelect,
        owner: TableType,
        parent_age: float,
    ) -> None:
        table_type = self.table_type(target)
        hint = self.index.fields.get((owner.name, name))
        self.query(query, table_type, self.composite(hint, table_type, parent_age))

    def composite(
        self, hint: CacheHint | None, table_type: TableType, parent: float | None
    ) -> float:
        """The maxAge of a field returning ``table_type`` (Apollo's order of precedence)."""
        policy = self.index.settings.policy(table_type.ref.source)
        if policy.scope == "PRIVATE":
            self.scope = "PRIVATE"
        type_hint = self.index.types.get(table_type.name)
        for candidate in (hint, type_hint):
            if candidate is None:
                continue
            if candidate.scope == "PRIVATE":
                self.scope = "PRIVATE"
            if candidate.max_age is not None:
                return self.limit(candidate.max_age)
            if candidate.inherit_max_age and parent is not None:
                return self.limit(parent)
        return self.limit(policy.max_age)

    def scalar(self, hint: CacheHint | None, parent: float) -> None:
        if hint is None:
            return
        if hint.scope == "PRIVATE":
            self.scope = "PRIVATE"
        self.limit(parent if hint.max_age is None else hint.max_age)

    def limit(self, age: float) -> float:
        self.max_age = min(self.max_age, age)
        return age

    def filter(self, where: Any) -> None:
        if isinstance(where, And | Or):
            for item in where.items:
                self.filter(item)
        elif isinstance(where, Not):
            self.filter(where.item)
        elif isinstance(where, Exists):
            self.tag(where.relationship.target)
            self.filter(where.where)

    def table_type(self, ref: TableRef) -> TableType:
        self.tag(ref)
        table_type = self.index.model.type_of(ref)
        self.tags.add(type_tag(table_type.name))
        return table_type

    def tag(self, ref: TableRef) -> None:
        self.sources.add(ref.source)
        self.tags.add(table_tag(ref.source, ref.table.qualified_name))


def _rows(query: Select | AggregateSelect | GroupSelect) -> Select:
    return query if isinstance(query, Select) else query.rows
