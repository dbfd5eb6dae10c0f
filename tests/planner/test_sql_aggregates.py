"""Aggregates (``<t>_aggregate``, ``<rel>_aggregate``) and grouped aggregates, on every engine."""

from __future__ import annotations

from typing import Any

import pytest
import sql_fixtures
from sql_fixtures import (
    ARTICLES,
    ARTICLES_OF_AUTHOR,
    AUTHORS,
    Engine,
    aggregate,
    asc,
    c,
    desc,
    groups,
    many,
    select,
)

from federation.planner.plan import (
    AggregateBlock,
    AggregateCompare,
    AggregateRelationField,
    AggregateSelect,
    And,
    ColumnAggregate,
    ColumnRef,
    Compare,
    Const,
    CountField,
    GroupKeyBlock,
    GroupOrderItem,
    GroupSelect,
    NodesField,
    Not,
    OrderItem,
    TypenameField,
)

engine = sql_fixtures.engine  # the fixture: every test runs on each engine

RATING = ARTICLES.column("rating")
AUTHOR_ID = ARTICLES.column("author_id")
PUBLISHED = ARTICLES.column("published")


def fn(function: str, *names: str, table: Any = ARTICLES) -> ColumnAggregate:
    return ColumnAggregate(function, function, tuple(c(table, n) for n in names))


def block(*items: Any) -> AggregateBlock:
    return AggregateBlock("aggregate", items)


def rows(table: Any = ARTICLES, **args: Any) -> Any:
    return select(table, **args)


def test_counts_follow_hasura(engine: Engine) -> None:
    items = (
        CountField("all"),
        CountField("rated", (RATING,)),
        CountField("authors", (AUTHOR_ID,), distinct=True),
        CountField("both", (RATING, PUBLISHED)),
        CountField("pairs", (AUTHOR_ID, PUBLISHED), distinct=True),
        CountField("rated_pairs", (AUTHOR_ID, RATING), distinct=True),
        TypenameField("__typename", "articles_aggregate_fields"),
    )
    result = engine.run(aggregate(AggregateSelect(rows(), (block(*items),))))
    assert result == {
        "aggregate": {
            "all": 4,
            "rated": 3,
            "authors": 2,
            "both": 3,
            "pairs": 3,
            "rated_pairs": 3,
            "__typename": "articles_aggregate_fields",
        }
    }


def test_column_aggregates(engine: Engine) -> None:
    items = (
        fn("sum", "rating"),
        fn("avg", "rating"),
        fn("min", "rating", "title"),
        fn("max", "rating"),
        fn("stddev", "rating"),
        fn("stddev_pop", "rating"),
        fn("var_samp", "rating"),
        fn("var_pop", "rating"),
        fn("variance", "rating"),
    )
    result = engine.run(aggregate(AggregateSelect(rows(), (block(*items),))))["aggregate"]
    assert result["sum"] == {"rating": 12}
    assert result["avg"] == {"rating": 4.0}
    assert result["min"] == {"rating": 3, "title": "Intro"}
    assert result["max"] == {"rating": 5}
    assert result["stddev"]["rating"] == pytest.approx(1.0)
    assert result["stddev_pop"]["rating"] == pytest.approx((2 / 3) ** 0.5)
    assert result["var_samp"]["rating"] == pytest.approx(1.0)
    assert result["var_pop"]["rating"] == pytest.approx(2 / 3)
    assert result["variance"]["rating"] == pytest.approx(1.0)


def test_min_max_keep_the_column_encoding(engine: Engine) -> None:
    items = (fn("max", "big", "created", table=AUTHORS), fn("min", "big", table=AUTHORS))
    result = engine.run(aggregate(AggregateSelect(rows(AUTHORS), (block(*items),))))
    assert result["aggregate"] == {
        "max": {"big": "9007199254740993", "created": "2020-02-29T23:59:59"},
        "min": {"big": "-5"},
    }


def test_aggregate_over_no_rows(engine: Engine) -> None:
    query = AggregateSelect(
        rows(where=Const(False)),
        (
            block(CountField("count"), fn("sum", "rating")),
            NodesField("nodes", (c(ARTICLES, "id"),)),
        ),
    )
    assert engine.run(aggregate(query)) == {
        "aggregate": {"count": 0, "sum": {"rating": None}},
        "nodes": [],
    }


def test_paging_applies_before_aggregation_and_nodes_follow_order(engine: Engine) -> None:
    order = (OrderItem(ColumnRef(RATING), descending=True, nulls_first=False),)
    query = AggregateSelect(
        rows(order_by=order, limit=3),
        (
            NodesField("nodes", (c(ARTICLES, "id"),)),
            block(CountField("count"), fn("sum", "rating")),
            TypenameField("__typename", "articles_aggregate"),
            NodesField("again", (c(ARTICLES, "rating", "r"),)),
        ),
    )
    assert engine.run(aggregate(query)) == {
        "nodes": [{"id": 10}, {"id": 13}, {"id": 12}],
        "aggregate": {"count": 3, "sum": {"rating": 12}},
        "__typename": "articles_aggregate",
        "again": [{"r": 5}, {"r": 4}, {"r": 3}],
    }
    query = AggregateSelect(
        rows(order_by=(asc(ARTICLES, "id"),), offset=1),
        (block(CountField("count"), fn("avg", "rating")),),
    )
    assert engine.run(aggregate(query)) == {"aggregate": {"count": 3, "avg": {"rating": 3.5}}}


def test_aggregate_relationship_under_each_row(engine: Engine) -> None:
    related = AggregateSelect(
        rows(where=Compare(PUBLISHED, "_eq", True), order_by=(desc(ARTICLES, "id"),)),
        (
            block(CountField("count"), fn("max", "rating")),
            NodesField("nodes", (c(ARTICLES, "id"),)),
        ),
    )
    field = AggregateRelationField("articles_aggregate", ARTICLES_OF_AUTHOR, related)
    root = many(select(AUTHORS, c(AUTHORS, "id"), field, order_by=(asc(AUTHORS, "id"),)))

    def agg(count: int, top: int | None, ids: list[int]) -> dict[str, Any]:
        nodes = [{"id": i} for i in ids]
        return {"aggregate": {"count": count, "max": {"rating": top}}, "nodes": nodes}

    assert engine.run(root) == [
        {"id": 1, "articles_aggregate": agg(2, 5, [12, 10])},
        {"id": 2, "articles_aggregate": agg(1, 4, [13])},
        {"id": 3, "articles_aggregate": agg(0, None, [])},
    ]


def test_paged_aggregate_relationship(engine: Engine) -> None:
    related = AggregateSelect(
        rows(order_by=(asc(ARTICLES, "id"),), limit=1), (block(CountField("count")),)
    )
    field = AggregateRelationField("top", ARTICLES_OF_AUTHOR, related)
    root = many(select(AUTHORS, c(AUTHORS, "id"), field, order_by=(asc(AUTHORS, "id"),)))
    counts = [row["top"]["aggregate"]["count"] for row in engine.run(root)]
    assert counts == [1, 1, 0]


def _per_author(engine: Engine, related: AggregateSelect) -> list[Any]:
    field = AggregateRelationField("top", ARTICLES_OF_AUTHOR, related)
    root = many(select(AUTHORS, c(AUTHORS, "id"), field, order_by=(asc(AUTHORS, "id"),)))
    return [row["top"] for row in engine.run(root)]


def _summary(count: int, top: int | None, ids: list[int]) -> dict[str, Any]:
    nodes = [{"id": i} for i in ids]
    return {"aggregate": {"count": count, "max": {"rating": top}}, "nodes": nodes}


@pytest.mark.parametrize(
    ("paging", "expected"),
    [
        ({"offset": 1, "limit": 1}, [_summary(1, 3, [12]), _summary(0, None, [])]),
        ({"offset": 1}, [_summary(2, 3, [12, 11]), _summary(0, None, [])]),
        ({"limit": 2}, [_summary(2, 5, [10, 12]), _summary(1, 4, [13])]),
    ],
)
def test_paged_aggregate_relationship_with_nodes(
    engine: Engine, paging: dict[str, int], expected: list[Any]
) -> None:
    """limit/offset pick each parent's own rows, in order; aggregate and nodes agree."""
    order = (OrderItem(ColumnRef(RATING), descending=True, nulls_first=False),)
    related = AggregateSelect(
        rows(order_by=order, **paging),
        (
            block(fn("max", "rating"), CountField("count")),
            NodesField("nodes", (c(ARTICLES, "id"),)),
        ),
    )
    result = _per_author(engine, related)
    assert result == [*expected, _summary(0, None, [])]


def test_distinct_on_aggregate_relationship(engine: Engine) -> None:
    order = (asc(ARTICLES, "published"), desc(ARTICLES, "id"))
    related = AggregateSelect(
        rows(
            order_by=order,
            distinct_on=(PUBLISHED,),
            limit=1,
            where=Compare(ARTICLES.column("id"), "_neq", 10),
        ),
        (
            block(fn("max", "rating"), CountField("count")),
            NodesField("nodes", (c(ARTICLES, "id"),)),
        ),
    )
    assert _per_author(engine, related) == [
        _summary(1, None, [11]),
        _summary(1, 4, [13]),
        _summary(0, None, []),
    ]


# --- grouped aggregates -------------------------------------------------------------------------


def by_author(**args: Any) -> GroupSelect:
    fields = (
        GroupKeyBlock("keys", (c(ARTICLES, "author_id"),)),
        block(CountField("count"), fn("sum", "rating"), fn("avg", "rating")),
        TypenameField("__typename", "articles_group"),
    )
    return GroupSelect(rows(), (AUTHOR_ID,), fields, **args)


def group(author: int, count: int, total: int, mean: float) -> dict[str, Any]:
    return {
        "keys": {"author_id": author},
        "aggregate": {"count": count, "sum": {"rating": total}, "avg": {"rating": mean}},
        "__typename": "articles_group",
    }


def test_groups_ordered_by_aggregate(engine: Engine) -> None:
    order = (GroupOrderItem("count", None, descending=True),)
    assert engine.run(groups(by_author(order_by=order))) == [
        group(1, 3, 8, 4.0),
        group(2, 1, 4, 4.0),
    ]


def test_groups_having_limit_and_offset(engine: Engine) -> None:
    order = (GroupOrderItem(None, AUTHOR_ID),)
    having = AggregateCompare("count", None, "_gt", 1)
    assert engine.run(groups(by_author(having=having, order_by=order))) == [group(1, 3, 8, 4.0)]
    assert engine.run(groups(by_author(order_by=order, limit=1, offset=1))) == [group(2, 1, 4, 4.0)]
    having_tree = And(
        (
            Not(AggregateCompare("sum", RATING, "_in", [8])),
            AggregateCompare("max", RATING, "_gte", 4),
        )
    )
    assert engine.run(groups(by_author(having=having_tree))) == [group(2, 1, 4, 4.0)]


def test_groups_by_boolean_with_null_sums(engine: Engine) -> None:
    fields = (
        GroupKeyBlock("keys", (c(ARTICLES, "published"),)),
        block(CountField("count"), fn("sum", "rating")),
    )
    order = (GroupOrderItem("sum", RATING, descending=True, nulls_first=False),)
    query = GroupSelect(rows(), (PUBLISHED,), fields, order_by=order)
    assert engine.run(groups(query)) == [
        {"keys": {"published": True}, "aggregate": {"count": 3, "sum": {"rating": 12}}},
        {"keys": {"published": False}, "aggregate": {"count": 1, "sum": {"rating": None}}},
    ]


def test_groups_over_paged_rows_and_no_rows(engine: Engine) -> None:
    paged = GroupSelect(
        rows(order_by=(asc(ARTICLES, "id"),), limit=2),
        (AUTHOR_ID,),
        (GroupKeyBlock("keys", (c(ARTICLES, "author_id"),)), block(CountField("count"))),
    )
    assert engine.run(groups(paged)) == [{"keys": {"author_id": 1}, "aggregate": {"count": 2}}]
    empty = GroupSelect(rows(where=Const(False)), (AUTHOR_ID,), (block(CountField("n")),))
    assert engine.run(groups(empty)) == []
