"""Cross-source joins at run time: fetch the parents, then each stitched relationship's rows in
one batch per level, and attach them (see :mod:`federation.planner.stitch` for the plan).

Round trips do not grow with the number of parent rows: the keys of every parent at one level
are collected, de-duplicated and sent as ``IN`` lists of at most the target's ``batch_size``
keys (chunks run concurrently), or through a REST endpoint's batch form. Filters through a
stitched relationship (semi-joins) fetch the target's matching keys first and become ``_in``
lists, refused past the target's ``semi_join_max_keys``.

Only stitched roots go through here: their source's JSON is parsed, completed and serialised
again, where every other root's JSON text is embedded in the response untouched.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from typing import Any, Protocol

import orjson
from cachetools import LRUCache

from federation.catalog import Column, ScalarType, Table
from federation.errors import QueryError, SourceError
from federation.execution import remainder
from federation.execution.sources import Sources
from federation.planner.parametric import StatementTemplate, reached, tagged, template_of
from federation.planner.plan import (
    AggregateSelect,
    And,
    BoolExp,
    ColumnField,
    Compare,
    Exists,
    GroupSelect,
    RootField,
    Select,
)
from federation.planner.semi_join import (
    Found,
    KeyTuple,
    collect_filters,
    conjoin,
    key_filter,
    rewrite_filters,
    target_columns,
)
from federation.planner.sql.statement import CompiledStatement
from federation.planner.stitch import HIDDEN, IsStitched, Join, StitchedRoot, stitch_root

Row = dict[str, Any]
CallSource = Callable[[RootField, CompiledStatement | None], Awaitable[str | bytes | None]]
CompileRoot = Callable[[RootField], CompiledStatement | None]


class KeyBatchConnector(Protocol):
    """A native connector that can look rows up by many keys at once (REST's batch form)."""

    async def fetch_by_keys(
        self, type_name: str, key_field: str, keys: Sequence[Any]
    ) -> list[Row]: ...


@dataclass(slots=True)
class Outcome:
    """A stitched root's value (plain Python data) and the errors of the joins that failed."""

    value: Any
    errors: list[dict[str, Any]]


class Stitcher:
    def __init__(
        self,
        sources: Sources,
        call_source: CallSource,
        compile_root: CompileRoot,
        is_stitched: IsStitched,
    ) -> None:
        self.sources = sources
        self.call_source = call_source
        self.compile_root = compile_root
        self.is_stitched = is_stitched
        self.templates: LRUCache[tuple[int, int, bool], tuple[Join, StatementTemplate]] = LRUCache(
            1024
        )
        """Child statements per join and number of keys, with the keys as slots."""

    async def run(
        self,
        stitched: StitchedRoot,
        statement: CompiledStatement | None,
        path: list[Any] | None = None,
    ) -> Outcome:
        """Fetch the root's rows, then every join below them, level by level."""
        root = stitched.root
        if stitched.semi_joins:
            root = replace(root, query=await self.resolve_filters(root.source, root.query))
            statement = self.compile_root(root)
        text = await self.call_source(root, statement)
        value = _parse(text, root)
        outcome = Outcome(value, [])
        await self.attach(outcome, stitched.joins, path or [root.key])
        return outcome

    # --- joins ----------------------------------------------------------------------------

    async def attach(self, outcome: Outcome, joins: Sequence[Join], path: list[Any]) -> None:
        located = [list(_parents(outcome.value, join.path, path)) for join in joins]
        await asyncio.gather(
            *(self.join(outcome, join, found) for join, found in zip(joins, located, strict=True))
        )
        for join, found in zip(joins, located, strict=True):
            for _, parent in found:
                for key in join.parent_keys:
                    parent.pop(key, None)

    async def join(
        self, outcome: Outcome, join: Join, parents: list[tuple[list[Any], Row]]
    ) -> None:
        columns = target_columns(join)
        parent_key = KeyReader(join.parent_keys, columns)
        keys = [parent_key(parent) for _, parent in parents]
        distinct = list(dict.fromkeys(k for k in keys if k is not None))
        groups: dict[KeyTuple, list[Row]] = {}
        if distinct:
            try:
                children = await self.fetch_children(join, columns, distinct, parents[0][0])
            except (SourceError, QueryError) as error:
                for _, parent in parents:
                    parent[join.key] = None
                outcome.errors.append(_join_error(error, [*parents[0][0], join.key], join))
                return
            outcome.errors.extend(children.errors)
            child_key = KeyReader(join.child_keys, columns)
            for row in children.value:
                key = child_key(row)
                for hidden in join.child_keys:
                    row.pop(hidden, None)
                if key is not None:
                    groups.setdefault(key, []).append(row)
        for key, (_, parent) in zip(keys, parents, strict=True):
            matched = groups.get(key, []) if key is not None else []
            if join.relationship.kind == "object":
                parent[join.key] = matched[0] if matched else None
            else:
                parent[join.key] = remainder.page(matched, join.limit, join.offset)

    async def fetch_children(
        self,
        join: Join,
        columns: Sequence[Column],
        keys: list[KeyTuple],
        first_parent: list[Any],
    ) -> Outcome:
        """Every child row of the given keys (one list, chunk after chunk) and the errors of
        the joins below them."""
        size = self.sources.by_name[join.child.root.source].config.batch_size
        chunks = [keys[i : i + size] for i in range(0, len(keys), size)]
        base = [*first_parent, join.key]
        outcomes = await asyncio.gather(
            *(self.fetch_chunk(join, columns, chunk, base) for chunk in chunks)
        )
        rows = [row for outcome in outcomes for row in outcome.value]
        return Outcome(rows, [error for outcome in outcomes for error in outcome.errors])

    async def fetch_chunk(
        self, join: Join, columns: Sequence[Column], keys: list[KeyTuple], path: list[Any]
    ) -> Outcome:
        child = join.child
        select = child.root.query
        assert isinstance(select, Select)
        batch = await self._by_keys(child.root, columns, keys)
        if batch is not None and not child.stitched:
            return Outcome(batch, [])
        where = conjoin(select.where, key_filter(columns, keys))
        root = replace(child.root, query=replace(select, where=where))
        statement = None if child.semi_joins else self.statement_for_keys(join, columns, keys)
        outcome = await self.run(replace(child, root=root), statement, path)
        if not isinstance(outcome.value, list):
            raise SourceError(root.source, f"{root.key!r}: expected a list of rows")
        return outcome

    def statement_for_keys(
        self, join: Join, columns: Sequence[Column], keys: list[KeyTuple]
    ) -> CompiledStatement | None:
        """The child's statement for these keys. Its SQL depends only on how many keys there are
        (and, for text keys, whether all are ASCII: MariaDB compares those differently), so it
        is compiled once per shape with tagged keys and refilled after
        (:mod:`federation.planner.parametric`)."""
        values = {f"k{i}_{j}": v for i, key in enumerate(keys) for j, v in enumerate(key)}
        shape = (id(join), len(keys), all(v.isascii() for v in values.values() if type(v) is str))
        kept = self.templates.get(shape)
        if kept is not None and kept[0] is join:
            return kept[1].instantiate(values)
        marked = [
            tuple(_marked(v, f"k{i}_{j}") for j, v in enumerate(key)) for i, key in enumerate(keys)
        ]
        select = join.child.root.query
        assert isinstance(select, Select)
        where = conjoin(select.where, key_filter(columns, marked))
        statement = self.compile_root(replace(join.child.root, query=replace(select, where=where)))
        if statement is None:
            return None
        template = template_of(statement)
        if reached([template]) == values.keys():  # every key is a plain parameter
            self.templates[shape] = (join, template)  # the join is kept: its id stays its own
        return template.instantiate(values)

    async def _by_keys(
        self, root: RootField, columns: Sequence[Column], keys: list[KeyTuple]
    ) -> list[Row] | None:
        """A native connector's batch lookup, when it has one and the join has one column."""
        source = self.sources.by_name[root.source]
        lookup = getattr(source.connector, "fetch_by_keys", None)
        if lookup is None or source.connector.dialect is not None or len(columns) != 1:
            return None
        select = root.query
        assert isinstance(select, Select)
        values = [key[0] for key in keys]
        async with source.guard() as opened:
            connector: KeyBatchConnector = opened  # type: ignore[assignment]
            rows = await connector.fetch_by_keys(select.table.table.name, columns[0].name, values)
        where = conjoin(select.where, key_filter(columns, keys))
        text = remainder.root_json(replace(root, query=replace(select, where=where)), rows)
        parsed: list[Row] = orjson.loads(text)
        return parsed

    # --- semi-joins ------------------------------------------------------------------------

    async def resolve_filters(
        self, source: str, query: Select | AggregateSelect | GroupSelect
    ) -> Select | AggregateSelect | GroupSelect:
        """The query with every filter through a stitched relationship turned into an ``_in``
        list of the keys the target returned."""
        found: Found = []
        collect_filters(query, source, self.is_stitched, found)
        resolved = await asyncio.gather(*(self.semi_join(e, t) for e, _, t in found))
        replacements = {id(e): exp for (e, _, _), exp in zip(found, resolved, strict=True)}
        return rewrite_filters(query, replacements)

    async def semi_join(self, exists: Exists, parent: Table) -> BoolExp:
        rel = exists.relationship
        target = rel.target
        columns = [target.table.column(theirs) for _, theirs in rel.mapping]
        keys = tuple(f"{HIDDEN}key_{i}" for i in range(len(columns)))
        fields = tuple(ColumnField(k, c) for k, c in zip(keys, columns, strict=True))
        select = Select(target, fields, where=exists.where)
        cap = self.sources.by_name[target.source].config.semi_join_max_keys
        root = RootField(f"{HIDDEN}semi", "many", target.source, select, nullable=True)
        stitched = stitch_root(root, self.is_stitched)
        statement = None if stitched.semi_joins else self.compile_root(stitched.root)
        outcome = await self.run(stitched, statement)
        key_of = KeyReader(keys, columns)
        found = list(dict.fromkeys(key_of(row) for row in outcome.value))
        values = [key for key in found if key is not None]
        if len(values) > cap:
            raise QueryError(
                f"the filter through {rel.name!r} matches {len(values)} keys in source "
                f"{target.source!r}, more than its semi_join_max_keys ({cap}); narrow the filter "
                f"or raise semi_join_max_keys of source {target.source!r} in federation.yaml",
                code="SEMI_JOIN_TOO_LARGE",
            )
        parent_columns = [parent.column(mine) for mine, _ in rel.mapping]
        present: BoolExp = And(tuple(Compare(c, "_is_null", False) for c in parent_columns))
        return And((present, key_filter(parent_columns, values)))


# --- keys and parents ------------------------------------------------------------------------


class KeyReader:
    """Reads a row's join key as typed Python values (the target's types, so that ``5`` and
    ``"5"`` meet); None when a part is null or does not fit the target's type."""

    def __init__(self, hidden: Sequence[str], columns: Sequence[Column]) -> None:
        self.parts = [
            (h, c.type, _NATIVE.get(c.type)) for h, c in zip(hidden, columns, strict=True)
        ]
        self.single = self.parts[0] if len(self.parts) == 1 else None

    def __call__(self, row: Row) -> KeyTuple | None:
        if self.single is not None:  # most joins: one column, values already of its type
            name, _, native = self.single
            value = row.get(name)
            if type(value) is native:
                return (value,)
        try:
            key = tuple(_key_part(row.get(h), t, n) for h, t, n in self.parts)
        except ValueError:
            return None
        return None if None in key else key


def _key_part(value: Any, type_: ScalarType, native: type | None) -> Any:
    if type(value) is native:
        return value
    return remainder.python_value(value, type_)


_NATIVE = {ScalarType.INT: int, ScalarType.BIGINT: int, ScalarType.STRING: str}


def _marked(value: Any, name: str) -> Any:
    marked = tagged(value, name)
    return value if marked is None else marked


# --- walking the parents ---------------------------------------------------------------------


def _parse(text: str | bytes | None, root: RootField) -> Any:
    return orjson.loads(root.empty_json if text is None else text)


def _parents(value: Any, path: Sequence[str], at: list[Any]) -> Iterator[tuple[list[Any], Row]]:
    """Every object reached by following ``path`` from ``value``, with its response path;
    lists are walked through (their indices join the path)."""
    if value is None:
        return
    if isinstance(value, list):
        for index, item in enumerate(value):
            yield from _parents(item, path, [*at, index])
    elif not path:
        yield at, value
    else:
        yield from _parents(value.get(path[0]), path[1:], [*at, path[0]])


def _join_error(error: SourceError | QueryError, path: list[Any], join: Join) -> dict[str, Any]:
    extensions: dict[str, Any] = {"code": error.code}
    if isinstance(error, SourceError):
        extensions["source"] = error.source
    else:
        extensions["source"] = join.relationship.target.source
    return {"message": str(error), "path": path, "extensions": extensions}
