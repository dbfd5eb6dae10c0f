"""`federation persist`: a manifest from .graphql files, each operation validated."""

from __future__ import annotations

import asyncio
from pathlib import Path

import orjson
import pytest
from security_helpers import Serve, sha256, write_config

from federation.cli import main

NAMES = """query Names { artist(order_by: {id: asc}) { ...ArtistName } }
fragment ArtistName on artist { name }
"""
ALBUM = "query Album($id: Int!) { album_by_pk(id: $id) { title } }\n"


@pytest.fixture
def operations(tmp_path: Path) -> Path:
    folder = tmp_path / "operations"
    (folder / "nested").mkdir(parents=True)
    (folder / "names.graphql").write_text(NAMES)
    (folder / "nested" / "album.gql").write_text(ALBUM)
    return folder


def test_apollo_manifest_from_a_folder(tmp_path: Path, operations: Path) -> None:
    config = write_config(tmp_path)
    out = tmp_path / "manifest.json"
    assert main(["persist", "--config", str(config), str(operations), "-o", str(out)]) == 0
    manifest = orjson.loads(out.read_bytes())
    assert manifest["format"] == "apollo-persisted-query-manifest"
    assert manifest["version"] == 1
    by_name = {op["name"]: op for op in manifest["operations"]}
    assert sorted(by_name) == ["Album", "Names"]
    names = by_name["Names"]
    assert names["type"] == "query"
    assert names["body"] == (
        "query Names {\n  artist(order_by: { id: asc }) {\n    ...ArtistName\n  }\n}\n\n"
        "fragment ArtistName on artist {\n  name\n}"
    )
    assert names["id"] == sha256(names["body"])


async def test_the_manifest_serves_its_operations(
    tmp_path: Path, operations: Path, serve: Serve
) -> None:
    config = write_config(tmp_path)
    out = tmp_path / "relay.json"
    argv = [
        "persist",
        "--config",
        str(config),
        "--format",
        "relay",
        str(operations),
        "-o",
        str(out),
    ]
    code = await asyncio.to_thread(main, argv)  # the command runs its own event loop
    assert code == 0
    [album_id] = [key for key, text in orjson.loads(out.read_bytes()).items() if "Album" in text]
    async with serve("persisted_queries: {manifests: [relay.json]}\n") as client:
        response = await client.get(
            "/graphql", params={"doc_id": album_id, "variables": '{"id": 3}'}
        )
    assert orjson.loads(response.content) == {"data": {"album_by_pk": {"title": "B1"}}}


def test_every_invalid_operation_is_reported(
    tmp_path: Path, operations: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (operations / "bad.graphql").write_text(
        "query Bad { artist { nme } }\n{ __typename }\nquery Names { __typename }\n"
    )
    config = write_config(tmp_path)
    assert main(["persist", "--config", str(config), str(operations)]) == 1
    bad = operations / "bad.graphql"
    assert capsys.readouterr().err.splitlines() == [
        "error: 3 problems:",
        f"  {bad}: operation 'Bad': Cannot query field 'nme' on type 'artist'. "
        "Did you mean 'name'? (line 1, column 22)",
        f"  {bad}: an operation has no name (line 2, column 1): name it, e.g. "
        "`query ArtistNames { ... }` (the name identifies it in the manifest and in logs)",
        f"  {operations / 'names.graphql'}: operation 'Names' is also defined in {bad}",
    ]


def test_missing_paths_are_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["persist", str(tmp_path / "nope")]) == 2
    assert "no such file or folder" in capsys.readouterr().err
