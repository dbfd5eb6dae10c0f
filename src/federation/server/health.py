"""`/healthz` (the process is alive) and `/readyz` (every source answers).

Liveness never touches a source, so a database outage does not get the process restarted;
readiness does, so a load balancer stops sending traffic to a replica that cannot answer.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any, Final

import orjson
from starlette.requests import Request
from starlette.responses import Response

from federation.server.responses import json_response
from federation.server.state import gateway_of

logger = logging.getLogger(__name__)

READINESS_TIMEOUT: Final = 5.0
"""Seconds the sources get to answer a readiness probe before the replica counts as unready."""


async def healthz(request: Request) -> Response:
    return json_response(orjson.dumps({"status": "ok"}))


async def readyz(request: Request) -> Response:
    gateway = gateway_of(request)
    if gateway is None:
        return _unready({"status": "starting"})
    try:
        async with asyncio.timeout(READINESS_TIMEOUT):
            sources = await gateway.readiness()
    except TimeoutError:
        return _unready(
            {"status": "unready", "error": f"sources did not answer within {READINESS_TIMEOUT:g} s"}
        )
    except Exception as exc:
        logger.exception("readiness check failed")
        return _unready({"status": "unready", "error": f"readiness check failed: {exc}"})
    report = {name: _source_report(error) for name, error in sources.items()}
    if any(error is not None for error in sources.values()):
        return _unready({"status": "unready", "sources": report})
    return json_response(orjson.dumps({"status": "ready", "sources": report}))


def _source_report(error: str | None) -> dict[str, Any]:
    return {"ready": True} if error is None else {"ready": False, "error": error}


def _unready(body: dict[str, Any]) -> Response:
    return json_response(orjson.dumps(body), status_code=503)
