"""``options.endpoints`` of a ``rest`` source: the declarations, parsed and checked.

Every problem is reported at once as a :class:`~federation.errors.ConfigError`, one line per
problem with its key path (``sources.api.options.endpoints[0].fields.id: ...``). The format is
documented in docs/rest-and-graphql-sources.md. The SDL form (:mod:`.sdl`) builds the same
declaration mappings from ``@rest`` types and checks them with the same :class:`EndpointParser`.
"""

from __future__ import annotations

import re
import string
from dataclasses import dataclass, field
from typing import Any, Literal
from urllib.parse import parse_qsl, urlsplit

from federation.catalog import Column, ScalarType, Table
from federation.errors import ConfigError

PaginationStyle = Literal["none", "page", "offset", "cursor"]

_TYPE_NAMES = {scalar.value.lower(): scalar for scalar in ScalarType} | {
    "id": ScalarType.STRING,
    "json": ScalarType.JSON,
    "integer": ScalarType.INT,
    "text": ScalarType.STRING,
}
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


@dataclass(frozen=True, slots=True)
class Template:
    """A path with ``{field}`` placeholders and fixed query parameters (``/users?active=1``)."""

    path: str
    query: tuple[tuple[str, str], ...] = ()

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(name for _, name, _, _ in string.Formatter().parse(self.path) if name)


@dataclass(frozen=True, slots=True)
class FieldSpec:
    column: Column
    source_path: tuple[str, ...]
    """Where the value is in a row object (``contact.email`` -> ("contact", "email"))."""


@dataclass(frozen=True, slots=True)
class Pagination:
    style: PaginationStyle = "none"
    page_param: str = "page"
    first_page: int = 1
    offset_param: str = "offset"
    size_param: str | None = None
    page_size: int | None = None
    cursor_param: str = "cursor"
    next_cursor: tuple[str, ...] = ()
    max_pages: int = 10


@dataclass(frozen=True, slots=True)
class Batch:
    """The batch form: ``/users?ids={ids}`` answers the rows of many keys in one request."""

    template: Template
    key: str
    max_keys: int = 100
    rows: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Endpoint:
    type_name: str
    list: Template
    rows: tuple[str, ...]
    fields: tuple[FieldSpec, ...]
    primary_key: tuple[str, ...] = ()
    by_pk: Template | None = None
    by_pk_row: tuple[str, ...] = ()
    filters: dict[tuple[str, str], tuple[str, str]] = field(default_factory=dict)
    """(field, operator) -> (query parameter, value template with ``{value}``/``{values}``)."""
    pagination: Pagination = Pagination()
    batch: Batch | None = None
    description: str | None = None

    @property
    def columns(self) -> tuple[Column, ...]:
        return tuple(spec.column for spec in self.fields)

    def table(self) -> Table:
        return Table(
            name=self.type_name,
            columns=self.columns,
            primary_key=self.primary_key,
            description=self.description,
        )


def parse_endpoints(source: str, value: Any, *, required: bool = True) -> tuple[Endpoint, ...]:
    """The declarations of ``options.endpoints``; ``required=False`` accepts their absence (the
    source declares its endpoints in ``schema/`` instead)."""
    problems: list[str] = []
    prefix = f"sources.{source}.options.endpoints"
    if value is None and not required:
        return ()
    if not isinstance(value, list) or not value:
        raise ConfigError(
            [
                f"{prefix}: expected a list of one or more endpoint declarations (or declare "
                f'types with @rest(source: "{source}", ...) in the schema folder)'
            ]
        )
    endpoints = []
    for i, item in enumerate(value):
        endpoint = EndpointParser(f"{prefix}[{i}]", problems).endpoint(item)
        if endpoint is not None:
            endpoints.append(endpoint)
    names = [e.type_name for e in endpoints]
    for name in sorted({n for n in names if names.count(n) > 1}):
        problems.append(f"{prefix}: type {name!r} is declared more than once")
    if problems:
        raise ConfigError(problems)
    return tuple(endpoints)


class EndpointParser:
    """Parses one endpoint declaration mapping, adding ``path: message`` lines to ``problems``.
    Subclasses override :meth:`fail` to word the key paths differently (the SDL form)."""

    def __init__(self, where: str, problems: list[str]) -> None:
        self.where = where
        self.problems = problems

    def fail(self, key: str, message: str) -> None:
        self.problems.append(
            f"{self.where}.{key}: {message}" if key else f"{self.where}: {message}"
        )

    def endpoint(self, data: Any) -> Endpoint | None:
        if not isinstance(data, dict):
            self.fail("", "expected a mapping with type, path and fields")
            return None
        before = len(self.problems)
        self.unknown(data, _ENDPOINT_KEYS, "")
        type_name = self.name(data.get("type"), "type")
        template = self.template(data.get("path"), "path")
        fields = self.fields(data.get("fields"))
        names = {spec.column.name for spec in fields}
        primary_key = self.names_in(data.get("primary_key"), "primary_key", names)
        by_pk, by_pk_row = self.by_pk(data.get("by_pk"), primary_key)
        endpoint = Endpoint(
            type_name=type_name,
            list=template,
            rows=_dotted(data.get("rows")),
            fields=fields,
            primary_key=primary_key,
            by_pk=by_pk,
            by_pk_row=by_pk_row,
            filters=self.filters(data.get("filters"), names),
            pagination=self.pagination(data.get("pagination")),
            batch=self.batch(data.get("batch"), names),
            description=data.get("description"),
        )
        for name in template.names:
            if name not in names:
                self.fail("path", f"placeholder {{{name}}} names no declared field")
        return endpoint if len(self.problems) == before else None

    def unknown(self, data: dict[str, Any], known: frozenset[str], key: str) -> None:
        for name in data:
            if name not in known:
                where = f"{key}.{name}" if key else str(name)
                self.fail(where, f"unknown key (known: {', '.join(sorted(known))})")

    def name(self, value: Any, key: str) -> str:
        if not isinstance(value, str) or not _NAME.fullmatch(value):
            self.fail(key, f"expected a GraphQL name (letters, digits, _), got {value!r}")
            return "_"
        return value

    def template(self, value: Any, key: str) -> Template:
        if not isinstance(value, str) or not value.startswith("/"):
            self.fail(key, f"expected a path starting with '/', got {value!r}")
            return Template("/")
        parts = urlsplit(value)
        try:
            list(string.Formatter().parse(parts.path))
        except ValueError as error:
            self.fail(key, f"bad placeholder in {value!r}: {error}")
        return Template(parts.path, tuple(parse_qsl(parts.query, keep_blank_values=True)))

    def fields(self, value: Any) -> tuple[FieldSpec, ...]:
        if not isinstance(value, dict) or not value:
            self.fail("fields", "expected a mapping of field names to types (id: Int!)")
            return ()
        return tuple(
            spec
            for name, declared in value.items()
            if (spec := self.field(str(name), declared)) is not None
        )

    def field(self, name: str, declared: Any) -> FieldSpec | None:
        key = f"fields.{name}"
        if not _NAME.fullmatch(name):
            self.fail(key, "a field name must be a GraphQL name (letters, digits, _)")
            return None
        spec = declared if isinstance(declared, dict) else {"type": declared}
        self.unknown(spec, frozenset({"type", "from", "description"}), key)
        text = spec.get("type")
        if not isinstance(text, str):
            self.fail(key, "expected a type such as Int, String!, bigint, timestamptz")
            return None
        nullable = not text.endswith("!")
        scalar = _TYPE_NAMES.get(text.rstrip("!").strip().lower())
        if scalar is None:
            known = ", ".join(s.value for s in ScalarType)
            self.fail(key, f"unknown type {text!r} (known: {known}, ID)")
            return None
        column = Column(
            name, scalar, nullable, source_type=text, description=spec.get("description")
        )
        return FieldSpec(column, _dotted(spec.get("from")) or (name,))

    def names_in(self, value: Any, key: str, names: set[str]) -> tuple[str, ...]:
        if value is None:
            return ()
        items = [value] if isinstance(value, str) else value
        if not isinstance(items, list) or not all(isinstance(i, str) for i in items):
            self.fail(key, "expected a field name or a list of field names")
            return ()
        for item in items:
            if item not in names:
                self.fail(key, f"{item!r} is not a declared field")
        return tuple(items)

    def by_pk(
        self, value: Any, primary_key: tuple[str, ...]
    ) -> tuple[Template | None, tuple[str, ...]]:
        if value is None:
            return None, ()
        spec = value if isinstance(value, dict) else {"path": value}
        self.unknown(spec, frozenset({"path", "row"}), "by_pk")
        template = self.template(spec.get("path"), "by_pk.path")
        if not primary_key:
            self.fail("by_pk", "needs primary_key")
        elif set(template.names) != set(primary_key):
            self.fail("by_pk", f"the path must use every primary key field: {list(primary_key)}")
        return template, _dotted(spec.get("row"))

    def filters(self, value: Any, names: set[str]) -> dict[tuple[str, str], tuple[str, str]]:
        if value is None:
            return {}
        if not isinstance(value, dict):
            self.fail("filters", 'expected field: {_eq: "param={value}"} entries')
            return {}
        result = {}
        for name, operators in value.items():
            if name not in names or not isinstance(operators, dict):
                self.fail(f"filters.{name}", "expected a declared field with operator templates")
                continue
            for op, template in operators.items():
                parsed = self.filter_template(f"filters.{name}.{op}", op, template)
                if parsed is not None:
                    result[(name, op)] = parsed
        return result

    def filter_template(self, key: str, op: str, template: Any) -> tuple[str, str] | None:
        placeholder = "{values}" if op in ("_in", "_nin") else "{value}"
        if op not in _PUSHABLE:
            self.fail(key, f"operator {op} cannot be sent (pushable: {', '.join(_PUSHABLE)})")
        elif not isinstance(template, str) or "=" not in template or placeholder not in template:
            self.fail(key, f"expected a query template like 'param={placeholder}'")
        else:
            param, _, value = template.partition("=")
            return param, value
        return None

    def pagination(self, value: Any) -> Pagination:
        if value is None:
            return Pagination()
        if not isinstance(value, dict):
            self.fail("pagination", "expected a mapping with style: page | offset | cursor")
            return Pagination()
        self.unknown(value, _PAGINATION_KEYS, "pagination")
        style = value.get("style")
        if style not in ("page", "offset", "cursor"):
            self.fail("pagination.style", f"expected page, offset or cursor, got {style!r}")
            return Pagination()
        page_size = value.get("page_size")
        if style == "offset" and page_size is None:
            self.fail("pagination.page_size", "required for offset pagination")
        if style == "cursor" and not value.get("next"):
            self.fail("pagination.next", "required: where the next cursor is in the body")
        return Pagination(
            style=style,
            page_param=str(value.get("page_param", "page")),
            first_page=self.integer(value.get("first_page", 1), "pagination.first_page", 0),
            offset_param=str(value.get("offset_param", "offset")),
            size_param=value.get("size_param", "limit" if style == "offset" else None),
            page_size=None
            if page_size is None
            else self.integer(page_size, "pagination.page_size", 1),
            cursor_param=str(value.get("cursor_param", "cursor")),
            next_cursor=_dotted(value.get("next")),
            max_pages=self.integer(value.get("max_pages", 10), "pagination.max_pages", 1),
        )

    def integer(self, value: Any, key: str, low: int) -> int:
        if isinstance(value, bool) or not isinstance(value, int) or value < low:
            self.fail(key, f"expected an integer of at least {low}, got {value!r}")
            return max(low, 1)
        return value

    def batch(self, value: Any, names: set[str]) -> Batch | None:
        if value is None:
            return None
        spec = value if isinstance(value, dict) else {"path": value}
        self.unknown(spec, frozenset({"path", "key", "max_keys", "rows"}), "batch")
        template = self.template(spec.get("path"), "batch.path")
        placeholders = [v for _, v in template.query if "{ids}" in v]
        if len(placeholders) != 1:
            self.fail("batch.path", "expected one query parameter with {ids}: /users?ids={ids}")
        key = spec.get("key")
        if key not in names:
            self.fail("batch.key", f"expected the declared field the ids match, got {key!r}")
        max_keys = self.integer(spec.get("max_keys", 100), "batch.max_keys", 1)
        return Batch(template, str(key), max_keys, _dotted(spec.get("rows")))


_ENDPOINT_KEYS = frozenset(
    {"type", "path", "rows", "fields", "primary_key", "by_pk", "filters", "pagination"}
    | {"batch", "description"}
)
_PAGINATION_KEYS = frozenset(
    {"style", "page_param", "first_page", "offset_param", "size_param", "page_size"}
    | {"cursor_param", "next", "max_pages"}
)
_PUSHABLE = ("_eq", "_neq", "_gt", "_gte", "_lt", "_lte", "_in", "_nin", "_like", "_ilike")


def _dotted(value: Any) -> tuple[str, ...]:
    return tuple(part for part in str(value).split(".") if part) if value else ()
