"""A root field -> the HTTP request a ``rest`` endpoint can answer, and what is left for the
gateway (:mod:`federation.execution.remainder`).

Pure functions over the plan: the same request is sent by ``fetch_root`` and printed by EXPLAIN.
Values enter URLs only URL-encoded: path placeholders as one encoded segment (so ``../`` cannot
climb out of the endpoint), query parameters through httpx's encoding.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from federation.planner.plan import AggregateSelect, And, BoolExp, Compare, RootField, Select

from .endpoints import Endpoint, Template


@dataclass(frozen=True, slots=True)
class RestRequest:
    path: str
    params: tuple[tuple[str, str], ...]
    single: bool = False
    """A ``by_pk`` request: the body holds one object, and 404 means no row."""
    stop_after: int | None = None
    """Stop paging once this many rows arrived (everything but pagination was sent)."""

    def describe(self, base_url: str) -> str:
        query = "&".join(f"{k}={v}" for k, v in self.params)
        return f"GET {base_url}{self.path}{'?' + query if query else ''}"


def plan_request(endpoint: Endpoint, root: RootField) -> RestRequest:
    select = root.query.rows if isinstance(root.query, AggregateSelect) else root.query
    assert isinstance(select, Select)
    equal = _equalities(select.where)
    if root.kind == "one" and endpoint.by_pk is not None:
        return RestRequest(fill(endpoint.by_pk, equal), endpoint.by_pk.query, single=True)
    path = fill(endpoint.list, equal)
    pushed, everything = _pushed_filters(endpoint, select.where)
    stop_after = None
    if everything and not (select.order_by or select.distinct_on) and select.limit is not None:
        stop_after = (select.offset or 0) + select.limit
    return RestRequest(path, endpoint.list.query + pushed, stop_after=stop_after)


def fill(template: Template, values: dict[str, Any]) -> str:
    """The path with each ``{field}`` replaced by its value as one URL-encoded segment."""
    missing = [name for name in template.names if name not in values]
    if missing:
        raise MissingPathValue(missing)
    encoded = {name: quote(param_text(values[name]), safe="") for name in template.names}
    return template.path.format_map(encoded)


class MissingPathValue(Exception):
    def __init__(self, names: Sequence[str]) -> None:
        self.names = list(names)
        super().__init__(", ".join(names))


def param_text(value: Any) -> str:
    """A plan value as URL text: JSON-like spelling for booleans, ISO 8601 for temporals."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    return str(value)


def _conjuncts(where: BoolExp | None) -> Iterator[BoolExp]:
    if where is None:
        return
    if isinstance(where, And):
        for item in where.items:
            yield from _conjuncts(item)
    else:
        yield where


def _equalities(where: BoolExp | None) -> dict[str, Any]:
    """``field: {_eq: v}`` conjuncts: they fill path placeholders."""
    return {
        c.column.name: c.value
        for c in _conjuncts(where)
        if isinstance(c, Compare) and c.op == "_eq" and c.cast is None
    }


def _pushed_filters(
    endpoint: Endpoint, where: BoolExp | None
) -> tuple[tuple[tuple[str, str], ...], bool]:
    """Query parameters for the conjuncts the endpoint filters itself, and whether that is all
    of ``where``. The gateway evaluates ``where`` again over the rows either way (cheap, and
    exact even when the service's matching differs, say in case)."""
    params: list[tuple[str, str]] = []
    everything = True
    placeholders = set(endpoint.list.names)
    for conjunct in _conjuncts(where):
        if isinstance(conjunct, Compare) and conjunct.cast is None:
            if conjunct.op == "_eq" and conjunct.column.name in placeholders:
                continue
            declared = endpoint.filters.get((conjunct.column.name, conjunct.op))
            if declared is not None:
                params.append(_param(declared, conjunct.value))
                continue
        everything = False
    return tuple(params), everything


def _param(declared: tuple[str, str], value: Any) -> tuple[str, str]:
    name, template = declared
    if isinstance(value, list | tuple):
        joined = ",".join(param_text(v) for v in value)
        return name, template.replace("{values}", joined)
    return name, template.replace("{value}", param_text(value))
