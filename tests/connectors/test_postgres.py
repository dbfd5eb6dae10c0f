"""The postgres connector against a real PostgreSQL: introspection (Chinook and a table of every
mapped type), parameters, hostile strings, error mapping."""

from __future__ import annotations

import datetime
import decimal
import time
import uuid
from collections.abc import AsyncIterator

import orjson
import pytest
from federation_connectors.postgres import PostgresConnector
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from servers import pg_execute

from federation.catalog import ForeignKey, ScalarType, SourceCatalog
from federation.config import SourceConfig
from federation.errors import SourceError, SourceUnavailable

SCHEMA = """
CREATE EXTENSION IF NOT EXISTS citext;
CREATE TYPE mood AS ENUM ('sad', 'o''k', 'happy');
CREATE DOMAIN positive AS integer CHECK (VALUE > 0);
CREATE TABLE every_type (
    id serial PRIMARY KEY,
    small smallint, regular integer NOT NULL, big bigint, exact numeric(20, 4),
    single real, double double precision,
    txt text, vc varchar(10), ch char(3), ci citext, feeling mood, positive positive,
    flag boolean, day date, clock time, clock_tz timetz, stamp timestamp, stamp_tz timestamptz,
    ident uuid, doc json, docb jsonb, ints integer[], tags text[], raw bytea,
    span interval, addr inet
);
COMMENT ON TABLE every_type IS 'One column of each type';
COMMENT ON COLUMN every_type.txt IS 'Free text, "quoted" and ''single''';
CREATE VIEW every_type_view AS SELECT id, txt, big FROM every_type;
COMMENT ON VIEW every_type_view IS 'A view';
CREATE TABLE "MixedCase" (
    "Id" integer PRIMARY KEY, "select" text, "with space" text, "order" integer
);
CREATE SCHEMA other;
CREATE TABLE other.parent (a integer, b text, PRIMARY KEY (a, b));
CREATE TABLE child (
    id integer PRIMARY KEY, pa integer, pb text,
    CONSTRAINT child_parent FOREIGN KEY (pa, pb) REFERENCES other.parent (a, b)
);
CREATE TABLE hostile (id serial PRIMARY KEY, value text NOT NULL);
"""

EXPECTED_TYPES = {
    "id": ScalarType.INT,
    "small": ScalarType.INT,
    "regular": ScalarType.INT,
    "big": ScalarType.BIGINT,
    "exact": ScalarType.NUMERIC,
    "single": ScalarType.FLOAT,
    "double": ScalarType.FLOAT,
    "txt": ScalarType.STRING,
    "vc": ScalarType.STRING,
    "ch": ScalarType.STRING,
    "ci": ScalarType.STRING,
    "feeling": ScalarType.STRING,
    "positive": ScalarType.INT,
    "flag": ScalarType.BOOLEAN,
    "day": ScalarType.DATE,
    "clock": ScalarType.TIME,
    "clock_tz": ScalarType.TIME,
    "stamp": ScalarType.TIMESTAMP,
    "stamp_tz": ScalarType.TIMESTAMPTZ,
    "ident": ScalarType.UUID,
    "doc": ScalarType.JSON,
    "docb": ScalarType.JSON,
    "ints": ScalarType.JSON,
    "tags": ScalarType.JSON,
    "raw": ScalarType.BYTES,
    "span": ScalarType.STRING,
    "addr": ScalarType.STRING,
}


def source(dsn: str, **overrides: object) -> SourceConfig:
    fields: dict[str, object] = {"name": "pg", "kind": "postgres", "dsn": dsn}
    fields.update(overrides)
    return SourceConfig(**fields)  # type: ignore[arg-type]


@pytest.fixture(scope="module")
async def chinook(chinook_pg: str) -> AsyncIterator[PostgresConnector]:
    connector = PostgresConnector(source(chinook_pg))
    await connector.open()
    yield connector
    await connector.close()


@pytest.fixture(scope="module")
def typed_dsn(pg_database: str) -> str:
    pg_execute(pg_database, SCHEMA)
    return pg_database


@pytest.fixture(scope="module")
async def typed(typed_dsn: str) -> AsyncIterator[PostgresConnector]:
    connector = PostgresConnector(source(typed_dsn, schemas=("public", "other")))
    await connector.open()
    yield connector
    await connector.close()


@pytest.fixture(scope="module")
async def typed_catalog(typed: PostgresConnector) -> SourceCatalog:
    return await typed.introspect()


async def test_chinook_tables_keys_and_types(chinook: PostgresConnector) -> None:
    catalog = await chinook.introspect()
    names = {table.name for table in catalog.tables}
    assert names == {
        "album",
        "artist",
        "customer",
        "employee",
        "genre",
        "invoice",
        "invoice_line",
        "media_type",
        "playlist",
        "playlist_track",
        "track",
    }
    assert all(table.schema == "public" for table in catalog.tables)
    assert catalog.table("playlist_track").primary_key == ("playlist_id", "track_id")
    track = catalog.table("track")
    assert track.primary_key == ("track_id",)
    assert {(fk.columns, fk.ref_table, fk.ref_columns) for fk in track.foreign_keys} == {
        (("album_id",), "album", ("album_id",)),
        (("genre_id",), "genre", ("genre_id",)),
        (("media_type_id",), "media_type", ("media_type_id",)),
    }
    assert track.column("unit_price").type is ScalarType.NUMERIC
    assert track.column("name").nullable is False and track.column("composer").nullable
    assert catalog.table("invoice").column("invoice_date").type is ScalarType.TIMESTAMP
    reports_to = catalog.table("employee").foreign_keys[0]
    assert (reports_to.ref_table, reports_to.ref_columns) == ("employee", ("employee_id",))


async def test_introspection_takes_a_few_statements_and_is_fast(chinook: PostgresConnector) -> None:
    before = chinook.statements_executed
    started = time.perf_counter()
    await chinook.introspect()
    assert time.perf_counter() - started < 1.0
    assert chinook.statements_executed == before  # catalog reads are not counted as fetches


async def test_every_mapped_type(typed_catalog: SourceCatalog) -> None:
    table = typed_catalog.table("every_type")
    assert {column.name: column.type for column in table.columns} == EXPECTED_TYPES
    assert table.column("regular").nullable is False
    assert table.column("exact").source_type == "numeric(20,4)"
    assert table.column("feeling").source_type == "mood enum('sad', 'o''k', 'happy')"
    assert table.primary_key == ("id",)


async def test_comments_become_descriptions(typed_catalog: SourceCatalog) -> None:
    table = typed_catalog.table("every_type")
    assert table.description == "One column of each type"
    assert table.column("txt").description == "Free text, \"quoted\" and 'single'"
    assert table.column("vc").description is None
    assert typed_catalog.table("every_type_view").description == "A view"


async def test_composite_cross_schema_foreign_key(typed_catalog: SourceCatalog) -> None:
    assert typed_catalog.table("parent", "other").primary_key == ("a", "b")
    assert typed_catalog.table("child", "public").foreign_keys == (
        ForeignKey(("pa", "pb"), "parent", ("a", "b"), ref_schema="other", name="child_parent"),
    )


async def test_default_schema_is_public_only(typed_dsn: str) -> None:
    connector = PostgresConnector(source(typed_dsn))
    await connector.open()
    try:
        catalog = await connector.introspect()
    finally:
        await connector.close()
    assert {table.schema for table in catalog.tables} == {"public"}
    # the target of child's foreign key was not read, so the key is dropped
    assert catalog.table("child").foreign_keys == ()


async def test_include_and_exclude(typed_dsn: str) -> None:
    config = source(
        typed_dsn,
        schemas=("public", "other"),
        include=("every_type", "other.parent", "child", "MixedCase"),
        exclude=("MixedCase",),
    )
    connector = PostgresConnector(config)
    await connector.open()
    try:
        catalog = await connector.introspect()
    finally:
        await connector.close()
    assert {table.qualified_name for table in catalog.tables} == {
        "public.every_type",
        "other.parent",
        "public.child",
    }


# --- values and parameters -------------------------------------------------------------------


async def test_values_come_back_as_documented(typed: PostgresConnector) -> None:
    await typed.fetch_rows(
        "INSERT INTO every_type (id, regular, big, exact, stamp_tz, ident, docb, ints, tags, raw,"
        " span, addr, day) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)",
        [
            1000,
            1,
            2**62 + 1,
            decimal.Decimal("12345678901234.5678"),
            datetime.datetime(
                2017, 9, 21, 11, 39, 44, tzinfo=datetime.timezone(datetime.timedelta(hours=2))
            ),
            uuid.UUID("12345678-1234-5678-1234-567812345678"),
            {"a": [1, "two", None], "ü": True},
            [1, 2],
            ["x", "y"],
            b"\x00\xff",
            "1 day 02:00:00",
            "10.0.0.1",
            datetime.date(2020, 2, 29),
        ],
    )
    rows = await typed.fetch_rows(
        "SELECT big, exact, stamp_tz, ident, docb, ints, raw, span, addr, day"
        " FROM every_type WHERE id = $1",
        [1000],
    )
    big, exact, stamp_tz, ident, docb, ints, raw, span, addr, day = rows[0]
    assert big == 2**62 + 1 and exact == decimal.Decimal("12345678901234.5678")
    assert stamp_tz.isoformat() == "2017-09-21T09:39:44+00:00"
    assert ident == uuid.UUID("12345678-1234-5678-1234-567812345678")
    assert isinstance(docb, str) and orjson.loads(docb) == {"a": [1, "two", None], "ü": True}
    assert ints == [1, 2] and raw == b"\x00\xff" and day == datetime.date(2020, 2, 29)
    assert (span, addr) == ("1 day 02:00:00", "10.0.0.1")


async def test_fetch_json_returns_the_text_and_counts_the_statement(
    chinook: PostgresConnector,
) -> None:
    before = chinook.statements_executed
    text = await chinook.fetch_json(
        "SELECT json_agg(json_build_object('id', artist_id, 'name', name) ORDER BY artist_id)"
        " FROM artist WHERE artist_id <= $1",
        [2],
    )
    assert isinstance(text, str)
    assert orjson.loads(text) == [{"id": 1, "name": "AC/DC"}, {"id": 2, "name": "Accept"}]
    assert chinook.statements_executed == before + 1
    assert await chinook.fetch_json("SELECT NULL::json", []) is None


@pytest.mark.parametrize(
    "value", [{"k": "v"}, [1, 2, 3], "text", 42, 1.5, True, {"nested": {"list": [None]}}]
)
async def test_jsonb_parameters_take_json_values(chinook: PostgresConnector, value: object) -> None:
    rows = await chinook.fetch_rows("SELECT $1::jsonb", [value])
    assert orjson.loads(rows[0][0]) == value


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(value=st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00")))
async def test_any_text_round_trips_through_a_parameter(
    chinook: PostgresConnector, value: str
) -> None:
    assert await chinook.fetch_rows("SELECT $1::text, length($1::text)", [value]) == [
        (value, len(value))
    ]


# --- errors ----------------------------------------------------------------------------------


async def test_statement_timeout_cancels_on_the_server(chinook_pg: str) -> None:
    connector = PostgresConnector(source(chinook_pg, statement_timeout=0.2))
    await connector.open()
    try:
        started = time.perf_counter()
        with pytest.raises(SourceError, match="statement_timeout"):
            await connector.fetch_rows("SELECT pg_sleep(5)", [])
        assert time.perf_counter() - started < 2
        assert await connector.fetch_rows("SELECT 2", []) == [(2,)]
    finally:
        await connector.close()


async def test_unknown_database_is_unavailable(chinook_pg: str) -> None:
    dsn = chinook_pg.rsplit("/", 1)[0] + "/fed_no_such_database"
    with pytest.raises(SourceUnavailable, match="fed_no_such_database"):
        await PostgresConnector(source(dsn)).open()


async def test_fetch_before_open_is_unavailable(chinook_pg: str) -> None:
    with pytest.raises(SourceUnavailable, match="open"):
        await PostgresConnector(source(chinook_pg)).fetch_rows("SELECT 1", [])


async def test_required_tls_is_never_silently_plain_text(chinook_pg: str) -> None:
    connector = PostgresConnector(source(chinook_pg, options={"sslmode": "require"}))
    try:
        await connector.open()
    except SourceUnavailable as error:
        assert "SSL" in str(error)  # this server offers no TLS: refused, not downgraded
        return
    try:
        rows = await connector.fetch_rows(
            "SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()", []
        )
        assert rows == [(True,)]
    finally:
        await connector.close()
