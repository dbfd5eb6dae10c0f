"""Operation limits: what one request may cost, configurable globally and per client.

Every limit refuses a request with its own error code and a message that names the limit, the
measured value, the maximum and how to fix the request. ``0`` turns a limit off.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Final

LIMIT_CODES: Final = {
    "max_body_bytes": "PAYLOAD_TOO_LARGE",
    "max_tokens": "TOKEN_LIMIT_EXCEEDED",
    "max_depth": "DEPTH_LIMIT_EXCEEDED",
    "max_aliases": "ALIAS_LIMIT_EXCEEDED",
    "max_root_fields": "ROOT_FIELD_LIMIT_EXCEEDED",
    "max_directives_per_field": "DIRECTIVE_LIMIT_EXCEEDED",
    "max_batch_size": "BATCH_LIMIT_EXCEEDED",
    "max_cost": "COST_LIMIT_EXCEEDED",
}
"""The error code (``errors[].extensions.code``) of each limit."""

_WHAT: Final = {
    "max_body_bytes": ("the request body has {n} bytes", "send large inputs in several requests"),
    "max_tokens": (
        "the document has more than {n} tokens",
        "send a smaller document (fragments and variables make documents shorter)",
    ),
    "max_depth": (
        "the operation nests fields {n} levels deep",
        "flatten the query, or fetch deeper data in a second request",
    ),
    "max_aliases": ("the operation uses {n} aliases", "send fewer aliased fields per request"),
    "max_root_fields": (
        "the operation selects {n} root fields",
        "split the operation into several requests",
    ),
    "max_directives_per_field": (
        "a field carries {n} directives",
        "remove the repeated directives",
    ),
    "max_batch_size": ("the batch holds {n} requests", "split it into smaller batches"),
    "max_cost": (
        "the operation's estimated cost is {n}",
        "pass smaller `limit` (or `first`) arguments to list fields, or select fewer nested lists",
    ),
}


@dataclass(frozen=True, slots=True)
class Limits:
    """What one request may cost. ``0`` means no limit."""

    max_body_bytes: int = 8 * 1024 * 1024
    max_tokens: int = 15_000
    """Lexical tokens in the document, comments included (checked while parsing)."""
    max_depth: int = 20
    """Nesting of field selections, through fragments; a root field is depth 1."""
    max_aliases: int = 100
    max_root_fields: int = 100
    max_directives_per_field: int = 10
    max_batch_size: int = 20
    max_cost: int = 0
    """Estimated cost (see :mod:`federation.security.cost`); off by default in development."""
    list_size: int = 100
    """The size assumed for a list field without a `limit`/`first` argument, for the cost."""
    timeout: float = 60.0
    """Seconds an operation may run before the request is answered 504."""


DEVELOPMENT_LIMITS: Final = Limits()
PRODUCTION_LIMITS: Final = Limits(
    max_body_bytes=1024 * 1024,
    max_tokens=10_000,
    max_depth=12,
    max_aliases=30,
    max_root_fields=20,
    max_directives_per_field=3,
    max_batch_size=5,
    max_cost=50_000,
    timeout=30.0,
)
LIMIT_NAMES: Final = tuple(f.name for f in fields(Limits))


class LimitExceeded(Exception):
    """A request went over one of its limits."""

    def __init__(self, limit: str, measured: int, maximum: int, where: str) -> None:
        self.limit = limit
        self.measured = measured
        self.maximum = maximum
        self.code = LIMIT_CODES[limit]
        what, fix = _WHAT[limit]
        if limit == "max_tokens":  # the parser stops at the limit: the exact count is unknown
            over = f"{what.format(n=maximum)}, the most allowed"
        else:
            over = f"{what.format(n=measured)}, more than the {maximum} allowed"
        super().__init__(f"{over} ({where}.{limit}): {fix}")

    @property
    def extensions(self) -> dict[str, object]:
        return {
            "code": self.code,
            "limit": self.limit,
            "measured": self.measured,
            "maximum": self.maximum,
        }


def check(limit: str, measured: int, limits: Limits, where: str) -> None:
    """Raise :class:`LimitExceeded` when ``measured`` is over ``limits.<limit>`` (unless 0)."""
    maximum: int = getattr(limits, limit)
    if maximum and measured > maximum:
        raise LimitExceeded(limit, measured, maximum, where)
