"""Every error the gateway raises on purpose.

FederationError
├── ConfigError            federation.yaml or schema/ overlays are wrong (lists every problem)
├── ConnectorError         a connector cannot be found or loaded
├── SourceError            a source failed while answering (carries the source name and a code)
│   ├── SourceUnavailable  the source could not be reached at all
│   ├── SourceTimeout      the source did not answer within its timeout
│   └── ConstraintViolation  a write broke a unique, foreign key, not null or check constraint
└── QueryError             a request is wrong in a way GraphQL validation cannot see
"""

from __future__ import annotations


class FederationError(Exception):
    """Base class of the gateway's own errors."""


class ConfigError(FederationError):
    """The configuration is invalid. ``problems`` holds one ``key.path: message`` line each."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("invalid configuration:\n" + "\n".join(f"  {p}" for p in problems))


class ConnectorError(FederationError):
    """A connector kind is unknown or its plugin failed to load."""


class SourceError(FederationError):
    """A source failed while answering. ``code`` goes to ``errors[].extensions.code``."""

    code = "SOURCE_ERROR"

    def __init__(self, source: str, message: str) -> None:
        self.source = source
        super().__init__(f"source {source!r}: {message}")


class SourceUnavailable(SourceError):
    code = "SOURCE_UNAVAILABLE"


class SourceTimeout(SourceError):
    code = "SOURCE_TIMEOUT"


class ConstraintViolation(SourceError):
    """A write broke a constraint. ``code`` is ``UNIQUE_VIOLATION``, ``FOREIGN_KEY_VIOLATION``,
    ``NOT_NULL_VIOLATION``, ``CHECK_VIOLATION`` or, when the driver does not say which,
    ``CONSTRAINT_VIOLATION``; ``constraint`` is the constraint's name where the driver reports it.
    """

    code = "CONSTRAINT_VIOLATION"

    def __init__(
        self, source: str, message: str, *, code: str | None = None, constraint: str | None = None
    ) -> None:
        if code:
            self.code = code
        self.constraint = constraint
        super().__init__(source, message)


class QueryError(FederationError):
    """A request that passed GraphQL validation but cannot be answered as asked."""

    code = "BAD_REQUEST"

    def __init__(self, message: str, code: str | None = None) -> None:
        if code:
            self.code = code
        super().__init__(message)
