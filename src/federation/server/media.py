"""Media types: `Accept` negotiation for responses and `Content-Type` checks for requests.

The response type follows the GraphQL-over-HTTP draft and the `graphql-http` audit:
`application/graphql-response+json` when the client asks for it, `application/json` when the
client asks for it, for `*/*`, or sends no `Accept` at all (audits 47DE and 80D8 expect
`application/json` there), and nothing (406) otherwise.

>>> negotiate("application/graphql-response+json, application/json;q=0.9")
'application/graphql-response+json'
>>> negotiate("*/*")
'application/json'
>>> negotiate("text/html") is None
True
"""

from __future__ import annotations

from typing import Final

GRAPHQL_RESPONSE_JSON: Final = "application/graphql-response+json"
JSON: Final = "application/json"

# Order breaks ties between ranges of equal weight: a bare `*/*` picks application/json.
SUPPORTED: Final = (JSON, GRAPHQL_RESPONSE_JSON)

REQUEST_TYPES: Final = frozenset({JSON, "application/graphql+json"})
"""POST body types we read. `application/graphql+json` is the draft's former name, still sent by
some clients. Form and text types are refused: browsers send them cross-site without a CORS
preflight, which would make every mutation a CSRF target."""


def parse_media_type(value: str) -> tuple[str, dict[str, str]]:
    """`type/subtype` in lower case and its parameters (`charset`, `q`, ...)."""
    name, *raw_params = value.split(";")
    params: dict[str, str] = {}
    for raw in raw_params:
        key, sep, val = raw.partition("=")
        if sep:
            params[key.strip().lower()] = val.strip().strip('"')
    return name.strip().lower(), params


def _weight(params: dict[str, str]) -> float | None:
    """The `q` of a media range; None when it is not a number in [0, 1]."""
    try:
        q = float(params.get("q", "1"))
    except ValueError:
        return None
    return q if 0.0 <= q <= 1.0 else None


def _specificity(media_range: str, media_type: str) -> int | None:
    """How exactly `media_range` names `media_type`: 2 exact, 1 `type/*`, 0 `*/*`, None no match."""
    if media_range == media_type:
        return 2
    if media_range == "*/*":
        return 0
    if media_range.endswith("/*") and media_type.startswith(media_range[:-1]):
        return 1
    return None


def negotiate(accept: str | None) -> str | None:
    """The response media type for an `Accept` header, or None when none of ours is acceptable."""
    if accept is None or not accept.strip():
        return JSON
    best: tuple[float, int, int] | None = None
    choice: str | None = None
    for media_type in SUPPORTED:
        rank = _rank(accept, media_type)
        if rank is not None and rank[0] > 0 and (best is None or rank > best):
            best, choice = rank, media_type
    return choice


def _rank(accept: str, media_type: str) -> tuple[float, int, int] | None:
    """(q, specificity, -position) of the most specific range in `accept` that matches."""
    found: tuple[int, float, int] | None = None
    for position, part in enumerate(accept.split(",")):
        media_range, params = parse_media_type(part)
        specificity = _specificity(media_range, media_type)
        q = _weight(params)
        if specificity is None or q is None:
            continue
        if found is None or specificity > found[0]:
            found = (specificity, q, position)
    if found is None:
        return None
    specificity, q, position = found
    return q, specificity, -position


def accepts_html(accept: str | None) -> bool:
    """True when the client names `text/html` itself (a browser), not only through `*/*`."""
    if not accept:
        return False
    for part in accept.split(","):
        media_range, params = parse_media_type(part)
        if media_range == "text/html" and (_weight(params) or 0.0) > 0:
            return True
    return False
