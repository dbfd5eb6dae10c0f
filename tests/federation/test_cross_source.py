"""Chinook split across PostgreSQL, MariaDB and SQLite, joined by relationships declared in
``schema/``, answers exactly as one database does; round trips per source per level do not grow
with the number of parent rows.

The split: ``album`` on PostgreSQL (its snake_case copy); ``Track``, ``Genre`` and ``MediaType``
on MariaDB; ``InvoiceLine``, ``Invoice`` and ``Customer`` on SQLite. The reference is one SQLite
copy of the whole of Chinook with an overlay that gives it the same names, so the same query text
runs on both and the answers must be equal.
"""

from __future__ import annotations

import math
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import orjson
import pytest
import pytest_asyncio
from servers import chinook_sqlite

from federation.config import Config, SourceConfig
from federation.gateway import Gateway

RELATIONSHIPS = """
type {album} {{
  tracks: [Track!]! @relationship(fields: ["{album_id}"], references: ["AlbumId"])
}}
type Track {{
  album: {album} @relationship(fields: ["AlbumId"], references: ["{album_id}"])
  invoice_lines: [InvoiceLine!]! @relationship(fields: ["TrackId"], references: ["TrackId"])
}}
type InvoiceLine {{
  track: Track @relationship(fields: ["TrackId"], references: ["TrackId"])
}}
"""

# The reference renames SQLite's Album to PostgreSQL's names, so one query text fits both.
REFERENCE_ALBUM = """
type album @table(source: "ref", name: "Album", rootField: "album") {
  album_id: Int @column(name: "AlbumId")
  title: String @column(name: "Title")
  artist_id: Int @column(name: "ArtistId")
}
"""


def _write_schema(folder: Path, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "relationships.graphql").write_text(text, encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def sqlite_copy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return chinook_sqlite(tmp_path_factory.mktemp("chinook"))


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def split(
    chinook_pg: str, chinook_mysql: str, sqlite_copy: Path, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[Gateway]:
    base = tmp_path_factory.mktemp("split")
    schema = _write_schema(
        base / "schema", RELATIONSHIPS.format(album="album", album_id="album_id")
    )
    config = Config(
        sources=(
            SourceConfig(name="pg", kind="postgres", dsn=chinook_pg, include=("album",)),
            SourceConfig(
                name="maria",
                kind="mysql",
                dsn=chinook_mysql,
                include=("Track", "Genre", "MediaType"),
            ),
            SourceConfig(
                name="lite",
                kind="sqlite",
                path=str(sqlite_copy),
                read_only=True,
                include=("InvoiceLine", "Invoice", "Customer"),
            ),
        ),
        schema_dir=schema,
        base_dir=base,
    )
    gateway = await Gateway.start(config)
    try:
        yield gateway
    finally:
        await gateway.stop()


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def reference(
    sqlite_copy: Path, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[Gateway]:
    base = tmp_path_factory.mktemp("reference")
    overlay = REFERENCE_ALBUM + RELATIONSHIPS.format(album="album", album_id="AlbumId")
    config = Config(
        sources=(SourceConfig(name="ref", kind="sqlite", path=str(sqlite_copy), read_only=True),),
        schema_dir=_write_schema(base / "schema", overlay),
        base_dir=base,
    )
    gateway = await Gateway.start(config)
    try:
        yield gateway
    finally:
        await gateway.stop()


async def _data(gateway: Gateway, query: str, variables: dict[str, Any] | None = None) -> Any:
    response = orjson.loads((await gateway.execute(query, variables)).body)
    assert "errors" not in response, response
    return response["data"]


def _calls(gateway: Gateway) -> dict[str, int]:
    return {name: s.connector.statements_executed for name, s in gateway.sources.by_name.items()}


def _sent(gateway: Gateway, before: dict[str, int]) -> dict[str, int]:
    after = _calls(gateway)
    return {name: after[name] - before[name] for name in after if after[name] != before[name]}


def _decimal_free(value: Any) -> Any:
    """UnitPrice and Total are numeric: JSON strings whose scale differs by database."""
    if isinstance(value, dict):
        return {k: _decimal_free(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_decimal_free(v) for v in value]
    if isinstance(value, str) and value.replace(".", "", 1).isdigit() and "." in value:
        return round(float(value), 6)
    return value


SAME_ANSWER = {
    "three sources nested": """{
      album(order_by: {album_id: asc}, limit: 4) {
        album_id title
        tracks(order_by: {TrackId: asc}) {
          TrackId Name Genre { Name }
          invoice_lines(order_by: {InvoiceLineId: asc}) {
            InvoiceLineId UnitPrice Invoice { Total Customer { LastName } }
          }
        }
      }
    }""",
    "object chain back up": """{
      InvoiceLine(order_by: {InvoiceLineId: asc}, limit: 12, offset: 100) {
        InvoiceLineId track { Name album { title artist_id } }
      }
    }""",
    "per-parent limit, offset and order": """{
      album(order_by: {album_id: asc}, limit: 6) {
        title tracks(order_by: {Milliseconds: desc, TrackId: asc}, limit: 2, offset: 1) {
          Name Milliseconds
        }
      }
    }""",
    "filter on the joined rows": """{
      album(where: {album_id: {_lte: 30}}, order_by: {album_id: asc}) {
        album_id tracks(where: {GenreId: {_eq: 1}}, order_by: {TrackId: asc}) { TrackId }
      }
    }""",
    "semi-join filter": """{
      Track(where: {album: {title: {_like: "%Rock%"}}}, order_by: {TrackId: asc}) {
        TrackId Name
      }
    }""",
    "negated semi-join keeps rows without a match": """{
      album(where: {_not: {tracks: {GenreId: {_in: [1, 3]}}}}, order_by: {album_id: asc},
            limit: 25) { album_id }
    }""",
    "semi-join under _or, two levels deep": """{
      Track(where: {_or: [{TrackId: {_eq: 3}},
                          {invoice_lines: {Invoice: {Customer: {Country: {_eq: "Norway"}}}}}]},
            order_by: {TrackId: asc}) { TrackId }
    }""",
    "aggregate nodes with a join": """{
      album_aggregate(where: {album_id: {_lt: 4}}, order_by: {album_id: asc}) {
        aggregate { count } nodes { title tracks(order_by: {TrackId: asc}) { Name } }
      }
    }""",
    "by primary key": """{
      Track_by_pk(TrackId: 2) {
        Name album { title } invoice_lines(order_by: {InvoiceLineId: asc}) { InvoiceId }
      }
      missing: Track_by_pk(TrackId: 999999) { Name album { title } }
    }""",
    "aliases and the same relationship twice": """{
      album(where: {album_id: {_eq: 1}}) {
        first: tracks(order_by: {TrackId: asc}, limit: 1) { Name }
        last: tracks(order_by: {TrackId: desc}, limit: 1) { Name }
        __typename
      }
    }""",
}


@pytest.mark.asyncio(loop_scope="session")
@pytest.mark.parametrize("name", list(SAME_ANSWER))
async def test_split_answers_equal_one_database(
    split: Gateway, reference: Gateway, name: str
) -> None:
    query = SAME_ANSWER[name]
    got, want = await _data(split, query), await _data(reference, query)
    assert all(v for v in got.values() if not isinstance(v, dict | None)), "rows expected"
    if "__typename" not in query:
        assert _decimal_free(got) == _decimal_free(want)
    else:
        assert got["album"][0]["first"] == want["album"][0]["first"]
        assert got["album"][0]["last"] == want["album"][0]["last"]


@pytest.mark.asyncio(loop_scope="session")
@pytest.mark.parametrize("parents", [10, 1000])
async def test_one_round_trip_per_source_per_level(split: Gateway, parents: int) -> None:
    query = """query ($n: Int!) {
      Track(order_by: {TrackId: asc}, limit: $n) {
        TrackId album { title } invoice_lines { InvoiceId Invoice { Total } }
      }
    }"""
    before = _calls(split)
    data = await _data(split, query, {"n": parents})
    assert len(data["Track"]) == parents
    assert _sent(split, before) == {"maria": 1, "pg": 1, "lite": 1}


@pytest.mark.asyncio(loop_scope="session")
async def test_keys_are_chunked_by_the_targets_batch_size(
    split: Gateway, reference: Gateway
) -> None:
    lite = split.sources.by_name["lite"]
    original = lite.config
    object.__setattr__(lite, "config", _with(original, batch_size=100))
    try:
        query = (
            "{ Track(order_by: {TrackId: asc}, limit: 450) "
            "{ TrackId invoice_lines { InvoiceLineId } } }"
        )
        before = _calls(split)
        got = await _data(split, query)
        assert _sent(split, before) == {"maria": 1, "lite": math.ceil(450 / 100)}
        assert got == await _data(reference, query)
    finally:
        object.__setattr__(lite, "config", original)


@pytest.mark.asyncio(loop_scope="session")
async def test_semi_join_past_its_cap_is_refused_with_the_fix(split: Gateway) -> None:
    pg = split.sources.by_name["pg"]
    original = pg.config
    object.__setattr__(pg, "config", _with(original, semi_join_max_keys=5))
    try:
        query = '{ Track(where: {album: {title: {_like: "%"}}}) { TrackId } }'
        response = orjson.loads((await split.execute(query)).body)
    finally:
        object.__setattr__(pg, "config", original)
    error = response["errors"][0]
    assert error["extensions"]["code"] == "SEMI_JOIN_TOO_LARGE"
    assert "semi_join_max_keys" in error["message"] and "'pg'" in error["message"]


@pytest.mark.asyncio(loop_scope="session")
async def test_schema_marks_joined_lists_nullable_and_offers_no_cross_source_ordering(
    split: Gateway,
) -> None:
    sdl = split.sdl()
    assert "tracks(" in sdl
    album_type = sdl.split("type album {", 1)[1].split("}", 1)[0]
    assert "): [Track!]\n" in album_type + "\n" and "tracks_aggregate" not in album_type
    order_by = sdl.split("input Track_order_by {", 1)[1].split("}", 1)[0]
    assert "album" not in order_by and "Genre" in order_by


@pytest.mark.asyncio(loop_scope="session")
async def test_mutation_returning_another_source_is_refused(split: Gateway) -> None:
    # the split's SQLite copy is read-only, so try MariaDB: no row is written either way
    query = """mutation {
      update_Track(where: {TrackId: {_eq: -1}}, _set: {Name: "x"}) {
        returning { invoice_lines { InvoiceId } }
      }
    }"""
    response = orjson.loads((await split.execute(query)).body)
    assert response["errors"][0]["extensions"]["code"] == "NOT_SUPPORTED_ACROSS_SOURCES"


@pytest.mark.asyncio(loop_scope="session")
async def test_explain_shows_each_source_and_its_batches(split: Gateway) -> None:
    text = split.explain(
        "{ album(limit: 2) { title tracks { Name invoice_lines { InvoiceId } } } }"
    )
    assert text.index("source 'pg'") < text.index("source 'maria'") < text.index("source 'lite'")
    assert "IN" in text and "batch" in text


def _with(config: SourceConfig, **changes: Any) -> SourceConfig:
    from dataclasses import replace

    return replace(config, **changes)


# --- generated queries: the split answers every one as the single database does ---------------

SCALARS = {
    "album": ("album_id", "title", "artist_id"),
    "Track": ("TrackId", "Name", "Milliseconds", "GenreId", "UnitPrice"),
    "InvoiceLine": ("InvoiceLineId", "Quantity", "UnitPrice", "TrackId"),
}
KEYS = {"album": "album_id", "Track": "TrackId", "InvoiceLine": "InvoiceLineId"}
NUMBERS = {  # numeric columns to filter on, with a range of useful thresholds
    "album": (("album_id", 1, 347), ("artist_id", 1, 275)),
    "Track": (("TrackId", 1, 3503), ("GenreId", 1, 25), ("Milliseconds", 100000, 400000)),
    "InvoiceLine": (("InvoiceLineId", 1, 2240), ("TrackId", 1, 3503), ("Quantity", 1, 1)),
}
RELATIONS = {  # field -> (target type, is a list); Genre and Invoice stay in their source
    "album": {"tracks": ("Track", True)},
    "Track": {"album": ("album", False), "invoice_lines": ("InvoiceLine", True)},
    "InvoiceLine": {"track": ("Track", False)},
}
LOCAL = {"Track": "Genre { Name GenreId }", "InvoiceLine": "Invoice { InvoiceId Total }"}


class QueryMaker:
    def __init__(self, seed: int) -> None:
        import random

        self.random = random.Random(seed)

    def root(self) -> str:
        type_name = self.random.choice(list(SCALARS))
        args = self.list_args(type_name, root=True)
        return f"{{ {type_name}({args}) {{ {self.selection(type_name, 2)} }} }}"

    def selection(self, type_name: str, depth: int) -> str:
        chosen = self.random.sample(SCALARS[type_name], self.random.randint(1, 3))
        parts = [KEYS[type_name], *chosen]
        if type_name in LOCAL and self.random.random() < 0.3:
            parts.append(LOCAL[type_name])
        if depth > 0:
            for field, (target, is_list) in RELATIONS[type_name].items():
                if self.random.random() < 0.6:
                    args = f"({self.list_args(target)})" if is_list else ""
                    parts.append(f"{field}{args} {{ {self.selection(target, depth - 1)} }}")
        return " ".join(dict.fromkeys(parts))

    def list_args(self, type_name: str, *, root: bool = False) -> str:
        args = []
        where = self.where(type_name, semi=True)
        if where:
            args.append(f"where: {where}")
        direction = self.random.choice(["asc", "desc"])
        args.append(f"order_by: {{{KEYS[type_name]}: {direction}}}")
        if root or self.random.random() < 0.5:
            args.append(f"limit: {self.random.randint(0, 8 if not root else 15)}")
        if self.random.random() < 0.3:
            args.append(f"offset: {self.random.randint(0, 3)}")
        return ", ".join(args)

    def where(self, type_name: str, *, semi: bool) -> str:
        roll = self.random.random()
        if roll < 0.3:
            return ""
        column, low, high = self.random.choice(NUMBERS[type_name])
        op = self.random.choice(["_lt", "_gt", "_lte", "_gte", "_neq"])
        comparison = f"{{{column}: {{{op}: {self.random.randint(low, high)}}}}}"
        if semi and roll > 0.7:
            field, (target, _) = self.random.choice(list(RELATIONS[type_name].items()))
            inner = self.where(target, semi=False) or "{}"
            semi_join = f"{{{field}: {inner}}}"
            if self.random.random() < 0.3:
                semi_join = f"{{_not: {semi_join}}}"
            return f"{{_or: [{comparison}, {semi_join}]}}"
        return comparison


GENERATED = [QueryMaker(seed).root() for seed in range(40)]


@pytest.mark.asyncio(loop_scope="session")
@pytest.mark.parametrize("query", GENERATED, ids=[f"seed{n}" for n in range(len(GENERATED))])
async def test_generated_queries_answer_as_one_database(
    split: Gateway, reference: Gateway, query: str
) -> None:
    got, want = await _data(split, query), await _data(reference, query)
    assert _decimal_free(got) == _decimal_free(want), query


REUSED = [
    (
        """query ($g: Int!) {
          album(where: {album_id: {_lte: 40}}, order_by: {album_id: asc}) {
            album_id tracks(where: {GenreId: {_eq: $g}}, order_by: {TrackId: asc}) { TrackId }
          }
        }""",
        [{"g": 1}, {"g": 3}, {"g": 7}],
    ),
    (
        """query ($title: String!, $n: Int!) {
          Track(where: {album: {title: {_eq: $title}}}, order_by: {TrackId: asc}, limit: $n) {
            TrackId album { title }
          }
        }""",
        [
            {"title": "Let There Be Rock", "n": 3},
            {"title": "Big Ones", "n": 3},
            {"title": "Restless and Wild", "n": 3},
        ],
    ),
]


@pytest.mark.asyncio(loop_scope="session")
@pytest.mark.parametrize(("query", "runs"), REUSED)
async def test_a_cross_source_plan_is_reused_across_variable_values(
    split: Gateway, reference: Gateway, query: str, runs: list[dict[str, Any]]
) -> None:
    answers = []
    for number, variables in enumerate(runs):
        misses = split.plans.misses
        got = await _data(split, query, variables)
        assert _decimal_free(got) == _decimal_free(await _data(reference, query, variables))
        if number:
            assert split.plans.misses == misses, "the plan of the first values is reused"
        answers.append(got)
    assert len({orjson.dumps(a) for a in answers}) == len(runs)
