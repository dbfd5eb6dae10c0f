"""``GET /metrics``: the gateway's counters in Prometheus' text format (version 0.0.4).

Read from what the gateway already counts, nothing is sampled or timed here: cache hits,
misses, stale answers and evictions per layer, plan-cache hits and misses, requests in flight,
and per source the statements sent and whether its circuit breaker is open. No data and no
query text appear; source names do, so ``server.metrics: false`` turns the endpoint off where
the port is public.
"""

from __future__ import annotations

from collections.abc import Iterable

from starlette.requests import Request
from starlette.responses import Response

from federation.execution.breaker import State
from federation.gateway import Gateway
from federation.server.state import gateway_of

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"

_LAYER_COUNTERS = ("hits", "misses", "stale", "evictions", "sets", "invalidations", "errors")


async def metrics(request: Request) -> Response:
    gateway = gateway_of(request)
    if not isinstance(gateway, Gateway):  # starting, or an embedded stand-in without counters
        return Response("# the gateway is still starting\n", 503, media_type=CONTENT_TYPE)
    return Response("".join(render(gateway)), media_type=CONTENT_TYPE)


def render(gateway: Gateway) -> Iterable[str]:
    """Every metric family of ``gateway``: ``# HELP``/``# TYPE`` lines, then its samples."""
    stats = gateway.caches.store.stats
    for counter in _LAYER_COUNTERS:
        name = f"federation_cache_{counter}_total"
        yield from _family(name, "counter", f"Cache {counter} per layer.")
        for layer in ("l1", "l2"):
            yield f'{name}{{layer="{layer}"}} {getattr(getattr(stats, layer), counter)}\n'
    yield from _family(
        "federation_cache_coalesced_total", "counter", "Requests that shared an identical one."
    )
    yield f"federation_cache_coalesced_total {stats.coalesced}\n"
    plans = gateway.plans
    yield from _family("federation_plan_cache_total", "counter", "Plan cache lookups by result.")
    yield f'federation_plan_cache_total{{result="hit"}} {plans.hits}\n'
    yield f'federation_plan_cache_total{{result="miss"}} {plans.misses}\n'
    yield from _family("federation_requests_in_flight", "gauge", "Requests being answered.")
    yield f"federation_requests_in_flight {gateway.executor.in_flight}\n"
    sources = gateway.sources.by_name
    yield from _family(
        "federation_source_statements_total", "counter", "Statements or requests sent per source."
    )
    for name, source in sources.items():
        yield f'federation_source_statements_total{{source="{name}"}} '
        yield f"{source.connector.statements_executed}\n"
    yield from _family(
        "federation_source_circuit_open", "gauge", "1 while the source's circuit breaker is open."
    )
    for name, source in sources.items():
        open_ = source.breaker is not None and source.breaker.state is not State.CLOSED
        yield f'federation_source_circuit_open{{source="{name}"}} {int(open_)}\n'


def _family(name: str, kind: str, help_text: str) -> Iterable[str]:
    yield f"# HELP {name} {help_text}\n"
    yield f"# TYPE {name} {kind}\n"
