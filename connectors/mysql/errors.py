"""PyMySQL / aiomysql and socket errors -> :class:`SourceError` / :class:`SourceUnavailable`.

Messages carry the server's text and error number, and for connection failures the
``host:port``, never a password or a traceback.
"""

from __future__ import annotations

import re
from typing import Any

import pymysql

from federation.errors import (
    ConstraintViolation,
    SourceError,
    SourceTimeout,
    SourceUnavailable,
)

ERRORS: tuple[type[BaseException], ...] = (pymysql.err.MySQLError, OSError)
ERRORS_OR_TIMEOUT: tuple[type[BaseException], ...] = (*ERRORS, TimeoutError)

_UNAVAILABLE = frozenset({1040, 1044, 1045, 1049, 1053, 1129, 1130, 1927})
"""Server error numbers meaning the source cannot serve us: too many connections, access
denied, unknown database, shutdown, host blocked, connection killed."""

_TIMEOUT = frozenset({1969, 3024})
"""MariaDB ``max_statement_time`` and MySQL ``max_execution_time`` exceeded."""

_CLIENT_ERRORS = 2000
"""Numbers from 2000 up are the client's: connection refused, lost, server gone away."""


_CONSTRAINT_CODES = {
    1062: "UNIQUE_VIOLATION",  # Duplicate entry '1' for key 'PRIMARY'
    1451: "FOREIGN_KEY_VIOLATION",  # Cannot delete or update a parent row: ... CONSTRAINT `fk`
    1452: "FOREIGN_KEY_VIOLATION",  # Cannot add or update a child row: ... CONSTRAINT `fk`
    1048: "NOT_NULL_VIOLATION",  # Column 'x' cannot be null
    1364: "NOT_NULL_VIOLATION",  # Field 'x' doesn't have a default value
    4025: "CHECK_VIOLATION",  # MariaDB: CONSTRAINT `name` failed for `db`.`t`
    3819: "CHECK_VIOLATION",  # MySQL: Check constraint 'name' is violated.
}
_CONSTRAINT_NAMES = (
    re.compile(r"for key '(?:[^']*\.)?([^'.]+)'"),
    re.compile(r"CONSTRAINT `((?:[^`]|``)+)`"),
    re.compile(r"Check constraint '([^']+)'"),
)


def _constraint(error: BaseException) -> str | None:
    """The constraint's name as the server's message gives it."""
    text = _text(error)
    for pattern in _CONSTRAINT_NAMES:
        match = pattern.search(text)
        if match:
            return match.group(1).replace("``", "`")
    return None


def error_number(error: BaseException) -> int:
    args: tuple[Any, ...] = getattr(error, "args", ())
    return args[0] if args and isinstance(args[0], int) else 0


def connection_is_broken(error: BaseException) -> bool:
    """Whether the connection may hold unread results: close it rather than reuse it."""
    return not isinstance(error, pymysql.err.MySQLError) or error_number(error) >= _CLIENT_ERRORS


def connect_failure(source: str, address: str, error: BaseException) -> SourceUnavailable:
    reason = _text(error)
    if isinstance(error, TimeoutError):
        reason = "no answer within connect_timeout"
    return SourceUnavailable(
        source,
        f"cannot connect to MySQL at {address}: {reason}; check that the server runs and the "
        "source's dsn (host, port, user, database, password)",
    )


def statement_failure(
    source: str, address: str, error: BaseException, timeout: float
) -> SourceError:
    number = error_number(error)
    if isinstance(error, TimeoutError) or number in _TIMEOUT:
        return SourceTimeout(
            source,
            f"statement cancelled after statement_timeout ({timeout:g}s); narrow the query or "
            "raise statement_timeout for this source in federation.yaml",
        )
    if number in _CONSTRAINT_CODES:
        return ConstraintViolation(
            source, _text(error), code=_CONSTRAINT_CODES[number], constraint=_constraint(error)
        )
    if isinstance(error, OSError) or number in _UNAVAILABLE or number >= _CLIENT_ERRORS:
        return SourceUnavailable(source, f"{address}: {_text(error)}")
    return SourceError(source, _text(error))


def _text(error: BaseException) -> str:
    args: tuple[Any, ...] = getattr(error, "args", ())
    if len(args) >= 2 and isinstance(args[0], int):
        return f"{args[1]} (error {args[0]})"
    return str(error) or type(error).__name__
