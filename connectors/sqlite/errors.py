"""SQLite constraint failures -> :class:`ConstraintViolation` with Hasura-style names.

SQLite names no unique or primary key constraints; the catalog calls them ``<t>_pkey`` and
``<t>_<columns>_key`` (see ``introspect.py``), and so do these errors. A CHECK constraint's
own name is reported when it has one.
"""

from __future__ import annotations

import re
import sqlite3

from federation.errors import ConstraintViolation, SourceError

from .introspect import unique_key_name

_CODES = {
    "SQLITE_CONSTRAINT_PRIMARYKEY": "UNIQUE_VIOLATION",
    "SQLITE_CONSTRAINT_UNIQUE": "UNIQUE_VIOLATION",
    "SQLITE_CONSTRAINT_FOREIGNKEY": "FOREIGN_KEY_VIOLATION",
    "SQLITE_CONSTRAINT_NOTNULL": "NOT_NULL_VIOLATION",
    "SQLITE_CONSTRAINT_CHECK": "CHECK_VIOLATION",
}
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_$]*")


def constraint_error(source: str, error: BaseException) -> SourceError | None:
    """A :class:`ConstraintViolation` for a constraint failure, else None."""
    if not isinstance(error, sqlite3.IntegrityError):
        return None
    kind = getattr(error, "sqlite_errorname", "")
    code = _CODES.get(kind)
    text = str(error)
    detail = text.split(": ", 1)[1] if ": " in text else ""
    return ConstraintViolation(source, text, code=code, constraint=_constraint(kind, detail))


def _constraint(kind: str, detail: str) -> str | None:
    if kind in ("SQLITE_CONSTRAINT_PRIMARYKEY", "SQLITE_CONSTRAINT_UNIQUE") and detail:
        qualified = [part.strip() for part in detail.split(",")]
        table = qualified[0].rsplit(".", 1)[0]
        columns = [part.rsplit(".", 1)[-1] for part in qualified]
        if kind == "SQLITE_CONSTRAINT_PRIMARYKEY":
            return f"{table}_pkey"
        return unique_key_name(table, columns)
    if kind == "SQLITE_CONSTRAINT_CHECK" and _NAME.fullmatch(detail):
        return detail
    return None
