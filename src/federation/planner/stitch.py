"""Cross-source relationships: split a root field into what its own source can answer and the
joins the gateway does after the fetch ("stitching").

A relationship is *stitched* when its target lives in another source, or in the same source
whose connector cannot join (REST, GraphQL). The root's statement then selects the parent's join
columns under hidden keys instead of the relationship; each stitched relationship becomes a
:class:`Join` whose child is itself a :class:`StitchedRoot` on the target source. At run time
the executor fetches the parents, collects and de-duplicates their keys and asks the target
once per join per level with ``IN`` lists (see :mod:`federation.execution.stitching`).

A filter through a stitched relationship (``where: {rel: {...}}``) stays an :class:`Exists` in
the plan: the executor resolves it first by fetching the target's matching keys (a semi-join)
and turns it into an ``_in`` list before compiling the parent's statement.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

from federation.errors import QueryError
from federation.planner.plan import (
    AggregateRelationField,
    AggregateSelect,
    And,
    ArrayRelationField,
    BoolExp,
    ColumnField,
    Exists,
    Field,
    NodesField,
    Not,
    ObjectRelationField,
    Or,
    Relationship,
    RootField,
    Select,
)

HIDDEN = "__federation_"
"""Prefix of the hidden response keys that carry join columns. GraphQL reserves names starting
with two underscores, so no alias of a valid operation can collide with them."""

IsStitched = Callable[[Relationship, str], bool]
"""Whether a relationship from a table of the given source is joined by the gateway."""
MaxDepth = Callable[[str], "int | None"]
"""Most selection levels one statement of the given source may nest (None: no limit)."""


@dataclass(frozen=True, slots=True)
class Join:
    """Rows of another source attached to parent rows after both are fetched."""

    path: tuple[str, ...]
    """Response keys from the root's value down to the parent rows (lists are walked through)."""
    key: str
    """The relationship field's response key in each parent."""
    relationship: Relationship
    parent_keys: tuple[str, ...]
    """Hidden keys holding the parent's join columns, in ``relationship.mapping`` order."""
    child: StitchedRoot
    """A ``many`` root on the target; the executor adds ``target IN (keys)`` to its where."""
    child_keys: tuple[str, ...]
    """Hidden keys holding the target's join columns in each child row."""
    limit: int | None = None
    offset: int | None = None
    """Per-parent page of an array relationship, cut after grouping (the target is asked once
    for all parents, so it cannot page per parent)."""


@dataclass(frozen=True, slots=True)
class StitchedRoot:
    root: RootField
    """What the root's own source is asked: stitched relationships replaced by hidden keys."""
    joins: tuple[Join, ...] = ()
    semi_joins: bool = False
    """The root's filters go through stitched relationships: resolve them before compiling."""

    @property
    def stitched(self) -> bool:
        return bool(self.joins) or self.semi_joins


def stitch_root(
    root: RootField, is_stitched: IsStitched, max_depth: MaxDepth | None = None
) -> StitchedRoot:
    """Split ``root``; a root with no stitched relationship comes back unchanged.

    Relationships deeper than the source's ``max_depth`` are stitched too, even within the
    source: one more statement per ``max_depth`` levels."""
    splitter = _Splitter(root.source, is_stitched, max_depth)
    query = root.query
    if isinstance(query, Select):
        query = splitter.select(query, ())
    elif isinstance(query, AggregateSelect):
        rows = replace(query.rows, where=splitter.where(query.rows.where))
        fields = tuple(
            replace(f, fields=splitter.fields(f.fields, (f.key,), query.rows, 1))
            if isinstance(f, NodesField)
            else f
            for f in query.fields
        )
        query = AggregateSelect(rows, fields)
    else:
        query = replace(query, rows=replace(query.rows, where=splitter.where(query.rows.where)))
    if not splitter.joins and not splitter.semi_joins:
        return StitchedRoot(root)
    return StitchedRoot(replace(root, query=query), tuple(splitter.joins), splitter.semi_joins)


class _Splitter:
    def __init__(
        self, source: str, is_stitched: IsStitched, max_depth: MaxDepth | None = None
    ) -> None:
        self.source = source
        self.is_stitched = is_stitched
        self.max_depth = max_depth
        self.depth_limit = max_depth(source) if max_depth is not None else None
        self.joins: list[Join] = []
        self.semi_joins = False

    def select(self, select: Select, path: tuple[str, ...], depth: int = 1) -> Select:
        """``select`` at selection level ``depth`` (the root's rows are level 1)."""
        return replace(
            select,
            fields=self.fields(select.fields, path, select, depth),
            where=self.where(select.where),
        )

    def fields(
        self, fields: tuple[Field, ...], path: tuple[str, ...], parent: Select, depth: int
    ) -> tuple[Field, ...]:
        kept: list[Field] = []
        too_deep = self.depth_limit is not None and depth >= self.depth_limit
        for field in fields:
            if isinstance(field, ObjectRelationField | ArrayRelationField | AggregateRelationField):
                stitched = self.is_stitched(field.relationship, self.source)
                if stitched or (too_deep and not isinstance(field, AggregateRelationField)):
                    kept.extend(self.join(field, path, parent))
                    continue
                if isinstance(field, AggregateRelationField):
                    rows = field.aggregate.rows
                    aggregate = replace(
                        field.aggregate, rows=replace(rows, where=self.where(rows.where))
                    )
                    kept.append(replace(field, aggregate=aggregate))
                    continue
                child = self.select(field.select, (*path, field.key), depth + 1)
                kept.append(replace(field, select=child))
                continue
            kept.append(field)
        return tuple(kept)

    def join(
        self,
        field: ObjectRelationField | ArrayRelationField | AggregateRelationField,
        path: tuple[str, ...],
        parent: Select,
    ) -> list[Field]:
        rel = field.relationship
        if isinstance(field, AggregateRelationField):
            raise QueryError(
                f"{field.key!r}: aggregates over {rel.name!r}, which joins another source "
                f"({rel.target.source!r}), are not supported; select the rows and count them, "
                "or aggregate with the root field of that source",
                code="NOT_SUPPORTED_ACROSS_SOURCES",
            )
        select = field.select
        if select.distinct_on:
            raise QueryError(
                f"{field.key!r}: distinct_on is not supported on {rel.name!r}, which joins "
                f"another source ({rel.target.source!r}); remove distinct_on",
                code="NOT_SUPPORTED_ACROSS_SOURCES",
            )
        number = len(self.joins)
        parent_keys = tuple(f"{HIDDEN}{number}_{i}" for i in range(len(rel.mapping)))
        child_keys = tuple(f"{HIDDEN}key_{i}" for i in range(len(rel.mapping)))
        target_columns = [rel.target.table.column(theirs) for _, theirs in rel.mapping]
        child_select = replace(
            select,
            fields=(
                *select.fields,
                *(ColumnField(k, c) for k, c in zip(child_keys, target_columns, strict=True)),
            ),
            limit=None,
            offset=None,
        )
        child = stitch_root(
            RootField(field.key, "many", rel.target.source, child_select, nullable=True),
            self.is_stitched,
            self.max_depth,
        )
        self.joins.append(
            Join(
                path,
                field.key,
                rel,
                parent_keys,
                child,
                child_keys,
                limit=select.limit,
                offset=select.offset,
            )
        )
        table = parent.table.table
        return [
            ColumnField(key, table.column(mine))
            for key, (mine, _) in zip(parent_keys, rel.mapping, strict=True)
        ]

    def where(self, exp: BoolExp | None) -> BoolExp | None:
        if exp is not None and self._has_semi_join(exp):
            self.semi_joins = True
        return exp

    def _has_semi_join(self, exp: BoolExp) -> bool:
        if isinstance(exp, And | Or):
            return any(self._has_semi_join(item) for item in exp.items)
        if isinstance(exp, Not):
            return self._has_semi_join(exp.item)
        if isinstance(exp, Exists):
            if self.is_stitched(exp.relationship, self.source):
                return True
            # a local relationship's filter may go on to another source
            inner = _Splitter(exp.relationship.target.source, self.is_stitched)
            return exp.where is not None and inner._has_semi_join(exp.where)
        return False


def refuse_stitched(select: Select, where: BoolExp | None, context: str) -> None:
    """Mutations run in one transaction on one source: refuse relationships and filters that
    reach another source, naming the first one found."""
    for field in select.fields:
        if isinstance(field, ObjectRelationField | ArrayRelationField | AggregateRelationField):
            rel = field.relationship
            if rel.target.source != select.table.source:
                _refuse(rel, context)
            if not isinstance(field, AggregateRelationField):
                refuse_stitched(field.select, field.select.where, context)
    _refuse_exp(where, select.table.source, context)


def _refuse_exp(exp: BoolExp | None, source: str, context: str) -> None:
    if isinstance(exp, And | Or):
        for item in exp.items:
            _refuse_exp(item, source, context)
    elif isinstance(exp, Not):
        _refuse_exp(exp.item, source, context)
    elif isinstance(exp, Exists):
        if exp.relationship.target.source != source:
            _refuse(exp.relationship, context)
        _refuse_exp(exp.where, source, context)


def _refuse(rel: Relationship, context: str) -> None:
    raise QueryError(
        f"{context}: {rel.name!r} joins another source ({rel.target.source!r}), which a "
        "mutation cannot use; select it with a query after the mutation",
        code="NOT_SUPPORTED_ACROSS_SOURCES",
    )
