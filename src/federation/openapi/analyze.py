"""OpenAPI operations -> ``rest`` endpoint declarations (:class:`OutEndpoint`).

GET operations that return a list of objects (the body, or an array inside it) become
endpoints; a GET of one object at ``<list path>/{param}`` becomes that endpoint's ``by_pk``; a
list GET taking many ids (``ids=1,2,3``) becomes its ``batch`` form. Query parameters named
like paging (page/per_page, offset/limit, cursor/after...) become ``pagination``; those named
like a field (``status``, ``min_price``, ``price_gte``) become ``filters``. Everything else is
kept as a note, never dropped silently.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from .document import Resolver, Schema, UnresolvedRef, types_of
from .fields import OutField, fields_of, graphql_name

_METHODS = ("get", "put", "post", "delete", "patch", "head", "options", "trace")
_ROWS_NAMES = ("data", "items", "results", "records", "rows", "entries", "content", "values")
_PAGE = {"page", "pagenumber", "pageno", "pagenum", "pageindex"}
_SIZE = {"perpage", "pagesize", "size", "limit", "count", "maxresults", "pagelimit", "take"}
_OFFSET = {"offset", "skip", "start", "startindex"}
_CURSOR = {
    "cursor", "after", "pagetoken", "nexttoken", "continuationtoken", "startingafter",
    "marker", "continuation", "pagecursor",
}  # fmt: skip
_NEXT = (
    "nextcursor", "nextpagetoken", "nexttoken", "next", "endcursor", "continuationtoken",
    "cursor",
)  # fmt: skip
_OPERATORS = {
    "gte": "_gte", "gt": "_gt", "lte": "_lte", "lt": "_lt", "ne": "_neq", "neq": "_neq",
    "like": "_like", "ilike": "_ilike", "min": "_gte", "max": "_lte", "from": "_gte",
    "to": "_lte", "after": "_gt", "before": "_lt", "since": "_gte", "until": "_lte",
}  # fmt: skip
# An operator part needs a separator or a camelCase boundary: `name` is not `na` + `ne`.
_SUFFIX = re.compile(
    r"(?P<field>.+?)(?:[_.\-\[]|(?=[A-Z]))(?P<op>(?i:gte|gt|lte|lt|neq|ne|ilike|like|min|max))\]?"
)
_PREFIX = re.compile(
    r"(?P<op>min|max|from|to|after|before|since|until)(?:[_\-]|(?=[A-Z]))(?P<field>.+)"
)
_PLACEHOLDER = re.compile(r"\{([^}]+)\}")


@dataclass(slots=True)
class OutEndpoint:
    type_name: str
    path: str
    """The list path, with ``{field}`` placeholders."""
    rows: str
    fields: list[OutField]
    operation: str
    """``GET /users (listUsers)``, for comments."""
    identity: str
    """What the rows are (a component name, else their property names): pairs by_pk/batch."""
    description: str | None = None
    by_pk: str | None = None
    by_pk_row: str | None = None
    pagination: dict[str, Any] | None = None
    batch: dict[str, Any] | None = None
    notes: list[str] = field(default_factory=list)


@dataclass(slots=True)
class _Get:
    path: str
    operation: Schema
    params: list[Schema]
    label: str


@dataclass(slots=True)
class Analysis:
    endpoints: list[OutEndpoint]
    skipped: list[str]
    """Operations not mapped, each with why."""


def analyze(document: dict[str, Any]) -> Analysis:
    resolver = Resolver(document)
    skipped: list[str] = []
    gets: list[_Get] = []
    for path, item in (document.get("paths") or {}).items():
        if not isinstance(item, dict):
            continue
        for method in _METHODS:
            operation = item.get(method)
            if not isinstance(operation, dict):
                continue
            label = f"{method.upper()} {path}" + (
                f" ({operation['operationId']})" if operation.get("operationId") else ""
            )
            if method != "get":
                skipped.append(f"{label}: only GET operations become endpoints")
                continue
            params = _parameters(resolver, item.get("parameters"), operation.get("parameters"))
            gets.append(_Get(str(path), operation, params, label))
    builder = _Builder(resolver, skipped)
    singles = []
    for get in gets:
        body = builder.body_schema(get)
        if body is None:
            continue
        rows = builder.rows_of(body)
        if rows is not None:
            builder.list_endpoint(get, body, *rows)
        else:
            singles.append((get, body))
    builder.attach_batches()
    for get, body in singles:
        builder.by_pk(get, body)
    return Analysis(builder.endpoints, skipped)


def _parameters(resolver: Resolver, *groups: Any) -> list[Schema]:
    """Path-level then operation-level parameters, the latter winning by (in, name)."""
    merged: dict[tuple[str, str], Schema] = {}
    for group in groups:
        for raw in group or ():
            try:
                param = resolver.resolve(raw)
            except UnresolvedRef:
                continue
            merged[(str(param.get("in")), str(param.get("name")))] = param
    return list(merged.values())


def _norm(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", name.lower())


class _Builder:
    def __init__(self, resolver: Resolver, skipped: list[str]) -> None:
        self.resolver = resolver
        self.skipped = skipped
        self.endpoints: list[OutEndpoint] = []
        self.batch_candidates: list[tuple[_Get, OutEndpoint, Schema]] = []
        self.names: set[str] = set()

    # --- bodies and rows ---------------------------------------------------------------------

    def body_schema(self, get: _Get) -> Schema | None:
        responses = {str(code): r for code, r in (get.operation.get("responses") or {}).items()}
        codes = sorted(code for code in responses if code.startswith("2")) or ["default"]
        response = self.safe_resolve(responses.get(codes[0]))
        content = response.get("content") or {}
        media = next((m for m in content if "json" in m), None)
        if media is None:
            why = "no JSON response is declared" if content or response else "no 2xx response"
            self.skipped.append(f"{get.label}: {why}")
            return None
        schema = content[media].get("schema")
        if not isinstance(schema, dict):
            self.skipped.append(f"{get.label}: the JSON response has no schema")
            return None
        return schema

    def rows_of(self, body: Schema, depth: int = 0) -> tuple[str, Schema] | None:
        """Where the list of row objects is in the body (dotted, "" for the body), and the
        row schema (unresolved, to keep its component name)."""
        resolved = self.safe_resolve(body)
        types, _ = types_of(resolved)
        if types == {"array"}:
            items = resolved.get("items")
            if isinstance(items, dict) and "object" in types_of(self.safe_resolve(items))[0]:
                return "", items
            return None
        if types != {"object"} or depth >= 2:
            return None
        found = []
        for name, sub in (resolved.get("properties") or {}).items():
            inner = self.rows_of(sub, depth + 1)
            if inner is not None:
                found.append((f"{name}.{inner[0]}".rstrip("."), inner[1], str(name)))
        if not found:
            return None
        found.sort(key=lambda f: (f[2] not in _ROWS_NAMES, f[0].count(".")))
        return found[0][0], found[0][1]

    def identity(self, schema: Schema) -> str:
        name = self.resolver.ref_name(schema)
        if name is not None:
            return name
        properties = self.safe_resolve(schema).get("properties") or {}
        return ",".join(sorted(properties))

    def safe_resolve(self, value: Any) -> Schema:
        try:
            return self.resolver.resolve(value)
        except UnresolvedRef:
            return {}

    # --- list endpoints ----------------------------------------------------------------------

    def list_endpoint(self, get: _Get, body: Schema, rows: str, item: Schema) -> None:
        notes: list[str] = []
        fields = fields_of(self.safe_resolve(item), self.resolver, notes)
        if not fields:
            self.skipped.append(f"{get.label}: its rows declare no properties")
            return
        path = self.path_template(get, fields)
        if path is None:
            return
        endpoint = OutEndpoint(
            type_name="",
            path=path,
            rows=rows,
            fields=fields,
            operation=get.label,
            identity=self.identity(item),
            description=self.safe_resolve(item).get("description") or get.operation.get("summary"),
            notes=notes,
        )
        key = next((f for f in fields if f.name == "id"), None)
        if key is not None:
            key.key = True
        queries = [p for p in get.params if p.get("in") == "query"]
        used = self.pagination(endpoint, queries, body, rows)
        ids = self.ids_param(endpoint, queries)
        if ids is not None:
            used.add(ids["name"])
            if ids.get("required"):  # a batch-only endpoint: the batch form of another type
                self.batch_candidates.append((get, endpoint, ids))
                return
            self.set_batch(endpoint, get.path, ids)
        for param in queries:
            if param.get("name") not in used:
                self.filter(endpoint, param)
        for param in get.params:
            if param.get("in") in ("header", "cookie"):
                endpoint.notes.append(
                    f"{param.get('in')} parameter {param.get('name')!r} not mapped "
                    f"(fixed values go in the source's options.headers)"
                )
        self.add(endpoint, get)

    def add(self, endpoint: OutEndpoint, get: _Get) -> None:
        candidates = [
            endpoint.identity if "," not in endpoint.identity else "",
            str(get.operation.get("operationId") or ""),
            "_".join(s for s in get.path.split("/") if s and "{" not in s),
        ]
        base = next(
            (graphql_name(c) for c in candidates if c and graphql_name(c) not in self.names), None
        )
        base = base or graphql_name(candidates[2] or "endpoint")
        name, number = base, 1
        while name in self.names:
            number += 1
            name = f"{base}_{number}"
        endpoint.type_name = name
        self.names.add(name)
        self.endpoints.append(endpoint)

    def path_template(self, get: _Get, fields: list[OutField]) -> str | None:
        """The path with each placeholder renamed to the field it matches; None (and a
        note) when one matches no field."""
        path = get.path
        for placeholder in _PLACEHOLDER.findall(get.path):
            match = _field_named(fields, placeholder)
            if match is None:
                self.skipped.append(
                    f"{get.label}: path parameter {{{placeholder}}} matches no field of the rows, "
                    f"so a query cannot fill it"
                )
                return None
            path = path.replace(f"{{{placeholder}}}", f"{{{match.name}}}")
        return path

    def pagination(
        self, endpoint: OutEndpoint, queries: list[Schema], body: Schema, rows: str
    ) -> set[str]:
        """Recognise paging parameters; returns the names used."""
        by_norm = {_norm(str(p.get("name"))): p for p in queries}
        size = next((by_norm[n] for n in by_norm if n in _SIZE), None)
        spec: dict[str, Any] = {}
        offset = next((by_norm[n] for n in by_norm if n in _OFFSET), None)
        page = next((by_norm[n] for n in by_norm if n in _PAGE), None)
        cursor = next((by_norm[n] for n in by_norm if n in _CURSOR), None)
        if offset is not None:
            if size is None:
                endpoint.notes.append(
                    f"query parameter {offset['name']!r} looks like an offset, but no page-size "
                    f"parameter goes with it: paging not mapped"
                )
                return set()
            spec = {"style": "offset", "offset_param": offset["name"]}
        elif page is not None:
            first = _integer(page, "default") or _integer(page, "minimum")
            spec = {"style": "page", "page_param": page["name"]}
            if first is not None and first != 1:
                spec["first_page"] = first
        elif cursor is not None:
            next_path = self.next_cursor(body, rows)
            if next_path is None:
                endpoint.notes.append(
                    f"query parameter {cursor['name']!r} looks like a cursor, but the response "
                    f"declares no next-cursor property: paging not mapped"
                )
                return set()
            spec = {"style": "cursor", "cursor_param": cursor["name"], "next": next_path}
        else:
            if size is not None:
                endpoint.notes.append(
                    f"query parameter {size['name']!r} looks like a page size, but nothing "
                    f"selects the page: only the first page is read"
                )
            return set()
        used = {str(p["name"]) for p in (offset, page, cursor) if p is not None}
        if size is not None:
            used.add(str(size["name"]))
            spec["size_param"] = size["name"]
            page_size = _integer(size, "default") or _integer(size, "maximum")
            if page_size is None and spec["style"] == "offset":
                page_size = 50
                endpoint.notes.append(
                    f"{size['name']!r} declares no default or maximum: page_size 50 assumed"
                )
            if page_size is not None:
                spec["page_size"] = page_size
        spec["max_pages"] = 10
        endpoint.pagination = spec
        return used

    def next_cursor(self, body: Schema, rows: str) -> str | None:
        """The dotted path of a next-cursor property in the body, outside the rows."""
        found: dict[str, str] = {}

        def walk(schema: Schema, prefix: str, depth: int) -> None:
            for name, sub in (self.safe_resolve(schema).get("properties") or {}).items():
                path = f"{prefix}{name}"
                if path == rows or depth > 2:
                    continue
                resolved = self.safe_resolve(sub)
                types, _ = types_of(resolved)
                if types == {"object"}:
                    walk(resolved, path + ".", depth + 1)
                elif types & {"string", "integer"} and resolved.get("format") != "uri":
                    found.setdefault(_norm(str(name)), path)

        walk(body, "", 0)
        return next((found[n] for n in _NEXT if n in found), None)

    # --- batch form and by_pk ----------------------------------------------------------------

    def ids_param(self, endpoint: OutEndpoint, queries: list[Schema]) -> Schema | None:
        key = next((f for f in endpoint.fields if f.key), None)
        if key is None:
            return None
        names = {"ids", _norm(key.name) + "s", _norm(endpoint.identity) + "ids"}
        for param in queries:
            if _norm(str(param.get("name"))) in names:
                if _list_style(param) == "exploded":
                    endpoint.notes.append(
                        f"query parameter {param['name']!r} takes repeated values "
                        f"(?{param['name']}=1&{param['name']}=2); only comma-joined lists map "
                        f"to a batch form"
                    )
                    return None
                return param
        return None

    def set_batch(self, endpoint: OutEndpoint, path: str, ids: Schema, rows: str = "") -> None:
        key = next(f for f in endpoint.fields if f.key)
        batch: dict[str, Any] = {"path": f"{path}?{ids['name']}={{ids}}", "key": key.name}
        schema = self.safe_resolve(ids.get("schema"))
        if isinstance(schema.get("maxItems"), int):
            batch["max_keys"] = schema["maxItems"]
        if rows:
            batch["rows"] = rows
        endpoint.batch = batch

    def attach_batches(self) -> None:
        for get, candidate, ids in self.batch_candidates:
            target = next(
                (
                    e
                    for e in self.endpoints
                    if e.identity == candidate.identity and e.batch is None and "{" not in get.path
                ),
                None,
            )
            if target is None or not any(f.key for f in target.fields):
                self.skipped.append(
                    f"{get.label}: needs {ids['name']!r} and answers rows of no other list "
                    f"endpoint, so it is not used as a batch form"
                )
                continue
            self.set_batch(target, get.path, ids, candidate.rows)
            target.notes.append(f"batch form from {get.label}")

    def by_pk(self, get: _Get, body: Schema) -> None:
        parent, _, last = get.path.rstrip("/").rpartition("/")
        param = _PLACEHOLDER.fullmatch(last)
        target = next(
            (e for e in self.endpoints if param and e.operation.split(" ")[1] == parent), None
        )
        if param is None or target is None:
            self.skipped.append(
                f"{get.label}: returns one object and is not the item path of a list endpoint "
                f"(GET <list path>/{{id}})"
            )
            return
        row = self.item_row(body, target.identity)
        if row is None:
            self.skipped.append(
                f"{get.label}: its object is not a row of {target.operation}; not used as by_pk"
            )
            return
        key = _field_named(target.fields, param.group(1))
        if key is None:  # /users/{userId} over rows keyed by id
            key = next((f for f in target.fields if f.key), None)
            if key is not None:
                target.notes.append(
                    f"by_pk: {{{param.group(1)}}} of {get.path} taken as {key.name}"
                )
        if key is None or "{" in parent:
            self.skipped.append(
                f"{get.label}: by_pk needs the path to hold exactly the key of the rows"
            )
            return
        for other in target.fields:
            other.key = other is key
        target.by_pk = f"{parent}/{{{key.name}}}"
        target.by_pk_row = row or None

    def item_row(self, body: Schema, identity: str) -> str | None:
        if self.identity(body) == identity:
            return ""
        for name, sub in (self.safe_resolve(body).get("properties") or {}).items():
            if self.identity(sub) == identity:
                return str(name)
        return None

    # --- filters -----------------------------------------------------------------------------

    def filter(self, endpoint: OutEndpoint, param: Schema) -> None:
        name = str(param.get("name"))
        target, op = _field_named(endpoint.fields, name), "_eq"
        if target is None:
            match = _SUFFIX.fullmatch(name) or _PREFIX.fullmatch(name)
            if match is not None:
                target = _field_named(endpoint.fields, match["field"])
                op = _OPERATORS[match["op"].lower()]
        required = (
            " (required by the API: the endpoint fails without it)" if param.get("required") else ""
        )
        if target is None:
            endpoint.notes.append(
                f"query parameter {name!r} matches no field; not mapped{required}"
            )
            return
        style = _list_style(param)
        if style == "exploded":
            endpoint.notes.append(
                f"query parameter {name!r} takes repeated values; not mapped{required}"
            )
            return
        if style == "joined" and op == "_eq":
            target.filters["_in"] = f"{name}={{values}}"
        else:
            target.filters.setdefault(op, f"{name}={{value}}")
        if required:
            endpoint.notes.append(
                f"query parameter {name!r} is required by the API: queries must filter on "
                f"{target.name}"
            )


def _field_named(fields: list[OutField], name: str) -> OutField | None:
    wanted = _norm(name)
    return next((f for f in fields if f.name == name or f.source_path == name), None) or next(
        (f for f in fields if _norm(f.name) == wanted), None
    )


def _integer(param: Schema, key: str) -> int | None:
    schema = param.get("schema") if isinstance(param.get("schema"), dict) else {}
    value = (schema or {}).get(key)
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _list_style(param: Schema) -> str | None:
    """``joined`` for ``a,b,c``; ``exploded`` for ``?p=a&p=b``; None for a single value."""
    schema = param.get("schema") if isinstance(param.get("schema"), dict) else {}
    if "array" not in types_of(schema or {})[0]:
        return None
    explode = param.get("explode", param.get("style", "form") == "form")
    return "exploded" if explode else "joined"
