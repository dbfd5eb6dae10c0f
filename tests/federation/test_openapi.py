"""``federation openapi``: OpenAPI 3 -> ``@rest`` SDL, checked against the live loopback
service the document describes (users_openapi.yaml describes services.rest_app)."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import orjson
import pytest
import pytest_asyncio
from conformance.live_server import LiveServer
from federation_connectors.rest import RestConnector
from federation_connectors.rest.endpoints import Endpoint, Pagination
from federation_connectors.rest.sdl import parse_sdl_endpoints
from http_sources import API_KEY
from services import Recorder
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from federation.cli import main
from federation.config import Config, SourceConfig
from federation.gateway import Gateway
from federation.openapi import generate, load_document

SPEC = Path(__file__).with_name("users_openapi.yaml")


def endpoints_of(sdl: str, source: str = "api") -> dict[str, Endpoint]:
    return {e.endpoint.type_name: e.endpoint for e in parse_sdl_endpoints(sdl, source, "gen")}


@pytest.fixture(scope="module")
def generated_sdl() -> str:
    return generate(load_document(str(SPEC)), "api", "users_openapi.yaml").sdl


def test_the_document_maps_to_the_endpoints_it_describes(generated_sdl: str) -> None:
    endpoints = endpoints_of(generated_sdl)
    assert sorted(endpoints) == ["Event", "Flaky", "User"]
    user = endpoints["User"]
    assert (user.list.path, user.rows, user.primary_key) == ("/users", ("data", "items"), ("id",))
    assert (user.by_pk and user.by_pk.path, user.by_pk_row) == ("/users/{id}", ("data",))
    assert user.pagination == Pagination(
        style="page", page_param="page", size_param="per_page", page_size=3, max_pages=10
    )
    assert user.batch is not None and user.batch.template.path == "/users_batch"
    assert (user.batch.template.query, user.batch.key) == ((("ids", "{ids}"),), "id")
    assert user.filters == {("status", "_eq"): ("status", "{value}")}
    assert {spec.column.name: spec.column.source_type for spec in user.fields} == {
        "id": "Int!",
        "name": "String!",
        "status": "String",
        "score": "numeric",
        "joined": "date",
        "profile_city": "String",
    }
    assert user.fields[-1].source_path == ("profile", "city")
    assert user.description == "People with an account."
    event = endpoints["Event"]
    assert (event.rows, event.pagination.style, event.pagination.next_cursor) == (
        ("events",),
        "cursor",
        ("next",),
    )
    flaky = endpoints["Flaky"]  # allOf merged: both parts' properties and required
    assert [(s.column.name, s.column.nullable) for s in flaky.fields] == [
        ("id", False),
        ("ok", True),
    ]


def test_what_is_not_mapped_is_listed(generated_sdl: str) -> None:
    generated = generate(load_document(str(SPEC)), "api")
    for line in (
        "POST /users (createUser): only GET operations become endpoints",
        "GET /health: no JSON response is declared",
        "User: query parameter 'q' matches no field; not mapped",
    ):
        assert line in generated.notes
    assert "#   POST /users (createUser): only GET operations" in generated_sdl
    assert "# note: query parameter 'q' matches no field" in generated_sdl
    assert "#       dsn: http://127.0.0.1:8080" in generated_sdl  # server variables filled in
    assert '#           X-Api-Key: "${API_API_KEY}"' in generated_sdl  # from securitySchemes


# --- end to end: the generated declarations against the real service --------------------------


@pytest_asyncio.fixture(loop_scope="session")
async def generated_gateway(
    tmp_path: Path, rest_url: str, generated_sdl: str
) -> AsyncIterator[Gateway]:
    schema = tmp_path / "schema"
    schema.mkdir()
    (schema / "api.graphql").write_text(generated_sdl)
    options = {"headers": {"X-Api-Key": API_KEY}, "backoff": 0.01}
    source = SourceConfig(name="api", kind="rest", dsn=rest_url, options=options)
    started = await Gateway.start(Config(sources=(source,), schema_dir=schema, base_dir=tmp_path))
    yield started
    await started.stop()


async def test_generated_declarations_serve_queries(
    generated_gateway: Gateway, rest_recorder: Recorder
) -> None:
    rest_recorder.calls.clear()
    query = """{
      User(where: {status: {_eq: "active"}, score: {_gt: "1"}}, order_by: {id: asc}) {
        id name score joined profile_city
      }
      bob: User_by_pk(id: 2) { name }
      nobody: User_by_pk(id: 99) { name }
      Event(where: {kind: {_eq: "click"}}) { seq }
      Flaky { id ok }
    }"""
    result = orjson.loads((await generated_gateway.execute(query)).body)
    assert result == {
        "data": {
            "User": [
                {
                    "id": 1,
                    "name": "Ann",
                    "score": "12.5",
                    "joined": "2024-01-05",
                    "profile_city": "Oslo",
                },
                {"id": 4, "name": "Dan", "score": "7.25", "joined": None, "profile_city": "Oslo"},
            ],
            "bob": {"name": "Bob"},
            "nobody": None,
            "Event": [{"seq": 1}, {"seq": 3}],
            "Flaky": [{"id": 1, "ok": True}],
        }
    }
    users = [query for path, query in rest_recorder.calls if path == "/users"]
    assert users == [
        {"status": "active", "page": "1", "per_page": "3"},
        {"status": "active", "page": "2", "per_page": "3"},
    ]
    assert sorted(rest_recorder.paths("/users/")) == ["/users/2", "/users/99"]
    assert [q.get("cursor") for path, q in rest_recorder.calls if path == "/events"] == [
        None,
        "2",
        "4",
    ]


async def test_generated_batch_form_is_used_for_many_keys(
    tmp_path: Path, rest_url: str, generated_sdl: str, rest_recorder: Recorder
) -> None:
    (tmp_path / "api.graphql").write_text(generated_sdl)
    connector = RestConnector(
        SourceConfig(name="api", kind="rest", dsn=rest_url, schema_dir=tmp_path)
    )
    await connector.open()
    rest_recorder.calls.clear()
    try:
        rows = await connector.fetch_by_keys("User", "id", [7, 3, 7])
    finally:
        await connector.close()
    assert sorted(row["name"] for row in rows) == ["Cé", "Gus"]
    assert rest_recorder.calls == [("/users_batch", {"ids": "7,3"})]


# --- the command -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def spec_url() -> Iterator[str]:
    async def spec(_request: Request) -> Response:
        return PlainTextResponse(SPEC.read_text(), media_type="application/yaml")

    with LiveServer(Starlette(routes=[Route("/openapi.yaml", spec)])) as server:
        yield server.url + "/openapi.yaml"


def test_command_reads_a_url_and_writes_the_file(
    spec_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], generated_sdl: str
) -> None:
    out = tmp_path / "api.graphql"
    assert main(["openapi", spec_url, "--source", "api", "--out", str(out)]) == 0
    err = capsys.readouterr().err
    assert f"3 types written to {out}: User, Event, Flaky" in err
    assert "note: POST /users (createUser): only GET operations" in err
    assert out.read_text().split("\n", 1)[1] == generated_sdl.split("\n", 1)[1]


def test_command_refuses_swagger_2_and_bad_names(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    old = tmp_path / "swagger.json"
    old.write_text(json.dumps({"swagger": "2.0", "paths": {}}))
    assert main(["openapi", str(old), "--source", "api"]) == 2
    assert (
        "expected OpenAPI 3.0 or 3.1 (`openapi: 3.x`), found Swagger 2.0" in capsys.readouterr().err
    )
    assert main(["openapi", str(SPEC), "--source", "my-api"]) == 2
    assert "--source 'my-api' is not a valid source name" in capsys.readouterr().err
    assert main(["openapi", str(tmp_path / "nope.yaml"), "--source", "api"]) == 2
    assert "nope.yaml: cannot read" in capsys.readouterr().err


# --- mapping rules, on an OpenAPI 3.1 document ---------------------------------------------------


def _json_response(schema: dict[str, Any]) -> dict[str, Any]:
    return {"200": {"description": "ok", "content": {"application/json": {"schema": schema}}}}


MEMBERS = _json_response({"type": "array", "items": {"$ref": "#/components/schemas/Member"}})
SHOP: dict[str, Any] = {
    "openapi": "3.1.0",
    "info": {"title": "Shop", "version": "1"},
    "components": {
        "schemas": {
            "Product": {
                "type": "object",
                "required": ["id", "sku"],
                "properties": {
                    "id": {"type": "integer", "format": "int64"},
                    "sku": {"type": "string", "format": "uuid"},
                    "price": {"type": "number"},
                    "added": {"type": ["string", "null"], "format": "date-time"},
                    "in-stock": {"type": "boolean"},
                    "tags": {"type": "array", "items": {"type": "string"}},
                    "variant": {"oneOf": [{"type": "string"}, {"type": "integer"}]},
                    "maker": {"$ref": "other.yaml#/Maker"},
                    "parent": {"$ref": "#/components/schemas/Product"},
                },
            },
            "Member": {
                "type": "object",
                "properties": {"orgId": {"type": "integer"}, "name": {"type": "string"}},
            },
        }
    },
    "paths": {
        "/products": {
            "get": {
                "parameters": [
                    {"name": "offset", "in": "query", "schema": {"type": "integer"}},
                    {"name": "limit", "in": "query", "schema": {"type": "integer", "maximum": 200}},
                    {"name": "min_price", "in": "query", "schema": {"type": "number"}},
                    {"name": "priceLte", "in": "query", "schema": {"type": "number"}},
                    {"name": "sku", "in": "query", "schema": {"type": "array"}, "explode": False},
                    {"name": "tags", "in": "query", "schema": {"type": "array"}},
                    {"name": "X-Trace", "in": "header", "schema": {"type": "string"}},
                ],
                "responses": {
                    "200": {
                        "description": "ok",
                        "content": {
                            "application/json": {
                                "schema": {
                                    "type": "array",
                                    "items": {"$ref": "#/components/schemas/Product"},
                                }
                            }
                        },
                    }
                },
            }
        },
        "/orgs/{org_id}/members": {"get": {"responses": MEMBERS}},
        "/teams/{team}/members": {"get": {"responses": MEMBERS}},
        "/stats": {
            "get": {
                "responses": _json_response(
                    {"type": "object", "properties": {"count": {"type": "integer"}}}
                )
            }
        },
    },
}


def test_openapi_31_types_paging_filters_and_notes() -> None:
    generated = generate(SHOP, "shop")
    endpoints = endpoints_of(generated.sdl, "shop")
    product = endpoints["Product"]
    types = {s.column.name: s.column.source_type for s in product.fields}
    # a nested object is flattened one level (typed, filterable); deeper values stay jsonb
    assert (types.pop("parent_id"), types.pop("parent_parent"), types.pop("parent_sku")) == (
        "bigint",
        "jsonb",
        "uuid",
    )
    assert {name for name in types if name.startswith("parent_")} == {
        "parent_price", "parent_added", "parent_in_stock", "parent_tags", "parent_variant",
        "parent_maker",
    }  # fmt: skip
    assert {k: v for k, v in types.items() if not k.startswith("parent_")} == {
        "id": "bigint!",
        "sku": "uuid!",
        "price": "Float",
        "added": "timestamptz",
        "in_stock": "Boolean",
        "tags": "jsonb",
        "variant": "jsonb",
        "maker": "jsonb",
    }
    assert next(s for s in product.fields if s.column.name == "in_stock").source_path == (
        "in-stock",
    )
    assert product.pagination == Pagination(
        style="offset", offset_param="offset", size_param="limit", page_size=200, max_pages=10
    )
    assert product.filters == {
        ("price", "_gte"): ("min_price", "{value}"),
        ("price", "_lte"): ("priceLte", "{value}"),
        ("sku", "_in"): ("sku", "{values}"),
    }
    members = endpoints["Member"]
    assert members.list.path == "/orgs/{orgId}/members"  # the placeholder renamed to the field
    notes = "\n".join(generated.notes)
    for expected in (
        "Product: query parameter 'tags' takes repeated values; not mapped",
        "Product: header parameter 'X-Trace' not mapped",
        "property 'variant': several possible types; kept whole as jsonb",
        "property 'maker': $ref other.yaml#/Maker is outside the document; jsonb",
        "GET /teams/{team}/members: path parameter {team} matches no field",
        "GET /stats: returns one object and is not the item path of a list endpoint",
    ):
        assert expected in notes, f"{expected!r} missing from:\n{notes}"
