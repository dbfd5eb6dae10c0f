"""The mysql connector against a real MariaDB (or MySQL 8): introspection (Chinook's PascalCase
and a table of every mapped type), parameters, hostile strings, error mapping."""

from __future__ import annotations

import datetime
import decimal
import time
import uuid
from collections.abc import AsyncIterator

import orjson
import pytest
from federation_connectors.mysql import MySQLConnector
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from servers import mysql_execute

from federation.catalog import ForeignKey, ScalarType, SourceCatalog
from federation.config import SourceConfig
from federation.errors import SourceError, SourceUnavailable

SCHEMA = """
CREATE TABLE every_type (
    id INT AUTO_INCREMENT PRIMARY KEY,
    flag TINYINT(1), alias_flag BOOLEAN, tiny TINYINT, small SMALLINT, medium MEDIUMINT,
    regular INT NOT NULL DEFAULT 0, unsigned_int INT UNSIGNED,
    big BIGINT, big_unsigned BIGINT UNSIGNED,
    exact DECIMAL(20, 4), single FLOAT, dbl DOUBLE, yr YEAR,
    txt TEXT COMMENT 'Free text, "quoted" and ''single''', vc VARCHAR(10), ch CHAR(36),
    feeling ENUM('sad', 'ok'), choices SET('a', 'b'),
    day DATE, clock TIME, stamp DATETIME(6), ts TIMESTAMP NULL,
    doc JSON, raw BLOB, bin BINARY(16), bits BIT(8)
) COMMENT 'One column of each type';
CREATE VIEW every_type_view AS SELECT id, txt, big FROM every_type;
CREATE TABLE `MixedCase` (
    `Id` INT PRIMARY KEY, `select` TEXT, `with space` TEXT, `order` INT
);
CREATE TABLE parent (a INT, b VARCHAR(20), PRIMARY KEY (a, b));
CREATE TABLE child (
    id INT PRIMARY KEY, pa INT, pb VARCHAR(20),
    CONSTRAINT child_parent FOREIGN KEY (pa, pb) REFERENCES parent (a, b)
);
CREATE TABLE hostile (id INT AUTO_INCREMENT PRIMARY KEY, value LONGTEXT NOT NULL)
    CHARACTER SET utf8mb4 COLLATE utf8mb4_bin;
"""

EXPECTED_TYPES = {
    "id": ScalarType.INT,
    "flag": ScalarType.BOOLEAN,
    "alias_flag": ScalarType.BOOLEAN,
    "tiny": ScalarType.INT,
    "small": ScalarType.INT,
    "medium": ScalarType.INT,
    "regular": ScalarType.INT,
    "unsigned_int": ScalarType.BIGINT,
    "big": ScalarType.BIGINT,
    "big_unsigned": ScalarType.BIGINT,
    "exact": ScalarType.NUMERIC,
    "single": ScalarType.FLOAT,
    "dbl": ScalarType.FLOAT,
    "yr": ScalarType.INT,
    "txt": ScalarType.STRING,
    "vc": ScalarType.STRING,
    "ch": ScalarType.STRING,
    "feeling": ScalarType.STRING,
    "choices": ScalarType.STRING,
    "day": ScalarType.DATE,
    "clock": ScalarType.TIME,
    "stamp": ScalarType.TIMESTAMP,
    "ts": ScalarType.TIMESTAMP,
    "doc": ScalarType.JSON,
    "raw": ScalarType.BYTES,
    "bin": ScalarType.BYTES,
    "bits": ScalarType.BYTES,
}


def source(dsn: str, **overrides: object) -> SourceConfig:
    fields: dict[str, object] = {"name": "my", "kind": "mysql", "dsn": dsn}
    fields.update(overrides)
    return SourceConfig(**fields)  # type: ignore[arg-type]


def database_of(dsn: str) -> str:
    return dsn.rsplit("/", 1)[1]


@pytest.fixture(scope="module")
async def chinook(chinook_mysql: str) -> AsyncIterator[MySQLConnector]:
    connector = MySQLConnector(source(chinook_mysql))
    await connector.open()
    yield connector
    await connector.close()


@pytest.fixture(scope="module")
def typed_dsn(mysql_database: str) -> str:
    mysql_execute(database_of(mysql_database), SCHEMA)
    return mysql_database


@pytest.fixture(scope="module")
async def typed(typed_dsn: str) -> AsyncIterator[MySQLConnector]:
    connector = MySQLConnector(source(typed_dsn))
    await connector.open()
    yield connector
    await connector.close()


@pytest.fixture(scope="module")
async def typed_catalog(typed: MySQLConnector) -> SourceCatalog:
    return await typed.introspect()


async def test_chinook_keeps_its_pascal_case(chinook: MySQLConnector) -> None:
    catalog = await chinook.introspect()
    assert {table.name for table in catalog.tables} == {
        "Album",
        "Artist",
        "Customer",
        "Employee",
        "Genre",
        "Invoice",
        "InvoiceLine",
        "MediaType",
        "Playlist",
        "PlaylistTrack",
        "Track",
    }
    album = catalog.table("Album")
    assert album.schema == "fed_chinook"
    assert [column.name for column in album.columns] == ["AlbumId", "Title", "ArtistId"]
    assert album.primary_key == ("AlbumId",)
    assert album.foreign_keys == (
        ForeignKey(("ArtistId",), "Artist", ("ArtistId",), "fed_chinook", "FK_AlbumArtistId"),
    )
    assert catalog.table("PlaylistTrack").primary_key == ("PlaylistId", "TrackId")
    track = catalog.table("Track")
    assert track.column("UnitPrice").type is ScalarType.NUMERIC
    assert track.column("Name").nullable is False and track.column("Composer").nullable
    assert catalog.table("Invoice").column("InvoiceDate").type is ScalarType.TIMESTAMP
    assert {fk.ref_table for fk in track.foreign_keys} == {"Album", "Genre", "MediaType"}


async def test_introspection_is_fast(chinook: MySQLConnector) -> None:
    started = time.perf_counter()
    await chinook.introspect()
    assert time.perf_counter() - started < 1.0


async def test_every_mapped_type(typed_catalog: SourceCatalog) -> None:
    table = typed_catalog.table("every_type")
    assert {column.name: column.type for column in table.columns} == EXPECTED_TYPES
    assert table.column("regular").nullable is False and table.column("vc").nullable
    assert table.column("feeling").source_type == "enum('sad','ok')"
    assert table.primary_key == ("id",)


async def test_comments_become_descriptions(typed_catalog: SourceCatalog) -> None:
    table = typed_catalog.table("every_type")
    assert table.description == "One column of each type"
    assert table.column("txt").description == "Free text, \"quoted\" and 'single'"
    assert table.column("vc").description is None


async def test_composite_foreign_key(typed_catalog: SourceCatalog, typed_dsn: str) -> None:
    assert typed_catalog.table("parent").primary_key == ("a", "b")
    assert typed_catalog.table("child").foreign_keys == (
        ForeignKey(("pa", "pb"), "parent", ("a", "b"), database_of(typed_dsn), "child_parent"),
    )


async def test_include_and_exclude(typed_dsn: str) -> None:
    name = database_of(typed_dsn)
    config = source(
        typed_dsn, include=("every_type", f"{name}.child", "MixedCase"), exclude=("MixedCase",)
    )
    connector = MySQLConnector(config)
    await connector.open()
    try:
        catalog = await connector.introspect()
    finally:
        await connector.close()
    assert {table.name for table in catalog.tables} == {"every_type", "child"}
    assert catalog.table("child").foreign_keys == ()  # its target was left out


# --- values and parameters -------------------------------------------------------------------


async def test_values_come_back_as_documented(typed: MySQLConnector) -> None:
    aware = datetime.datetime(
        2017, 9, 21, 11, 39, 44, tzinfo=datetime.timezone(datetime.timedelta(hours=2))
    )
    await typed.fetch_rows(
        "INSERT INTO every_type (id, flag, big, exact, clock, stamp, ts, doc, raw, ch)"
        " VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
        [
            1000,
            True,
            2**62 + 1,
            decimal.Decimal("12345678901234.5678"),
            datetime.time(23, 59, 1),
            aware,
            aware,
            {"a": [1, "two", None], "ü": True},
            b"\x00\xff",
            uuid.UUID("12345678-1234-5678-1234-567812345678"),
        ],
    )
    rows = await typed.fetch_rows(
        "SELECT flag, big, exact, clock, stamp, ts, doc, raw, ch FROM every_type WHERE id = %s",
        [1000],
    )
    flag, big, exact, clock, stamp, ts, doc, raw, ch = rows[0]
    assert flag == 1 and big == 2**62 + 1 and exact == decimal.Decimal("12345678901234.5678")
    assert clock == datetime.time(23, 59, 1)
    assert stamp == ts == datetime.datetime(2017, 9, 21, 9, 39, 44)  # stored as UTC
    assert isinstance(doc, str) and orjson.loads(doc) == {"a": [1, "two", None], "ü": True}
    assert raw == b"\x00\xff" and ch == "12345678-1234-5678-1234-567812345678"


async def test_fetch_json_returns_the_text_and_counts_the_statement(
    chinook: MySQLConnector,
) -> None:
    before = chinook.statements_executed
    text = await chinook.fetch_json(
        "SELECT JSON_ARRAYAGG(JSON_OBJECT('id', ArtistId, 'name', Name))"
        " FROM (SELECT * FROM Artist WHERE ArtistId <= %s ORDER BY ArtistId) AS a",
        [2],
    )
    assert isinstance(text, str | bytes)
    assert orjson.loads(text) == [{"id": 1, "name": "AC/DC"}, {"id": 2, "name": "Accept"}]
    assert chinook.statements_executed == before + 1


async def test_percent_must_be_doubled_and_is_sent_once(chinook: MySQLConnector) -> None:
    rows = await chinook.fetch_rows("SELECT COUNT(*) FROM Artist WHERE Name LIKE 'A%%'", [])
    direct = await chinook.fetch_rows("SELECT COUNT(*) FROM Artist WHERE LEFT(Name, 1) = %s", ["A"])
    assert rows == direct and rows[0][0] > 0


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(value=st.text(st.characters(blacklist_categories=("Cs",))))
async def test_any_text_round_trips_through_a_parameter(
    chinook: MySQLConnector, value: str
) -> None:
    rows = await chinook.fetch_rows("SELECT %s, CHAR_LENGTH(%s)", [value, value])
    assert rows == [(value, len(value))]


# --- errors ----------------------------------------------------------------------------------


async def test_placeholder_mismatch_says_how_to_fix_it(chinook: MySQLConnector) -> None:
    with pytest.raises(SourceError, match="%%"):
        await chinook.fetch_rows("SELECT '100%'", [])


async def test_statement_timeout_cancels_on_the_server(chinook_mysql: str) -> None:
    connector = MySQLConnector(source(chinook_mysql, statement_timeout=0.3))
    await connector.open()
    try:
        started = time.perf_counter()
        with pytest.raises(SourceError, match="statement_timeout"):
            # a real SELECT (MySQL's max_execution_time only limits SELECTs)
            await connector.fetch_rows(
                "SELECT COUNT(*) FROM Track a, Track b, Track c WHERE a.Name < c.Name", []
            )
        assert time.perf_counter() - started < 3
        assert await connector.fetch_rows("SELECT 2", []) == [(2,)]
    finally:
        await connector.close()


async def test_unknown_database_is_unavailable(chinook_mysql: str) -> None:
    dsn = chinook_mysql.rsplit("/", 1)[0] + "/fed_no_such_database"
    with pytest.raises(SourceUnavailable, match="fed_no_such_database"):
        await MySQLConnector(source(dsn)).open()


async def test_a_dsn_of_another_kind_says_what_is_expected() -> None:
    with pytest.raises(SourceUnavailable, match="mysql://"):
        await MySQLConnector(source("postgresql://x@127.0.0.1/db")).open()


async def test_required_tls_is_never_silently_plain_text(chinook_mysql: str) -> None:
    connector = MySQLConnector(source(chinook_mysql, options={"sslmode": "require"}))
    try:
        await connector.open()
    except SourceUnavailable as error:
        assert "TLS" in str(error)  # this server offers no TLS: refused, not downgraded
        return
    try:
        rows = await connector.fetch_rows("SHOW SESSION STATUS LIKE 'Ssl_cipher'", [])
        assert rows and rows[0][1]
    finally:
        await connector.close()
