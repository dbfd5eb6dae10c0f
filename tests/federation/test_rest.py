"""The ``rest`` connector against a real local REST service, through the gateway."""

from __future__ import annotations

from typing import Any

import orjson
import pytest
from federation_connectors.rest import RestConnector
from http_sources import API_KEY, ENDPOINTS, USER_ENDPOINT, rest_source
from services import USERS, Recorder

from federation.config import SourceConfig
from federation.errors import ConfigError
from federation.gateway import Gateway


async def run(gateway: Gateway, query: str) -> Any:
    return orjson.loads((await gateway.execute(query)).body)


async def test_list_follows_pages_and_types_values(
    gateway: Gateway, rest_recorder: Recorder
) -> None:
    rest_recorder.calls.clear()
    result = await run(gateway, "{ user { id name score joined city __typename } }")
    users = result["data"]["user"]
    assert [u["id"] for u in users] == [1, 2, 3, 4, 5, 6, 7]
    assert users[0] == {
        "id": 1,
        "name": "Ann",
        "score": "12.5",  # numeric travels as a string, as from SQL sources
        "joined": "2024-01-05",
        "city": "Oslo",  # declared `from: profile.city`
        "__typename": "user",
    }
    assert users[4]["city"] is None
    pages = [query.get("page") for path, query in rest_recorder.calls if path == "/users"]
    assert pages == ["1", "2", "3"]  # 7 rows, 3 per page


async def test_by_pk_uses_the_item_path(gateway: Gateway, rest_recorder: Recorder) -> None:
    rest_recorder.calls.clear()
    result = await run(gateway, "{ a: user_by_pk(id: 3) { name } b: user_by_pk(id: 42) { name } }")
    assert result == {"data": {"a": {"name": "Cé"}, "b": None}}
    assert sorted(rest_recorder.paths()) == ["/users/3", "/users/42"]


async def test_declared_filter_goes_out_as_query_parameter(
    gateway: Gateway, rest_recorder: Recorder
) -> None:
    rest_recorder.calls.clear()
    result = await run(gateway, '{ user(where: {status: {_eq: "inactive"}}) { id } }')
    assert result == {"data": {"user": [{"id": 2}, {"id": 7}]}}
    assert rest_recorder.calls == [("/users", {"status": "inactive", "page": "1", "per_page": "3"})]


async def test_gateway_does_the_remainder(gateway: Gateway) -> None:
    query = """{ user(
        where: {_or: [{name: {_ilike: "%a%"}}, {city: {_eq: "Oslo"}}], _not: {score: {_lt: 5}}},
        order_by: [{score: desc_nulls_last}, {id: asc}], offset: 1, limit: 2
    ) { id score } }"""
    result = await run(gateway, query)
    # matching: Ann 12.5, Dan 7.25, Fay 0 (excluded by _not), Gus 5; Cé has a null score, and
    # NOT (null < 5) is unknown, so she is left out as SQL would.
    assert result == {"data": {"user": [{"id": 4, "score": "7.25"}, {"id": 7, "score": "5"}]}}


async def test_limit_without_filters_stops_paging_early(
    gateway: Gateway, rest_recorder: Recorder
) -> None:
    rest_recorder.calls.clear()
    result = await run(gateway, "{ user(limit: 2) { id } }")
    assert result == {"data": {"user": [{"id": 1}, {"id": 2}]}}
    assert len(rest_recorder.calls) == 1


async def test_cursor_pagination(gateway: Gateway, rest_recorder: Recorder) -> None:
    rest_recorder.calls.clear()
    result = await run(gateway, '{ event(where: {kind: {_eq: "view"}}) { seq } }')
    assert result == {"data": {"event": [{"seq": 0}, {"seq": 2}, {"seq": 4}]}}
    cursors = [query.get("cursor") for _, query in rest_recorder.calls]
    assert cursors == [None, "2", "4"]


async def test_aggregate_count_and_nodes(gateway: Gateway) -> None:
    result = await run(
        gateway,
        '{ user_aggregate(where: {status: {_eq: "active"}}) '
        "{ aggregate { count n: count(columns: [score]) } nodes { name } } }",
    )
    aggregate = result["data"]["user_aggregate"]
    assert aggregate["aggregate"] == {"count": 4, "n": 3}
    assert [n["name"] for n in aggregate["nodes"]] == ["Ann", "Cé", "Dan", "Fay"]


async def test_aggregates_it_cannot_do_are_refused_by_name(gateway: Gateway) -> None:
    result = await run(gateway, "{ user_aggregate { aggregate { sum { id } } } }")
    assert result["errors"][0]["extensions"]["code"] == "NOT_SUPPORTED_BY_SOURCE"
    assert "'api'" in result["errors"][0]["message"] and "sum" in result["errors"][0]["message"]


async def test_retries_a_503_then_succeeds(gateway: Gateway, rest_recorder: Recorder) -> None:
    rest_recorder.calls.clear()
    rest_recorder.failures_left = 2
    result = await run(gateway, "{ flaky { id ok } }")
    assert result == {"data": {"flaky": [{"id": 1, "ok": True}]}}
    assert rest_recorder.paths() == ["/flaky"] * 3


async def test_gives_up_after_the_retry_bound(gateway: Gateway, rest_recorder: Recorder) -> None:
    rest_recorder.calls.clear()
    rest_recorder.failures_left = 10
    result = await run(gateway, "{ flaky { id } }")
    rest_recorder.failures_left = 0
    assert result["data"] is None  # [flaky!]! is non-null: the error propagates to data
    error = result["errors"][0]
    assert error["extensions"] == {"code": "SOURCE_UNAVAILABLE", "source": "api"}
    assert "/flaky answered HTTP 503" in error["message"]
    assert len(rest_recorder.calls) == 3  # first try + 2 retries


async def test_timeout_is_partial_failure(gateway: Gateway, rest_recorder: Recorder) -> None:
    rest_recorder.delay = 1.0
    try:
        result = await run(
            gateway, "{ slow_by_pk(id: 1) { id } author(order_by: {id: asc}) { name } }"
        )
    finally:
        rest_recorder.delay = 0.0
    assert result["data"] == {"slow_by_pk": None, "author": [{"name": "Ann"}, {"name": "Bob"}]}
    (error,) = result["errors"]
    assert error["path"] == ["slow_by_pk"]
    assert error["extensions"] == {"code": "SOURCE_TIMEOUT", "source": "slowapi"}


async def test_unreachable_at_start_answers_with_its_name(gateway: Gateway) -> None:
    result = await run(gateway, "{ gone { id } }")
    error = result["errors"][0]
    assert error["extensions"] == {"code": "SOURCE_UNAVAILABLE", "source": "downapi"}
    assert error["path"] == ["gone"]
    assert API_KEY not in error["message"]
    readiness = await gateway.readiness()
    assert readiness["api"] is None and readiness["downapi"] is not None


async def test_explain_shows_the_request(gateway: Gateway) -> None:
    text = gateway.explain(
        '{ user(where: {status: {_eq: "active"}}, order_by: {name: desc}) { id } }'
    )
    assert "-- GET http://127.0.0.1:" in text and "/users?status=active" in text
    assert "pages: page style, at most 5" in text
    assert "then in the gateway: filter, order by name desc" in text


# --- the connector on its own ------------------------------------------------------------------


@pytest.fixture
async def connector(rest_url: str) -> Any:
    opened = RestConnector(rest_source("api", rest_url, ENDPOINTS))
    await opened.open()
    yield opened
    await opened.close()


async def test_fetch_by_keys_uses_one_batch_request(
    connector: RestConnector, rest_recorder: Recorder
) -> None:
    rest_recorder.calls.clear()
    rows = await connector.fetch_by_keys("user", "id", [1, 3, 3, 9])
    assert sorted(row["id"] for row in rows) == [1, 3]
    assert rest_recorder.calls == [("/users_batch", {"ids": "1,3,9"})]


async def test_fetch_by_keys_without_a_batch_form_asks_each_key_once(
    rest_url: str, rest_recorder: Recorder
) -> None:
    endpoint = {k: v for k, v in USER_ENDPOINT.items() if k != "batch"}
    connector = RestConnector(rest_source("api", rest_url, [endpoint]))
    await connector.open()
    rest_recorder.calls.clear()
    try:
        rows = await connector.fetch_by_keys("user", "id", [2, 2, 5])
    finally:
        await connector.close()
    assert sorted(row["name"] for row in rows) == ["Bob", "Eve"]
    assert sorted(rest_recorder.paths()) == ["/users/2", "/users/5"]


async def test_too_many_pages_is_an_error_not_a_truncation(rest_url: str) -> None:
    endpoint = {**USER_ENDPOINT, "pagination": {**USER_ENDPOINT["pagination"], "max_pages": 2}}
    connector = RestConnector(rest_source("api", rest_url, [endpoint]))
    await connector.open()
    try:
        with pytest.raises(Exception, match="more than 2 pages"):
            await connector.fetch_by_keys("user", "name", ["Gus"])
    finally:
        await connector.close()


def test_declarations_report_every_problem_with_its_path() -> None:
    bad = [
        {"type": "x y", "path": "users", "fields": {"id": "Integer64"}, "primary_key": ["nope"]},
        {
            "type": "ok",
            "path": "/ok/{missing}",
            "fields": {"id": "Int"},
            "pagination": {"style": "pages"},
        },
    ]
    with pytest.raises(ConfigError) as caught:
        RestConnector(
            SourceConfig(name="api", kind="rest", dsn="http://x", options={"endpoints": bad})
        )
    problems = "\n".join(caught.value.problems)
    for expected in (
        "sources.api.options.endpoints[0].type: expected a GraphQL name",
        "endpoints[0].path: expected a path starting with '/'",
        "endpoints[0].fields.id: unknown type 'Integer64'",
        "endpoints[0].primary_key: 'nope' is not a declared field",
        "endpoints[1].pagination.style: expected page, offset or cursor",
        "endpoints[1].path: placeholder {missing} names no declared field",
    ):
        assert expected in problems
    assert len(USERS) == 7
