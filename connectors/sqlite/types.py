"""SQLite declared types -> the gateway's :class:`ScalarType`.

SQLite stores values by *affinity*, decided by substrings of the declared type. The gateway
wants more than affinity (a ``DATE`` column is TEXT to SQLite but ``date`` to a client), so the
common type names are recognised first, then SQLite's own affinity rules decide:

====================================================  =================  =====================
declared type (case-insensitive, ``(p, s)`` ignored)  ScalarType         note
====================================================  =================  =====================
``BOOLEAN``, ``BOOL``                                 ``Boolean``        stored as 0 / 1
``BIGINT``, ``INT8``, ``UNSIGNED BIG INT``            ``bigint``
``NUMERIC``, ``DECIMAL``                              ``numeric``
``DATE``                                              ``date``           ISO text
``DATETIME``, ``TIMESTAMP``                           ``timestamp``      ISO text
``TIMESTAMPTZ``, ``TIMESTAMP WITH TIME ZONE``         ``timestamptz``    ISO text
``TIME``                                              ``time``           ISO text
``JSON``, ``JSONB``                                   ``jsonb``          JSON text
``UUID``                                              ``uuid``           text
``BLOB``, ``BYTEA``                                   ``bytea``
anything containing ``INT`` (INTEGER, SMALLINT...)    ``Int``            INTEGER affinity
anything containing ``REAL``, ``FLOA``, ``DOUB``      ``Float``          REAL affinity
no declared type (view expressions, ``t(a, b)``)      from the data      see ``infer_type``
anything else (TEXT, VARCHAR(n), CLOB, ...)           ``String``
====================================================  =================  =====================
"""

from __future__ import annotations

import re

from federation.catalog import ScalarType

_EXACT: dict[str, ScalarType] = {
    "BOOLEAN": ScalarType.BOOLEAN,
    "BOOL": ScalarType.BOOLEAN,
    "BIGINT": ScalarType.BIGINT,
    "INT8": ScalarType.BIGINT,
    "UNSIGNED BIG INT": ScalarType.BIGINT,
    "NUMERIC": ScalarType.NUMERIC,
    "DECIMAL": ScalarType.NUMERIC,
    "DATE": ScalarType.DATE,
    "DATETIME": ScalarType.TIMESTAMP,
    "TIMESTAMP": ScalarType.TIMESTAMP,
    "TIMESTAMP WITHOUT TIME ZONE": ScalarType.TIMESTAMP,
    "TIMESTAMPTZ": ScalarType.TIMESTAMPTZ,
    "TIMESTAMP WITH TIME ZONE": ScalarType.TIMESTAMPTZ,
    "TIME": ScalarType.TIME,
    "JSON": ScalarType.JSON,
    "JSONB": ScalarType.JSON,
    "UUID": ScalarType.UUID,
    "BLOB": ScalarType.BYTES,
    "BYTEA": ScalarType.BYTES,
}

_INT32 = 2**31

_TYPEOF: dict[str, ScalarType] = {
    "real": ScalarType.FLOAT,
    "text": ScalarType.STRING,
    "blob": ScalarType.BYTES,
}


def normalise(declared: str) -> str:
    """``decimal( 10, 2 )`` -> ``DECIMAL``; runs of spaces collapse to one."""
    without_args = re.sub(r"\(.*\)", "", declared)
    return " ".join(without_args.upper().split())


def scalar_type(declared: str) -> ScalarType | None:
    """The type of a declared column type; None when nothing is declared (infer from data)."""
    name = normalise(declared)
    if not name:
        return None
    if name in _EXACT:
        return _EXACT[name]
    if "INT" in name:
        return ScalarType.INT
    if any(part in name for part in ("REAL", "FLOA", "DOUB")):
        return ScalarType.FLOAT
    return ScalarType.STRING


def infer_type(samples: list[tuple[str, object]]) -> ScalarType:
    """The type of an undeclared column from ``(typeof(c), c)`` samples: the first non-null
    storage class decides; integers beyond 32 bits make it ``bigint``; all null is ``String``."""
    classes = [storage for storage, _ in samples if storage != "null"]
    if not classes:
        return ScalarType.STRING
    if classes[0] == "integer":
        wide = any(isinstance(v, int) and not -_INT32 <= v < _INT32 for _, v in samples)
        return ScalarType.BIGINT if wide else ScalarType.INT
    return _TYPEOF.get(classes[0], ScalarType.STRING)
