"""The ``rest`` connector: JSON endpoints declared in ``options.endpoints`` or as ``@rest``
types in ``schema/*.graphql`` (:mod:`.sdl`) answer root fields.

Each declared endpoint becomes a catalog table, so the schema builder generates its type and
root fields (``t``, ``t_by_pk``, ``t_aggregate``) as for a database table. A root field becomes
one logical GET (several when the endpoint pages): the filters the endpoint declares go out as
query parameters, and the gateway does the rest over the fetched rows (filter, order, distinct,
offset/limit, count: :mod:`federation.execution.remainder`). Relationships are not supported
within a REST source (``nested_json=False``); cross-source ones use :meth:`fetch_by_keys`.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import Any, ClassVar

from federation.catalog import SourceCatalog
from federation.config import SourceConfig
from federation.errors import ConfigError, SourceError, SourceTimeout
from federation.execution import remainder
from federation.planner.plan import (
    AggregateSelect,
    ColumnRef,
    Compare,
    OrderItem,
    RootField,
    Select,
    TableRef,
)

from .._http import HttpConnector, http_error, parse_json
from .endpoints import Endpoint, Pagination, parse_endpoints
from .requests import MissingPathValue, RestRequest, param_text, plan_request
from .sdl import load_sdl_endpoints

Row = dict[str, Any]


class RestConnector(HttpConnector):
    kind: ClassVar[str] = "rest"

    def __init__(self, config: SourceConfig) -> None:
        super().__init__(config)
        in_sdl = load_sdl_endpoints(config.schema_dir, self.name)
        in_yaml = parse_endpoints(self.name, config.options.get("endpoints"), required=not in_sdl)
        self.endpoints = {endpoint.type_name: endpoint for endpoint in in_yaml}
        for item in in_sdl:
            if item.endpoint.type_name in self.endpoints:
                raise ConfigError(
                    [
                        f"{item.where}: type {item.endpoint.type_name!r} is also declared in "
                        f"sources.{self.name}.options.endpoints; keep one of the two"
                    ]
                )
            self.endpoints[item.endpoint.type_name] = item.endpoint

    async def introspect(self) -> SourceCatalog:
        return SourceCatalog(self.name, tuple(e.table() for e in self.endpoints.values()))

    # --- root fields ---------------------------------------------------------------------

    async def fetch_root(self, root: RootField) -> bytes:
        endpoint, request = self._request(root)
        self.statements_executed += 1
        try:
            async with asyncio.timeout(self.config.statement_timeout):
                rows = await self._rows(endpoint, request)
        except TimeoutError:
            timeout = self.config.statement_timeout
            raise SourceTimeout(
                self.name, f"{root.key!r}: no answer within {timeout:g} s"
            ) from None
        return remainder.root_json(root, rows)

    def describe_root(self, root: RootField) -> str:
        endpoint, request = self._request(root)
        lines = [request.describe(self.base_url)]
        paging = endpoint.pagination
        if paging.style != "none" and not request.single:
            lines.append(f"pages: {paging.style} style, at most {paging.max_pages}")
        if request.stop_after is not None:
            lines.append(f"stops after {request.stop_after} rows")
        lines.append("then in the gateway: " + _gateway_steps(root))
        return "\n".join(f"-- {line}" for line in lines)

    def _request(self, root: RootField) -> tuple[Endpoint, RestRequest]:
        select = root.query.rows if isinstance(root.query, AggregateSelect) else root.query
        assert isinstance(select, Select)
        endpoint = self.endpoints[select.table.table.name]
        try:
            return endpoint, plan_request(endpoint, root)
        except MissingPathValue as error:
            fields = ", ".join(f"{n}: {{_eq: ...}}" for n in error.names)
            raise SourceError(
                self.name,
                f"{root.key!r}: endpoint {endpoint.list.path} needs where: {{{fields}}}",
            ) from None

    # --- fetching rows ---------------------------------------------------------------------

    async def _rows(self, endpoint: Endpoint, request: RestRequest) -> list[Row]:
        if request.single:
            body = await self._get_single(request)
            items = [] if body is None else [_at(body, endpoint.by_pk_row, request.path, self.name)]
        else:
            items = await self._pages(endpoint, request)
        return [self._typed(endpoint, item, request.path, i) for i, item in enumerate(items)]

    async def _get_single(self, request: RestRequest) -> Any:
        response = await self.send("GET", request.path, params=request.params, check=False)
        if response.status_code == 404:
            return None
        if response.is_error:
            raise http_error(self, response)
        return parse_json(self, response)

    async def _pages(self, endpoint: Endpoint, request: RestRequest) -> list[Any]:
        paging = endpoint.pagination
        items: list[Any] = []
        cursor: Any = None
        for number in range(paging.max_pages):
            params = request.params + _page_params(paging, number, len(items), cursor)
            body = parse_json(self, await self.send("GET", request.path, params=params))
            page = _at(body, endpoint.rows, request.path, self.name)
            if not isinstance(page, list):
                raise SourceError(self.name, f"GET {request.path}: expected a list of rows")
            items.extend(page)
            cursor = _at(body, paging.next_cursor, request.path, self.name, required=False)
            if _last_page(paging, page, cursor) or _enough(request, items):
                return items
        if paging.style == "none":
            return items
        raise SourceError(
            self.name,
            f"GET {request.path} has more than {paging.max_pages} pages; filter the query or "
            f"raise pagination.max_pages of endpoint {endpoint.type_name!r}",
        )

    def _typed(self, endpoint: Endpoint, item: Any, path: str, index: int) -> Row:
        if not isinstance(item, dict):
            raise SourceError(self.name, f"GET {path}: row {index} is not a JSON object")
        raw = {spec.column.name: _dig(item, spec.source_path) for spec in endpoint.fields}
        try:
            return remainder.typed_row(raw, endpoint.columns)
        except ValueError as error:
            raise SourceError(self.name, f"GET {path}: row {index}: {error}") from None

    # --- batches for cross-source relationships ------------------------------------------

    async def fetch_by_keys(self, type_name: str, key_field: str, keys: Sequence[Any]) -> list[Row]:
        """The rows whose ``key_field`` is one of ``keys`` (typed ``{column: value}`` dicts, in
        no particular order), in as few requests as the endpoint allows: its batch form in
        chunks of ``max_keys``; else one ``by_pk`` request per distinct key (at most
        ``pool_size`` at once); else the list, filtered here."""
        endpoint = self.endpoints[type_name]
        distinct = list(dict.fromkeys(keys))
        if not distinct:
            return []
        if endpoint.batch is not None and endpoint.batch.key == key_field:
            rows = await self._batches(endpoint, distinct)
        elif endpoint.by_pk is not None and endpoint.primary_key == (key_field,):
            rows = await self._one_by_one(endpoint, key_field, distinct)
        else:
            rows = await self._rows(endpoint, RestRequest(endpoint.list.path, endpoint.list.query))
        wanted = set(distinct)
        return [row for row in rows if row.get(key_field) in wanted]

    async def _batches(self, endpoint: Endpoint, keys: list[Any]) -> list[Row]:
        batch = endpoint.batch
        assert batch is not None
        chunks = [keys[i : i + batch.max_keys] for i in range(0, len(keys), batch.max_keys)]
        results = await asyncio.gather(*(self._batch(endpoint, chunk) for chunk in chunks))
        return [row for rows in results for row in rows]

    async def _batch(self, endpoint: Endpoint, keys: list[Any]) -> list[Row]:
        batch = endpoint.batch
        assert batch is not None
        ids = ",".join(param_text(key) for key in keys)
        params = tuple((name, value.replace("{ids}", ids)) for name, value in batch.template.query)
        self.statements_executed += 1
        body = parse_json(self, await self.send("GET", batch.template.path, params=params))
        items = _at(body, batch.rows, batch.template.path, self.name)
        if not isinstance(items, list):
            raise SourceError(self.name, f"GET {batch.template.path}: expected a list of rows")
        return [self._typed(endpoint, item, batch.template.path, i) for i, item in enumerate(items)]

    async def _one_by_one(self, endpoint: Endpoint, key_field: str, keys: list[Any]) -> list[Row]:
        by_pk = endpoint.by_pk
        assert by_pk is not None
        limit = asyncio.Semaphore(self.config.pool_size)
        column = endpoint.table().column(key_field)

        async def one(key: Any) -> list[Row]:
            request = plan_request(endpoint, _by_pk_root(endpoint, column, key))
            async with limit:
                self.statements_executed += 1
                return await self._rows(endpoint, request)

        results = await asyncio.gather(*(one(key) for key in keys))
        return [row for rows in results for row in rows]


def _by_pk_root(endpoint: Endpoint, column: Any, key: Any) -> RootField:
    select = Select(TableRef("", endpoint.table()), (), where=Compare(column, "_eq", key))
    return RootField("_", "one", "", select, nullable=True)


def _page_params(
    paging: Pagination, number: int, fetched: int, cursor: Any
) -> tuple[tuple[str, str], ...]:
    size = (
        ()
        if paging.size_param is None or paging.page_size is None
        else ((paging.size_param, str(paging.page_size)),)
    )
    if paging.style == "page":
        return ((paging.page_param, str(paging.first_page + number)), *size)
    if paging.style == "offset":
        return ((paging.offset_param, str(fetched)), *size)
    if paging.style == "cursor" and cursor is not None:
        return ((paging.cursor_param, str(cursor)), *size)
    return size


def _last_page(paging: Pagination, page: list[Any], cursor: Any) -> bool:
    if paging.style == "none" or not page:
        return True
    if paging.style == "cursor":
        return cursor in (None, "")
    return paging.page_size is not None and len(page) < paging.page_size


def _enough(request: RestRequest, items: list[Any]) -> bool:
    return request.stop_after is not None and len(items) >= request.stop_after


def _dig(value: Any, path: tuple[str, ...]) -> Any:
    for part in path:
        if not isinstance(value, dict):
            return None
        value = value.get(part)
    return value


def _at(body: Any, path: tuple[str, ...], url: str, source: str, *, required: bool = True) -> Any:
    """The value at a dotted path of the body (the body itself for an empty path)."""
    value = _dig(body, path)
    if value is None and required and path:
        raise SourceError(source, f"GET {url}: the body has nothing at {'.'.join(path)!r}")
    return value


def _gateway_steps(root: RootField) -> str:
    select = root.query.rows if isinstance(root.query, AggregateSelect) else root.query
    assert isinstance(select, Select)
    steps = []
    if select.where is not None:
        steps.append("filter")
    if select.order_by:
        steps.append("order by " + ", ".join(_order(item) for item in select.order_by))
    if select.distinct_on:
        steps.append("distinct on " + ", ".join(c.name for c in select.distinct_on))
    if select.offset is not None:
        steps.append(f"offset {select.offset}")
    if select.limit is not None:
        steps.append(f"limit {select.limit}")
    if isinstance(root.query, AggregateSelect):
        steps.append("count")
    return ", ".join(steps) + (", " if steps else "") + "project to JSON"


def _order(item: OrderItem) -> str:
    name = item.target.column.name if isinstance(item.target, ColumnRef) else "?"
    return f"{name} {'desc' if item.descending else 'asc'}"
