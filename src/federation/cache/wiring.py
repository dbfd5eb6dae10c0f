"""Builds the gateway's caches from its config, model and schema, and invalidates them when a
mutation reports the tables it wrote."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from graphql import GraphQLSchema, print_schema

from federation.cache.fetches import FetchCache
from federation.cache.hints import HintIndex, table_tag
from federation.cache.responses import ResponseCache
from federation.cache.store import TwoLayerStore, store_from_settings
from federation.config import Config, SourceConfig
from federation.events import TablesChanged
from federation.schema.model import SchemaModel
from federation.schema.overlay import load_overlays


@dataclass(frozen=True, slots=True)
class Caches:
    store: TwoLayerStore
    hints: HintIndex
    fetches: FetchCache
    responses: ResponseCache
    schema_version: str
    """Part of every key: a new schema (or new hints) never reads an old entry."""

    async def tables_changed(self, event: TablesChanged) -> None:
        """The :mod:`federation.events` subscriber: forget what read the written tables."""
        await self.store.invalidate_tags(table_tag(event.source, t) for t in event.tables)


def build_caches(config: Config, model: SchemaModel, schema: GraphQLSchema) -> Caches:
    settings = config.cache
    hints = HintIndex(load_overlays(config.schema_dir), model, settings)
    version_text = (
        print_schema(schema)
        + repr(sorted(hints.types.items()))
        + repr(sorted(hints.fields.items()))
    )
    version = hashlib.sha256(version_text.encode()).hexdigest()[:16]
    store = store_from_settings(settings)
    forward = {source.name: _forwarded_names(source) for source in config.sources}
    forward = {name: headers for name, headers in forward.items() if headers}
    return Caches(
        store=store,
        hints=hints,
        fetches=FetchCache(
            store,
            hints,
            version,
            forward,
            enabled=settings.enabled and settings.fetch_cache,
            coalesce=settings.coalesce,
        ),
        responses=ResponseCache(
            store, version, forward, enabled=settings.enabled, coalesce=settings.coalesce
        ),
        schema_version=version,
    )


def _forwarded_names(source: SourceConfig) -> tuple[str, ...]:
    """``options.forward_headers`` (a name or a list): those headers change the source's answers."""
    names = source.options.get("forward_headers") or ()
    return tuple(str(name).lower() for name in ([names] if isinstance(names, str) else names))
