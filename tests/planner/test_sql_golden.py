"""Golden files: the SQL each dialect receives for a handful of plans, side by side.

Each case is ``golden/<case>.sql`` with a ``-- <dialect>`` section per dialect holding the
pretty-printed statement and its parameters (``explain_sql``). After an intended change,
regenerate with ``UPDATE_GOLDEN=1 pytest tests/planner/test_sql_golden.py`` and review the diff.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from sql_fixtures import (
    ARTICLE_OF_COMMENT,
    ARTICLES,
    ARTICLES_OF_AUTHOR,
    AUTHOR_OF_ARTICLE,
    AUTHORS,
    COMMENTS,
    COMMENTS_OF_ARTICLE,
    HOSTILE,
    aggregate,
    asc,
    c,
    cols,
    desc,
    groups,
    many,
    one,
    select,
)

from federation.planner.plan import (
    AggregateBlock,
    AggregateCompare,
    AggregateRef,
    AggregateRelationField,
    AggregateSelect,
    ArrayRelationField,
    ColumnAggregate,
    ColumnRef,
    Compare,
    CountField,
    Exists,
    GroupKeyBlock,
    GroupOrderItem,
    GroupSelect,
    NodesField,
    Not,
    ObjectRelationField,
    Or,
    OrderItem,
    RootField,
)
from federation.planner.sql import DIALECTS, compile_root, explain_sql

GOLDEN = Path(__file__).parent / "golden"
UPDATE = os.environ.get("UPDATE_GOLDEN", "") not in ("", "0")


def _nested() -> RootField:
    comments = select(COMMENTS, *cols(COMMENTS, "body", "user"), order_by=(desc(COMMENTS, "id"),))
    articles = select(
        ARTICLES,
        c(ARTICLES, "title"),
        ArrayRelationField("comments", COMMENTS_OF_ARTICLE, comments),
        ObjectRelationField("author", AUTHOR_OF_ARTICLE, select(AUTHORS, c(AUTHORS, "name"))),
        where=Compare(ARTICLES.column("published"), "_eq", True),
        order_by=(asc(ARTICLES, "order"),),
        limit=2,
    )
    return many(
        select(
            AUTHORS,
            *cols(AUTHORS, "id", "active", "big", "meta", "avatar", "created"),
            ArrayRelationField("articles", ARTICLES_OF_AUTHOR, articles),
            order_by=(OrderItem(ColumnRef(AUTHORS.column("score")), True),),
            offset=1,
        )
    )


def _filters() -> RootField:
    name = AUTHORS.column("name")
    where = Or(
        (
            Compare(name, "_in", [HOSTILE, "100%", "$1"]),
            Not(Compare(name, "_ilike", "%ada%")),
            Exists(ARTICLES_OF_AUTHOR, Compare(ARTICLES.column("rating"), "_gte", 4)),
            Compare(AUTHORS.column("full name"), "_like", "a\\_%"),
        )
    )
    by_count = OrderItem(AggregateRef(ARTICLES_OF_AUTHOR, "count"), descending=True)
    return many(select(AUTHORS, c(AUTHORS, "id"), where=where, order_by=(by_count,)))


def _by_pk() -> RootField:
    where = Compare(AUTHORS.column("id"), "_eq", 1)
    return one(select(AUTHORS, *cols(AUTHORS, "id", "name", "Order"), where=where))


def _aggregate() -> RootField:
    rating = ARTICLES.column("rating")
    items = (
        CountField("count", (rating,), distinct=True),
        ColumnAggregate("avg", "avg", (c(ARTICLES, "rating"),)),
        ColumnAggregate("stddev", "stddev", (c(ARTICLES, "rating"),)),
    )
    rows = select(ARTICLES, order_by=(desc(ARTICLES, "rating"),), limit=10)
    fields = (AggregateBlock("aggregate", items), NodesField("nodes", (c(ARTICLES, "id"),)))
    return aggregate(AggregateSelect(rows, fields))


def _groups() -> RootField:
    author_id = ARTICLES.column("author_id")
    fields = (
        GroupKeyBlock("keys", (c(ARTICLES, "author_id"),)),
        AggregateBlock("aggregate", (CountField("count"),)),
    )
    return groups(
        GroupSelect(
            select(ARTICLES),
            (author_id,),
            fields,
            having=AggregateCompare("count", None, "_gt", 1),
            order_by=(GroupOrderItem("count", None, descending=True),),
            limit=5,
        )
    )


def _distinct_on() -> RootField:
    order = (asc(ARTICLES, "author_id"), desc(ARTICLES, "rating"))
    query = select(
        ARTICLES,
        c(ARTICLES, "id"),
        order_by=order,
        distinct_on=(ARTICLES.column("author_id"),),
    )
    return many(query)


def _nested_paged_and_objects() -> RootField:
    """Nested distinct_on and a paged <rel>_aggregate (MariaDB: ROW_NUMBER() partitioned by
    the link), and object relationships joined into unpaged rows (PostgreSQL)."""
    article = ObjectRelationField(
        "article",
        ARTICLE_OF_COMMENT,
        select(
            ARTICLES,
            c(ARTICLES, "title"),
            ObjectRelationField("author", AUTHOR_OF_ARTICLE, select(AUTHORS, c(AUTHORS, "name"))),
            where=Compare(ARTICLES.column("published"), "_eq", True),
        ),
    )
    comments = select(COMMENTS, c(COMMENTS, "body"), article)
    top = AggregateSelect(
        select(ARTICLES, order_by=(desc(ARTICLES, "rating"),), limit=2, offset=1),
        (AggregateBlock("aggregate", (CountField("count"),)),),
    )
    firsts = select(
        ARTICLES,
        c(ARTICLES, "id"),
        ArrayRelationField("comments", COMMENTS_OF_ARTICLE, comments),
        order_by=(asc(ARTICLES, "published"), desc(ARTICLES, "id")),
        distinct_on=(ARTICLES.column("published"),),
    )
    return many(
        select(
            AUTHORS,
            c(AUTHORS, "id"),
            ArrayRelationField("firsts", ARTICLES_OF_AUTHOR, firsts),
            AggregateRelationField("top", ARTICLES_OF_AUTHOR, top),
        )
    )


CASES = {
    "nested_arrays": _nested,
    "nested_paged_and_objects": _nested_paged_and_objects,
    "filters": _filters,
    "by_pk": _by_pk,
    "aggregate_nodes": _aggregate,
    "group_by": _groups,
    "distinct_on": _distinct_on,
}


def render_case(root: RootField) -> str:
    sections = [f"-- {name}\n{explain_sql(compile_root(root, name))}\n" for name in DIALECTS]
    return "\n".join(sections)


@pytest.mark.parametrize("case", sorted(CASES))
def test_golden_sql(case: str) -> None:
    path = GOLDEN / f"{case}.sql"
    actual = render_case(CASES[case]())
    if UPDATE or not path.exists():
        path.write_text(actual, encoding="utf-8")
        if not UPDATE:
            pytest.fail(f"wrote missing golden file {path.name}; review it and rerun")
    assert actual == path.read_text(encoding="utf-8"), (
        f"SQL for {case!r} changed; if intended, regenerate with UPDATE_GOLDEN=1 and review"
    )
