"""The gateway against the reference executor (reference.py): the same schema, the same SQLite
rows, answers compared for a hand-written corpus and for queries hypothesis-graphql generates.

Run: ``pytest tests/differential -ra``; the session ends with the number of compared queries.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from .check import difference
from .conftest import COMPARED, Pair
from .corpus import CASES, Case
from .generated import known_gap, query_strategy


def _param(case: Case) -> object:
    marks = [pytest.mark.xfail(strict=True, reason=case.xfail)] if case.xfail else []
    return pytest.param(case, id=case.name, marks=marks)


def test_corpus_is_large_enough() -> None:
    assert len(CASES) >= 40
    assert len({c.name for c in CASES}) == len(CASES)


@pytest.mark.parametrize("case", [_param(c) for c in CASES])
async def test_hand_written(pair: Pair, case: Case) -> None:
    found = await difference(
        pair, case.query, case.variables, case.operation_name, unordered=case.unordered
    )
    COMPARED["hand-written"] += 1
    assert found is None, found


@settings(
    max_examples=100,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
@given(data=st.data())
async def test_generated(pair: Pair, data: st.DataObject) -> None:
    query = data.draw(query_strategy(pair.gateway.schema, pair.gateway.model), label="query")
    assume(known_gap(query) is None)
    found = await difference(pair, query)
    COMPARED["generated"] += 1
    assert found is None, f"{found}\n{query}"
