"""A kept plan filled with new variable values answers exactly as a plan made for those values.

The gateway keeps one plan per operation and variable shape and slots the values of variables
compared in `where` into its statements (``federation.planner.parametric``). Each case here runs
one operation with several variable values in a row, on PostgreSQL, MariaDB and SQLite, and
compares every answer with the same operation written with literals (a document of its own, so
planned from scratch). Values are chosen to trip what could go wrong: equal values of two
variables, non-ASCII text (MariaDB plans ASCII equality differently), LIKE patterns (SQLite
rewrites them to GLOB, so that variable must not be slotted), nulls, numeric strings.
"""

from __future__ import annotations

import re
from typing import Any

import orjson
import pytest

from .chinook_gateways import Source
from .chinook_queries import snake, translate

CASES: list[tuple[str, str, list[dict[str, Any]]]] = [
    (
        "equality on a key",
        "query ($id: Int!) { Track(where: {TrackId: {_eq: $id}}) { TrackId Name } }",
        [{"id": 1}, {"id": 2}, {"id": 3500}, {"id": 999999}],
    ),
    (
        "text equality, ASCII then not",
        "query ($n: String!) { Artist(where: {Name: {_eq: $n}}) { ArtistId Name } }",
        [{"n": "AC/DC"}, {"n": "Accept"}, {"n": "Antônio Carlos Jobim"}, {"n": "ac/dc"}],
    ),
    (
        "like patterns",
        """query ($p: String!) {
          Track(where: {Name: {_like: $p}}, order_by: {TrackId: asc}, limit: 5) { TrackId }
        }""",
        [{"p": "%Love%"}, {"p": "A%"}, {"p": "%ã%"}, {"p": "_ove%"}],
    ),
    (
        "ilike patterns",
        """query ($p: String!) {
          Artist(where: {Name: {_ilike: $p}}, order_by: {ArtistId: asc}, limit: 5) { ArtistId }
        }""",
        [{"p": "%the%"}, {"p": "a%"}, {"p": "%ão%"}],
    ),
    (
        "numeric range",
        """query ($lo: numeric!, $hi: numeric!) {
          Track(where: {UnitPrice: {_gte: $lo, _lt: $hi}}, order_by: {TrackId: asc}, limit: 3) {
            TrackId UnitPrice
          }
        }""",
        [{"lo": "0.5", "hi": "1.0"}, {"lo": "1.0", "hi": "2"}, {"lo": "1.99", "hi": "1.99"}],
    ),
    (
        "two variables, equal then different",
        """query ($a: Int!, $b: Int!) {
          Track(where: {_or: [{TrackId: {_eq: $a}}, {TrackId: {_eq: $b}}]},
                order_by: {TrackId: asc}) { TrackId }
        }""",
        [{"a": 5, "b": 5}, {"a": 5, "b": 6}, {"a": 7, "b": 3}],
    ),
    (
        "one variable in two root fields",
        """query ($x: Int!) {
          t: Track(where: {TrackId: {_eq: $x}}) { TrackId }
          a: Album(where: {AlbumId: {_eq: $x}}) { AlbumId }
        }""",
        [{"x": 3}, {"x": 300}],
    ),
    (
        "nested relationship filter",
        """query ($g: Int!) {
          Album(order_by: {AlbumId: asc}, limit: 4) {
            AlbumId Tracks(where: {GenreId: {_eq: $g}}, order_by: {TrackId: asc}) { TrackId }
          }
        }""",
        [{"g": 1}, {"g": 2}, {"g": 7}],
    ),
    (
        "null, then a value, then null",
        """query ($c: String) {
          Customer(where: {Company: {_eq: $c}}, order_by: {CustomerId: asc}, limit: 3) {
            CustomerId
          }
        }""",
        [{"c": None}, {"c": "Google Inc."}, {"c": None}, {"c": "Apple Inc."}],
    ),
    (
        "variables beside a limit that stays in the key",
        """query ($min: Int!, $n: Int!) {
          Track(where: {TrackId: {_gt: $min}}, order_by: {TrackId: asc}, limit: $n) { TrackId }
        }""",
        [{"min": 10, "n": 2}, {"min": 20, "n": 2}, {"min": 20, "n": 5}],
    ),
]

_DEFINITIONS = re.compile(r"^\s*query\s*\([^)]*\)", re.DOTALL)


def with_literals(query: str, variables: dict[str, Any]) -> str:
    """The operation with each ``$name`` replaced by its value as a GraphQL literal."""
    body = _DEFINITIONS.sub("query", query, count=1)
    for name, value in variables.items():
        literal = "null" if value is None else orjson.dumps(value).decode()
        body = re.sub(rf"\${name}\b", lambda _, text=literal: text, body)
    return body


def _for(kind: str, query: str, variables: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    if kind != "postgres":
        return query, variables
    return translate(query, "snake"), {snake(k): v for k, v in variables.items()}


@pytest.mark.asyncio(loop_scope="session")
@pytest.mark.parametrize("kind", ["sqlite", "postgres", "mysql"])
@pytest.mark.parametrize("name", [case[0] for case in CASES])
async def test_kept_plan_answers_as_a_fresh_plan(kind: str, name: str, server: Source) -> None:
    source = server
    query, runs = next((q, r) for n, q, r in CASES if n == name)
    answers = []
    for variables in runs:
        text, values = _for(kind, query, variables)
        kept = orjson.loads((await source.gateway.execute(text, values)).body)
        fresh = orjson.loads((await source.gateway.execute(with_literals(text, values))).body)
        assert kept == fresh, (kind, values)
        # `_eq: null` is refused (use _is_null): the kept plan must refuse it the same way
        assert ("errors" in kept) == (None in values.values()), kept
        answers.append(kept)
    assert len({orjson.dumps(a) for a in answers}) > 1, "the values must change the answer"


@pytest.mark.asyncio(loop_scope="session")
async def test_varying_values_reuse_one_plan(sqlite: Source) -> None:
    gateway = sqlite.gateway
    query = "query ($id: Int!) { Track(where: {TrackId: {_gt: $id}}, limit: 1) { TrackId } }"
    await gateway.execute(query, {"id": 0})
    misses = gateway.plans.misses
    for value in range(1, 50):
        body = orjson.loads((await gateway.execute(query, {"id": value})).body)
        assert body == {"data": {"Track": [{"TrackId": value + 1}]}}
    assert gateway.plans.misses == misses


@pytest.mark.asyncio(loop_scope="session")
async def test_a_value_the_dialect_rewrites_is_planned_per_value(sqlite: Source) -> None:
    """SQLite's case-sensitive LIKE is a GLOB with a rewritten pattern: not slotted."""
    gateway = sqlite.gateway
    query = "query ($p: String!) { Artist(where: {Name: {_like: $p}}) { ArtistId } }"
    misses = gateway.plans.misses
    for pattern in ("A%", "B%", "C%"):
        await gateway.execute(query, {"p": pattern})
    assert gateway.plans.misses == misses + 3
    for pattern in ("A%", "B%", "C%"):
        await gateway.execute(query, {"p": pattern})
    assert gateway.plans.misses == misses + 3  # each value's plan is kept
