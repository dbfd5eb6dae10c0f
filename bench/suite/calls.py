"""Source calls per request of scenario (d), for 10 and 1,000 parent rows.

The issue's target: source calls independent of the row count. Counted three ways:

- the REST service counts the requests it answers (``GET /stats``), for every contender;
- the hand-written services count their own statements and requests (``GET /stats``);
- the gateway's connectors count ``statements_executed``, read in process: a ``Gateway`` started
  on the same federation.yaml the gateway servers use runs the same query.
"""

from __future__ import annotations

from typing import Any

import orjson

from bench.suite.contenders import WORK, Contender
from bench.suite.load import Request, request_once
from bench.suite.queries import GATEWAY

PARENTS = (10, 1000)
SOURCES = ("postgres", "mysql", "rest")


async def _stats(port: int) -> dict[str, int]:
    response = await request_once(port, Request("/stats", b"", method="GET"), timeout=10)
    if response.status != 200:
        return {}
    data: dict[str, int] = orjson.loads(response.body)
    return data


async def over_http(contender: Contender, port: int, rest_port: int) -> list[dict[str, Any]]:
    """One (d) request per parent count; the calls each source saw."""
    out = []
    for parents in PARENTS:
        request = contender.request("cross", {"limit": parents, "offset": 0})
        assert request is not None
        own, rest = await _stats(port), await _stats(rest_port)
        response = await request_once(port, request)
        own_after, rest_after = await _stats(port), await _stats(rest_port)
        customers = _customers(response.body)
        row: dict[str, Any] = {"contender": contender.name, "parents": parents, "rows": customers}
        for source in ("postgres", "mysql"):
            if source in own_after:
                row[source] = own_after[source] - own.get(source, 0)
        row["rest"] = rest_after["requests"] - rest["requests"]
        out.append(row)
    return out


def _customers(body: bytes) -> int:
    data = orjson.loads(body).get("data") or {}
    return sum(len(v) for v in data.values() if isinstance(v, list))


async def gateway_in_process() -> list[dict[str, Any]]:
    """The gateway's statements per source for the (d) query, from its connectors' counters."""
    from federation.config import load_config
    from federation.gateway import Gateway

    gateway = await Gateway.start(load_config(WORK / "gateway-postgres.yaml"))
    kinds = {"shop": "postgres", "maria": "mysql", "loyalty_api": "rest"}
    out = []
    try:
        for parents in PARENTS:
            before = _executed(gateway)
            result = await gateway.execute(GATEWAY["cross"], {"limit": parents, "offset": 0})
            after = _executed(gateway)
            row: dict[str, Any] = {
                "contender": "gateway (in process, statements_executed)",
                "parents": parents,
                "rows": _customers(result.body),
            }
            for name, kind in kinds.items():
                row[kind] = after[name] - before[name]
            out.append(row)
    finally:
        await gateway.stop()
    return out


def _executed(gateway: Any) -> dict[str, int]:
    return {
        name: source.connector.statements_executed
        for name, source in gateway.sources.by_name.items()
    }


def describe(rows: list[dict[str, Any]]) -> str:
    return "; ".join(
        f"{r['parents']} parents: "
        + ", ".join(f"{s} {r[s]}" for s in SOURCES if s in r)
        + f" ({r['rows']} rows)"
        for r in rows
    )
