"""Cross-source relationships between SQL, REST and GraphQL sources, against the real loopback
services of ``services.py``: SQL -> REST through the endpoint's batch form, REST -> SQL,
SQL -> GraphQL and back, semi-joins into REST, and a failing target that nulls only its field.
"""

from __future__ import annotations

import sqlite3
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import orjson
import pytest
import pytest_asyncio
from http_sources import DOWN_ENDPOINT, ENDPOINTS, closed_port_url, rest_source
from services import USERS, Recorder

from federation.config import Config, SourceConfig
from federation.gateway import Gateway

OVERLAY = """
type account {
  owner: user @relationship(fields: ["user_id"], references: ["id"])
  lost: gone @relationship(fields: ["user_id"], references: ["id"])
}
type user {
  accounts: [account!]! @relationship(fields: ["id"], references: ["user_id"])
}
type author {
  books: [gq_books!]! @relationship(fields: ["id"], references: ["author_id"])
}
type gq_books {
  writer: author @relationship(fields: ["author_id"], references: ["id"])
}
"""
ACCOUNTS = 1000


def _database(folder: Path) -> Path:
    path = folder / "accounts.sqlite"
    with sqlite3.connect(path) as db:
        db.executescript(
            "create table author(id integer primary key, name text);"
            "insert into author values (1, 'Herbert'), (2, 'Austen'), (5, 'Nobody');"
            "create table account(id integer primary key, user_id integer, label text);"
        )
        # user ids 1..7 exist in the REST service; 99 does not; some accounts have none
        rows = [
            (i, None if i % 50 == 0 else (99 if i % 7 == 0 else i % 7 + 1), f"acc{i}")
            for i in range(1, ACCOUNTS + 1)
        ]
        db.executemany("insert into account values (?, ?, ?)", rows)
    return path


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def mixed(
    tmp_path_factory: pytest.TempPathFactory, rest_url: str, graphql_url: str
) -> AsyncIterator[Gateway]:
    base = tmp_path_factory.mktemp("mixed")
    (base / "schema").mkdir()
    (base / "schema" / "links.graphql").write_text(OVERLAY, encoding="utf-8")
    config = Config(
        sources=(
            SourceConfig(name="db", kind="sqlite", path=str(_database(base))),
            rest_source("api", rest_url, ENDPOINTS),
            rest_source("downapi", closed_port_url(), [DOWN_ENDPOINT | {"primary_key": ["id"]}]),
            SourceConfig(name="remote", kind="graphql", dsn=graphql_url, options={"prefix": "gq_"}),
        ),
        schema_dir=base / "schema",
        base_dir=base,
    )
    gateway = await Gateway.start(config)
    try:
        yield gateway
    finally:
        await gateway.stop()


async def _run(gateway: Gateway, query: str, variables: dict[str, Any] | None = None) -> Any:
    return orjson.loads((await gateway.execute(query, variables)).body)


def _user(user_id: int | None) -> dict[str, Any] | None:
    found = [u for u in USERS if u["id"] == user_id]
    return {"name": found[0]["name"], "status": found[0]["status"]} if found else None


@pytest.mark.asyncio(loop_scope="session")
@pytest.mark.parametrize("parents", [10, ACCOUNTS])
async def test_sql_to_rest_uses_one_batch_request_whatever_the_parent_count(
    mixed: Gateway, rest_recorder: Recorder, parents: int
) -> None:
    rest_recorder.calls.clear()
    query = """query ($n: Int!) {
      account(order_by: {id: asc}, limit: $n) { id user_id owner { name status } }
    }"""
    response = await _run(mixed, query, {"n": parents})
    assert "errors" not in response, response
    accounts = response["data"]["account"]
    assert len(accounts) == parents
    for account in accounts:
        assert account["owner"] == _user(account["user_id"])
    assert rest_recorder.paths() == ["/users_batch"]
    requested = set(rest_recorder.calls[0][1]["ids"].split(","))
    assert requested == {str(a["user_id"]) for a in accounts if a["user_id"] is not None}


@pytest.mark.asyncio(loop_scope="session")
async def test_rest_to_sql_array_with_arguments(mixed: Gateway) -> None:
    query = """{
      user(where: {status: {_eq: "active"}}, order_by: {id: asc}) {
        id accounts(order_by: {id: desc}, limit: 2, where: {label: {_like: "acc1%"}}) { id }
      }
    }"""
    response = await _run(mixed, query)
    assert "errors" not in response, response
    with sqlite3.connect(mixed.sources.by_name["db"].config.path or "") as db:
        for user in response["data"]["user"]:
            want = db.execute(
                "select id from account where user_id = ? and label like 'acc1%' "
                "order by id desc limit 2",
                (user["id"],),
            ).fetchall()
            assert [a["id"] for a in user["accounts"]] == [row[0] for row in want]
    assert [u["id"] for u in response["data"]["user"]] == [1, 3, 4, 6]


@pytest.mark.asyncio(loop_scope="session")
async def test_semi_join_into_rest(mixed: Gateway) -> None:
    query = """{
      account(where: {owner: {status: {_eq: "banned"}}}, order_by: {id: asc}, limit: 5) {
        id user_id
      }
    }"""
    response = await _run(mixed, query)
    assert "errors" not in response, response
    banned = {u["id"] for u in USERS if u["status"] == "banned"}
    accounts = response["data"]["account"]
    assert accounts and all(a["user_id"] in banned for a in accounts)


@pytest.mark.asyncio(loop_scope="session")
async def test_sql_to_graphql_and_back(mixed: Gateway, graphql_recorder: Recorder) -> None:
    graphql_recorder.calls.clear()
    query = """{
      author(order_by: {id: asc}) {
        name books(order_by: {year: asc}) { title writer { name } }
      }
    }"""
    response = await _run(mixed, query)
    assert "errors" not in response, response
    assert response["data"]["author"] == [
        {"name": "Herbert", "books": [{"title": "Dune", "writer": {"name": "Herbert"}}]},
        {"name": "Austen", "books": [{"title": "Emma", "writer": {"name": "Austen"}}]},
        {"name": "Nobody", "books": []},
    ]
    assert len(graphql_recorder.calls) == 1


@pytest.mark.asyncio(loop_scope="session")
async def test_a_failing_target_nulls_only_its_field(mixed: Gateway) -> None:
    query = "{ account(order_by: {id: asc}, limit: 3) { id owner { name } lost { id } } }"
    response = await _run(mixed, query)
    accounts = response["data"]["account"]
    assert [a["id"] for a in accounts] == [1, 2, 3]
    assert all(a["lost"] is None for a in accounts)
    assert accounts[0]["owner"] == {"name": "Bob"}  # account 1 belongs to user 2
    (error,) = response["errors"]
    assert error["path"] == ["account", 0, "lost"]
    assert error["extensions"]["source"] == "downapi"
    assert error["extensions"]["code"] == "SOURCE_UNAVAILABLE"


@pytest.mark.asyncio(loop_scope="session")
async def test_a_rest_plan_is_reused_across_variable_values(mixed: Gateway) -> None:
    query = """query ($s: String!) {
      user(where: {status: {_eq: $s}}, order_by: {id: asc}) { id accounts(limit: 1) { id } }
    }"""
    seen = []
    for status in ("active", "banned", "inactive", "active"):
        misses = mixed.plans.misses
        body = await _run(mixed, query, {"s": status})
        assert [u["id"] for u in body["data"]["user"]] == sorted(
            u["id"] for u in USERS if u["status"] == status
        )
        if seen:
            assert mixed.plans.misses == misses
        seen.append(status)
