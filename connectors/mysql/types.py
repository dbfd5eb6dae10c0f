"""MySQL / MariaDB types -> the gateway's :class:`ScalarType`.

Decided from ``information_schema.COLUMNS`` (``DATA_TYPE`` and the full ``COLUMN_TYPE``):

==================================================  ===============  ===========================
MySQL / MariaDB                                     ScalarType       ``fetch_rows`` returns
==================================================  ===============  ===========================
``TINYINT(1)``, ``BOOLEAN`` (an alias of it)        ``Boolean``      ``int`` 0 / 1
``TINYINT``, ``SMALLINT``, ``MEDIUMINT``, ``INT``,  ``Int``          ``int``
``YEAR``
``INT UNSIGNED`` (beyond 2^31), ``BIGINT``          ``bigint``       ``int``
``DECIMAL`` / ``NUMERIC``                           ``numeric``      ``decimal.Decimal``
``FLOAT``, ``DOUBLE``, ``REAL``                     ``Float``        ``float``
``CHAR``, ``VARCHAR``, ``*TEXT``, ``ENUM``, ``SET``  ``String``       ``str``
(``CHAR(36)`` holding UUIDs stays ``String``)
``DATE``                                            ``date``         ``datetime.date``
``TIME``                                            ``time``         ``datetime.time`` (``str``
                                                                     beyond 00:00..24:00)
``DATETIME``, ``TIMESTAMP``                         ``timestamp``    naive ``datetime`` (UTC for
                                                                     ``TIMESTAMP``)
``JSON`` (MySQL); ``LONGTEXT`` with a               ``jsonb``        JSON text (``str``)
``json_valid()`` CHECK (MariaDB's ``JSON``)
``UUID`` (MariaDB 10.7+)                            ``uuid``         ``str``
``BINARY``, ``VARBINARY``, ``*BLOB``, ``BIT``,      ``bytea``        ``bytes``
spatial types
anything else (``INET6``...)                        ``String``       ``str``
==================================================  ===============  ===========================
"""

from __future__ import annotations

from federation.catalog import ScalarType

_BY_DATA_TYPE: dict[str, ScalarType] = {
    "tinyint": ScalarType.INT,
    "smallint": ScalarType.INT,
    "mediumint": ScalarType.INT,
    "int": ScalarType.INT,
    "integer": ScalarType.INT,
    "year": ScalarType.INT,
    "bigint": ScalarType.BIGINT,
    "decimal": ScalarType.NUMERIC,
    "numeric": ScalarType.NUMERIC,
    "float": ScalarType.FLOAT,
    "double": ScalarType.FLOAT,
    "real": ScalarType.FLOAT,
    "date": ScalarType.DATE,
    "time": ScalarType.TIME,
    "datetime": ScalarType.TIMESTAMP,
    "timestamp": ScalarType.TIMESTAMP,
    "json": ScalarType.JSON,
    "uuid": ScalarType.UUID,
}

_BYTES = frozenset(
    {"binary", "varbinary", "tinyblob", "blob", "mediumblob", "longblob", "bit"}
    | {"geometry", "point", "linestring", "polygon", "multipoint", "multilinestring"}
    | {"multipolygon", "geometrycollection"}
)


def scalar_type(data_type: str, column_type: str, *, json_checked: bool = False) -> ScalarType:
    """The gateway type of a column; ``json_checked`` when a ``json_valid(col)`` CHECK guards it
    (how MariaDB stores ``JSON``)."""
    data_type = data_type.lower()
    column_type = column_type.lower()
    if json_checked:
        return ScalarType.JSON
    if data_type == "tinyint" and column_type.startswith("tinyint(1)"):
        return ScalarType.BOOLEAN
    if data_type in ("int", "integer") and "unsigned" in column_type:
        return ScalarType.BIGINT
    if data_type in _BYTES:
        return ScalarType.BYTES
    return _BY_DATA_TYPE.get(data_type, ScalarType.STRING)
