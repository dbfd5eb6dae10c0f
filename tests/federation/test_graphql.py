"""The ``graphql`` connector against a real local GraphQL service, through the gateway."""

from __future__ import annotations

from typing import Any

import orjson
from federation_connectors._http import REQUEST_HEADERS
from http_sources import closed_port_url
from services import Recorder

from federation.config import Config, SourceConfig
from federation.gateway import Gateway


async def run(gateway: Gateway, query: str) -> Any:
    return orjson.loads((await gateway.execute(query)).body)


def test_remote_list_fields_become_prefixed_types(gateway: Gateway) -> None:
    sdl = gateway.sdl()
    assert "gq_books(" in sdl and "gq_authors(" in sdl
    assert "gq_books_by_pk(id: String!): gq_books" in sdl  # from `book(id: ID!): Book`
    assert "gq_authors_by_pk" not in sdl  # no single-object field for Author
    assert "gq_stats" not in sdl  # not a list


async def test_forwards_arguments_in_one_query(
    gateway: Gateway, graphql_recorder: Recorder
) -> None:
    graphql_recorder.calls.clear()
    result = await run(
        gateway,
        "{ gq_books(where: {year: {_gt: 1900}}, order_by: {year: desc}, limit: 2) "
        "{ t: title year __typename } }",
    )
    assert result == {
        "data": {
            "gq_books": [
                {"t": "Ubik", "year": 1969, "__typename": "gq_books"},
                {"t": "Dune", "year": 1965, "__typename": "gq_books"},
            ]
        }
    }
    (document,) = [query for query, _ in graphql_recorder.calls]
    assert "gq_books: books(where: $v0, order_by: $v1, limit: $v2) { t: title year }" in document


async def test_what_the_remote_cannot_filter_is_done_here(
    gateway: Gateway, graphql_recorder: Recorder
) -> None:
    graphql_recorder.calls.clear()
    result = await run(
        gateway,
        '{ gq_books(where: {title: {_like: "%i%"}}, order_by: {price: asc}, limit: 2) { id } }',
    )
    # Ubik 7.0, Solaris 8.25 (Emma has no "i"; Dune neither)
    assert result == {"data": {"gq_books": [{"id": "3"}, {"id": "4"}]}}
    (document,) = [query for query, _ in graphql_recorder.calls]
    assert "where" not in document and "limit" not in document
    assert "_c_title: title" in document and "_c_price: price" in document


async def test_by_pk_and_one_query_per_root_field(
    gateway: Gateway, graphql_recorder: Recorder
) -> None:
    graphql_recorder.calls.clear()
    result = await run(
        gateway,
        '{ a: gq_books_by_pk(id: "2") { title price } b: gq_books_by_pk(id: "9") { title } '
        'gq_authors(where: {name: {_eq: "Dick"}}) { id } }',
    )
    assert result == {
        "data": {"a": {"title": "Emma", "price": None}, "b": None, "gq_authors": [{"id": 3}]}
    }
    documents = sorted(query for query, _ in graphql_recorder.calls)
    assert len(documents) == 3
    assert any("a: book(id: $v0)" in d for d in documents)


async def test_forwards_allowed_headers(gateway: Gateway, graphql_recorder: Recorder) -> None:
    graphql_recorder.calls.clear()
    token = REQUEST_HEADERS.set({"authorization": "Bearer abc", "cookie": "secret"})
    try:
        await run(gateway, "{ gq_authors { id } }")
    finally:
        REQUEST_HEADERS.reset(token)
    assert graphql_recorder.calls[0][1] == {"authorization": "Bearer abc"}


async def test_remote_errors_carry_its_messages(gateway: Gateway) -> None:
    result = await run(gateway, "{ gq_broken { id } }")
    (error,) = result["errors"]
    assert error["extensions"] == {"code": "SOURCE_ERROR", "source": "remote"}
    assert "the author index is rebuilding" in error["message"]
    assert error["path"] == ["gq_broken"]


def test_explain_shows_the_remote_query(gateway: Gateway) -> None:
    text = gateway.explain("{ gq_books(where: {year: {_eq: 1965}}) { title } }")
    assert "-- POST http://127.0.0.1:" in text
    assert "-- query($v0: book_bool_exp) { gq_books: books(where: $v0) { title } }" in text
    assert 'variables: {"v0":{"year":{"_eq":1965}}}' in text


async def test_unavailable_at_start_leaves_the_others_working(tmp_path: Any) -> None:
    config = Config(
        sources=(
            SourceConfig(name="remote", kind="graphql", dsn=closed_port_url() + "/graphql"),
            SourceConfig(name="db", kind="sqlite", path=str(_db(tmp_path))),
        ),
        base_dir=tmp_path,
    )
    gateway = await Gateway.start(config)
    try:
        result = await run(gateway, "{ t { id } }")
        readiness = await gateway.readiness()
    finally:
        await gateway.stop()
    assert result == {"data": {"t": [{"id": 1}]}}
    assert readiness["db"] is None and "remote" in readiness and readiness["remote"]


def _db(folder: Any) -> Any:
    import sqlite3

    path = folder / "t.sqlite"
    with sqlite3.connect(path) as connection:
        connection.executescript(
            "create table t(id integer primary key); insert into t values (1);"
        )
    return path
