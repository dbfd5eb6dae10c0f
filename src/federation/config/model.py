"""The configuration the rest of the gateway reads: frozen dataclasses built by
:func:`federation.config.load_config` (the reference of every key is docs/configuration.md)."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from federation.cache.settings import CacheSettings
from federation.security.settings import SecurityConfig


@dataclass(frozen=True, slots=True)
class CircuitBreakerConfig:
    """``circuit_breaker: {failures: 5, cooldown: 10}`` (docs/resilience.md)."""

    failures: int = 5
    """Consecutive timeouts or unavailable answers that open the breaker."""
    cooldown: float = 10.0
    """Seconds the breaker stays open before a probe request is let through."""


@dataclass(frozen=True, slots=True)
class SourceConfig:
    name: str
    kind: str
    dsn: str | None = None
    path: str | None = None
    """File path for embedded sources, resolved against the config file's folder."""
    pool_size: int = 5
    connect_timeout: float = 10.0
    statement_timeout: float = 30.0
    schemas: tuple[str, ...] = ()
    """Database schemas to introspect (server databases); empty means the connector's default."""
    include: tuple[str, ...] = ()
    """Only these tables (names or ``schema.name``); empty means all."""
    exclude: tuple[str, ...] = ()
    read_only: bool = False
    """No mutations for the source (and embedded files open read-only)."""
    read_only_tables: tuple[str, ...] = ()
    """Tables (names or ``schema.name``) that get no mutations in a writable source."""
    batch_size: int = 1000
    """Keys per ``IN`` list when this source's rows are joined to another source's."""
    semi_join_max_keys: int = 10000
    """Most keys a filter through a relationship into this source may match (semi-join)."""
    options: dict[str, Any] = field(default_factory=dict)
    circuit_breaker: CircuitBreakerConfig | None = field(default_factory=CircuitBreakerConfig)
    """None when turned off (``circuit_breaker: false``)."""
    schema_dir: Path | None = field(default=None, compare=False, repr=False)
    """The config's ``schema_dir`` (copied in by :class:`Config`), for connectors that read
    declarations from ``schema/*.graphql`` (``rest``: types with ``@rest``)."""


@dataclass(frozen=True, slots=True)
class ServerConfig:
    host: str = "127.0.0.1"
    port: int = 8000
    workers: int = 1
    graphiql: bool = True
    introspection: bool = True
    metrics: bool = True
    """``GET /metrics`` in Prometheus' text format (counters only; names sources)."""


@dataclass(frozen=True, slots=True)
class Config:
    sources: tuple[SourceConfig, ...]
    server: ServerConfig = field(default_factory=ServerConfig)
    schema_dir: Path | None = None
    """Folder of ``*.graphql`` overlay files, resolved against the config file's folder."""
    base_dir: Path = field(default_factory=Path.cwd)
    cache: CacheSettings = field(default_factory=CacheSettings)
    """The ``cache:`` section (docs/caching.md)."""
    security: SecurityConfig = field(default_factory=SecurityConfig)
    """The ``security:``, ``clients:`` and ``persisted_queries:`` sections (docs/security.md)."""

    def __post_init__(self) -> None:
        # Connectors are built from their SourceConfig alone; this hands them the schema folder.
        sources = tuple(
            s if s.schema_dir == self.schema_dir else replace(s, schema_dir=self.schema_dir)
            for s in self.sources
        )
        object.__setattr__(self, "sources", sources)
