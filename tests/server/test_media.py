"""Accept negotiation and media type parsing, without HTTP."""

from __future__ import annotations

import pytest

from federation.server.media import (
    GRAPHQL_RESPONSE_JSON,
    JSON,
    accepts_html,
    negotiate,
    parse_media_type,
)


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        (None, JSON),
        ("", JSON),
        ("*/*", JSON),
        ("application/*", JSON),
        ("application/json", JSON),
        ("application/graphql-response+json", GRAPHQL_RESPONSE_JSON),
        ("application/graphql-response+json; charset=utf-8", GRAPHQL_RESPONSE_JSON),
        ("APPLICATION/GRAPHQL-RESPONSE+JSON", GRAPHQL_RESPONSE_JSON),
        ("application/graphql-response+json, application/json;q=0.9", GRAPHQL_RESPONSE_JSON),
        ("application/json, application/graphql-response+json", JSON),
        ("application/graphql-response+json, application/json", GRAPHQL_RESPONSE_JSON),
        ("application/json;q=0.5, application/graphql-response+json", GRAPHQL_RESPONSE_JSON),
        ("application/graphql-response+json;q=0.1, */*", JSON),
        ("application/graphql-response+json, */*;q=0.8", GRAPHQL_RESPONSE_JSON),
        ("application/json;q=0, */*", GRAPHQL_RESPONSE_JSON),
        ("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", JSON),
        ("text/html", None),
        ("application/xml, text/plain", None),
        ("application/json;q=0", None),
        ("application/json;q=abc", None),
    ],
)
def test_negotiate(accept: str | None, expected: str | None) -> None:
    assert negotiate(accept) == expected


def test_parse_media_type_lowercases_and_reads_parameters() -> None:
    assert parse_media_type('Application/JSON; Charset="UTF-8" ; q=0.5') == (
        "application/json",
        {"charset": "UTF-8", "q": "0.5"},
    )


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        ("text/html,application/xhtml+xml,*/*;q=0.8", True),
        ("TEXT/HTML", True),
        ("*/*", False),
        ("text/html;q=0, application/json", False),
        (None, False),
    ],
)
def test_accepts_html_only_when_named(accept: str | None, expected: bool) -> None:
    assert accepts_html(accept) is expected
