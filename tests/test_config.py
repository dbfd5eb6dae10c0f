"""federation.yaml loading: ${ENV} substitution, validation with key paths, path resolution."""

from __future__ import annotations

import textwrap
from dataclasses import fields
from pathlib import Path

import pytest

from federation.config import (
    Config,
    ServerConfig,
    SourceConfig,
    load_config,
    resolve_config_path,
)
from federation.connector import installed_kinds
from federation.errors import ConfigError

INSTALLED = ", ".join(installed_kinds())


def write(folder: Path, text: str, name: str = "federation.yaml") -> Path:
    file = folder / name
    file.write_text(textwrap.dedent(text), encoding="utf-8")
    return file


def problems_of(file: Path, env: dict[str, str] | None = None) -> list[str]:
    with pytest.raises(ConfigError) as caught:
        load_config(file, env=env or {})
    return caught.value.problems


@pytest.fixture
def db(tmp_path: Path) -> Path:
    file = tmp_path / "data" / "app.db"
    file.parent.mkdir()
    file.touch()
    return file


# --- a valid file ------------------------------------------------------------------------------


def test_minimal_config_gets_defaults_and_resolves_paths(tmp_path: Path, db: Path) -> None:
    file = write(tmp_path, "sources: [{name: app, kind: sqlite, path: data/app.db}]")

    config = load_config(file, env={})

    assert config == Config(
        sources=(SourceConfig(name="app", kind="sqlite", path=str(db)),),
        server=ServerConfig(),
        schema_dir=None,
        base_dir=tmp_path,
    )


def test_every_key_is_read(tmp_path: Path, db: Path) -> None:
    (tmp_path / "overlays").mkdir()
    file = write(
        tmp_path,
        f"""
        sources:
          - name: app
            kind: sqlite
            path: {db}
            pool_size: 3
            connect_timeout: 2.5
            statement_timeout: 7
            schemas: [main]
            include: [users, orders]
            exclude: secrets
            read_only: yes
            options: {{journal: wal, retries: 2}}
        server: {{host: 0.0.0.0, port: 9000, workers: 4, graphiql: false, introspection: off}}
        schema_dir: overlays
        """,
    )

    config = load_config(file, env={})

    assert config.sources[0] == SourceConfig(
        name="app",
        kind="sqlite",
        path=str(db),
        pool_size=3,
        connect_timeout=2.5,
        statement_timeout=7.0,
        schemas=("main",),
        include=("users", "orders"),
        exclude=("secrets",),
        read_only=True,
        options={"journal": "wal", "retries": 2},
    )
    assert config.server == ServerConfig(
        host="0.0.0.0", port=9000, workers=4, graphiql=False, introspection=False
    )
    assert config.schema_dir == tmp_path / "overlays"


def test_schema_folder_beside_the_config_is_the_default(tmp_path: Path, db: Path) -> None:
    (tmp_path / "schema").mkdir()
    file = write(tmp_path, f"sources: [{{name: app, kind: sqlite, path: {db}}}]")

    assert load_config(file, env={}).schema_dir == tmp_path / "schema"


def test_memory_path_is_not_resolved(tmp_path: Path) -> None:
    file = write(tmp_path, "sources: [{name: mem, kind: duckdb, path: ':memory:'}]")

    assert load_config(file, env={}).sources[0].path == ":memory:"


def test_empty_value_keeps_the_default(tmp_path: Path, db: Path) -> None:
    file = write(
        tmp_path,
        f"""
        sources: [{{name: app, kind: sqlite, path: {db}, pool_size: }}]
        server:
        """,
    )

    config = load_config(file, env={})

    assert config.sources[0].pool_size == 5
    assert config.server == ServerConfig()


# --- which file --------------------------------------------------------------------------------


def test_path_comes_from_argument_then_env_then_working_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    env = {"FEDERATION_CONFIG": "/etc/from-env.yaml"}

    assert resolve_config_path("given.yaml", env) == tmp_path / "given.yaml"
    assert resolve_config_path(None, env) == Path("/etc/from-env.yaml")
    assert resolve_config_path(None, {}) == tmp_path / "federation.yaml"


def test_load_reads_federation_config_from_env(tmp_path: Path) -> None:
    file = write(tmp_path, "sources: [{name: m, kind: duckdb, path: ':memory:'}]", "other.yaml")

    config = load_config(env={"FEDERATION_CONFIG": str(file)})

    assert config.sources[0].name == "m"


def test_missing_file_says_how_to_point_at_one(tmp_path: Path) -> None:
    assert problems_of(tmp_path / "nope.yaml") == [
        f"{tmp_path / 'nope.yaml'}: no such file; pass --config PATH or set FEDERATION_CONFIG"
    ]


def test_invalid_yaml_names_line_and_column(tmp_path: Path) -> None:
    file = write(tmp_path, "sources:\n  - name: [unclosed\n")

    [problem] = problems_of(file)

    assert problem.startswith(f"{file}: invalid YAML: line 3, column 1:")


# --- ${VAR} substitution -----------------------------------------------------------------------


def source_with_dsn(tmp_path: Path, dsn: str) -> Path:
    return write(tmp_path, f"sources: [{{name: app, kind: sqlite, dsn: '{dsn}'}}]")


@pytest.mark.parametrize(
    ("dsn", "env", "expected"),
    [
        ("${DB}", {"DB": "file:a.db"}, "file:a.db"),
        ("file:${DIR}/${NAME}.db", {"DIR": "/d", "NAME": "x"}, "file:/d/x.db"),
        ("${DB:-file:fallback.db}", {}, "file:fallback.db"),
        ("${DB:-file:fallback.db}", {"DB": ""}, "file:fallback.db"),
        ("${DB:-file:fallback.db}", {"DB": "file:set.db"}, "file:set.db"),
        ("${DB:-}x", {}, "x"),
        ("pa$$word", {}, "pa$word"),
        ("$${DB}", {"DB": "no"}, "${DB}"),
        ("cost $5", {}, "cost $5"),
    ],
)
def test_substitution(tmp_path: Path, dsn: str, env: dict[str, str], expected: str) -> None:
    config = load_config(source_with_dsn(tmp_path, dsn), env=env)

    assert config.sources[0].dsn == expected


def test_substitution_reaches_nested_values(tmp_path: Path) -> None:
    file = write(
        tmp_path,
        """
        sources:
          - name: app
            kind: duckdb
            path: ':memory:'
            include: ['${T}']
            options: {a: {b: '${T}'}}
        """,
    )

    source = load_config(file, env={"T": "orders"}).sources[0]

    assert source.include == ("orders",)
    assert source.options == {"a": {"b": "orders"}}


def test_substituted_strings_are_converted_to_the_field_type(tmp_path: Path) -> None:
    file = write(
        tmp_path,
        """
        sources: [{name: m, kind: duckdb, path: ':memory:', statement_timeout: '${T}'}]
        server: {port: '${PORT:-8080}', graphiql: '${GRAPHIQL}'}
        """,
    )

    config = load_config(file, env={"T": "1.5", "GRAPHIQL": "false"})

    assert config.server.port == 8080
    assert config.server.graphiql is False
    assert config.sources[0].statement_timeout == 1.5


def test_unset_variable_is_reported_once_with_its_key_path(tmp_path: Path) -> None:
    file = write(
        tmp_path,
        """
        sources: [{name: m, kind: duckdb, path: ':memory:'}]
        server: {port: '${PORT}'}
        """,
    )

    assert problems_of(file) == [
        "server.port: environment variable PORT is not set "
        "(set it, or give a default: ${PORT:-default})"
    ]


@pytest.mark.parametrize(
    ("dsn", "problem"),
    [
        ("${DB", "'${' without a closing '}' (write '$$' for a literal '$')"),
        ("${1DB}", "cannot read '${1DB}': write ${NAME} or ${NAME:-default}"),
        ("${DB-x}", "cannot read '${DB-x}': write ${NAME} or ${NAME:-default}"),
    ],
)
def test_malformed_reference(tmp_path: Path, dsn: str, problem: str) -> None:
    assert problems_of(source_with_dsn(tmp_path, dsn)) == [f"sources[0].dsn: {problem}"]


# --- validation messages -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "problem"),
    [
        ("{kind: duckdb, path: ':memory:'}", "sources[0].name: required (a name for this source)"),
        ("{name: a, path: ':memory:'}", f"sources[0].kind: required (installed: {INSTALLED})"),
        (
            "{name: a, kind: mongo, dsn: 'x'}",
            f"sources[0].kind: unknown connector 'mongo' (installed: {INSTALLED})",
        ),
        ("{name: a, kind: postgres}", "sources[0].dsn: required for kind 'postgres'"),
        ("{name: a, kind: sqlite}", "sources[0].path: required for kind 'sqlite' (or give dsn)"),
        (
            "{name: a, kind: sqlite, path: ':memory:', dsn: 'x'}",
            "sources[0].dsn: give either path or dsn, not both",
        ),
        (
            "{name: my-db, kind: duckdb, path: ':memory:'}",
            "sources[0].name: 'my-db' is not a valid GraphQL name part: use letters, digits "
            "and '_', not starting with a digit or '__'",
        ),
        (
            "{name: __a, kind: duckdb, path: ':memory:'}",
            "sources[0].name: '__a' is not a valid GraphQL name part: use letters, digits "
            "and '_', not starting with a digit or '__'",
        ),
        ("{name: 1, kind: duckdb, path: ':memory:'}", "sources[0].name: expected a string, got 1"),
        (
            "{name: a, kind: duckdb, path: ':memory:', tyme_out: 3}",
            "sources[0].tyme_out: unknown key (did you mean 'statement_timeout'?)",
        ),
        (
            "{name: a, kind: duckdb, path: ':memory:', zzz: 3}",
            "sources[0].zzz: unknown key (known keys: name, kind, dsn, path, pool_size, "
            "connect_timeout, statement_timeout, schemas, include, exclude, read_only, "
            "read_only_tables, batch_size, semi_join_max_keys, options, circuit_breaker)",
        ),
        (
            "{name: a, kind: duckdb, path: ':memory:', pool_size: 0}",
            "sources[0].pool_size: expected an integer of at least 1, got 0",
        ),
        (
            "{name: a, kind: duckdb, path: ':memory:', statement_timeout: soon}",
            "sources[0].statement_timeout: expected a number of seconds greater than 0, got 'soon'",
        ),
        (
            "{name: a, kind: duckdb, path: ':memory:', connect_timeout: -1}",
            "sources[0].connect_timeout: expected a number of seconds greater than 0, got -1",
        ),
        (
            "{name: a, kind: duckdb, path: ':memory:', read_only: maybe}",
            "sources[0].read_only: expected true or false, got 'maybe'",
        ),
        (
            "{name: a, kind: duckdb, path: ':memory:', include: [1, 2]}",
            "sources[0].include: expected a list of strings, got a list",
        ),
        (
            "{name: a, kind: duckdb, path: ':memory:', options: [x]}",
            "sources[0].options: expected a mapping of names to values, got a list",
        ),
        ("just-a-string", "sources[0]: expected a mapping, got 'just-a-string'"),
    ],
)
def test_source_problem(tmp_path: Path, source: str, problem: str) -> None:
    assert problems_of(write(tmp_path, f"sources: [{source}]")) == [problem]


@pytest.mark.parametrize(
    ("server", "problem"),
    [
        ("{port: abc}", "server.port: expected an integer from 1 to 65535, got 'abc'"),
        ("{port: 70000}", "server.port: expected an integer from 1 to 65535, got 70000"),
        ("{port: true}", "server.port: expected an integer from 1 to 65535, got True"),
        ("{workers: 0}", "server.workers: expected an integer of at least 1, got 0"),
        ("{host: [a]}", "server.host: expected a string, got a list"),
        ("{introspection: 2}", "server.introspection: expected true or false, got 2"),
        ("{prot: 1}", "server.prot: unknown key (did you mean 'port'?)"),
        ("[1]", "server: expected a mapping, got a list"),
    ],
)
def test_server_problem(tmp_path: Path, server: str, problem: str) -> None:
    file = write(
        tmp_path, f"sources: [{{name: a, kind: duckdb, path: ':memory:'}}]\nserver: {server}"
    )

    assert problems_of(file) == [problem]


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("", "sources: expected a list of one or more sources, got nothing"),
        ("sources: []", "sources: expected a list of one or more sources, got an empty list"),
        ("sources: {a: 1}", "sources: expected a list of one or more sources, got a mapping"),
        ("[1, 2]", "federation.yaml: expected a mapping of settings, got a list"),
    ],
)
def test_document_problem(tmp_path: Path, text: str, problem: str) -> None:
    assert problems_of(write(tmp_path, text)) == [problem]


def test_relative_path_resolves_against_the_config_folder_even_if_missing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir("/")
    file = write(tmp_path, "sources: [{name: a, kind: sqlite, path: new/missing.db}]")

    assert load_config(file, env={}).sources[0].path == str(tmp_path / "new" / "missing.db")


def test_missing_schema_dir_names_the_resolved_path(tmp_path: Path) -> None:
    file = write(
        tmp_path,
        """
        sources: [{name: a, kind: duckdb, path: ':memory:'}]
        schema_dir: overlays
        """,
    )

    assert problems_of(file) == [
        f"schema_dir: no folder at {tmp_path / 'overlays'} "
        "(relative paths start at the config file's folder)"
    ]


def test_every_problem_is_reported_together_in_document_order(tmp_path: Path) -> None:
    file = write(
        tmp_path,
        """
        sources:
          - name: app
            kind: mongo
            tyme_out: 3
          - name: app
            kind: postgres
            dsn: ${PG_DSN}
        server:
          port: abc
        caching: {}
        """,
    )

    assert problems_of(file) == [
        f"sources[0].kind: unknown connector 'mongo' (installed: {INSTALLED})",
        "sources[0].tyme_out: unknown key (did you mean 'statement_timeout'?)",
        "sources[0].dsn: required for kind 'mongo'",
        "sources[1].name: duplicate source name 'app' (also sources[0].name)",
        *(
            []
            if "postgres" in installed_kinds()
            else [f"sources[1].kind: unknown connector 'postgres' (installed: {INSTALLED})"]
        ),
        "sources[1].dsn: environment variable PG_DSN is not set "
        "(set it, or give a default: ${PG_DSN:-default})",
        "server.port: expected an integer from 1 to 65535, got 'abc'",
        "caching: unknown key (did you mean 'cache'?)",
    ]


def test_config_error_message_lists_every_problem(tmp_path: Path) -> None:
    file = write(tmp_path, "sources: [{name: a}]\nserver: {port: 0}")

    with pytest.raises(ConfigError, match=r"(?s)sources\[0\]\.kind: required.*server\.port"):
        load_config(file, env={})


def test_validation_covers_every_dataclass_field() -> None:
    # A field added to SourceConfig/ServerConfig must also be readable from federation.yaml.
    from federation.config import loading as config

    derived = {"schema_dir"}  # copied from Config.schema_dir, not a per-source key
    assert list(config.SOURCE_FIELDS) == [
        f.name for f in fields(SourceConfig) if f.name not in derived
    ]
    assert list(config.SERVER_FIELDS) == [f.name for f in fields(ServerConfig)]
