"""Real HTTP services for the REST and GraphQL connector tests: Starlette apps that the tests
serve with uvicorn on a free loopback port (``conformance.live_server.LiveServer``).

Each app records what it received (``calls``), so tests assert round trips and parameters.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Any

from graphql import build_schema, graphql
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

USERS = [
    {"id": i, "name": name, "status": status, "score": score, "joined": joined, "profile": prof}
    for i, name, status, score, joined, prof in [
        (1, "Ann", "active", "12.5", "2024-01-05", {"city": "Oslo"}),
        (2, "Bob", "inactive", "3", "2023-11-30", {"city": "Rome"}),
        (3, "Cé", "active", None, "2024-03-01", {"city": "Lima"}),
        (4, "Dan", "active", "7.25", None, {"city": "Oslo"}),
        (5, "Eve", "banned", "99", "2022-07-14", {}),
        (6, "Fay", "active", "0", "2024-02-29", {"city": "Kyiv"}),
        (7, "Gus", "inactive", "5", "2021-01-01", {"city": "Oslo"}),
    ]
]


@dataclass
class Recorder:
    calls: list[tuple[str, dict[str, str]]] = field(default_factory=list)
    failures_left: int = 0
    """``/flaky`` answers 503 this many times before it succeeds."""
    delay: float = 0.0

    def paths(self, prefix: str = "/") -> list[str]:
        return [path for path, _ in self.calls if path.startswith(prefix)]


def rest_app(recorder: Recorder) -> Starlette:
    async def record(request: Request) -> None:
        recorder.calls.append((request.url.path, dict(request.query_params)))

    async def users(request: Request) -> Response:
        await record(request)
        rows = USERS
        status = request.query_params.get("status")
        if status is not None:
            rows = [u for u in rows if u["status"] == status]
        size = int(request.query_params.get("per_page", "3"))
        page = int(request.query_params.get("page", "1"))
        items = rows[(page - 1) * size : page * size]
        return JSONResponse({"data": {"items": items, "total": len(rows)}})

    async def user(request: Request) -> Response:
        await record(request)
        found = [u for u in USERS if str(u["id"]) == request.path_params["id"]]
        if not found:
            return JSONResponse({"error": "not found"}, status_code=404)
        return JSONResponse({"data": found[0]})

    async def batch(request: Request) -> Response:
        await record(request)
        ids = set(request.query_params.get("ids", "").split(","))
        return JSONResponse([u for u in USERS if str(u["id"]) in ids])

    async def events(request: Request) -> Response:
        """Cursor pagination: two rows per page, ``next`` is the cursor of the following page."""
        await record(request)
        start = int(request.query_params.get("cursor", "0"))
        rows = [{"seq": n, "kind": "click" if n % 2 else "view"} for n in range(start, start + 2)]
        more = start + 2 < 5
        return JSONResponse({"events": rows[: 5 - start], "next": str(start + 2) if more else None})

    async def flaky(request: Request) -> Response:
        await record(request)
        if recorder.failures_left > 0:
            recorder.failures_left -= 1
            return JSONResponse({"error": "busy"}, status_code=503, headers={"Retry-After": "0"})
        return JSONResponse([{"id": 1, "ok": True}])

    async def slow(request: Request) -> Response:
        await record(request)
        await asyncio.sleep(recorder.delay)
        return JSONResponse({"data": {"id": 1, "ok": True}})

    return Starlette(
        routes=[
            Route("/users", users),
            Route("/users/{id}", user),
            Route("/users_batch", batch),
            Route("/events", events),
            Route("/flaky", flaky),
            Route("/slow/{id}", slow),
        ]
    )


# --- a GraphQL service with Hasura-style arguments on one field and none on another -----------

GRAPHQL_SDL = """
type Query {
  books(where: book_bool_exp, order_by: [book_order_by!], limit: Int, offset: Int): [Book!]!
  book(id: ID!): Book
  authors: [Author!]!
  broken: [Author!]!
  stats: Stats
}
type Book { id: ID! title: String! year: Int price: Float author_id: Int tags: [String!] }
type Author { id: Int! name: String! }
type Stats { count: Int }
input book_bool_exp {
  _and: [book_bool_exp!] _or: [book_bool_exp!] _not: book_bool_exp
  id: ID_comparison_exp year: Int_comparison_exp title: String_comparison_exp
}
input Int_comparison_exp { _eq: Int _gt: Int _lt: Int _in: [Int!] }
input ID_comparison_exp { _eq: ID _in: [ID!] }
input String_comparison_exp { _eq: String }
input book_order_by { id: order_by year: order_by title: order_by }
enum order_by { asc desc }
"""

BOOKS = [
    {"id": "1", "title": "Dune", "year": 1965, "price": 9.5, "author_id": 1},
    {"id": "2", "title": "Emma", "year": 1815, "price": None, "author_id": 2},
    {"id": "3", "title": "Ubik", "year": 1969, "price": 7.0, "author_id": 3},
    {"id": "4", "title": "Solaris", "year": 1961, "price": 8.25, "author_id": 4},
]
AUTHORS = [{"id": 1, "name": "Herbert"}, {"id": 2, "name": "Austen"}, {"id": 3, "name": "Dick"}]


def _matches(book: dict[str, Any], where: dict[str, Any]) -> bool:
    for name, spec in where.items():
        if name == "_and" and not all(_matches(book, w) for w in spec):
            return False
        if name == "_or" and not any(_matches(book, w) for w in spec):
            return False
        if name == "_not" and _matches(book, spec):
            return False
        if name.startswith("_"):
            continue
        value = book[name]
        for op, operand in spec.items():
            ok = {
                "_eq": lambda v, o: v == o,
                "_gt": lambda v, o: v is not None and v > o,
                "_lt": lambda v, o: v is not None and v < o,
                "_in": lambda v, o: v in o,
            }[op](value, operand)
            if not ok:
                return False
    return True


def _books(_root: Any, _info: Any, **args: Any) -> list[dict[str, Any]]:
    rows = [b for b in BOOKS if _matches(b, args.get("where") or {})]
    for item in reversed(args.get("order_by") or []):
        ((name, direction),) = item.items()
        rows.sort(key=lambda b, n=name: b[n], reverse=direction == "desc")
    offset = args.get("offset") or 0
    limit = args.get("limit")
    return rows[offset:] if limit is None else rows[offset : offset + limit]


def _broken(_root: Any, _info: Any) -> Any:
    raise RuntimeError("the author index is rebuilding")


def graphql_app(recorder: Recorder) -> Starlette:
    schema = build_schema(GRAPHQL_SDL)
    query_type = schema.query_type
    assert query_type is not None
    query_type.fields["books"].resolve = _books
    query_type.fields["book"].resolve = lambda _r, _i, id: next(
        (b for b in BOOKS if b["id"] == id), None
    )
    query_type.fields["authors"].resolve = lambda _r, _i: AUTHORS
    query_type.fields["broken"].resolve = _broken

    async def endpoint(request: Request) -> Response:
        payload = await request.json()
        recorder.calls.append(
            (payload["query"], {"authorization": request.headers.get("authorization", "")})
        )
        await asyncio.sleep(recorder.delay)
        result = await graphql(schema, payload["query"], variable_values=payload.get("variables"))
        body: dict[str, Any] = {"data": result.data}
        if result.errors:
            body["errors"] = [e.formatted for e in result.errors]
        return JSONResponse(body)

    return Starlette(routes=[Route("/graphql", endpoint, methods=["POST"])])
