"""PostgreSQL types -> the gateway's :class:`ScalarType`.

The type is decided by the catalog's ``pg_type`` row (domains by their base type), never by
parsing ``format_type`` text:

=====================================================  ===============  ==========================
PostgreSQL                                             ScalarType       ``fetch_rows`` returns
=====================================================  ===============  ==========================
``int2``, ``int4`` (``smallint``, ``integer``,         ``Int``          ``int``
``serial``)
``int8`` (``bigint``, ``bigserial``), ``oid``          ``bigint``       ``int``
``numeric`` / ``decimal``                              ``numeric``      ``decimal.Decimal``
``float4``, ``float8``                                 ``Float``        ``float``
``text``, ``varchar``, ``bpchar``, ``name``,           ``String``       ``str``
``citext``, enums
``bool``                                               ``Boolean``      ``bool``
``date``                                               ``date``         ``datetime.date``
``time``, ``timetz``                                   ``time``         ``datetime.time``
``timestamp``                                          ``timestamp``    naive ``datetime``
``timestamptz``                                        ``timestamptz``  aware ``datetime`` (UTC)
``uuid``                                               ``uuid``         ``uuid.UUID``
``json``, ``jsonb``                                    ``jsonb``        JSON text (``str``)
any array (``int4[]``, ``text[]``...)                  ``jsonb``        ``list``
``bytea``                                              ``bytea``        ``bytes``
anything else (``interval``, ``inet``, ``money``...)   ``String``       ``str`` (the type's text)
=====================================================  ===============  ==========================
"""

from __future__ import annotations

from federation.catalog import ScalarType

_BY_NAME: dict[str, ScalarType] = {
    "int2": ScalarType.INT,
    "int4": ScalarType.INT,
    "int8": ScalarType.BIGINT,
    "oid": ScalarType.BIGINT,
    "numeric": ScalarType.NUMERIC,
    "float4": ScalarType.FLOAT,
    "float8": ScalarType.FLOAT,
    "bool": ScalarType.BOOLEAN,
    "date": ScalarType.DATE,
    "time": ScalarType.TIME,
    "timetz": ScalarType.TIME,
    "timestamp": ScalarType.TIMESTAMP,
    "timestamptz": ScalarType.TIMESTAMPTZ,
    "uuid": ScalarType.UUID,
    "json": ScalarType.JSON,
    "jsonb": ScalarType.JSON,
    "bytea": ScalarType.BYTES,
}

TEXT_DECODED_TYPES: tuple[str, ...] = (
    "interval",
    "inet",
    "cidr",
    "macaddr",
    "money",
    "xml",
    "bit",
    "varbit",
    "point",
)
"""Types with no scalar of their own whose asyncpg objects (``timedelta``, ``IPv4Address``,
``BitString``...) would not serialise: the pool decodes them as their PostgreSQL text."""


def scalar_type(type_name: str, category: str) -> ScalarType:
    """The gateway type of a ``pg_type`` name (of the base type for domains) and its
    ``typcategory`` (``A`` for arrays, ``E`` for enums)."""
    if category == "A":
        return ScalarType.JSON
    return _BY_NAME.get(type_name, ScalarType.STRING)
