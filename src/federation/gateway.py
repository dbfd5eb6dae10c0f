"""The gateway: sources opened, schema built, requests answered. The one object the server,
the CLI and tests hold.

    gateway = await Gateway.start(config)
    response = await gateway.execute(query, variables, operation_name)
    await gateway.stop()

A request is one straight path: document cache (parse + validate) -> plan cache (plan + SQL)
-> executor (one statement per root field, concurrently) -> response bytes.
"""

from __future__ import annotations

from collections.abc import Awaitable
from dataclasses import dataclass
from typing import Any, Literal

import orjson
from graphql import GraphQLError, GraphQLSchema, OperationDefinitionNode, print_schema
from graphql.execution.values import VariableValues, get_variable_values

from federation.cache.fetches import CachingExecutor
from federation.cache.hints import NOT_CACHEABLE, CachePolicy
from federation.cache.responses import NO_STORE, CacheInfo, CacheRequest
from federation.cache.store import TwoLayerStore
from federation.cache.wiring import build_caches
from federation.config import Config
from federation.errors import QueryError
from federation.events import Events
from federation.execution.executor import CompiledPlan, CompiledRoot, compile_plan
from federation.execution.introspection import introspection_document, run_introspection
from federation.execution.operation import (
    DocumentCache,
    ParsedDocument,
    RequestError,
    select_operation,
)
from federation.execution.plan_cache import PlanCache
from federation.execution.sources import Sources
from federation.execution.stitch_explain import StitchExplainer
from federation.planner.build import IntrospectionField, Planner
from federation.planner.explain import describe_root
from federation.planner.plan import Relationship, RootField
from federation.planner.pushdown import check_pushdown
from federation.planner.sql import compile_root
from federation.planner.sql.statement import CompiledStatement, explain_sql
from federation.schema.builder import build_model
from federation.schema.graphql_types import build_graphql_schema
from federation.schema.model import SchemaModel
from federation.schema.overlay import load_overlays
from federation.schema.writable import enable_mutations, writable_in

OperationType = Literal["query", "mutation", "subscription"]
ALL_OPERATIONS: frozenset[OperationType] = frozenset({"query", "mutation"})


@dataclass(frozen=True, slots=True)
class GraphQLResponse:
    body: bytes
    """The serialized JSON response (``{"data": ..., "errors": [...]}``)."""
    request_error: bool = False
    """True when the request failed before execution (syntax, validation, variable coercion,
    operation not allowed): the body then has no ``data`` key."""
    operation_type: OperationType | None = None
    not_allowed: bool = False
    """True when the operation type was not allowed (a mutation over GET): HTTP 405."""
    cache: CacheInfo = NO_STORE
    """maxAge and scope for ``Cache-Control``; whether the answer came from the cache."""


PlanKey = tuple[str, str | None, str, bytes]
"""(document sha256, operation name, schema version, variables as canonical JSON)."""


@dataclass(frozen=True, slots=True)
class _Planned:
    key: PlanKey
    compiled: CompiledPlan
    policy: CachePolicy


class Gateway:
    """Owns the sources, the schema and the caches."""

    def __init__(self, config: Config, sources: Sources, model: SchemaModel) -> None:
        self.config = config
        self.sources = sources
        self.model = model
        self.schema: GraphQLSchema = build_graphql_schema(model)
        self.documents = DocumentCache(
            self.schema,
            introspection=config.server.introspection,
            hide_suggestions=not config.security.suggestions,
        )
        self.caches = build_caches(config, model, self.schema)
        self.plans: PlanCache[CachePolicy] = PlanCache(
            config.cache.plan_cache_size,
            self._coerce,
            self._plan,
            lambda compiled: self.caches.hints.policy(compiled.plan),
        )
        """Plans per operation and variable shape; values of variables compared in `where`
        are slotted into kept statements (:mod:`federation.planner.parametric`)."""
        self.events = Events()
        """Subscribe here to hear which tables each mutation changed (:mod:`federation.events`)."""
        self.executor = CachingExecutor(
            sources,
            self.events,
            compile_root=self._compile_root,
            is_stitched=self._is_stitched,
        )
        self.executor.fetches = self.caches.fetches
        self.events.subscribe(self.caches.tables_changed)
        self.cache_store: TwoLayerStore = self.caches.store
        """The two-layer key-value store (L1 in process, L2 Redis when ``cache.redis_url`` is
        set): responses and source fetches are cached in it; other features may keep their own
        keys there (docs/caching.md)."""

    @classmethod
    async def start(cls, config: Config) -> Gateway:
        """Open every source, introspect it and build the schema. A source that cannot be
        reached does not stop the start: its fields answer with an error naming it."""
        sources = Sources(config)
        await sources.open()
        try:
            model = build_model(sources.catalogs(), load_overlays(config.schema_dir))
            enable_mutations(model, writable_in(sources.traits()))
        except BaseException:
            await sources.close()
            raise
        return cls(config, sources, model)

    async def stop(self) -> None:
        await self.cache_store.close()
        await self.sources.close()

    # --- requests ----------------------------------------------------------------------

    async def execute(
        self,
        query: str,
        variables: dict[str, Any] | None = None,
        operation_name: str | None = None,
        *,
        allowed_operations: frozenset[OperationType] = ALL_OPERATIONS,
        caller: str | None = None,
    ) -> GraphQLResponse:
        """``caller`` names who asks (an API key's client): PRIVATE data is cached per caller,
        and not at all without one."""
        try:
            parsed = self.documents.get(query)
            operation = select_operation(parsed, operation_name)
        except RequestError as error:
            return _request_error(error.errors)
        kind: OperationType = operation.operation.value
        if kind not in allowed_operations:
            message = f"{kind} operations are not allowed here; send them with POST"
            return _request_error([GraphQLError(message)], kind, not_allowed=True)
        try:
            planned = self._planned(query, parsed, operation, variables)
        except RequestError as error:
            return _request_error(error.errors, kind)
        except QueryError as error:
            # Arguments the schema cannot express (a negative limit, distinct_on that does not
            # lead order_by) fail the whole request before execution, as validation does.
            extensions = {"code": error.code}
            return _request_error([GraphQLError(str(error), extensions=extensions)], kind)
        compiled = planned.compiled
        introspect = None
        if any(isinstance(e, IntrospectionField) for e in compiled.entries):
            document = introspection_document(parsed, operation)
            introspect = lambda: run_introspection(self.schema, document, variables)  # noqa: E731
        if kind != "query":
            body = await self.executor.run(compiled, introspect)
            return GraphQLResponse(body, operation_type=kind)

        def run() -> Awaitable[bytes]:
            return self.executor.run(compiled, introspect)

        request = CacheRequest(planned.key[0], planned.key[1], planned.key[3], caller)
        body, info = await self.caches.responses.answer(request, planned.policy, run)
        return GraphQLResponse(body, operation_type=kind, cache=info)

    def compiled_plan(
        self,
        query: str,
        parsed: ParsedDocument,
        operation: OperationDefinitionNode,
        variables: dict[str, Any] | None,
    ) -> CompiledPlan:
        return self._planned(query, parsed, operation, variables).compiled

    def _planned(
        self,
        query: str,
        parsed: ParsedDocument,
        operation: OperationDefinitionNode,
        variables: dict[str, Any] | None,
    ) -> _Planned:
        key = (
            parsed.digest,
            operation.name.value if operation.name else None,
            self.caches.schema_version,
            orjson.dumps(variables or {}, option=orjson.OPT_SORT_KEYS),
        )
        if operation.operation.value == "mutation":  # never kept: it holds the written values
            compiled = self._plan(parsed, operation, self._coerce(operation, variables))
            return _Planned(key, compiled, NOT_CACHEABLE)
        compiled, policy = self.plans.get(key[2], parsed, operation, variables, key[3])
        return _Planned(key, compiled, policy)

    def _coerce(
        self, operation: OperationDefinitionNode, variables: dict[str, Any] | None
    ) -> VariableValues:
        coerced = get_variable_values(
            self.schema,
            operation.variable_definitions or (),
            variables or {},
            hide_suggestions=self.documents.hide_suggestions,
        )
        if isinstance(coerced, list):
            raise RequestError(coerced)
        return coerced

    def _plan(
        self, parsed: ParsedDocument, operation: OperationDefinitionNode, coerced: VariableValues
    ) -> CompiledPlan:
        planner = Planner(self.schema, self.model, parsed.fragments, coerced)
        plan, entries = planner.plan(operation)
        return compile_plan(plan, entries, self._compile_root, self._is_stitched, self._max_depth)

    def _max_depth(self, source: str) -> int | None:
        return self.sources.by_name[source].connector.capabilities.max_depth

    def _is_stitched(self, relationship: Relationship, source: str) -> bool:
        """Whether the gateway joins ``relationship`` itself: its target is in another source,
        or in one whose connector cannot join."""
        if relationship.target.source != source:
            return True
        return not self.sources.by_name[source].connector.capabilities.joins

    def _compile_root(self, root: RootField) -> CompiledStatement | None:
        connector = self.sources.by_name[root.source].connector
        check_pushdown(root, connector.capabilities)
        if connector.dialect is None:  # a native connector answers the plan node itself
            return None
        return compile_root(root, connector.dialect, flat_rows=True)

    # --- tools ---------------------------------------------------------------------------

    def explain(
        self, query: str, variables: dict[str, Any] | None = None, operation_name: str | None = None
    ) -> str:
        """The plan and the exact SQL (with parameters) each source would receive."""
        parsed = self.documents.get(query)
        operation = select_operation(parsed, operation_name)
        compiled = self.compiled_plan(query, parsed, operation, variables)
        sections = []
        for entry in compiled.entries:
            if isinstance(entry, CompiledRoot) and entry.stitched is not None:
                explainer = StitchExplainer(self.executor.stitcher, self._explain_root)
                sections.append(explainer.explain(entry.stitched))
            elif isinstance(entry, CompiledRoot):
                sections.append(
                    "\n".join(describe_root(entry.field))
                    + f"\n-- statement 1 of 1 for source {entry.field.source!r}:\n"
                    + self._explain_statement(entry)
                )
        return "\n\n".join(sections) or "(no source is queried)"

    def _explain_root(self, root: RootField) -> str:
        """One stitched step: the plan node and its statement."""
        entry = CompiledRoot(root, self._compile_root(root))
        return "\n".join(describe_root(root)) + "\n" + self._explain_statement(entry)

    def _explain_statement(self, entry: CompiledRoot) -> str:
        statement = entry.statement
        if statement is None:
            return self.sources.by_name[entry.field.source].connector.describe_root(entry.field)
        if statement.json_form is None:
            return explain_sql(statement)
        return (
            "-- plain rows, encoded by the gateway while it is nearly idle:\n"
            + explain_sql(statement)
            + "\n-- the same as JSON built by the database, sent when the gateway is busy:\n"
            + explain_sql(statement.json_form)
        )

    def sdl(self) -> str:
        """The unified schema as SDL."""
        return print_schema(self.schema)

    async def readiness(self) -> dict[str, str | None]:
        """Per source: None when it answers, else the error message."""
        return await self.sources.readiness()


def _request_error(
    errors: list[GraphQLError],
    kind: OperationType | None = None,
    *,
    not_allowed: bool = False,
) -> GraphQLResponse:
    body = orjson.dumps({"errors": [e.formatted for e in errors]})
    return GraphQLResponse(body, request_error=True, operation_type=kind, not_allowed=not_allowed)
