"""asyncpg and socket errors -> :class:`SourceError` / :class:`SourceUnavailable`.

Messages carry the server's text (with its DETAIL and HINT), the SQLSTATE, and for connection
failures the ``host:port``, never a password or a traceback.
"""

from __future__ import annotations

import asyncpg

from federation.errors import (
    ConstraintViolation,
    SourceError,
    SourceTimeout,
    SourceUnavailable,
)

ERRORS: tuple[type[BaseException], ...] = (asyncpg.PostgresError, asyncpg.InterfaceError, OSError)
"""What a pool, a connection or a statement may raise that the connector translates."""
ERRORS_OR_TIMEOUT: tuple[type[BaseException], ...] = (*ERRORS, TimeoutError)

_UNAVAILABLE_CLASSES = ("08", "28", "53", "57P")
"""SQLSTATE prefixes meaning the server cannot serve us: connection exceptions, bad
credentials, resource exhaustion, shutdown/starting up."""


_CONSTRAINT_CODES = {
    "23505": "UNIQUE_VIOLATION",
    "23503": "FOREIGN_KEY_VIOLATION",
    "23502": "NOT_NULL_VIOLATION",
    "23514": "CHECK_VIOLATION",
    "23P01": "CONSTRAINT_VIOLATION",  # exclusion
}
"""SQLSTATEs of integrity constraint violations -> ``extensions.code``."""


def connect_failure(source: str, address: str, error: BaseException) -> SourceUnavailable:
    reason = _server_text(error) if isinstance(error, asyncpg.PostgresError) else str(error)
    if isinstance(error, TimeoutError):
        reason = "no answer within connect_timeout"
    return SourceUnavailable(
        source,
        f"cannot connect to PostgreSQL at {address}: {reason or type(error).__name__}; check that "
        "the server runs and the source's dsn (host, port, user, database, password)",
    )


def statement_failure(
    source: str, address: str, error: BaseException, timeout: float
) -> SourceError:
    if isinstance(error, TimeoutError) or _sqlstate(error) == "57014":
        return SourceTimeout(
            source,
            f"statement cancelled after statement_timeout ({timeout:g}s); narrow the query or "
            "raise statement_timeout for this source in federation.yaml",
        )
    if isinstance(error, asyncpg.exceptions.ConnectionDoesNotExistError | OSError):
        return SourceUnavailable(source, f"lost the connection to {address}: {error}")
    sqlstate = _sqlstate(error)
    if sqlstate in _CONSTRAINT_CODES:
        return ConstraintViolation(
            source,
            _server_text(error),
            code=_CONSTRAINT_CODES[sqlstate],
            constraint=getattr(error, "constraint_name", None),
        )
    if sqlstate.startswith(_UNAVAILABLE_CLASSES):
        return SourceUnavailable(source, f"{address}: {_server_text(error)}")
    if isinstance(error, asyncpg.PostgresError):
        return SourceError(source, _server_text(error))
    return SourceError(source, str(error) or type(error).__name__)


def _sqlstate(error: BaseException) -> str:
    return str(getattr(error, "sqlstate", "") or "")


def _server_text(error: BaseException) -> str:
    parts = [str(getattr(error, "message", "") or error)]
    for label in ("detail", "hint"):
        value = getattr(error, label, None)
        if value:
            parts.append(f"{label.upper()}: {value}")
    sqlstate = _sqlstate(error)
    text = " ".join(parts)
    return f"{text} (SQLSTATE {sqlstate})" if sqlstate else text
