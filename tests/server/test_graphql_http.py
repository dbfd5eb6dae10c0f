"""`/graphql` over HTTP: the status code and media type rules of the GraphQL-over-HTTP draft,
as the `graphql-http` audit checks them (audit ids in comments)."""

from __future__ import annotations

from typing import Any

import httpx
import orjson
import pytest
from server_doubles import SmallGateway

from federation.gateway import GraphQLResponse
from federation.server.graphql_http import MAX_BODY_BYTES

GQL = "application/graphql-response+json"
JSON = "application/json"


def post(client: httpx.AsyncClient, body: Any, accept: str | None = None, **headers: str) -> Any:
    headers = {"content-type": JSON, **headers}
    if accept is not None:
        headers["accept"] = accept
    content = body if isinstance(body, bytes) else orjson.dumps(body)
    return client.post("/graphql", content=content, headers=headers)


def errors_of(response: httpx.Response) -> list[dict[str, Any]]:
    body = orjson.loads(response.content)
    assert "data" not in body
    return body["errors"]  # type: ignore[no-any-return]


# --- success and media types -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("accept", "media_type"),
    [(GQL, GQL), (JSON, JSON), ("*/*", JSON), (None, JSON)],  # 22EB 4655 47DE 82A3
)
async def test_post_answers_in_the_negotiated_media_type(
    client: httpx.AsyncClient, accept: str | None, media_type: str
) -> None:
    response = await post(client, {"query": "{ __typename }"}, accept)
    assert response.status_code == 200
    assert response.headers["content-type"] == f"{media_type}; charset=utf-8"
    assert response.headers["vary"] == "Accept"
    assert orjson.loads(response.content) == {"data": {"__typename": "Query"}}


async def test_post_accepts_utf8_charset_and_legacy_request_type(
    client: httpx.AsyncClient,
) -> None:  # BF61
    for content_type in ("application/json; charset=utf-8", "application/graphql+json"):
        response = await post(
            client, {"query": '{ hello(name: "é") }'}, **{"content-type": content_type}
        )
        assert response.status_code == 200
        assert orjson.loads(response.content) == {"data": {"hello": "hello é"}}


async def test_response_body_is_the_gateway_bytes_unchanged(gateway: SmallGateway) -> None:
    body = b'{"data":{"x":{"raw":1.50,"big":12345678901234567890}}}'

    async def execute(*_args: Any, **_kwargs: Any) -> GraphQLResponse:
        return GraphQLResponse(body=body)

    gateway.execute = execute  # type: ignore[method-assign]
    from server_doubles import client_for

    async with client_for(gateway) as client:
        response = await post(client, {"query": "{ x }"})
    assert response.content == body


async def test_post_passes_all_parameters_to_the_gateway(
    client: httpx.AsyncClient, gateway: SmallGateway
) -> None:  # 8161 B8B3 28B9 1B7A
    response = await post(
        client,
        {
            "query": "query A { hello } query B($n: String) { hello(name: $n) }",
            "operationName": "B",
            "variables": {"n": "ana"},
            "extensions": {"some": "value"},
        },
        GQL,
    )
    assert response.status_code == 200
    assert orjson.loads(response.content) == {"data": {"hello": "hello ana"}}
    assert gateway.calls[-1]["operation_name"] == "B"
    assert gateway.calls[-1]["variables"] == {"n": "ana"}
    assert gateway.calls[-1]["allowed_operations"] == frozenset({"query", "mutation"})


@pytest.mark.parametrize("name", ["variables", "operationName", "extensions"])
@pytest.mark.parametrize("accept", [GQL, JSON])
async def test_null_optional_parameters_are_allowed(
    client: httpx.AsyncClient, name: str, accept: str
) -> None:  # 94B0-2 0220-2
    response = await post(client, {"query": "{ __typename }", name: None}, accept)
    assert response.status_code == 200
    assert "errors" not in orjson.loads(response.content)


async def test_mutation_over_post_runs(client: httpx.AsyncClient) -> None:
    response = await post(client, {"query": "mutation { bump }"}, GQL)
    assert response.status_code == 200
    assert orjson.loads(response.content) == {"data": {"bump": 1}}


async def test_field_error_with_data_is_200_for_both_media_types(
    client: httpx.AsyncClient,
) -> None:
    for accept in (GQL, JSON):
        response = await post(client, {"query": "{ hello fail }"}, accept)
        assert response.status_code == 200
        body = orjson.loads(response.content)
        assert body["data"] == {"hello": "hello world", "fail": None}
        assert body["errors"][0]["path"] == ["fail"]


# --- GET -------------------------------------------------------------------------------------


async def test_get_with_variables_as_json(client: httpx.AsyncClient, gateway: SmallGateway) -> None:
    params = {
        "query": "query Q($n: String) { hello(name: $n) }",
        "variables": '{"n": "bo"}',
        "operationName": "Q",
    }
    for accept in (GQL, JSON):  # D6D5 6A70
        response = await client.get("/graphql", params=params, headers={"accept": accept})
        assert response.status_code == 200
        assert response.headers["content-type"].startswith(accept)
        assert orjson.loads(response.content) == {"data": {"hello": "hello bo"}}
    assert gateway.calls[-1]["allowed_operations"] == frozenset({"query"})


async def test_get_without_accept_answers_application_json(client: httpx.AsyncClient) -> None:
    response = await client.get("/graphql", params={"query": "{ __typename }"})  # 80D8 5A70
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json; charset=utf-8"


async def test_get_empty_operation_name_means_none(
    client: httpx.AsyncClient, gateway: SmallGateway
) -> None:
    response = await client.get("/graphql", params={"query": "{ hello }", "operationName": ""})
    assert response.status_code == 200
    assert gateway.calls[-1]["operation_name"] is None


@pytest.mark.parametrize("accept", [GQL, JSON])
async def test_mutation_over_get_is_405_with_allow_post(
    client: httpx.AsyncClient, accept: str
) -> None:  # 9C48
    response = await client.get(
        "/graphql", params={"query": "mutation { bump }"}, headers={"accept": accept}
    )
    assert response.status_code == 405
    assert response.headers["allow"] == "POST"
    assert "not allowed" in errors_of(response)[0]["message"]


@pytest.mark.parametrize(
    ("params", "fragment"),
    [
        ({}, "`query` parameter is missing"),
        (
            {"query": "{ hello }", "variables": "{nope"},
            "`variables` query parameter is not valid JSON",
        ),
        ({"query": "{ hello }", "variables": "[1]"}, "`variables` parameter must be a JSON object"),
        (
            {"query": "{ hello }", "extensions": '"x"'},
            "`extensions` parameter must be a JSON object",
        ),
    ],
)
async def test_get_bad_parameters(
    client: httpx.AsyncClient, params: dict[str, str], fragment: str
) -> None:
    response = await client.get("/graphql", params=params, headers={"accept": GQL})
    assert response.status_code == 400
    assert fragment in errors_of(response)[0]["message"]


# --- not well-formed: 400 in both media types -------------------------------------------------

BAD_BODIES: list[tuple[Any, str]] = [
    (b'{ "not a JSON', "the request body is not valid JSON"),
    (b"", "the request body is empty"),
    ({"qeury": "{ __typename }"}, "`query` parameter is missing"),
    ({"query": {"obj": "ect"}}, "`query` parameter must be a string, not a JSON object"),
    ({"query": 0}, "`query` parameter must be a string, not a JSON number"),
    ({"query": False}, "`query` parameter must be a string, not a JSON boolean"),
    ({"query": ["array"]}, "`query` parameter must be a string, not a JSON array"),
    ({"query": "{ hello }", "operationName": 0}, "`operationName` parameter must be a string"),
    ({"query": "{ hello }", "operationName": {"o": 1}}, "`operationName` parameter must be"),
    ({"query": "{ hello }", "variables": "string"}, "not a JSON string"),
    ({"query": "{ hello }", "variables": 0}, "`variables` parameter must be a JSON object"),
    ({"query": "{ hello }", "variables": False}, "`variables` parameter must be a JSON object"),
    ({"query": "{ hello }", "variables": ["array"]}, "not a JSON array"),
    ({"query": "{ hello }", "extensions": "string"}, "`extensions` parameter must be"),
    ({"query": "{ hello }", "extensions": ["array"]}, "`extensions` parameter must be"),
    ([], "the batch is empty"),
    ([{"query": "{ hello }"}] * 21, "more than the 20 allowed"),
    ([{"query": "{ hello }"}, "x"], "must be a JSON object with a `query` string"),
    (b'"just a string"', "must be a JSON object with a `query` string, not a JSON string"),
    (b"\xff\xfe{}", "not valid JSON"),
]


@pytest.mark.parametrize("accept", [GQL, JSON, None])
@pytest.mark.parametrize(("body", "fragment"), BAD_BODIES)
async def test_malformed_requests_are_400_with_a_message(
    client: httpx.AsyncClient, gateway: SmallGateway, body: Any, fragment: str, accept: str | None
) -> None:  # B7N8 BCF8 A5BF 423L LKJ0-3 6C00-3 4760-3 58B0-3 8764 3E3A 34D6
    response = await post(client, body, accept)
    assert response.status_code == 400
    assert response.headers["content-type"] == f"{accept or JSON}; charset=utf-8"
    [error] = errors_of(response)
    assert fragment in error["message"]
    too_many = "allowed" in fragment  # the batch limit has its own code (docs/security.md)
    assert error["extensions"]["code"] == ("BATCH_LIMIT_EXCEEDED" if too_many else "BAD_REQUEST")
    assert gateway.calls == []


# --- GraphQL request errors: 400 for graphql-response+json, 200 for application/json -------


@pytest.mark.parametrize(
    ("query", "variables"),
    [
        ("{", None),  # parse failure: 865D 556A D586 572B
        ("{ 8f31403dfe404bccbb0e835f2629c6a7 }", None),  # validation: 51FE 74FF 5E5B FDE2
        ("query Q($n: Int!) { hello }", {"n": "x"}),  # variable coercion: 86EE 7B9B
        ("query A { hello } query B { hello }", None),  # operation cannot be determined
    ],
)
async def test_graphql_request_errors(
    client: httpx.AsyncClient, query: str, variables: dict[str, Any] | None
) -> None:
    body = {"query": query, "variables": variables}
    response = await post(client, body, GQL)
    assert response.status_code == 400
    assert errors_of(response)
    response = await post(client, body, JSON)
    assert response.status_code == 200
    assert errors_of(response)


# --- HTTP-level refusals ---------------------------------------------------------------------


@pytest.mark.parametrize("accept", ["text/html", "application/xml", "application/json;q=0"])
async def test_406_when_no_supported_media_type_is_acceptable(
    client: httpx.AsyncClient, gateway: SmallGateway, accept: str
) -> None:
    response = await post(client, {"query": "{ hello }"}, accept)
    assert response.status_code == 406
    assert "application/graphql-response+json" in errors_of(response)[0]["message"]
    assert gateway.calls == []


@pytest.mark.parametrize(
    "content_type",
    [
        "application/x-www-form-urlencoded",
        "multipart/form-data; boundary=x",
        "text/plain",
        "application/graphql",
        "application/json; charset=latin-1",
    ],
)
async def test_415_for_bodies_that_are_not_json(
    client: httpx.AsyncClient, gateway: SmallGateway, content_type: str
) -> None:
    response = await client.post(
        "/graphql", content=b"query=%7B+hello+%7D", headers={"content-type": content_type}
    )
    assert response.status_code == 415
    message = errors_of(response)[0]["message"]
    assert "application/json" in message or "UTF-8" in message
    assert gateway.calls == []


async def test_415_names_csrf_for_form_posts(client: httpx.AsyncClient) -> None:
    response = await client.post("/graphql", data={"query": "mutation { bump }"})
    assert response.status_code == 415
    assert "cross-site request forgery" in errors_of(response)[0]["message"]


async def test_post_without_content_type_is_415(client: httpx.AsyncClient) -> None:  # 9ABE
    response = await client.post("/graphql")
    assert response.status_code == 415
    assert "no Content-Type header" in errors_of(response)[0]["message"]


@pytest.mark.parametrize("method", ["PUT", "PATCH", "DELETE"])
async def test_other_methods_are_405(client: httpx.AsyncClient, method: str) -> None:
    response = await client.request(method, "/graphql")
    assert response.status_code == 405
    assert response.headers["allow"] == "GET, HEAD, POST"
    assert f"{method} is not supported" in errors_of(response)[0]["message"]


async def test_body_larger_than_the_limit_is_413(client: httpx.AsyncClient) -> None:
    response = await post(client, b" " * (MAX_BODY_BYTES + 1))
    assert response.status_code == 413
    assert "larger than" in errors_of(response)[0]["message"]


async def test_unexpected_gateway_failure_is_a_json_500_without_details(
    gateway: SmallGateway,
) -> None:
    async def execute(*_args: Any, **_kwargs: Any) -> GraphQLResponse:
        raise RuntimeError("password=secret")

    gateway.execute = execute  # type: ignore[method-assign]
    from server_doubles import client_for

    async with client_for(gateway) as client:
        response = await post(client, {"query": "{ hello }"}, GQL)
    assert response.status_code == 500
    assert errors_of(response)[0]["message"] == "internal server error"
    assert b"secret" not in response.content


async def test_a_batch_answers_each_request_in_order(client: httpx.AsyncClient) -> None:
    batch = [
        {"query": "query($n: String) { hello(name: $n) }", "variables": {"n": "a"}},
        {"query": "{ nope }"},
        {"query": "{ hello }"},
    ]
    response = await post(client, batch, JSON)
    assert response.status_code == 200
    answers = orjson.loads(response.content)
    assert answers[0] == {"data": {"hello": "hello a"}}
    assert "data" not in answers[1] and "nope" in answers[1]["errors"][0]["message"]
    assert answers[2] == {"data": {"hello": "hello world"}}
