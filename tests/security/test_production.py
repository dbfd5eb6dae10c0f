"""The production profile, probed the way graphql-cop probes a server, with exact answers."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import orjson
import pytest
from security_helpers import GQL, JSON, Serve, code_of, errors_of

from federation.security.masking import MASKED_MESSAGE

PRODUCTION = "security: {profile: production}\n"
BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


async def test_alias_overloading(serve: Serve) -> None:
    aliases = " ".join(f"alias{i}: __typename" for i in range(101))
    async with serve(PRODUCTION) as client:
        response = await client.post("/graphql", json={"query": "query { " + aliases + " }"})
    body = orjson.loads(response.content)
    assert "data" not in body
    assert code_of(response) == "ALIAS_LIMIT_EXCEEDED"
    assert body["errors"][0]["extensions"]["measured"] == 101


async def test_batching(serve: Serve) -> None:
    async with serve(PRODUCTION) as client:
        five = await client.post("/graphql", json=[{"query": "query { __typename }"}] * 5)
        ten = await client.post("/graphql", json=[{"query": "query { __typename }"}] * 10)
    assert len(orjson.loads(five.content)) == 5
    assert ten.status_code == 400
    assert code_of(ten) == "BATCH_LIMIT_EXCEEDED"


async def test_directive_overloading(serve: Serve) -> None:
    query = "query { __typename @aa@aa@aa@aa@aa@aa@aa@aa@aa@aa }"
    async with serve(PRODUCTION) as client:
        response = await client.post("/graphql", json={"query": query})
    assert [e["extensions"]["code"] for e in errors_of(response)] == ["DIRECTIVE_LIMIT_EXCEEDED"]


async def test_field_duplication(serve: Serve) -> None:
    query = "query { " + "__typename " * 500 + "}"
    async with serve(PRODUCTION) as client:
        response = await client.post("/graphql", json={"query": query})
    assert code_of(response) == "ROOT_FIELD_LIMIT_EXCEEDED"


async def test_no_field_suggestions(serve: Serve) -> None:
    async with serve(PRODUCTION) as client:
        schema = await client.post("/graphql", json={"query": "query { __schema { directive } }"})
        field = await client.post("/graphql", json={"query": "{ artist { nme } }"})
        variable = await client.post(
            "/graphql",
            json={
                "query": "query($o: [artist_order_by!]) { artist(order_by: $o) { id } }",
                "variables": {"o": [{"nme": "asc"}]},
            },
        )
    assert [e["message"] for e in errors_of(schema)] == [
        "GraphQL introspection has been disabled, but the requested query contained the field "
        "'__schema'.",
        "Cannot query field 'directive' on type '__Schema'.",
    ]
    assert [e["message"] for e in errors_of(field)] == [
        "Cannot query field 'nme' on type 'artist'."
    ]
    assert "Did you mean" not in variable.text
    assert "nme" in variable.text  # the error itself is kept (validation errors are not masked)


async def test_suggestions_stay_in_development(serve: Serve) -> None:
    async with serve() as client:
        response = await client.post("/graphql", json={"query": "{ artist { nme } }"})
    assert errors_of(response)[0]["message"].endswith("Did you mean 'name'?")


async def test_introspection_and_graphiql_are_off(serve: Serve) -> None:
    async with serve(PRODUCTION) as client:
        introspect = await client.post(
            "/graphql", json={"query": "{ __schema { types { name } } }"}, headers={"accept": GQL}
        )
        page = await client.get("/graphql", headers={"accept": BROWSER})
    async with serve() as client:
        development_page = await client.get("/graphql", headers={"accept": BROWSER})
    assert development_page.status_code == 200
    assert "graphiql" in development_page.text.lower()
    assert introspect.status_code == 400
    assert "introspection has been disabled" in errors_of(introspect)[0]["message"]
    assert page.status_code == 400
    assert "GraphiQL is disabled" in errors_of(page)[0]["message"]


async def test_explicit_server_settings_win_over_the_profile(serve: Serve) -> None:
    async with serve(PRODUCTION + "server: {introspection: true}\n") as client:
        response = await client.post(
            "/graphql", json={"query": "{ __schema { queryType { name } } }"}
        )
    assert orjson.loads(response.content) == {
        "data": {"__schema": {"queryType": {"name": "query_root"}}}
    }


async def test_mutation_over_get(serve: Serve) -> None:
    query = 'mutation { insert_artist_one(object: {id: 9, name: "X"}) { id } }'
    async with serve(PRODUCTION) as client:
        response = await client.get("/graphql", params={"query": query})
    assert response.status_code == 405
    assert response.headers["allow"] == "POST"


@pytest.mark.parametrize(
    ("content", "content_type"),
    [
        (None, None),  # graphql-cop: POST with the query in the URL and no body
        ("query=query+%7B__typename%7D", "application/x-www-form-urlencoded"),
        ("query {__typename}", "text/plain"),
    ],
)
async def test_csrf_prone_posts_are_refused(
    serve: Serve, content: str | None, content_type: str | None
) -> None:
    headers = {"content-type": content_type} if content_type else {}
    async with serve(PRODUCTION) as client:
        response = await client.post(
            "/graphql", params={"query": "query {__typename}"}, content=content, headers=headers
        )
    assert response.status_code == 415
    assert code_of(response) == "UNSUPPORTED_MEDIA_TYPE"


async def test_unexpected_errors_are_masked_validation_errors_are_not(
    serve: Serve, tmp_path: Path
) -> None:
    async with serve(PRODUCTION) as client:
        connection = sqlite3.connect(tmp_path / "db.sqlite")
        connection.execute("drop table album")  # the source now fails on album
        connection.commit()
        connection.close()
        failed = await client.post("/graphql", json={"query": "{ album { title } }"})
        invalid = await client.post("/graphql", json={"query": "{ album { nope } }"})
    body = orjson.loads(failed.content)
    assert body["errors"] == [
        {"message": MASKED_MESSAGE, "path": ["album"], "extensions": {"code": "SOURCE_ERROR"}}
    ]
    assert "no such table" not in failed.text
    assert "Cannot query field 'nope' on type 'album'." in invalid.text


async def test_development_keeps_error_details(serve: Serve, tmp_path: Path) -> None:
    async with serve() as client:
        connection = sqlite3.connect(tmp_path / "db.sqlite")
        connection.execute("drop table album")
        connection.commit()
        connection.close()
        failed = await client.post(
            "/graphql", json={"query": "{ album { title } }"}, headers={"accept": JSON}
        )
    assert "no such table" in failed.text
