"""The same Chinook queries through the gateway on PostgreSQL, MariaDB and SQLite give the same
answers, each in one statement per root field; a few are checked against plain SQL on the SQLite
file; hostile strings in filters reach the servers as values, never as SQL.

The queries and the normal form the answers are compared in: ``chinook_queries.py``. A case a
server is known to answer differently is a strict xfail naming the cause (``Case.broken_on``).
Servers are skipped with the reason when absent (failed under ``CI=true``): ``tests/servers.py``.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from .chinook_gateways import NAMING, Source
from .chinook_queries import (
    CASES,
    Case,
    normalise,
    root_response_keys,
    same,
    translate,
)

SERVER_KINDS = ("postgres", "mysql")


def _server_cases() -> list[Any]:
    return list(_each_server_case())


def _each_server_case() -> Iterator[Any]:
    for kind in SERVER_KINDS:
        for case in CASES:
            marks = []
            if kind in case.broken_on:
                marks.append(pytest.mark.xfail(strict=True, reason=case.broken_on[kind]))
            yield pytest.param(kind, case, id=f"{kind}-{case.name}", marks=marks)


# --- the same answers ----------------------------------------------------------------------------


def test_there_are_enough_queries() -> None:
    assert len(CASES) >= 30
    assert len({case.name for case in CASES}) == len(CASES)


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.name)
async def test_sqlite_reference_answers_without_errors(sqlite: Source, case: Case) -> None:
    response = await sqlite.answer(case)
    assert "errors" not in response, response["errors"]
    assert list(response["data"]) == root_response_keys(case.query)


@pytest.mark.parametrize(("kind", "case"), _server_cases())
async def test_server_answers_as_sqlite(
    kind: str, case: Case, server: Source, sqlite: Source
) -> None:
    expected = await sqlite.answer(case)
    actual = await server.answer(case)
    assert "errors" not in actual, actual["errors"]
    assert same(normalise(actual["data"]), normalise(expected["data"])), _diff(expected, actual)


def _diff(expected: dict[str, Any], actual: dict[str, Any]) -> str:
    return (
        f"\nsqlite: {orjson.dumps(expected).decode()[:2000]}"
        f"\nserver: {orjson.dumps(actual).decode()[:2000]}"
    )


def test_translation_to_snake_case_keeps_values_and_built_in_types() -> None:
    query = 'query ($v: String!) { InvoiceLine_aggregate(where: {Track: {Name: {_eq: "Id"}}}) }'
    assert translate(query, "snake") == (
        'query ($v: String!) { invoice_line_aggregate(where: {track: {name: {_eq: "Id"}}}) }'
    )


def test_normal_form_equates_representations_not_values() -> None:
    assert same(normalise({"UnitPrice": "0.99"}), normalise({"unit_price": "0.990"}))
    assert same(normalise({"sum": "2328.5999999999"}), normalise({"sum": "2328.60"}))
    assert same(normalise({"avg": 5.65194174757282}), normalise({"avg": 5.651941747572815}))
    assert same(normalise({"d": "2021-01-01 00:00:00"}), normalise({"d": "2021-01-01T00:00:00"}))
    assert not same(normalise({"UnitPrice": "0.99"}), normalise({"unit_price": "1.99"}))
    assert not same(normalise({"avg": 5.65}), normalise({"avg": 5.66}))
    assert not same(normalise({"Name": "AC/DC"}), normalise({"Name": "ac/dc"}))
    assert not same(normalise([1, 2]), normalise([2, 1]))


# --- ground truth by plain SQL on the SQLite file -----------------------------------------------


def _money(value: float | None) -> str | None:
    return None if value is None else f"{value:.6f}"


def _rows(db: sqlite3.Connection, sql: str) -> list[tuple[Any, ...]]:
    return list(db.execute(sql).fetchall())


def _truth_nested(db: sqlite3.Connection) -> dict[str, Any]:
    artists = _rows(db, "SELECT ArtistId, Name FROM Artist WHERE ArtistId <= 6 ORDER BY ArtistId")
    albums = _rows(db, "SELECT AlbumId, Title, ArtistId FROM Album ORDER BY AlbumId")
    tracks = _rows(
        db,
        "SELECT TrackId, Name, Milliseconds, Bytes, UnitPrice, AlbumId FROM Track ORDER BY TrackId",
    )
    return {
        "Artist": [
            {
                "ArtistId": artist_id,
                "Name": name,
                "Albums": [
                    {
                        "AlbumId": album_id,
                        "Title": title,
                        "Tracks": [
                            {
                                "TrackId": t,
                                "Name": n,
                                "Milliseconds": ms,
                                "Bytes": b,
                                "UnitPrice": _money(p),
                            }
                            for t, n, ms, b, p, owner in tracks
                            if owner == album_id
                        ],
                    }
                    for album_id, title, owner in albums
                    if owner == artist_id
                ],
            }
            for artist_id, name in artists
        ]
    }


def _truth_aggregates(db: sqlite3.Connection) -> dict[str, Any]:
    ((count, total, mean, low, first, high, last),) = _rows(
        db,
        "SELECT count(*), sum(Total), avg(Total), min(Total), min(InvoiceDate), max(Total),"
        " max(InvoiceDate) FROM Invoice",
    )
    aggregate = {
        "count": count,
        "sum": {"Total": _money(total)},
        "avg": {"Total": mean},
        "min": {"Total": _money(low), "InvoiceDate": first},
        "max": {"Total": _money(high), "InvoiceDate": last},
    }
    return {"Invoice_aggregate": {"aggregate": aggregate}}


def _truth_group_by(db: sqlite3.Connection) -> dict[str, Any]:
    rows = _rows(
        db,
        "SELECT GenreId, count(*), avg(Milliseconds) FROM Track GROUP BY GenreId"
        " HAVING count(*) > 100 ORDER BY count(*) DESC, GenreId",
    )
    return {
        "Track_group_by": [
            {"keys": {"GenreId": g}, "aggregate": {"count": n, "avg": {"Milliseconds": a}}}
            for g, n, a in rows
        ]
    }


def _truth_relationship_count(db: sqlite3.Connection) -> dict[str, Any]:
    rows = _rows(
        db,
        "SELECT a.ArtistId, count(b.AlbumId) AS n FROM Artist a"
        " LEFT JOIN Album b ON b.ArtistId = a.ArtistId"
        " GROUP BY a.ArtistId ORDER BY n DESC, a.ArtistId LIMIT 10",
    )
    return {
        "Artist": [
            {"ArtistId": a, "Albums_aggregate": {"aggregate": {"count": n}}} for a, n in rows
        ]
    }


def _truth_array_filter(db: sqlite3.Connection) -> dict[str, Any]:
    rows = _rows(
        db,
        "SELECT ArtistId, Name FROM Artist a WHERE EXISTS (SELECT 1 FROM Album b"
        " JOIN Track t ON t.AlbumId = b.AlbumId"
        " WHERE b.ArtistId = a.ArtistId AND t.Milliseconds > 1500000) ORDER BY ArtistId",
    )
    return {"Artist": [{"ArtistId": a, "Name": n} for a, n in rows]}


def _truth_distinct_on(db: sqlite3.Connection) -> dict[str, Any]:
    rows = _rows(
        db,
        "SELECT CustomerId, InvoiceId, Total FROM (SELECT *, ROW_NUMBER() OVER ("
        "PARTITION BY CustomerId ORDER BY Total DESC, InvoiceId) AS r FROM Invoice)"
        " WHERE r = 1 ORDER BY CustomerId LIMIT 12",
    )
    return {"Invoice": [{"CustomerId": c, "InvoiceId": i, "Total": _money(t)} for c, i, t in rows]}


TRUTH: dict[str, Callable[[sqlite3.Connection], dict[str, Any]]] = {
    "nested_artists_albums_tracks": _truth_nested,
    "aggregate_all_functions": _truth_aggregates,
    "group_by_having_order_by_count": _truth_group_by,
    "order_by_relationship_count": _truth_relationship_count,
    "filter_through_array_relationship": _truth_array_filter,
    "distinct_on": _truth_distinct_on,
}
_CASES_BY_NAME = {case.name: case for case in CASES}


@pytest.mark.parametrize("kind", ["sqlite", *SERVER_KINDS])
@pytest.mark.parametrize("name", sorted(TRUTH))
async def test_answers_match_plain_sql(
    kind: str, name: str, request: pytest.FixtureRequest, sqlite_file: Path
) -> None:
    source: Source = request.getfixturevalue(kind)
    with sqlite3.connect(f"file:{sqlite_file}?mode=ro", uri=True) as db:
        truth = TRUTH[name](db)
    actual = await source.answer(_CASES_BY_NAME[name])
    assert "errors" not in actual, actual["errors"]
    assert same(normalise(actual["data"]), normalise(truth)), _diff({"data": truth}, actual)


# --- hostile strings -----------------------------------------------------------------------------

HOSTILE = (
    '\'; DROP TABLE "Artist"; --',
    "' OR '1'='1",
    '" OR "1"="1',
    "back\\slash \\' \\\\ \\%",
    "100% %% %s %(name)s {0}",
    "$1 $2::text ?, ? :name @p1",
    "`backtick` ]bracket[",
    "ünïcödé ☃ ß ǅ \u202e RTL \u200b zero-width \ufeff",
    "line\nbreak\ttab\rreturn",
    "x" * 10_000,
)
ASTRAL = "guitar \U0001f3b8 and fraktur \U0001d518\U0001d52b"
"""Characters beyond the BMP (4 bytes in UTF-8): Chinook's MySQL text columns are utf8mb3."""
_SENTINEL = "☃"
"""No Chinook name contains it: a pattern that starts with it matches nothing, whatever follows."""
ARTIST_COUNT = 275

HOSTILE_QUERY = """query ($v: String!, $p: String!, $vs: [String!]!) {
  eq: Artist(where: {_or: [{Name: {_eq: $v}}, {ArtistId: {_eq: 1}}]}, order_by: {ArtistId: asc}) {
    ArtistId }
  in: Artist(where: {Name: {_in: $vs}}, order_by: {ArtistId: asc}) { ArtistId }
  like: Artist_aggregate(where: {Name: {_like: $p}}) { aggregate { count } }
  nlike: Artist_aggregate(where: {Name: {_nlike: $p}}) { aggregate { count } }
  ilike: Artist_aggregate(where: {Name: {_ilike: $p}}) { aggregate { count } }
}"""


def _hostile_variables(value: str) -> dict[str, Any]:
    return {"v": value, "p": _SENTINEL + value, "vs": [value, "AC/DC", value + "'"]}


def _expected_hostile(kind: str) -> dict[str, Any]:
    id_key = "artist_id" if NAMING[kind] == "snake" else "ArtistId"
    count = {"aggregate": {"count": 0}}
    return {
        "eq": [{id_key: 1}],
        "in": [{id_key: 1}],
        "like": count,
        "nlike": {"aggregate": {"count": ARTIST_COUNT}},
        "ilike": count,
    }


@pytest.mark.parametrize("kind", SERVER_KINDS)
@pytest.mark.parametrize("value", HOSTILE, ids=lambda v: repr(v[:24]))
async def test_hostile_strings_are_values(kind: str, value: str, server: Source) -> None:
    response = await server.run(HOSTILE_QUERY, _hostile_variables(value))
    assert response == {"data": _expected_hostile(kind)}


@pytest.mark.parametrize("kind", SERVER_KINDS)
async def test_characters_beyond_the_bmp_are_values(kind: str, server: Source) -> None:
    response = await server.run(HOSTILE_QUERY, _hostile_variables(ASTRAL))
    assert response == {"data": _expected_hostile(kind)}


@pytest.mark.parametrize("kind", SERVER_KINDS)
async def test_quote_in_a_real_value_finds_its_row(kind: str, server: Source) -> None:
    query = """query ($v: String!) { Artist(where: {Name: {_eq: $v}}) { ArtistId Name }
                 Artist_aggregate(where: {Name: {_like: "%'%"}}) { aggregate { count } } }"""
    response = normalise(await server.run(query, {"v": "Guns N' Roses"}))
    assert response == normalise(
        {
            "data": {
                "Artist": [{"ArtistId": 88, "Name": "Guns N' Roses"}],
                "Artist_aggregate": {"aggregate": {"count": 9}},
            }
        }
    )


@pytest.mark.parametrize("kind", SERVER_KINDS)
@settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck))
@given(value=st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00")))
async def test_any_text_is_a_value(kind: str, server: Source, value: str) -> None:
    # NUL is left out: PostgreSQL text cannot hold it (the server refuses it, by design).
    response = await server.run(HOSTILE_QUERY, _hostile_variables(value))
    assert response == {"data": _expected_hostile(kind)}
