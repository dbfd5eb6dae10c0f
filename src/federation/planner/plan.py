"""The typed plan: what each source is asked for, independent of SQL.

The planner turns a GraphQL operation into a :class:`Plan`; the SQL compiler turns each
:class:`RootField` into one statement; the executor runs them and assembles the response.

Every node is frozen data. Keys (``key``) are GraphQL response keys (aliases or field names), so
a statement that builds JSON inside the database can emit exactly the response's shape.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Generic, Literal, TypeVar, Union

from federation.catalog import Column, ScalarType, Table

if TYPE_CHECKING:
    from federation.planner.mutation_plan import MutationField

# --- where the data lives -------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class TableRef:
    source: str
    table: Table


@dataclass(frozen=True, slots=True)
class Relationship:
    """A join from a parent table to a target table: ``parent.col = target.col`` for each pair."""

    name: str
    kind: Literal["object", "array"]
    target: TableRef
    mapping: tuple[tuple[str, str], ...]


# --- boolean expressions (<t>_bool_exp) ----------------------------------------------------


Leaf = TypeVar("Leaf")


@dataclass(frozen=True, slots=True)
class And(Generic[Leaf]):
    items: tuple[Leaf, ...]


@dataclass(frozen=True, slots=True)
class Or(Generic[Leaf]):
    items: tuple[Leaf, ...]


@dataclass(frozen=True, slots=True)
class Not(Generic[Leaf]):
    item: Leaf


@dataclass(frozen=True, slots=True)
class Compare:
    """``column <op> value``; ``op`` is the Hasura operator name (``_eq``, ``_is_null``...).

    ``value`` is already coerced to Python: a list for ``_in``/``_nin``, a bool for ``_is_null``.
    ``cast`` is set for Hasura's ``_cast: {String: {...}}``: compare the column as text.
    """

    column: Column
    op: str
    value: Any
    cast: ScalarType | None = None


@dataclass(frozen=True, slots=True)
class Exists:
    """True when a related row matches ``where`` (a filter through a relationship)."""

    relationship: Relationship
    where: BoolExp | None


@dataclass(frozen=True, slots=True)
class Const:
    value: bool


BoolExp = Union[And["BoolExp"], Or["BoolExp"], Not["BoolExp"], Compare, Exists, Const]  # noqa: UP007

# --- ordering ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ColumnRef:
    """A column of the current table, or reached through object relationships (``path``)."""

    column: Column
    path: tuple[Relationship, ...] = ()


@dataclass(frozen=True, slots=True)
class AggregateRef:
    """An aggregate over an array relationship (``order_by: {articles_aggregate: {count: asc}}``),
    reached through object relationships (``path``). ``column`` is None for ``count``."""

    relationship: Relationship
    function: str
    column: Column | None = None
    path: tuple[Relationship, ...] = ()


@dataclass(frozen=True, slots=True)
class OrderItem:
    target: ColumnRef | AggregateRef
    descending: bool = False
    nulls_first: bool | None = None
    """None keeps Hasura's default: nulls last for ``asc``, first for ``desc``."""


# --- what is selected ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ColumnField:
    key: str
    column: Column
    path: tuple[str | int, ...] | None = None
    """Hasura's ``path`` on json/jsonb columns: keys and array indexes into the value."""


@dataclass(frozen=True, slots=True)
class TypenameField:
    key: str
    typename: str


@dataclass(frozen=True, slots=True)
class ObjectRelationField:
    """A many-to-one relationship: the related object, or null."""

    key: str
    relationship: Relationship
    select: Select


@dataclass(frozen=True, slots=True)
class ArrayRelationField:
    """A one-to-many relationship: the related rows (``select`` carries their arguments)."""

    key: str
    relationship: Relationship
    select: Select


@dataclass(frozen=True, slots=True)
class AggregateRelationField:
    """``<rel>_aggregate`` under a row."""

    key: str
    relationship: Relationship
    aggregate: AggregateSelect


Field = (
    ColumnField | TypenameField | ObjectRelationField | ArrayRelationField | AggregateRelationField
)


@dataclass(frozen=True, slots=True)
class Select:
    """Rows of one table with their selected fields, filtered, ordered and paginated."""

    table: TableRef
    fields: tuple[Field, ...]
    where: BoolExp | None = None
    order_by: tuple[OrderItem, ...] = ()
    limit: int | None = None
    offset: int | None = None
    distinct_on: tuple[Column, ...] = ()


# --- aggregates (<t>_aggregate) ------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CountField:
    key: str
    columns: tuple[Column, ...] = ()
    distinct: bool = False


@dataclass(frozen=True, slots=True)
class ColumnAggregate:
    """``sum { a b }``, ``avg {..}``, ``min {..}``, ``max {..}``, ``stddev {..}``...: one function
    over several columns; ``fields`` are (key, column) pairs or typenames."""

    key: str
    function: str
    fields: tuple[ColumnField | TypenameField, ...]


AggregateItem = CountField | ColumnAggregate | TypenameField


@dataclass(frozen=True, slots=True)
class AggregateBlock:
    """The ``aggregate { ... }`` object of ``<t>_aggregate``."""

    key: str
    items: tuple[AggregateItem, ...]


@dataclass(frozen=True, slots=True)
class NodesField:
    """The ``nodes { ... }`` list of ``<t>_aggregate``: the same rows the aggregate ran over."""

    key: str
    fields: tuple[Field, ...]


@dataclass(frozen=True, slots=True)
class AggregateSelect:
    """``<t>_aggregate``: aggregates and nodes over the rows that ``rows`` selects (its fields
    are unused; its where/order/limit/offset/distinct_on define the row set)."""

    rows: Select
    fields: tuple[AggregateBlock | NodesField | TypenameField, ...]


# --- grouped aggregates (<t>_group_by), beyond Hasura ------------------------------------------


@dataclass(frozen=True, slots=True)
class GroupKeyBlock:
    """The ``keys { ... }`` object of one group: the grouped columns' values."""

    key: str
    fields: tuple[ColumnField | TypenameField, ...]


@dataclass(frozen=True, slots=True)
class GroupSelect:
    """Rows grouped by ``by``; each group yields ``fields`` (keys, aggregate block, typename).

    ``having`` filters groups: a boolean expression over :class:`AggregateCompare` leaves.
    ``order_by`` orders groups by grouped columns (ColumnRef) or aggregates (AggregateRef with
    the table itself as relationship target is not used; see GroupOrderItem)."""

    rows: Select
    by: tuple[Column, ...]
    fields: tuple[GroupKeyBlock | AggregateBlock | TypenameField, ...]
    having: GroupHaving | None = None
    order_by: tuple[GroupOrderItem, ...] = ()
    limit: int | None = None
    offset: int | None = None


@dataclass(frozen=True, slots=True)
class AggregateCompare:
    """``function(column) <op> value`` in HAVING; ``column`` None means ``count(*)``."""

    function: str
    column: Column | None
    op: str
    value: Any


GroupHaving = Union[  # noqa: UP007
    And["GroupHaving"], Or["GroupHaving"], Not["GroupHaving"], AggregateCompare
]


@dataclass(frozen=True, slots=True)
class GroupOrderItem:
    """Order groups by a grouped column or by an aggregate (``column`` None means count)."""

    function: str | None
    column: Column | None
    descending: bool = False
    nulls_first: bool | None = None


# --- the plan -----------------------------------------------------------------------------------

RootKind = Literal["many", "one", "aggregate", "groups"]


@dataclass(frozen=True, slots=True)
class RootField:
    """One root field of the operation, answered by one statement on one source.

    ``kind`` decides the JSON shape: ``many`` and ``groups`` an array (never null), ``one`` an
    object or null (``_by_pk``), ``aggregate`` an object."""

    key: str
    kind: RootKind
    source: str
    query: Select | AggregateSelect | GroupSelect
    nullable: bool

    @property
    def empty_json(self) -> bytes:
        """The field's value when its statement returns no row."""
        return b"[]" if self.kind in ("many", "groups") else b"null"


@dataclass(frozen=True, slots=True)
class Plan:
    operation_type: Literal["query", "mutation"]
    root_fields: tuple[RootField | TypenameField | MutationField, ...]
    """A mutation's fields (:class:`~federation.planner.mutation_plan.MutationField`) run one
    after another, in this order."""
