"""Automatic persisted queries (Apollo's exact wire format), manifests (Apollo and Relay),
API keys and persisted-only clients."""

from __future__ import annotations

import logging
import os
from pathlib import Path

import httpx
import orjson
import pytest
from security_helpers import GQL, JSON, PARTNER_KEY, Serve, code_of, errors_of, sha256, write_json

from federation.errors import ConfigError

QUERY = "query Names { artist(order_by: {id: asc}) { name } }"
NAMES = {"data": {"artist": [{"name": "Ann"}, {"name": "Bob"}]}}
ALBUMS = "query Albums { album(order_by: {id: asc}, limit: 1) { title } }"


def apq(digest: str, query: str | None = None) -> dict[str, object]:
    body: dict[str, object] = {
        "extensions": {"persistedQuery": {"version": 1, "sha256Hash": digest}}
    }
    if query is not None:
        body["query"] = query
    return body


# --- APQ -------------------------------------------------------------------------------------


async def test_apq_not_found_then_register_then_hit(serve: Serve) -> None:
    digest = sha256(QUERY)
    async with serve() as client:
        miss = await client.post("/graphql", json=apq(digest), headers={"accept": GQL})
        register = await client.post("/graphql", json=apq(digest, QUERY))
        hit = await client.post("/graphql", json=apq(digest))
        by_get = await client.get(
            "/graphql",
            params={"extensions": orjson.dumps(apq(digest)["extensions"]).decode()},
        )
    assert miss.status_code == 200  # as Apollo Server: the link reads the body
    assert orjson.loads(miss.content) == {
        "errors": [
            {
                "message": "PersistedQueryNotFound",
                "extensions": {"code": "PERSISTED_QUERY_NOT_FOUND"},
            }
        ]
    }
    assert miss.headers["cache-control"] == "private, no-cache, must-revalidate"
    assert orjson.loads(register.content) == NAMES
    assert orjson.loads(hit.content) == NAMES
    assert by_get.status_code == 200
    assert orjson.loads(by_get.content) == NAMES


async def test_apq_hash_mismatch_is_refused_and_not_stored(serve: Serve) -> None:
    digest = sha256(QUERY)
    async with serve() as client:
        wrong = await client.post("/graphql", json=apq(digest, ALBUMS))
        after = await client.post("/graphql", json=apq(digest))
    assert wrong.status_code == 400
    assert code_of(wrong) == "PERSISTED_QUERY_HASH_MISMATCH"
    assert errors_of(wrong)[0]["message"].startswith("provided sha does not match query")
    assert code_of(after) == "PERSISTED_QUERY_NOT_FOUND"


async def test_an_invalid_document_is_not_registered(serve: Serve) -> None:
    bad = "{ nope }"
    async with serve() as client:
        first = await client.post("/graphql", json=apq(sha256(bad), bad))
        again = await client.post("/graphql", json=apq(sha256(bad)))
    assert "Cannot query field 'nope'" in errors_of(first)[0]["message"]
    assert code_of(again) == "PERSISTED_QUERY_NOT_FOUND"


async def test_apq_not_supported_when_disabled(serve: Serve) -> None:
    async with serve("persisted_queries: {apq: false}\n") as client:
        response = await client.post("/graphql", json=apq(sha256(QUERY)))
        register = await client.post("/graphql", json=apq(sha256(QUERY), QUERY))
    assert response.status_code == 200
    assert orjson.loads(response.content) == {
        "errors": [
            {
                "message": "PersistedQueryNotSupported",
                "extensions": {"code": "PERSISTED_QUERY_NOT_SUPPORTED"},
            }
        ]
    }
    assert code_of(register) == "PERSISTED_QUERY_NOT_SUPPORTED"


@pytest.mark.parametrize(
    ("persisted", "code"),
    [
        ({"version": 2, "sha256Hash": "0" * 64}, "PERSISTED_QUERY_VERSION_NOT_SUPPORTED"),
        ({"version": 1, "sha256Hash": "xyz"}, "BAD_REQUEST"),
    ],
)
async def test_malformed_persisted_query_extension(
    serve: Serve, persisted: dict[str, object], code: str
) -> None:
    async with serve() as client:
        response = await client.post("/graphql", json={"extensions": {"persistedQuery": persisted}})
    assert response.status_code == 400
    assert code_of(response) == code


# --- manifests -------------------------------------------------------------------------------


def apollo_manifest(*bodies: str) -> dict[str, object]:
    operations = [
        {"id": sha256(body), "name": body.split()[1], "type": "query", "body": body}
        for body in bodies
    ]
    return {"format": "apollo-persisted-query-manifest", "version": 1, "operations": operations}


async def test_apollo_manifest_by_document_id_post_and_get(serve: Serve, tmp_path: Path) -> None:
    write_json(tmp_path, "web.json", apollo_manifest(QUERY))
    async with serve("persisted_queries: {manifests: [web.json]}\n") as client:
        post = await client.post("/graphql", json={"documentId": sha256(QUERY)})
        get = await client.get("/graphql", params={"documentId": f"sha256:{sha256(QUERY)}"})
        apollo = await client.post("/graphql", json=apq(sha256(QUERY)))  # the PQ link's form
        unknown = await client.get("/graphql", params={"documentId": "nope"})
    assert orjson.loads(post.content) == NAMES
    assert get.status_code == 200
    assert orjson.loads(get.content) == NAMES
    assert orjson.loads(apollo.content) == NAMES
    assert unknown.status_code == 404
    assert code_of(unknown) == "PERSISTED_QUERY_NOT_IN_LIST"


async def test_relay_manifest_with_doc_id_and_variables_in_the_query_string(
    serve: Serve, tmp_path: Path
) -> None:
    relay = {"a1": "query One($id: Int!) { artist_by_pk(id: $id) { name } }"}
    write_json(tmp_path, "relay.json", relay)
    async with serve("persisted_queries: {manifests: [relay.json]}\n") as client:
        get = await client.get("/graphql", params={"doc_id": "a1", "variables": '{"id": 2}'})
        post = await client.post("/graphql", json={"doc_id": "a1", "variables": {"id": 1}})
    assert orjson.loads(get.content) == {"data": {"artist_by_pk": {"name": "Bob"}}}
    assert orjson.loads(post.content) == {"data": {"artist_by_pk": {"name": "Ann"}}}


async def test_an_invalid_manifest_operation_stops_the_start(serve: Serve, tmp_path: Path) -> None:
    write_json(tmp_path, "web.json", apollo_manifest(QUERY, "query Broken { artist { nme } }"))
    with pytest.raises(ConfigError) as caught:
        async with serve("persisted_queries: {manifests: [web.json]}\n"):
            pass
    [problem] = caught.value.problems
    broken_id = sha256("query Broken { artist { nme } }")
    assert problem == (
        f"{tmp_path / 'web.json'}: operation 'Broken' (id {broken_id}"
        "): Cannot query field 'nme' on type 'artist'. Did you mean 'name'? (line 1, column 25)"
    )


async def test_a_changed_manifest_is_reloaded(serve: Serve, tmp_path: Path) -> None:
    file = write_json(tmp_path, "relay.json", {"x": QUERY})
    async with serve("persisted_queries: {manifests: [relay.json]}\n") as client:
        security = client._transport.app.state.security  # type: ignore[attr-defined]
        [manifest] = security.documents.manifests.shared
        manifest.check_interval = 0  # look at the file on every request
        before = await client.post("/graphql", json={"doc_id": "y"})
        write_json(tmp_path, "relay.json", {"x": QUERY, "y": ALBUMS})
        os.utime(file, ns=(1, 2))  # a new stamp even within the file system's time resolution
        after = await client.post("/graphql", json={"doc_id": "y"})
        write_json(tmp_path, "relay.json", {"y": "{ broken }"})  # invalid: the last good stays
        os.utime(file, ns=(3, 4))
        kept = await client.post("/graphql", json={"doc_id": "y"})
    assert before.status_code == 404
    assert orjson.loads(after.content) == {"data": {"album": [{"title": "A1"}]}}
    assert orjson.loads(kept.content) == {"data": {"album": [{"title": "A1"}]}}


# --- API keys and persisted-only clients -----------------------------------------------------

CLIENTS = f"""
security:
  anonymous: false
persisted_queries:
  manifests: [shared.json]
clients:
  - name: partner
    key_sha256: {sha256(PARTNER_KEY)}
    roles: [reader]
    persisted_only: true
    manifest: partner.json
  - name: migrating
    key: ${{MIGRATING_KEY}}
    persisted_only: true
    log_only: true
    manifest: partner.json
"""


@pytest.fixture
def manifests(tmp_path: Path) -> None:
    write_json(tmp_path, "partner.json", apollo_manifest(QUERY))
    write_json(tmp_path, "shared.json", {"shared-albums": ALBUMS})


@pytest.mark.usefixtures("manifests")
@pytest.mark.parametrize(
    "headers", [{"authorization": f"Bearer {PARTNER_KEY}"}, {"x-api-key": PARTNER_KEY}]
)
async def test_a_key_names_the_client(serve: Serve, headers: dict[str, str]) -> None:
    async with serve(CLIENTS, env={"MIGRATING_KEY": "m-key"}) as client:
        response = await client.post(
            "/graphql", json={"documentId": sha256(QUERY)}, headers=headers
        )
    assert orjson.loads(response.content) == NAMES


@pytest.mark.usefixtures("manifests")
@pytest.mark.parametrize(
    ("headers", "message"),
    [
        ({}, "this server requires an API key"),
        ({"x-api-key": "wrong"}, "the API key is not valid"),
        ({"authorization": "Bearer wrong"}, "the API key is not valid"),
    ],
)
async def test_missing_or_wrong_key_is_401(
    serve: Serve, headers: dict[str, str], message: str
) -> None:
    async with serve(CLIENTS, env={"MIGRATING_KEY": "m-key"}) as client:
        response = await client.post("/graphql", json={"query": "{ __typename }"}, headers=headers)
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == 'Bearer realm="graphql"'
    assert code_of(response) == "UNAUTHENTICATED"
    assert errors_of(response)[0]["message"].startswith(message)


@pytest.mark.usefixtures("manifests")
@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({"documentId": "0" * 64}, 404, "PERSISTED_QUERY_NOT_IN_LIST"),  # unknown id
        ({"query": QUERY}, 400, "PERSISTED_QUERY_ID_REQUIRED"),  # free-form, even if listed
        (apq(sha256(ALBUMS), ALBUMS), 400, "PERSISTED_QUERY_ID_REQUIRED"),  # APQ registration
        ({"documentId": "shared-albums"}, 403, "QUERY_NOT_IN_SAFELIST"),  # known, not its own
    ],
)
async def test_persisted_only_refusals(
    serve: Serve, body: dict[str, object], status: int, code: str
) -> None:
    headers = {"x-api-key": PARTNER_KEY, "accept": JSON}
    async with serve(CLIENTS, env={"MIGRATING_KEY": "m-key"}) as client:
        response = await client.post("/graphql", json=body, headers=headers)
    assert response.status_code == status
    assert code_of(response) == code


@pytest.mark.usefixtures("manifests")
async def test_log_only_reports_and_runs(serve: Serve, caplog: pytest.LogCaptureFixture) -> None:
    headers = {"x-api-key": "m-key"}
    with caplog.at_level(logging.WARNING, logger="federation.security"):
        async with serve(CLIENTS, env={"MIGRATING_KEY": "m-key"}) as client:
            free = await client.post("/graphql", json={"query": QUERY}, headers=headers)
            shared = await client.post(
                "/graphql", json={"documentId": "shared-albums"}, headers=headers
            )
    assert orjson.loads(free.content) == NAMES
    assert orjson.loads(shared.content) == {"data": {"album": [{"title": "A1"}]}}
    assert [(r.client, r.code) for r in caplog.records] == [  # type: ignore[attr-defined]
        ("migrating", "PERSISTED_QUERY_ID_REQUIRED"),
        ("migrating", "QUERY_NOT_IN_SAFELIST"),
    ]
    assert (
        caplog.records[0]
        .getMessage()
        .startswith("log-only: client 'migrating' would be refused (PERSISTED_QUERY_ID_REQUIRED)")
    )


async def test_config_problems_are_reported_with_key_paths(tmp_path: Path) -> None:
    from security_helpers import write_config

    from federation.config import load_config

    file = write_config(
        tmp_path,
        """
        security:
          profile: staging
          limits: {max_depht: 3, max_cost: -1}
        clients:
          - name: a
            key_sha256: short
          - name: b
            key: k
            persisted_only: true
        persisted_queries:
          manifests: [missing.json]
        """,
    )
    with pytest.raises(ConfigError) as caught:
        load_config(file, env={})
    assert caught.value.problems == [
        "security.profile: expected one of development, production, got 'staging'",
        "security.limits.max_depht: unknown key (did you mean 'max_depth'?)",
        "security.limits.max_cost: expected an integer of at least 0 (0: no limit), got -1",
        "clients[0].key_sha256: expected 64 hexadecimal digits "
        '(e.g. `printf %s "$KEY" | sha256sum`)',
        "clients[1].persisted_only: a persisted_only client needs its safelist: "
        "add `manifest: FILE`",
        f"persisted_queries.manifests[0]: no file at {tmp_path / 'missing.json'} "
        "(relative paths start at the config file's folder)",
    ]


def test_keys_are_compared_by_hash() -> None:
    from federation.security.clients import presented_key

    assert presented_key(httpx.Headers({"authorization": "Bearer  k1 "})) == "k1"
    assert presented_key(httpx.Headers({"authorization": "Basic k1"})) is None
    assert presented_key(httpx.Headers({"x-api-key": "k2", "authorization": "Bearer k1"})) == "k2"


async def test_credentials_are_left_alone_when_no_client_is_configured(serve: Serve) -> None:
    async with serve() as client:
        response = await client.post(
            "/graphql",
            json={"query": "{ artist(order_by: {id: asc}) { name } }"},
            headers={"authorization": "Bearer a-token-meant-for-a-source", "accept": JSON},
        )
    assert response.status_code == 200
    assert orjson.loads(response.content) == {
        "data": {"artist": [{"name": "Ann"}, {"name": "Bob"}]}
    }


@pytest.mark.usefixtures("manifests")
def test_forwarded_authorization_is_not_read_as_an_api_key(tmp_path: Path) -> None:
    from security_helpers import write_config

    from federation.config import load_config
    from federation.security.clients import ClientRegistry
    from federation.security.refusal import Refusal

    config = load_config(write_config(tmp_path, CLIENTS), env={"MIGRATING_KEY": "m-key"})
    registry = ClientRegistry(config.security, authorization_forwarded=True)
    user_token = {"authorization": f"Bearer {PARTNER_KEY}"}  # even a valid key: it is the user's
    with pytest.raises(Refusal) as refused:
        registry.authenticate(httpx.Headers(user_token), "127.0.0.1")
    assert "X-API-Key" in str(refused.value) and "forwarded" in str(refused.value)
    both = httpx.Headers({**user_token, "x-api-key": PARTNER_KEY})
    assert registry.authenticate(both, "127.0.0.1").name == "partner"
