"""EXPLAIN of a stitched root: numbered steps, one per statement, each naming its source, what
it waits for and the statement it sends (with a placeholder for keys known only at run time)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from federation.execution.stitching import Stitcher
from federation.planner.plan import (
    AggregateSelect,
    BoolExp,
    ColumnField,
    GroupSelect,
    RootField,
    Select,
)
from federation.planner.semi_join import (
    Found,
    collect_filters,
    conjoin,
    key_filter,
    rewrite_filters,
    target_columns,
)
from federation.planner.stitch import HIDDEN, Join, StitchedRoot, stitch_root

KEYS_PLACEHOLDER = "<keys>"
"""Stands for the key list in EXPLAIN output: the real keys exist only at run time."""


class StitchExplainer:
    """EXPLAIN of a stitched root: numbered steps, each naming its source, what it waits for
    and the statement (with a placeholder for keys known only at run time)."""

    def __init__(self, stitcher: Stitcher, statement_text: Callable[[RootField], str]) -> None:
        self.stitcher = stitcher
        self.statement_text = statement_text
        self.steps: list[str] = []

    def explain(self, stitched: StitchedRoot) -> str:
        self.describe(stitched)
        return "\n\n".join(self.steps)

    def describe(self, stitched: StitchedRoot, after: int | None = None, note: str = "") -> int:
        """Add the root's step (after the steps it waits for) and its joins'; its number."""
        root = stitched.root
        waits = self.semi_joins(root) if stitched.semi_joins else []
        if waits:
            root = replace(root, query=self.placeholder_filters(root))
        prerequisites = [str(n) for n in (after, *waits) if n is not None]
        head = f"-- step {len(self.steps) + 1}: source {root.source!r}, {root.key!r}"
        head += f" (after step {', '.join(prerequisites)})" if prerequisites else " (first)"
        self.steps.append("\n".join(filter(None, [head, note, self.statement_text(root)])))
        number = len(self.steps)
        for join in stitched.joins:
            self.join(join, number, root.key)
        return number

    def join(self, join: Join, after: int, parent_key: str) -> None:
        child = join.child
        columns = target_columns(join)
        select = child.root.query
        assert isinstance(select, Select)
        where = conjoin(select.where, key_filter(columns, [(KEYS_PLACEHOLDER,) * len(columns)]))
        size = self.stitcher.sources.by_name[child.root.source].config.batch_size
        rel = join.relationship
        target = ", ".join(c.name for c in columns)
        note = (
            f"-- joins {rel.name!r} at {'.'.join((parent_key, *join.path, join.key))}: "
            f"{rel.target.table.name}.({target}) IN the parents' distinct keys, at most {size} "
            "keys per statement (batches run concurrently)"
        )
        root = replace(child.root, query=replace(select, where=where))
        self.describe(replace(child, root=root), after, note)

    def semi_joins(self, root: RootField) -> list[int]:
        found: Found = []
        collect_filters(root.query, root.source, self.stitcher.is_stitched, found)
        numbers = []
        for exists, _, _ in found:
            rel = exists.relationship
            columns = [rel.target.table.column(theirs) for _, theirs in rel.mapping]
            fields = tuple(ColumnField(f"{HIDDEN}key_{i}", c) for i, c in enumerate(columns))
            select = Select(rel.target, fields, where=exists.where)
            key = f"keys for the filter through {rel.name!r}"
            stitched = stitch_root(
                RootField(key, "many", rel.target.source, select, True), self.stitcher.is_stitched
            )
            cap = self.stitcher.sources.by_name[rel.target.source].config.semi_join_max_keys
            note = f"-- semi-join: at most {cap} keys, else SEMI_JOIN_TOO_LARGE"
            numbers.append(self.describe(stitched, None, note))
        return numbers

    def placeholder_filters(self, root: RootField) -> Select | AggregateSelect | GroupSelect:
        found: Found = []
        collect_filters(root.query, root.source, self.stitcher.is_stitched, found)
        replacements: dict[int, BoolExp] = {}
        for exists, _, table in found:
            columns = [table.column(mine) for mine, _ in exists.relationship.mapping]
            replacements[id(exists)] = key_filter(columns, [(KEYS_PLACEHOLDER,) * len(columns)])
        return rewrite_filters(root.query, replacements)
