"""The reference's own rules, so that a difference it reports is the gateway's."""

from __future__ import annotations

from .compare import first_difference
from .reference import real_text
from .semantics import DIRECTIONS, like, sort_rows


def test_like_escapes_and_wildcards() -> None:
    assert like("G_rm%", "Germinal", insensitive=False)
    assert not like("g%", "Germinal", insensitive=False)
    assert like("g%", "Germinal", insensitive=True)
    assert like("100\\%", "100%", insensitive=False)
    assert not like("100\\%", "1000", insensitive=False)


def test_null_placement_follows_hasura() -> None:
    rows = [{"v": 2}, {"v": None}, {"v": 1}]
    order = [
        [r["v"] for r in sort_rows(rows, [(lambda r: r["v"], *DIRECTIONS[d])])]
        for d in ("asc", "desc", "asc_nulls_first", "desc_nulls_last")
    ]
    assert order == [[1, 2, None], [None, 2, 1], [None, 1, 2], [2, 1, None]]


def test_comparison_rules() -> None:
    assert first_difference({"a": 1, "b": 2}, {"b": 2, "a": 1}) is not None  # key order counts
    assert first_difference({"x": 1.0}, {"x": 1}) is not None  # an Int must stay an integer
    assert first_difference({"x": 1}, {"x": 1.0}) is None  # a Float may print as an integer
    assert first_difference({"x": True}, {"x": 1}) is not None
    assert first_difference({"x": "1"}, {"x": 1.0}) is not None
    assert first_difference([{"i": 2}, {"i": 1}], [{"i": 1}, {"i": 2}]) is not None
    assert first_difference([{"i": 2}, {"i": 1}], [{"i": 1}, {"i": 2}], unordered=True) is None


def test_real_text_matches_sqlite_cast() -> None:
    assert [real_text(v) for v in (100.0, 1e20, 0.1 + 0.2, -7.5)] == [
        "100.0",
        "1.0e+20",
        "0.3",
        "-7.5",
    ]
