"""The ``graphql`` connector: a remote GraphQL API's list fields answer root fields.

``dsn`` is the remote endpoint's URL. At open, the connector runs the standard introspection
query and maps the remote schema to catalog tables (:mod:`.remote`); each root field of the
unified schema then becomes ONE remote query (:mod:`.query`), with the filter, order and
pagination forwarded where the remote field takes them and the rest done in the gateway.

Headers: ``options.headers`` go with every request (``${ENV}`` substituted by config loading);
``options.forward_headers`` names headers of the incoming request to pass on (see
:mod:`federation_connectors._http`, which sends every request).
"""

from __future__ import annotations

import asyncio
from typing import Any, ClassVar

import httpx
import orjson
from graphql import build_client_schema, get_introspection_query

from federation.catalog import SourceCatalog
from federation.config import SourceConfig
from federation.errors import SourceError, SourceTimeout, SourceUnavailable
from federation.execution import remainder
from federation.planner.plan import AggregateSelect, RootField, Select

from .._http import HttpConnector, http_error
from .query import RemoteQuery, build_query
from .remote import RemoteTable, graphql_errors, remote_tables


class GraphQLConnector(HttpConnector):
    kind: ClassVar[str] = "graphql"

    def __init__(self, config: SourceConfig) -> None:
        super().__init__(config)
        self.prefix = str(config.options.get("prefix") or "")
        self.tables: dict[str, RemoteTable] = {}

    async def introspect(self) -> SourceCatalog:
        body = await self._post({"query": get_introspection_query(descriptions=True)})
        try:
            schema = build_client_schema(body["data"])
        except (KeyError, TypeError, ValueError) as error:
            raise SourceUnavailable(self.name, f"introspection failed: {error}") from None
        self.tables = {t.table.name: t for t in remote_tables(schema, self.prefix)}
        return SourceCatalog(self.name, tuple(t.table for t in self.tables.values()))

    async def ping(self) -> None:
        await self._post({"query": "{ __typename }"})

    # --- root fields ---------------------------------------------------------------------

    async def fetch_root(self, root: RootField) -> bytes:
        query = build_query(self._remote(root), root)
        self.statements_executed += 1
        try:
            async with asyncio.timeout(self.config.statement_timeout):
                body = await self._post({"query": query.document, "variables": query.variables})
        except TimeoutError:
            timeout = self.config.statement_timeout
            raise SourceTimeout(
                self.name, f"{root.key!r}: no answer within {timeout:g} s"
            ) from None
        rows = self._rows(query, (body.get("data") or {}).get(root.key), root.key)
        return remainder.root_json(root, rows, query.applied)

    def describe_root(self, root: RootField) -> str:
        query = build_query(self._remote(root), root)
        variables = orjson.dumps(query.variables, default=str).decode()
        lines = [f"POST {self.base_url}", query.document, f"variables: {variables}"]
        todo = remainder.remaining(_rows_select(root), query.applied)
        left = [
            name
            for name in ("where", "order_by", "distinct_on", "limit_offset")
            if getattr(todo, name)
        ]
        lines.append("then in the gateway: " + ", ".join([*left, "project to JSON"]))
        return "\n".join(f"-- {line}" for line in lines)

    def _remote(self, root: RootField) -> RemoteTable:
        name = _rows_select(root).table.table.name
        if name not in self.tables:
            raise SourceUnavailable(self.name, f"the remote schema has no list field for {name!r}")
        return self.tables[name]

    def _rows(self, query: RemoteQuery, value: Any, key: str) -> list[dict[str, Any]]:
        items = ([] if value is None else [value]) if query.single else value
        if not isinstance(items, list):
            raise SourceError(self.name, f"{key!r}: the remote answered no list")
        rows = []
        for item in items:
            raw = {column.name: item.get(alias) for alias, column in query.aliases}
            try:
                rows.append(remainder.typed_row(raw, (column for _, column in query.aliases)))
            except ValueError as error:
                raise SourceError(self.name, f"{key!r}: {error}") from None
        return rows

    async def _post(self, payload: dict[str, Any]) -> Any:
        response = await self.send("POST", self.base_url, json=payload, check=False)
        body = _json_or_none(response)
        messages = graphql_errors(body)
        if messages:
            raise SourceError(self.name, "the remote API answered: " + "; ".join(messages))
        if not response.is_success:
            raise http_error(self, response)
        if not isinstance(body, dict):
            raise SourceError(self.name, "the remote API answered no JSON object")
        return body


def _json_or_none(response: httpx.Response) -> Any:
    try:
        return orjson.loads(response.content)
    except orjson.JSONDecodeError:
        return None


def _rows_select(root: RootField) -> Select:
    select = root.query.rows if isinstance(root.query, AggregateSelect) else root.query
    assert isinstance(select, Select)
    return select
