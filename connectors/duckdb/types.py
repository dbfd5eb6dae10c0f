"""DuckDB column types (as ``duckdb_columns().data_type`` spells them) -> :class:`ScalarType`.

=================================================================  ================
DuckDB type                                                         ScalarType
=================================================================  ================
``BOOLEAN``                                                         ``Boolean``
``TINYINT``, ``SMALLINT``, ``INTEGER``, ``UTINYINT``, ``USMALLINT``  ``Int``
``UINTEGER``, ``BIGINT``, ``UBIGINT``, ``HUGEINT``, ``UHUGEINT``     ``bigint``
``FLOAT``, ``DOUBLE``                                               ``Float``
``DECIMAL(p,s)``                                                    ``numeric``
``DATE``                                                            ``date``
``TIME``, ``TIME WITH TIME ZONE``                                   ``time``
``TIMESTAMP``, ``TIMESTAMP_S`` / ``_MS`` / ``_NS``                  ``timestamp``
``TIMESTAMP WITH TIME ZONE``                                        ``timestamptz``
``UUID``                                                            ``uuid``
``JSON``                                                            ``jsonb``
``BLOB``                                                            ``bytea``
lists ``T[]``, arrays ``T[n]``, ``STRUCT``, ``MAP``, ``UNION``      ``jsonb``
anything else (``VARCHAR``, ``ENUM``, ``INTERVAL``, ``BIT``)        ``String``
=================================================================  ================
"""

from __future__ import annotations

from federation.catalog import ScalarType

_EXACT: dict[str, ScalarType] = {
    "BOOLEAN": ScalarType.BOOLEAN,
    "TINYINT": ScalarType.INT,
    "SMALLINT": ScalarType.INT,
    "INTEGER": ScalarType.INT,
    "UTINYINT": ScalarType.INT,
    "USMALLINT": ScalarType.INT,
    "UINTEGER": ScalarType.BIGINT,
    "BIGINT": ScalarType.BIGINT,
    "UBIGINT": ScalarType.BIGINT,
    "HUGEINT": ScalarType.BIGINT,
    "UHUGEINT": ScalarType.BIGINT,
    "FLOAT": ScalarType.FLOAT,
    "DOUBLE": ScalarType.FLOAT,
    "DATE": ScalarType.DATE,
    "TIME": ScalarType.TIME,
    "TIME WITH TIME ZONE": ScalarType.TIME,
    "TIMESTAMP": ScalarType.TIMESTAMP,
    "TIMESTAMP_S": ScalarType.TIMESTAMP,
    "TIMESTAMP_MS": ScalarType.TIMESTAMP,
    "TIMESTAMP_NS": ScalarType.TIMESTAMP,
    "TIMESTAMP WITH TIME ZONE": ScalarType.TIMESTAMPTZ,
    "UUID": ScalarType.UUID,
    "JSON": ScalarType.JSON,
    "BLOB": ScalarType.BYTES,
}

_NESTED_PREFIXES = ("STRUCT(", "MAP(", "UNION(")


def scalar_type(data_type: str) -> ScalarType:
    name = data_type.strip().upper()
    if name in _EXACT:
        return _EXACT[name]
    if name.endswith("]") or name.startswith(_NESTED_PREFIXES):
        return ScalarType.JSON
    if name.startswith("DECIMAL") or name.startswith("NUMERIC"):
        return ScalarType.NUMERIC
    return ScalarType.STRING
