"""The typed plan of a mutation: what to write, and what to give back.

A :class:`MutationField` is one root field of a mutation operation: an :class:`Insert`,
:class:`Update` or :class:`Delete` on one table, and its output: a :class:`MutationResponse`
(``affected_rows`` and ``returning``) or, for ``insert_t_one`` and the ``_by_pk`` fields, the
row itself as a :class:`Select`. Returned rows are planned as query selections, so their
relationships work as in queries; the rows are found by key after the write.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from federation.catalog import Column, UniqueConstraint
from federation.planner.plan import BoolExp, Relationship, Select, TableRef, TypenameField

# --- what to write ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class OnConflict:
    """``on_conflict``: an upsert on ``constraint``; with no ``update_columns``, the conflicting
    row is left alone (and not returned). ``where`` filters which existing rows are updated."""

    constraint: UniqueConstraint
    update_columns: tuple[Column, ...] = ()
    where: BoolExp | None = None


@dataclass(frozen=True, slots=True)
class ObjectInsert:
    """A nested object relationship (``author: {data: {...}}``): inserted before its parent,
    whose foreign key columns then take the new row's values."""

    relationship: Relationship
    row: InsertRow
    on_conflict: OnConflict | None = None


@dataclass(frozen=True, slots=True)
class ArrayInsert:
    """A nested array relationship (``articles: {data: [...]}``): inserted after its parent,
    each row's foreign key columns set from the parent's values."""

    relationship: Relationship
    rows: tuple[InsertRow, ...]
    on_conflict: OnConflict | None = None


@dataclass(frozen=True, slots=True)
class InsertRow:
    values: tuple[tuple[Column, Any], ...]
    objects: tuple[ObjectInsert, ...] = ()
    arrays: tuple[ArrayInsert, ...] = ()

    @property
    def nested(self) -> bool:
        return bool(self.objects or self.arrays)


@dataclass(frozen=True, slots=True)
class Insert:
    table: TableRef
    rows: tuple[InsertRow, ...]
    on_conflict: OnConflict | None = None


@dataclass(frozen=True, slots=True)
class Update:
    """``_set`` (column = value) and ``_inc`` (column = column + value) on the rows ``where``
    matches."""

    table: TableRef
    where: BoolExp | None
    set: tuple[tuple[Column, Any], ...] = ()
    inc: tuple[tuple[Column, Any], ...] = ()


@dataclass(frozen=True, slots=True)
class Delete:
    table: TableRef
    where: BoolExp | None


Action = Insert | Update | Delete

# --- what to give back --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class AffectedRowsField:
    key: str


@dataclass(frozen=True, slots=True)
class ReturningField:
    """``returning { ... }``: the written rows; ``select`` has the fields and no filter (the
    executor adds ``primary key IN (written keys)``)."""

    key: str
    select: Select


@dataclass(frozen=True, slots=True)
class MutationResponse:
    """``t_mutation_response``."""

    fields: tuple[AffectedRowsField | ReturningField | TypenameField, ...]


MutationKind = Literal["insert", "insert_one", "update", "update_by_pk", "delete", "delete_by_pk"]


@dataclass(frozen=True, slots=True)
class MutationField:
    """One root field of a mutation: one transaction on ``source``.

    ``output`` is a :class:`MutationResponse`, or a :class:`Select` of the one written row
    (``insert_t_one``, ``update_t_by_pk``, ``delete_t_by_pk``: null when no row was written)."""

    key: str
    kind: MutationKind
    source: str
    action: Action
    output: MutationResponse | Select
