"""The gateway's remainder over plain rows: SQL semantics in Python."""

from __future__ import annotations

import datetime as dt
import decimal

import orjson
import pytest

from federation.catalog import Column, ScalarType, Table
from federation.execution import remainder
from federation.planner.plan import (
    AggregateBlock,
    AggregateSelect,
    And,
    ColumnField,
    ColumnRef,
    Compare,
    CountField,
    Not,
    OrderItem,
    RootField,
    Select,
    TableRef,
)

ID = Column("id", ScalarType.INT, False)
NAME = Column("name", ScalarType.STRING)
SCORE = Column("score", ScalarType.NUMERIC)
DAY = Column("day", ScalarType.DATE)
REF = TableRef("s", Table("t", (ID, NAME, SCORE, DAY), ("id",)))
ROWS = [
    remainder.typed_row(raw, REF.table.columns)
    for raw in (
        {"id": 1, "name": "a_b", "score": "2.50", "day": "2024-01-02"},
        {"id": 2, "name": "axb", "score": None, "day": "2023-05-06"},
        {"id": 3, "name": "A%", "score": 10, "day": None},
        {"id": 4, "name": None, "score": "2.5", "day": "2024-01-02"},
    )
]


def ids(rows: list[dict[str, object]]) -> list[object]:
    return [row["id"] for row in rows]


def test_values_are_typed_and_rendered_like_sql_sources() -> None:
    assert ROWS[0]["score"] == decimal.Decimal("2.50") and ROWS[0]["day"] == dt.date(2024, 1, 2)
    assert remainder.json_value(ROWS[2]["score"], ScalarType.NUMERIC) == "10"
    assert remainder.json_value(2**60, ScalarType.BIGINT) == str(2**60)
    with pytest.raises(ValueError, match="field 'id': expected Int"):
        remainder.typed_row({"id": "x"}, (ID,))


def test_not_over_null_is_unknown_as_in_sql() -> None:
    where = Not(Compare(SCORE, "_gt", decimal.Decimal(3)))
    assert ids([r for r in ROWS if remainder.matches(r, where)]) == [1, 4]


def test_like_escapes_and_ilike_folds_case() -> None:
    def like(op: str, pattern: str) -> list[object]:
        return ids([r for r in ROWS if remainder.matches(r, Compare(NAME, op, pattern))])

    assert like("_like", "a\\_b") == [1]
    assert like("_like", "a_b") == [1, 2]
    assert like("_ilike", "a\\%") == [3]
    assert like("_nlike", "a%") == [3]  # null names never match either way


def test_order_nulls_and_ties_follow_hasura_defaults() -> None:
    desc = OrderItem(ColumnRef(SCORE), descending=True)
    by_id = OrderItem(ColumnRef(ID), descending=True)
    assert ids(remainder.sort_rows(ROWS, [desc, by_id])) == [2, 3, 4, 1]
    asc_first = OrderItem(ColumnRef(DAY), nulls_first=True)
    assert ids(remainder.sort_rows(ROWS, [asc_first, OrderItem(ColumnRef(ID))])) == [3, 2, 1, 4]


def test_distinct_on_then_page() -> None:
    select = Select(
        REF,
        (ColumnField("i", ID),),
        where=And((Compare(ID, "_in", [1, 3, 4]),)),
        order_by=(OrderItem(ColumnRef(DAY)), OrderItem(ColumnRef(ID), descending=True)),
        distinct_on=(DAY,),
        offset=1,
    )
    assert ids(remainder.apply_select(ROWS, select)) == [3]


def test_root_json_shapes_and_count() -> None:
    many = RootField("k", "many", "s", Select(REF, (ColumnField("n", NAME),), limit=1), False)
    assert orjson.loads(remainder.root_json(many, ROWS)) == [{"n": "a_b"}]
    items = (CountField("c"), CountField("d", (SCORE,), distinct=True))
    aggregate = AggregateSelect(Select(REF, ()), (AggregateBlock("a", items),))
    root = RootField("k", "aggregate", "s", aggregate, False)
    assert orjson.loads(remainder.root_json(root, ROWS)) == {"a": {"c": 4, "d": 2}}
    one = RootField("k", "one", "s", Select(REF, (), where=Compare(ID, "_eq", 9)), True)
    assert remainder.root_json(one, ROWS) == b"null"
