"""The `federation` command, run in-process through `main()` against real SQLite files."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from federation.catalog import Column, ForeignKey, ScalarType, SourceCatalog, Table
from federation.cli import format_catalog, main
from federation.config import SourceConfig

COMMANDS = ["serve", "check", "introspect", "explain", "demo"]


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def write_config(folder: Path, text: str) -> Path:
    file = folder / "federation.yaml"
    file.write_text(textwrap.dedent(text), encoding="utf-8")
    return file


@pytest.fixture
def music(tmp_path: Path) -> Path:
    """A small SQLite database and a config naming it by a relative path."""
    with sqlite3.connect(tmp_path / "music.db") as db:
        db.executescript(
            """
            CREATE TABLE artists (id INTEGER PRIMARY KEY, name TEXT NOT NULL);
            CREATE TABLE albums (
                id INTEGER PRIMARY KEY,
                title VARCHAR(160) NOT NULL,
                artist_id INTEGER REFERENCES artists (id)
            );
            INSERT INTO artists VALUES (1, 'AC/DC'), (2, 'Accept');
            INSERT INTO albums VALUES (1, 'Back in Black', 1), (2, 'Restless', 2);
            """
        )
    db.close()
    return write_config(tmp_path, "sources: [{name: music, kind: sqlite, path: music.db}]")


# --- arguments -----------------------------------------------------------------------------------


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help(capsys: pytest.CaptureFixture[str], command: str) -> None:
    with pytest.raises(SystemExit) as exited:
        main([command, "--help"])

    assert exited.value.code == 0
    assert f"usage: federation {command}" in capsys.readouterr().out


def test_help_lists_the_commands(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["--help"])

    out = capsys.readouterr().out
    assert all(command in out for command in COMMANDS)


def test_missing_command_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main([])

    assert exited.value.code == 2
    assert "required: COMMAND" in capsys.readouterr().err


def test_serve_rejects_a_port_out_of_range(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["serve", "--port", "70000"])

    assert exited.value.code == 2
    assert "expected a port from 1 to 65535, got '70000'" in capsys.readouterr().err


def test_console_script_is_installed() -> None:
    script = Path(sys.executable).parent / "federation"
    if not script.exists():
        pytest.skip("the package is not installed (pip install -e '.[dev]')")

    result = subprocess.run([script, "check", "--help"], capture_output=True, text=True, timeout=60)

    assert result.returncode == 0
    assert "usage: federation check" in result.stdout


# --- configuration problems ---------------------------------------------------------------------


BROKEN = """
    sources:
      - {name: app, kind: mongo}
      - {name: app, kind: sqlite, pool_size: none}
    server: {port: abc}
"""


@pytest.mark.parametrize("command", [["check"], ["serve"], ["introspect", "app"]])
def test_broken_config_lists_every_problem_and_exits_2(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, command: list[str]
) -> None:
    file = write_config(tmp_path, BROKEN)

    code, out, err = run(capsys, *command, "--config", str(file))

    assert code == 2
    assert out == ""
    lines = err.splitlines()
    assert lines[0] == "error: 6 problems:"
    assert lines[1].startswith("  sources[0].kind: unknown connector 'mongo' (installed: ")
    assert lines[2:] == [
        "  sources[0].dsn: required for kind 'mongo'",
        "  sources[1].name: duplicate source name 'app' (also sources[0].name)",
        "  sources[1].pool_size: expected an integer of at least 1, got 'none'",
        "  sources[1].path: required for kind 'sqlite' (or give dsn)",
        "  server.port: expected an integer from 1 to 65535, got 'abc'",
    ]


def test_config_path_from_environment(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FEDERATION_CONFIG", str(tmp_path / "absent.yaml"))

    code, _, err = run(capsys, "check")

    assert code == 2
    assert f"{tmp_path / 'absent.yaml'}: no such file" in err


# --- check --------------------------------------------------------------------------------------


def test_check_counts_sources_tables_and_root_fields(
    capsys: pytest.CaptureFixture[str], music: Path
) -> None:
    code, out, err = run(capsys, "check", "--config", str(music))

    assert (code, err) == (0, "")
    assert out.startswith("ok: 1 source, 2 tables, ")
    assert out.rstrip().endswith(" root fields")


def test_check_reports_a_source_it_cannot_open(
    capsys: pytest.CaptureFixture[str], music: Path, tmp_path: Path
) -> None:
    write_config(
        tmp_path,
        """
        sources:
          - {name: music, kind: sqlite, path: music.db}
          - {name: gone, kind: sqlite, path: gone.db}
        """,
    )

    code, out, err = run(capsys, "check", "--config", str(music))

    assert code == 1
    assert out == ""
    assert err.startswith("error: 1 problem:\n  source 'gone': ")
    assert "gone.db" in err


# --- introspect ---------------------------------------------------------------------------------


def test_introspect_lists_columns_types_and_keys(
    capsys: pytest.CaptureFixture[str], music: Path
) -> None:
    code, out, _ = run(capsys, "introspect", "music", "--config", str(music))

    assert code == 0
    assert out.startswith("source music (sqlite): 2 tables\n")
    albums = out[out.index("albums (table)") :].split("\n\n")[0].splitlines()
    assert [line.split() for line in albums[1:]] == [
        ["column", "type", "source", "type", "nullable", "key"],
        ["id", "Int", "INTEGER", "no", "PK"],
        ["title", "String", "VARCHAR(160)", "no"],
        ["artist_id", "Int", "INTEGER", "yes", "FK"],
        ["foreign", "key", "(artist_id)", "->", "artists", "(id)"],
    ]


def test_introspect_sdl_prints_the_schema(capsys: pytest.CaptureFixture[str], music: Path) -> None:
    code, out, _ = run(capsys, "introspect", "music", "--sdl", "--config", str(music))

    assert code == 0
    assert "type albums {" in out
    assert "albums_by_pk(" in out


def test_introspect_unknown_source_names_the_configured_ones(
    capsys: pytest.CaptureFixture[str], music: Path
) -> None:
    code, _, err = run(capsys, "introspect", "musik", "--config", str(music))

    assert code == 2
    assert err == "error: no source named 'musik' (configured: music)\n"


def test_catalog_listing_shows_views_schemas_and_composite_keys() -> None:
    table = Table(
        name="line",
        schema="sales",
        columns=(
            Column("order_id", ScalarType.BIGINT, nullable=False, source_type="int8"),
            Column("n", ScalarType.INT, nullable=False, source_type="int4"),
        ),
        primary_key=("order_id", "n"),
        foreign_keys=(ForeignKey(("order_id",), "orders", ("id",), ref_schema="sales"),),
    )
    view = Table(name="totals", columns=(Column("sum", ScalarType.NUMERIC),), is_view=True)
    catalog = SourceCatalog(source="pg", tables=(table, view))

    listing = format_catalog(catalog, SourceConfig(name="pg", kind="postgres", dsn="x"))

    assert listing == textwrap.dedent(
        """\
        source pg (postgres): 2 tables

        sales.line (table)
          column    type    source type  nullable  key
          order_id  bigint  int8         no        PK FK
          n         Int     int4         no        PK
          foreign key (order_id) -> sales.orders (id)

        totals (view)
          column  type     source type  nullable  key
          sum     numeric               yes
          no primary key"""
    )


# --- explain ------------------------------------------------------------------------------------


def test_explain_prints_the_statement_and_parameters(
    capsys: pytest.CaptureFixture[str], music: Path, tmp_path: Path
) -> None:
    query = tmp_path / "q.graphql"
    query.write_text("query Q($n: Int!) { albums(where: {id: {_gt: $n}}) { title } }")
    variables = tmp_path / "v.json"
    variables.write_text('{"n": 1}')

    code, out, _ = run(
        capsys, "explain", "-f", str(query), "--variables-file", str(variables),
        "--operation", "Q", "--config", str(music),
    )  # fmt: skip

    assert code == 0
    assert "source 'music'" in out
    assert '"albums"' in out
    assert "1: 1" in out


def test_explain_reports_an_invalid_query_with_its_location(
    capsys: pytest.CaptureFixture[str], music: Path
) -> None:
    code, _, err = run(capsys, "explain", "{ albums { nope } }", "--config", str(music))

    assert code == 1
    assert err == (
        "error: 1 problem:\n  line 1, column 12: Cannot query field 'nope' on type 'albums'.\n"
    )


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        ([], "error: give the query as an argument or with -f FILE (one of them)\n"),
        (["{ a }", "-f", "q.graphql"], "error: give the query as an argument or with -f FILE"),
        (["{ a }", "--variables", "{oops"], "error: variables are not valid JSON: "),
        (
            ["{ a }", "--variables", "[1]"],
            'error: variables must be a JSON object ({"name": value})',
        ),
        (["-f", "/nonexistent/q.graphql"], "error: cannot read /nonexistent/q.graphql: "),
    ],
)
def test_explain_input_errors_exit_2(
    capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    # The input is read before the configuration, so no config file is needed here.
    code, _, err = run(capsys, "explain", *argv, "--config", "/nonexistent.yaml")

    assert code == 2
    assert err.startswith(message)


# --- demo ---------------------------------------------------------------------------------------


def test_demo_writes_the_databases(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, out, _ = run(capsys, "demo", "--out", str(tmp_path / "d"))

    assert code == 0
    assert out == f"demo data written to {tmp_path / 'd'}: crm.sqlite, analytics.duckdb\n"
    assert (tmp_path / "d" / "crm.sqlite").stat().st_size > 0
    assert (tmp_path / "d" / "analytics.duckdb").stat().st_size > 0
