"""The REST source of scenario (d): customers' loyalty accounts, computed from the customer id.

A small Starlette app the suite starts on loopback beside the databases. Every contender of (d)
reads loyalty from it, so its cost is in every contender alike. The data is a pure function of
the id (no storage), the same on every run:

    GET /loyalty?ids=1,2,3        the batch form: {"data": [row, ...]} for the ids that exist
    GET /loyalty/{customer_id}    one row: {"data": row}, 404 when the customer does not exist
    GET /loyalty?page=1&per_page=100   the list, page by page: {"data": [row, ...]}
    GET /stats                    {"requests": <loyalty requests answered so far>}

A row is ``{"customer_id": int, "points": int, "level": str}``. ``FED_BENCH_CUSTOMERS`` is the
number of customers (ids 1..N).

    FED_BENCH_CUSTOMERS=10000 uvicorn bench.contenders.loyalty_service:app --port 8103
"""

from __future__ import annotations

import os
from typing import Any

import orjson
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

CUSTOMERS = int(os.environ.get("FED_BENCH_CUSTOMERS", "1000"))
LEVELS = ("bronze", "silver", "gold", "platinum")
PER_PAGE = 100
COUNTER = {"requests": 0}


def row(customer_id: int) -> dict[str, Any]:
    """The loyalty account of one customer (deterministic)."""
    return {
        "customer_id": customer_id,
        "points": customer_id * 7919 % 10_000,
        "level": LEVELS[customer_id * 31 % 7 % len(LEVELS)],
    }


def exists(customer_id: int) -> bool:
    return 1 <= customer_id <= CUSTOMERS


def _json(value: Any, status: int = 200) -> Response:
    return Response(orjson.dumps(value), status, media_type="application/json")


def _ids(text: str) -> list[int] | None:
    try:
        return [int(part) for part in text.split(",") if part]
    except ValueError:
        return None


async def loyalty_list(request: Request) -> Response:
    COUNTER["requests"] += 1
    ids_text = request.query_params.get("ids")
    if ids_text is not None:
        ids = _ids(ids_text)
        if ids is None:
            return _json({"error": f"ids must be comma-separated integers, not {ids_text!r}"}, 400)
        return _json({"data": [row(i) for i in ids if exists(i)]})
    try:
        page = int(request.query_params.get("page", "1"))
        size = int(request.query_params.get("per_page", str(PER_PAGE)))
    except ValueError:
        return _json({"error": "page and per_page must be integers"}, 400)
    first = (page - 1) * size + 1
    return _json({"data": [row(i) for i in range(first, first + size) if exists(i)]})


async def loyalty_one(request: Request) -> Response:
    COUNTER["requests"] += 1
    customer_id = int(request.path_params["customer_id"])
    if not exists(customer_id):
        return _json({"error": f"no customer {customer_id}"}, 404)
    return _json({"data": row(customer_id)})


async def stats(request: Request) -> Response:
    return _json(COUNTER)


async def health(request: Request) -> Response:
    return _json({"ok": True})


app = Starlette(
    routes=[
        Route("/loyalty", loyalty_list),
        Route("/loyalty/{customer_id:int}", loyalty_one),
        Route("/stats", stats),
        Route("/", health),
    ]
)
