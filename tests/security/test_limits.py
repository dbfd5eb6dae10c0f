"""Every operation limit: a request just under it passes, one just over it is refused with the
limit's code and a message naming the limit, the measured value and the maximum."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Any

import httpx
import orjson
import pytest
from graphql import GraphQLSchema, build_schema
from graphql.language.parser import Parser
from security_helpers import GQL, JSON, Serve, code_of, errors_of

from federation.config import Config, load_config
from federation.gateway import GraphQLResponse, OperationType
from federation.server import create_app

LIMITS = """
security:
  limits:
    max_tokens: 60
    max_depth: 3
    max_aliases: 3
    max_root_fields: 3
    max_directives_per_field: 2
    max_batch_size: 3
    max_body_bytes: 2000
    max_cost: 100
    list_size: 10
"""


async def post(client: httpx.AsyncClient, body: Any, accept: str = GQL) -> httpx.Response:
    return await client.post("/graphql", json=body, headers={"accept": accept})


async def passes(client: httpx.AsyncClient, query: str, **extra: Any) -> dict[str, Any]:
    response = await post(client, {"query": query, **extra})
    assert response.status_code == 200, response.text
    body: dict[str, Any] = orjson.loads(response.content)
    assert "errors" not in body
    return body


async def refused(client: httpx.AsyncClient, query: str, code: str, **extra: Any) -> str:
    response = await post(client, {"query": query, **extra})
    assert response.status_code == 400, response.text
    assert code_of(response) == code
    [error] = errors_of(response)
    return str(error["message"])


def tokens(query: str) -> int:
    parser = Parser(query)
    parser.parse_document()
    return parser.token_count


def names(count: int) -> str:
    return "{ artist_by_pk(id: 1) { " + "name " * count + "} }"


async def test_tokens(serve: Serve) -> None:
    count = next(n for n in range(1, 100) if tokens(names(n)) == 60)
    async with serve(LIMITS) as client:
        await passes(client, names(count))
        message = await refused(client, names(count + 1), "TOKEN_LIMIT_EXCEEDED")
    assert message == (
        "the document has more than 60 tokens, the most allowed (security.limits.max_tokens): "
        "send a smaller document (fragments and variables make documents shorter)"
    )


async def test_depth(serve: Serve) -> None:
    async with serve(LIMITS) as client:
        await passes(client, "{ artist(limit: 1) { albums(limit: 1) { title } } }")
        message = await refused(
            client,
            "{ album(limit: 1) { artist { albums(limit: 1) { title } } } }",
            "DEPTH_LIMIT_EXCEEDED",
        )
    assert message == (
        "the operation nests fields 4 levels deep, more than the 3 allowed "
        "(security.limits.max_depth): flatten the query, or fetch deeper data in a second request"
    )


async def test_depth_counts_through_fragments(serve: Serve) -> None:
    query = """{ album(limit: 1) { ...A } }
      fragment A on album { artist { ...B } }
      fragment B on artist { albums(limit: 1) { title } }"""
    async with serve(LIMITS) as client:
        await refused(client, query, "DEPTH_LIMIT_EXCEEDED")


async def test_aliases(serve: Serve) -> None:
    async with serve(LIMITS) as client:
        await passes(client, "{ artist_by_pk(id: 1) { a: name b: name c: name } }")
        message = await refused(
            client,
            "{ artist_by_pk(id: 1) { a: name b: name c: name d: name } }",
            "ALIAS_LIMIT_EXCEEDED",
        )
    assert message.startswith("the operation uses 4 aliases, more than the 3 allowed ")


async def test_root_fields(serve: Serve) -> None:
    three = "artist(limit: 1) { id } album(limit: 1) { id } artist_by_pk(id: 1) { id }"
    async with serve(LIMITS) as client:
        await passes(client, "{ " + three + " }")
        message = await refused(
            client, "{ " + three + " album_by_pk(id: 1) { id } }", "ROOT_FIELD_LIMIT_EXCEEDED"
        )
    assert message.startswith("the operation selects 4 root fields, more than the 3 allowed ")


async def test_directives_per_field(serve: Serve) -> None:
    async with serve(LIMITS) as client:
        await passes(client, "{ artist_by_pk(id: 1) @include(if: true) @skip(if: false) { id } }")
        message = await refused(
            client,
            "{ artist_by_pk(id: 1) @include(if: true) @skip(if: false) @include(if: true) { id } }",
            "DIRECTIVE_LIMIT_EXCEEDED",
        )
    assert message.startswith("a field carries 3 directives, more than the 2 allowed ")


async def test_cost_with_literal_and_variable_limits(serve: Serve) -> None:
    by_variable = "query($n: Int) { artist(limit: $n) { id } }"
    async with serve(LIMITS) as client:
        await passes(client, "{ artist(limit: 99) { id } }")  # 1 + 99 * 1 = 100
        message = await refused(client, "{ artist(limit: 100) { id } }", "COST_LIMIT_EXCEEDED")
        await passes(client, by_variable, variables={"n": 99})
        await refused(client, by_variable, "COST_LIMIT_EXCEEDED", variables={"n": 100})
    assert message == (
        "the operation's estimated cost is 101, more than the 100 allowed "
        "(security.limits.max_cost): pass smaller `limit` (or `first`) arguments to list "
        "fields, or select fewer nested lists"
    )


async def test_cost_of_a_list_without_limit_uses_list_size(serve: Serve) -> None:
    async with serve(LIMITS) as client:  # 1 + 10 * (1 + 10 * 1) = 111
        response = await post(client, {"query": "{ artist { albums { title } } }"})
    [error] = errors_of(response)
    assert error["extensions"] == {
        "code": "COST_LIMIT_EXCEEDED",
        "limit": "max_cost",
        "measured": 111,
        "maximum": 100,
    }


async def test_batch_size(serve: Serve) -> None:
    item = {"query": "{ __typename }"}
    async with serve(LIMITS) as client:
        ok = await post(client, [item] * 3)
        over = await post(client, [item] * 4)
    assert ok.status_code == 200
    assert [body["data"] for body in orjson.loads(ok.content)] == [{"__typename": "query_root"}] * 3
    assert over.status_code == 400
    assert code_of(over) == "BATCH_LIMIT_EXCEEDED"
    assert errors_of(over)[0]["message"] == (
        "the batch holds 4 requests, more than the 3 allowed "
        "(security.limits.max_batch_size): split it into smaller batches"
    )


def padded(size: int) -> bytes:
    body = orjson.dumps({"query": "{ __typename }", "variables": {"pad": ""}})
    return body.replace(b'""', b'"' + b"x" * (size - len(body)) + b'"')


async def test_body_size(serve: Serve) -> None:
    headers = {"content-type": JSON, "accept": GQL}
    async with serve(LIMITS) as client:
        ok = await client.post("/graphql", content=padded(2000), headers=headers)
        over = await client.post("/graphql", content=padded(2001), headers=headers)
    assert ok.status_code == 200, ok.text
    assert over.status_code == 413
    assert code_of(over) == "PAYLOAD_TOO_LARGE"
    assert "(security.limits.max_body_bytes)" in errors_of(over)[0]["message"]


async def test_a_client_has_its_own_limits(serve: Serve) -> None:
    config = (
        LIMITS
        + """
clients:
  - name: partner
    key: partner-key
    limits: {max_depth: 4}
"""
    )
    deep = "{ album(limit: 1) { artist { albums(limit: 1) { title } } } }"
    async with serve(config) as client:
        await refused(client, deep, "DEPTH_LIMIT_EXCEEDED")
        response = await client.post(
            "/graphql", json={"query": deep}, headers={"x-api-key": "partner-key"}
        )
        assert response.status_code == 200
        five = "{ album(limit: 1) { artist { albums(limit: 1) { artist { name } } } } }"
        response = await client.post(
            "/graphql", json={"query": five}, headers={"x-api-key": "partner-key", "accept": GQL}
        )
    assert response.status_code == 400
    assert "(clients[partner].limits.max_depth)" in errors_of(response)[0]["message"]


async def test_zero_turns_a_limit_off(serve: Serve) -> None:
    async with serve("security:\n  limits: {max_aliases: 0, max_root_fields: 0}\n") as client:
        aliases = " ".join(f"a{i}: __typename" for i in range(150))
        await passes(client, "{ " + aliases + " }")


# --- execution timeout: a gateway double whose operation takes a known time ----------------


@dataclass
class SlowGateway:
    config: Config
    delay: float
    schema: GraphQLSchema = field(default_factory=lambda: build_schema("type Query { a: Int }"))

    async def execute(
        self,
        query: str,
        variables: dict[str, Any] | None = None,
        operation_name: str | None = None,
        *,
        allowed_operations: frozenset[OperationType] = frozenset({"query"}),
        caller: str | None = None,
    ) -> GraphQLResponse:
        await asyncio.sleep(self.delay)
        return GraphQLResponse(b'{"data":{"a":1}}')

    async def readiness(self) -> dict[str, str | None]:
        return {}

    async def stop(self) -> None:
        return None


@pytest.mark.parametrize(("timeout", "status"), [(2.0, 200), (0.05, 504)])
async def test_execution_timeout(tmp_path: Any, timeout: float, status: int) -> None:
    from security_helpers import write_config

    config = load_config(write_config(tmp_path, f"security:\n  limits: {{timeout: {timeout}}}\n"))
    app = create_app(config, gateway=SlowGateway(config, delay=0.3))
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
        response = await post(client, {"query": "{ a }"})
    assert response.status_code == status
    if status == 504:
        assert code_of(response) == "EXECUTION_TIMEOUT"
        assert errors_of(response)[0]["message"].startswith(
            f"the operation did not finish within {timeout:g} s (security.limits.timeout)"
        )
