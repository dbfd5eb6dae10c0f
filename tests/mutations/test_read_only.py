"""Read-only sources and tables expose no mutations; the setting is read from federation.yaml."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import orjson

from federation.config import Config, SourceConfig, load_config
from federation.gateway import Gateway

SCHEMA = """
CREATE TABLE note (id INTEGER PRIMARY KEY, body TEXT);
CREATE TABLE audit (id INTEGER PRIMARY KEY, what TEXT);
CREATE TABLE loose (body TEXT);
CREATE VIEW note_view AS SELECT * FROM note;
"""


def make_db(folder: Path) -> Path:
    path = folder / "notes.sqlite"
    with sqlite3.connect(path) as conn:
        conn.executescript(SCHEMA)
    return path


async def start(folder: Path, **options: object) -> Gateway:
    source = SourceConfig(name="notes", kind="sqlite", path=str(make_db(folder)), **options)  # type: ignore[arg-type]
    return await Gateway.start(Config(sources=(source,), base_dir=folder))


async def test_read_only_source_has_no_mutation_root(tmp_path: Path) -> None:
    gateway = await start(tmp_path, read_only=True)
    try:
        assert gateway.schema.mutation_type is None
        response = await gateway.execute('mutation { insert_note_one(object: {body: "x"}) { id } }')
        assert response.request_error
        assert b"mutation" in response.body
    finally:
        await gateway.stop()


async def test_read_only_tables_views_and_keyless_tables_have_no_mutations(tmp_path: Path) -> None:
    gateway = await start(tmp_path, read_only_tables=("audit",))
    try:
        mutation = gateway.schema.mutation_type
        assert mutation is not None
        tables = {
            name.split("_", 1)[1].removesuffix("_one").removesuffix("_by_pk")
            for name in mutation.fields
        }
        assert tables == {"note"}
        response = await gateway.execute(
            'mutation { insert_audit_one(object: {what: "x"}) { id } }'
        )
        assert response.request_error
        written = await gateway.execute(
            'mutation { insert_note_one(object: {body: "x"}) { body } }'
        )
        assert orjson.loads(written.body) == {"data": {"insert_note_one": {"body": "x"}}}
    finally:
        await gateway.stop()


def test_read_only_tables_is_read_from_the_config_file(tmp_path: Path) -> None:
    make_db(tmp_path)
    file = tmp_path / "federation.yaml"
    file.write_text(
        "sources:\n  - {name: notes, kind: sqlite, path: notes.sqlite, "
        "read_only_tables: [audit, main.note]}\n"
    )
    config = load_config(file, env={})
    assert config.sources[0].read_only_tables == ("audit", "main.note")
