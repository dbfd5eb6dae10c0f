"""DuckDB constraint failures -> :class:`ConstraintViolation`.

DuckDB's messages say which kind of constraint failed but not its name, so ``constraint`` is
left out; the message is DuckDB's own.
"""

from __future__ import annotations

import duckdb

from federation.errors import ConstraintViolation, SourceError

_KINDS = (
    ("primary key constraint", "UNIQUE_VIOLATION"),
    ("unique constraint", "UNIQUE_VIOLATION"),
    ("foreign key", "FOREIGN_KEY_VIOLATION"),
    ("not null constraint", "NOT_NULL_VIOLATION"),
    ("check constraint", "CHECK_VIOLATION"),
)


def constraint_error(source: str, error: BaseException) -> SourceError | None:
    """A :class:`ConstraintViolation` for a constraint failure, else None."""
    if not isinstance(error, duckdb.ConstraintException):
        return None
    text = str(error)
    lowered = text.lower()
    code = next((code for phrase, code in _KINDS if phrase in lowered), None)
    return ConstraintViolation(source, text, code=code)
