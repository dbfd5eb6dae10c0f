"""The conformance harness itself: the comparison rule and the metadata -> overlay conversion."""

from __future__ import annotations

from pathlib import Path

import pytest
from graphql import parse

from .compare import data_case_problem, error_case_problem, first_difference
from .hasura_cases import Case, Folder, Relationship, TableRef, include_list, overlay_sdl

AUTHOR = TableRef("public", "author")
ARTICLE = TableRef("public", "article")


@pytest.mark.parametrize(
    ("actual", "expected"),
    [
        ({"b": 1, "a": [1, 2]}, {"a": [1, 2], "b": 1}),  # key order ignored
        (16.0001220703125, "16.0001220703125"),  # double precision: Float vs Hasura's string
        (1.23, "1.23"),
        (1.3333333333333335, 1.3333333333333333),  # floating aggregates within tolerance
        (2.0, 2),
        ("9223372036854775807", "9223372036854775807"),  # bigint: same string
        (None, None),
        (True, True),
    ],
)
def test_values_that_match(actual: object, expected: object) -> None:
    assert first_difference(actual, expected) is None


@pytest.mark.parametrize(
    ("actual", "expected"),
    [
        ([1, 2], [2, 1]),  # list order matters
        ({"a": 1}, {"a": 1, "b": 2}),
        (9223372036854775807, "9223372036854775807"),  # bigint must stay a string
        (123, "123"),  # an integer is not a Float
        (1.24, "1.23"),
        ("1.23", 1.23),
        (1, True),
        (0, None),
        (1.0, "abc"),
        (4460362.99, 4460362.9621),
    ],
)
def test_values_that_differ(actual: object, expected: object) -> None:
    assert first_difference(actual, expected) is not None


def test_difference_names_the_path() -> None:
    problem = first_difference(
        {"author": [{"id": 1}, {"id": 3}]}, {"author": [{"id": 1}, {"id": 2}]}
    )
    assert problem == "data.author[1].id: got 3, expected 2"


def test_data_case_rejects_errors_next_to_equal_data() -> None:
    expected = {"data": {"a": 1}}
    assert data_case_problem({"data": {"a": 1}}, expected) is None
    assert data_case_problem({"data": {"a": 1}, "errors": [{"message": "x"}]}, expected)


def test_validation_error_must_be_a_request_error() -> None:
    expected = {"errors": [{"message": "m", "extensions": {"code": "validation-failed"}}]}
    assert error_case_problem({"errors": [{"message": "other words"}]}, expected) is None
    assert error_case_problem({"data": None, "errors": [{"message": "m"}]}, expected)
    assert error_case_problem({"data": {"author": []}}, expected)


def test_execution_error_allows_null_data() -> None:
    expected = {"data": None, "errors": [{"message": "m", "extensions": {"code": "bad-request"}}]}
    assert error_case_problem({"data": None, "errors": [{"message": "m"}]}, expected) is None
    assert error_case_problem({"data": {"author": None}, "errors": [{"message": "m"}]}, expected)


def test_overlay_declares_every_relationship_by_hasura_name() -> None:
    folder = Folder(
        name="demo",
        path=Path("."),
        tables=(AUTHOR, ARTICLE, TableRef("public", "Album")),
        relationships=(
            Relationship(ARTICLE, "writer", "object", AUTHOR, (("author_id", "id"),)),
            Relationship(AUTHOR, "posts", "array", ARTICLE, (("id", "author_id"),)),
        ),
    )
    sdl = overlay_sdl(folder)
    parse(sdl)  # valid SDL
    assert 'type article @table(source: "db", name: "article") {' in sdl
    assert 'writer: author @relationship(fields: ["author_id"], references: ["id"])' in sdl
    assert 'posts: [article!]! @relationship(fields: ["id"], references: ["author_id"])' in sdl
    assert "Album" not in sdl  # no relationships, no overlay type
    assert include_list(folder) == ("author", "article", "Album")


def test_case_skips_by_feature_and_builds_batch_body() -> None:
    case = Case(
        folder="f",
        id="c",
        query=[{"query": "{ a }"}, {"query": "query($x: Int) { b(x: $x) }", "variables": {"x": 1}}],
        variables=None,
        operation_name=None,
        expected_status=200,
        expected=[],
        expects_error=False,
        features=("batch", "op_ancestor"),
        batch=True,
        notes=None,
    )
    assert case.http_body() == [
        {"query": "{ a }"},
        {"query": "query($x: Int) { b(x: $x) }", "variables": {"x": 1}},
    ]
    assert "ltree" in (case.skip_reason() or "")
