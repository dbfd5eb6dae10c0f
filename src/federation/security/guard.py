"""The security layer the HTTP endpoint calls for every request, in this order:

1. :meth:`Security.authenticate` — who is calling (API key or anonymous); 401 otherwise;
2. :meth:`Security.admit` — the caller's rate limit; 429 with ``Retry-After``;
3. :meth:`Security.prepare` — which document runs (persisted queries, APQ, safelists) and
   whether it is within the caller's limits (tokens, depth, aliases, root fields, directives,
   cost), measured before validation;
4. the endpoint runs the operation within ``caller.limits.timeout`` (504 when over);
5. :meth:`Security.finish` — remembers an APQ document that proved valid and, in production,
   masks unexpected errors.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from graphql import GraphQLSchema

from federation.config import Config
from federation.errors import ConfigError
from federation.security.apq import APQ, Store
from federation.security.clients import Caller, ClientRegistry
from federation.security.cost import estimate_cost
from federation.security.documents import DocumentResolver, Request, Resolved
from federation.security.limits import LimitExceeded, check
from federation.security.manifests import ManifestFile, Manifests
from federation.security.masking import mask_unexpected
from federation.security.measure import ShapeCache, TokenLimitReached, select
from federation.security.rate_limit import MemoryBuckets, RateLimiter, RedisBuckets
from federation.security.refusal import Refusal
from federation.security.settings import SecurityConfig


@dataclass(frozen=True, slots=True)
class Prepared:
    query: str
    register: str | None = None


class Security:
    def __init__(
        self,
        config: SecurityConfig,
        schema: GraphQLSchema,
        manifests: Manifests,
        *,
        store: Store | None,
        rate_limiter: RateLimiter,
        authorization_forwarded: bool = False,
    ) -> None:
        self.config = config
        self.schema = schema
        self.clients = ClientRegistry(config, authorization_forwarded=authorization_forwarded)
        apq = APQ(store, config.apq_ttl) if config.apq and store is not None else None
        self.apq = apq
        self.documents = DocumentResolver(manifests, apq)
        self.shapes = ShapeCache()
        self.rate_limiter = rate_limiter

    @classmethod
    def build(
        cls,
        config: Config,
        schema: GraphQLSchema,
        store: Store | None,
        *,
        clock: Callable[[], float] = time.monotonic,
    ) -> Security:
        """The layer for a started gateway; raises :class:`ConfigError` naming every invalid
        manifest operation."""
        settings = config.security
        memory = MemoryBuckets(clock)
        redis_url = config.cache.redis_url
        buckets = RedisBuckets(redis_url, config.cache.key_prefix, memory) if redis_url else memory
        return cls(
            settings,
            schema,
            load_manifests(settings, schema),
            store=store,
            rate_limiter=RateLimiter(buckets),
            authorization_forwarded=any(
                str(name).lower() == "authorization"
                for source in config.sources
                for name in source.options.get("forward_headers") or ()
            ),
        )

    async def close(self) -> None:
        await self.rate_limiter.close()

    # --- the steps -----------------------------------------------------------------------

    def authenticate(self, headers: Mapping[str, str], address: str | None) -> Caller:
        return self.clients.authenticate(headers, address)

    async def admit(self, caller: Caller, requests: int) -> None:
        who = f"client {caller.name!r}" if caller.name else "this address"
        await self.rate_limiter.admit(caller.rate_key, caller.rate_limit, requests, who)

    async def prepare(
        self,
        caller: Caller,
        *,
        query: str | None,
        document_id: str | None,
        extensions: dict[str, Any] | None,
        operation_name: str | None,
        variables: dict[str, Any] | None,
    ) -> Prepared:
        resolved: Resolved = await self.documents.resolve(
            caller, Request(query, document_id, extensions, operation_name)
        )
        self.check_limits(caller, resolved.query, operation_name, variables)
        return Prepared(resolved.query, resolved.register)

    def check_limits(
        self,
        caller: Caller,
        query: str,
        operation_name: str | None,
        variables: dict[str, Any] | None,
    ) -> None:
        limits = caller.limits
        try:
            shape = self.shapes.shape(query, operation_name, limits.max_tokens)
            if shape is None:
                return  # does not parse, or no such operation: the gateway says which
            check("max_depth", shape.depth, limits, caller.where)
            check("max_aliases", shape.aliases, limits, caller.where)
            check("max_root_fields", shape.root_fields, limits, caller.where)
            check("max_directives_per_field", shape.directives_per_field, limits, caller.where)
            if limits.max_cost:
                check(
                    "max_cost",
                    self.cost(query, operation_name, variables, caller),
                    limits,
                    caller.where,
                )
        except TokenLimitReached:
            error = LimitExceeded(
                "max_tokens", limits.max_tokens + 1, limits.max_tokens, caller.where
            )
            raise Refusal.from_limit(error) from None
        except LimitExceeded as error:
            raise Refusal.from_limit(error) from None

    def cost(
        self,
        query: str,
        operation_name: str | None,
        variables: dict[str, Any] | None,
        caller: Caller,
    ) -> int:
        parsed = self.shapes.parse(query, caller.limits.max_tokens)
        operation = select(parsed, operation_name) if parsed else None
        if parsed is None or operation is None:
            return 0
        return estimate_cost(
            self.schema,
            operation,
            parsed.fragments,
            variables or {},
            list_size=caller.limits.list_size,
        )

    async def finish(self, prepared: Prepared, body: bytes, *, request_error: bool) -> bytes:
        """After the operation ran: remember a valid APQ document; mask unexpected errors."""
        if prepared.register is not None and not request_error and self.apq is not None:
            await self.apq.remember(prepared.register, prepared.query)
        if self.config.mask_errors and not request_error:
            return mask_unexpected(body)
        return body


def load_manifests(settings: SecurityConfig, schema: GraphQLSchema) -> Manifests:
    """Every manifest in service, each validated; one :class:`ConfigError` lists every
    problem of every file."""
    problems: list[str] = []
    files: dict[Any, ManifestFile] = {}

    def load(path: Any) -> ManifestFile | None:
        if path not in files:
            try:
                files[path] = ManifestFile(path, schema)
            except ConfigError as error:
                problems.extend(error.problems)
                return None
        return files[path]

    shared = [f for f in map(load, settings.manifests) if f is not None]
    by_client = {
        client.name: [f for f in map(load, client.manifests) if f is not None]
        for client in settings.clients
    }
    if problems:
        raise ConfigError(problems)
    return Manifests(shared, by_client)
