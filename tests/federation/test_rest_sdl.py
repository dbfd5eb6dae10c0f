"""``rest`` endpoints declared as ``@rest`` types in ``schema/*.graphql``."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import orjson
import pytest
import pytest_asyncio
from federation_connectors.rest import RestConnector
from federation_connectors.rest.endpoints import parse_endpoints
from federation_connectors.rest.sdl import DIRECTIVES_SDL, parse_sdl_endpoints
from http_sources import ENDPOINTS, USER_ENDPOINT
from services import Recorder

from federation.config import Config, SourceConfig
from federation.errors import ConfigError
from federation.gateway import Gateway
from federation.schema.overlay import parse_overlay

# The same three endpoints as http_sources.ENDPOINTS, in SDL.
API_SDL = '''
"""People with an account."""
type user @rest(source: "api", path: "/users", rows: "data.items",
                by_pk: "/users/{id}", by_pk_row: "data")
  @pagination(style: "page", size_param: "per_page", page_size: 3, max_pages: 5)
  @batch(path: "/users_batch?ids={ids}", key: "id") {
  id: Int! @key
  name: String!
  status: String @filter(_eq: "status={value}")
  score: numeric
  joined: date
  city: String @field(path: "profile.city")
}

type event @rest(source: "api", path: "/events", rows: "events")
  @pagination(style: "cursor", next: "next", max_pages: 5) {
  seq: Int!
  kind: String
}

type flaky @rest(source: "api", path: "/flaky") {
  id: Int!
  ok: Boolean
}

'''
OTHER_SDL = 'type other @rest(source: "elsewhere", path: "/other") { id: Int! }\n'


def test_sdl_gives_the_same_endpoints_as_yaml() -> None:
    from_sdl = [item.endpoint for item in parse_sdl_endpoints(API_SDL, "api", "api.graphql")]
    from_yaml = parse_endpoints(
        "api", [{**USER_ENDPOINT, "description": "People with an account."}, *ENDPOINTS[1:]]
    )
    assert from_sdl == list(from_yaml)


def test_only_the_named_source_is_read() -> None:
    (item,) = parse_sdl_endpoints(API_SDL + OTHER_SDL, "elsewhere", "api.graphql")
    assert item.endpoint.type_name == "other"
    assert item.where == "api.graphql:26"


def test_the_directive_definitions_parse() -> None:
    # Editors that validate schema/ files can load the definitions; they must be valid SDL.
    text = DIRECTIVES_SDL + API_SDL
    assert len(parse_sdl_endpoints(text, "api")) == 3


def test_overlay_binds_a_rest_type_to_its_table() -> None:
    overlay = next(t for t in parse_overlay(API_SDL, "api.graphql") if t.name == "user")
    assert (overlay.source, overlay.table) == ("api", "user")
    assert [f.name for f in overlay.fields][:2] == ["id", "name"]


# --- through the gateway, against the live service ---------------------------------------------


@pytest_asyncio.fixture(loop_scope="session")
async def sdl_gateway(tmp_path: Path, rest_url: str) -> AsyncIterator[Gateway]:
    schema = tmp_path / "schema"
    schema.mkdir()
    hidden = API_SDL.replace("  joined: date\n", "  joined: date\n  secret: String @hide\n")
    (schema / "api.graphql").write_text(hidden)
    source = SourceConfig(name="api", kind="rest", dsn=rest_url, options={"backoff": 0.01})
    started = await Gateway.start(Config(sources=(source,), schema_dir=schema, base_dir=tmp_path))
    yield started
    await started.stop()


async def run(gateway: Gateway, query: str) -> Any:
    return orjson.loads((await gateway.execute(query)).body)


async def test_sdl_endpoints_answer_queries(sdl_gateway: Gateway, rest_recorder: Recorder) -> None:
    rest_recorder.calls.clear()
    result = await run(
        sdl_gateway,
        '{ user(where: {status: {_eq: "active"}}, order_by: {id: desc}) { id city } '
        "  one: user_by_pk(id: 2) { name joined } event { seq } }",
    )
    assert result == {
        "data": {
            "user": [
                {"id": 6, "city": "Kyiv"},
                {"id": 4, "city": "Oslo"},
                {"id": 3, "city": "Lima"},
                {"id": 1, "city": "Oslo"},
            ],
            "one": {"name": "Bob", "joined": "2023-11-30"},
            "event": [{"seq": n} for n in range(5)],
        }
    }
    users = [query for path, query in rest_recorder.calls if path == "/users"]
    assert users[0] == {"status": "active", "page": "1", "per_page": "3"}
    assert "/users/2" in rest_recorder.paths()


async def test_sdl_descriptions_and_hide_reach_the_schema(sdl_gateway: Gateway) -> None:
    sdl = sdl_gateway.sdl()
    assert '"""People with an account."""\ntype user' in sdl
    assert "secret" not in sdl
    result = await run(sdl_gateway, "{ user(limit: 1) { secret } }")
    assert "secret" in result["errors"][0]["message"]


async def test_sdl_batch_form_serves_fetch_by_keys(
    tmp_path: Path, rest_url: str, rest_recorder: Recorder
) -> None:
    (tmp_path / "api.graphql").write_text(API_SDL)
    connector = RestConnector(
        SourceConfig(name="api", kind="rest", dsn=rest_url, schema_dir=tmp_path)
    )
    await connector.open()
    rest_recorder.calls.clear()
    try:
        rows = await connector.fetch_by_keys("user", "id", [5, 1, 5])
    finally:
        await connector.close()
    assert sorted(row["name"] for row in rows) == ["Ann", "Eve"]
    assert rest_recorder.calls == [("/users_batch", {"ids": "5,1"})]


# --- problems, with file and line ----------------------------------------------------------------

BAD_SDL = """type post @rest(source: "api", path: "/posts/{slug}", by_pk: "/posts/{id}", x: 1)
  @pagination(style: "offset", pagesize: 10) {
  id: Int @key
  title: Strin
  tags: [String]
  body: String @filter(_regex: "q={value}")
  author: user @relationship(fields: ["id"], references: ["id"])
}

type page @rest(source: "api", path: "/pages") @table(source: "api", name: "pages") {
  id: Int
}

type empty @rest(source: "api", path: "/empty") @batch(path: "/empty?ids={ids}", key: "nope") {
  only: user @relationship(fields: ["id"], references: ["id"])
}
"""


def problems_of(text: str) -> str:
    with pytest.raises(ConfigError) as caught:
        parse_sdl_endpoints(text, "api", "schema/blog.graphql")
    return "\n".join(caught.value.problems)


def test_every_problem_names_file_line_and_directive() -> None:
    problems = problems_of(BAD_SDL)
    for expected in (
        "schema/blog.graphql:1: post @rest: unknown argument 'x'",
        "schema/blog.graphql:1: post @rest(path:): placeholder {slug} names no declared field",
        "schema/blog.graphql:2: post @pagination(pagesize:): unknown argument (known:",
        "schema/blog.graphql:2: post @pagination(page_size:): required for offset pagination",
        "schema/blog.graphql:4: post.title: unknown type 'Strin'",
        "schema/blog.graphql:5: post.tags: list fields are not supported; declare it jsonb",
        "schema/blog.graphql:6: post.body @filter(_regex:): operator _regex cannot be sent",
        "schema/blog.graphql:10: page: takes @rest or @table, not both",
        "schema/blog.graphql:14: empty: declares no fields",
    ):
        assert expected in problems, f"{expected!r} missing from:\n{problems}"
    assert "author" not in problems  # a relationship field is the overlay's, not an endpoint field


def test_by_pk_must_use_the_key_and_batch_a_field() -> None:
    problems = problems_of(
        'type t @rest(source: "api", path: "/t", by_pk: "/t/{name}")\n'
        '  @batch(path: "/t?ids={ids}", key: "nope") {\n'
        "  id: Int! @key\n  name: String\n}\n"
    )
    assert "schema/blog.graphql:1: t @rest(by_pk:): the path must use every primary key" in problems
    assert "schema/blog.graphql:2: t @batch(key:): expected the declared field" in problems


def test_syntax_error_names_file_and_line() -> None:
    problems = problems_of(
        'type t @rest(source: "api", path: "/t") {\n  id: Int!\n  name String\n}'
    )
    assert problems.startswith("schema/blog.graphql:3: Syntax Error")


def test_same_type_in_two_files_or_in_yaml_too_is_an_error(tmp_path: Path, rest_url: str) -> None:
    (tmp_path / "a.graphql").write_text('type t @rest(source: "api", path: "/t") { id: Int }\n')
    (tmp_path / "b.graphql").write_text('\n\ntype t @rest(source: "api", path: "/u") { id: Int }\n')
    with pytest.raises(ConfigError) as caught:
        RestConnector(SourceConfig(name="api", kind="rest", dsn=rest_url, schema_dir=tmp_path))
    first, again = tmp_path / "a.graphql", tmp_path / "b.graphql"
    assert caught.value.problems == [f"{again}:3: type 't' is declared again (first at {first}:1)"]
    (tmp_path / "b.graphql").unlink()
    options = {"endpoints": [{"type": "t", "path": "/t", "fields": {"id": "Int"}}]}
    with pytest.raises(ConfigError, match=r"also declared in sources\.api\.options\.endpoints"):
        RestConnector(
            SourceConfig(
                name="api", kind="rest", dsn=rest_url, options=options, schema_dir=tmp_path
            )
        )


def test_a_source_with_no_endpoints_anywhere_says_where_to_declare_them(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as caught:
        RestConnector(SourceConfig(name="api", kind="rest", dsn="http://x", schema_dir=tmp_path))
    (problem,) = caught.value.problems
    assert "sources.api.options.endpoints: expected a list" in problem
    assert '@rest(source: "api", ...)' in problem


def test_yaml_and_sdl_endpoints_combine(tmp_path: Path) -> None:
    (tmp_path / "x.graphql").write_text('type t @rest(source: "api", path: "/t") { id: Int }\n')
    options = {"endpoints": [{"type": "u", "path": "/u", "fields": {"id": "Int"}}]}
    connector = RestConnector(
        SourceConfig(name="api", kind="rest", dsn="http://x", options=options, schema_dir=tmp_path)
    )
    assert sorted(connector.endpoints) == ["t", "u"]


def test_config_hands_the_schema_folder_to_every_source(tmp_path: Path) -> None:
    config = Config(
        sources=(SourceConfig(name="api", kind="rest", dsn="http://x"),), schema_dir=tmp_path
    )
    assert config.sources[0].schema_dir == tmp_path
