"""GraphQL scalars for the column types, named as Hasura names them.

Values that JSON numbers cannot hold exactly (``bigint``, ``numeric``) travel as strings in
responses and are accepted as numbers or strings in input. Input values are parsed into the Python
objects the drivers bind (``datetime.date``, ``uuid.UUID``, ``Decimal``...).
"""

from __future__ import annotations

import base64
import datetime as dt
import decimal
import uuid
from collections.abc import Callable
from typing import Any

from graphql import (
    GraphQLBoolean,
    GraphQLError,
    GraphQLFloat,
    GraphQLInt,
    GraphQLScalarType,
    GraphQLString,
    ValueNode,
    value_from_ast_untyped,
)

from federation.catalog import ScalarType


def _parse_bigint(value: Any) -> int:
    if isinstance(value, bool):
        raise GraphQLError(f"bigint expects an integer, got {value!r}")
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.lstrip("-").isdigit():
        return int(value)
    if isinstance(value, float) and value.is_integer():
        return int(value)
    raise GraphQLError(f"bigint expects an integer or a string of digits, got {value!r}")


def _parse_numeric(value: Any) -> decimal.Decimal:
    if isinstance(value, bool):
        raise GraphQLError(f"numeric expects a number, got {value!r}")
    try:
        return decimal.Decimal(str(value)) if isinstance(value, int | float | str) else _fail()
    except (decimal.InvalidOperation, ValueError):
        raise GraphQLError(f"numeric expects a number or a numeric string, got {value!r}") from None


def _fail() -> decimal.Decimal:
    raise ValueError


def _iso(parse: Callable[[str], Any], what: str, example: str) -> Callable[[Any], Any]:
    def parse_value(value: Any) -> Any:
        if isinstance(value, str):
            try:
                return parse(value)
            except ValueError:
                pass
        raise GraphQLError(f"{what} expects ISO 8601 text like {example!r}, got {value!r}")

    return parse_value


def _parse_timestamp(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text.replace("Z", "+00:00"))


def _parse_uuid(value: Any) -> uuid.UUID:
    try:
        return uuid.UUID(str(value)) if isinstance(value, str) else uuid.UUID(int=-1)
    except ValueError:
        raise GraphQLError(f"uuid expects text like '8c9b...-...', got {value!r}") from None


def _parse_bytes(value: Any) -> bytes:
    if isinstance(value, str):
        try:
            return base64.b64decode(value, validate=True)
        except ValueError:
            pass
    raise GraphQLError(f"bytea expects base64 text, got {value!r}")


def _literal(parse_value: Callable[[Any], Any]) -> Callable[..., Any]:
    def parse_literal(node: ValueNode, variables: Any = None) -> Any:
        return parse_value(value_from_ast_untyped(node, variables))

    return parse_literal


def _scalar(name: str, description: str, parse_value: Callable[[Any], Any]) -> GraphQLScalarType:
    return GraphQLScalarType(
        name,
        description=description,
        serialize=lambda value: value if isinstance(value, str) else str(value),
        parse_value=parse_value,
        parse_literal=_literal(parse_value),
    )


def _json_value(value: Any) -> Any:
    return value


def _json_literal(node: ValueNode, variables: Any = None) -> Any:
    return value_from_ast_untyped(node, variables)


BIGINT = _scalar(
    "bigint", "A 64-bit integer, sent as a JSON string so no precision is lost.", _parse_bigint
)
NUMERIC = _scalar(
    "numeric", "An exact decimal, sent as a JSON string so no precision is lost.", _parse_numeric
)
DATE = _scalar(
    "date",
    "A calendar date, ISO 8601 (`2024-05-31`).",
    _iso(dt.date.fromisoformat, "date", "2024-05-31"),
)
TIME = _scalar(
    "time", "A time of day, ISO 8601 (`13:45:00`).", _iso(dt.time.fromisoformat, "time", "13:45:00")
)
TIMESTAMP = _scalar(
    "timestamp",
    "A date and time without time zone, ISO 8601 (`2024-05-31T13:45:00`).",
    _iso(_parse_timestamp, "timestamp", "2024-05-31T13:45:00"),
)
TIMESTAMPTZ = _scalar(
    "timestamptz",
    "A point in time with its offset, ISO 8601 (`2024-05-31T13:45:00+00:00`).",
    _iso(_parse_timestamp, "timestamptz", "2024-05-31T13:45:00+00:00"),
)
UUID = _scalar("uuid", "A UUID as text.", _parse_uuid)
JSONB = GraphQLScalarType(
    "jsonb",
    description="Any JSON value, embedded as JSON.",
    serialize=_json_value,
    parse_value=_json_value,
    parse_literal=_json_literal,
)
BYTEA = _scalar("bytea", "Binary data as base64 text.", _parse_bytes)

GRAPHQL_SCALARS: dict[ScalarType, GraphQLScalarType] = {
    ScalarType.INT: GraphQLInt,
    ScalarType.BIGINT: BIGINT,
    ScalarType.FLOAT: GraphQLFloat,
    ScalarType.NUMERIC: NUMERIC,
    ScalarType.STRING: GraphQLString,
    ScalarType.BOOLEAN: GraphQLBoolean,
    ScalarType.DATE: DATE,
    ScalarType.TIME: TIME,
    ScalarType.TIMESTAMP: TIMESTAMP,
    ScalarType.TIMESTAMPTZ: TIMESTAMPTZ,
    ScalarType.UUID: UUID,
    ScalarType.JSON: JSONB,
    ScalarType.BYTES: BYTEA,
}
