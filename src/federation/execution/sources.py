"""The open sources: a connector per configured source, its catalog, and its health.

A source that cannot be reached at start does not stop the gateway. Its catalog comes from the
snapshot of its last successful introspection (``.federation/catalogs/<name>.json`` beside the
config) when there is one, so its fields stay in the schema and answer with an error naming the
source; each later request retries the connection, at most every ``RETRY_SECONDS``.

Every call to a source goes through :meth:`Source.guard`: its circuit breaker may refuse it at
once (:mod:`federation.execution.breaker`), the whole call is bounded by the source's
``statement_timeout`` (plus ``TIMEOUT_GRACE``, so a connector's own, finer timeout error comes
first), and its outcome is recorded by the breaker.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path

from federation.catalog import SourceCatalog
from federation.catalog_snapshot import load_snapshot, save_snapshot
from federation.config import Config, SourceConfig
from federation.connector import Capabilities, Connector, load_connector_class
from federation.errors import FederationError, SourceError, SourceTimeout, SourceUnavailable
from federation.execution.breaker import CircuitBreaker

log = logging.getLogger("federation.sources")

RETRY_SECONDS = 5.0
TIMEOUT_GRACE = 1.0
"""Seconds beyond ``statement_timeout`` before :meth:`Source.guard` cancels a call itself: the
connectors enforce the limit first (server-side for SQL, on the request for HTTP); this bounds
what they do not (waiting for a pooled connection, a third-party connector)."""


@dataclass(slots=True)
class Source:
    config: SourceConfig
    connector: Connector
    catalog: SourceCatalog | None = None
    error: str | None = None
    """Why the source is not open; None when it is."""
    last_attempt: float = 0.0
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    breaker: CircuitBreaker | None = None
    """None when ``circuit_breaker: false``; set from the config when not given."""

    def __post_init__(self) -> None:
        if self.breaker is None and self.config.circuit_breaker is not None:
            self.breaker = CircuitBreaker(self.name, self.config.circuit_breaker)

    @property
    def name(self) -> str:
        return self.config.name

    async def connect(self, timeout: float) -> None:
        self.last_attempt = time.monotonic()
        try:
            await asyncio.wait_for(self.connector.open(), timeout)
            self.catalog = await asyncio.wait_for(self.connector.introspect(), timeout)
            self.error = None
        except (TimeoutError, FederationError, OSError) as error:
            self.error = _describe(error, timeout)
            log.warning("source %s is unavailable: %s", self.name, self.error)

    async def ensure_open(self) -> Connector:
        """The connector, reconnecting first when the source was down."""
        if self.error is None:
            return self.connector
        async with self.lock:
            if self.error is not None and time.monotonic() - self.last_attempt >= RETRY_SECONDS:
                await self.connect(self.config.connect_timeout)
        if self.error is not None:
            raise SourceUnavailable(self.name, self.error)
        return self.connector

    @asynccontextmanager
    async def guard(self, timeout: float | None = None) -> AsyncIterator[Connector]:
        """``async with source.guard() as connector:`` one call to the source.

        Raises ``CircuitOpen`` (SOURCE_UNAVAILABLE) at once while the breaker is open; otherwise
        opens the source if needed, bounds the block by ``timeout`` (default: the source's
        ``statement_timeout`` plus ``TIMEOUT_GRACE``), turns running out of time into
        :class:`SourceTimeout` and tells the breaker how the call went.
        """
        breaker = self.breaker
        probe = breaker.admit() if breaker is not None else False
        limit = self.config.statement_timeout + TIMEOUT_GRACE if timeout is None else timeout
        try:
            connector = await self.ensure_open()
            async with asyncio.timeout(limit):
                yield connector
        except TimeoutError:
            error = SourceTimeout(self.name, f"no answer within {limit:g} s")
            if breaker is not None:
                breaker.failed(error)
            raise error from None
        except SourceError as error:
            if breaker is not None:
                breaker.failed(error)  # only the source's own failures count
            raise
        except BaseException:
            if breaker is not None:
                breaker.abandoned(probe)  # cancelled, or a bug: no verdict on the source
            raise
        if breaker is not None:
            breaker.succeeded()


def _describe(error: BaseException, timeout: float) -> str:
    if isinstance(error, TimeoutError):
        return f"no answer within {timeout:g} s"
    if isinstance(error, SourceError):
        return str(error).split(": ", 1)[-1]
    return str(error) or type(error).__name__


class Sources:
    """Every configured source, by name."""

    def __init__(self, config: Config) -> None:
        self.config = config
        self.by_name: dict[str, Source] = {}
        for source_config in config.sources:
            connector = load_connector_class(source_config.kind)(source_config)
            self.by_name[source_config.name] = Source(source_config, connector)

    @property
    def snapshot_dir(self) -> Path:
        return self.config.base_dir / ".federation" / "catalogs"

    async def open(self) -> None:
        await asyncio.gather(*(self._open(s) for s in self.by_name.values()))

    async def _open(self, source: Source) -> None:
        await source.connect(source.config.connect_timeout)
        if source.catalog is not None:
            save_snapshot(self.snapshot_dir, source.catalog)
        else:
            source.catalog = load_snapshot(self.snapshot_dir, source.name)

    def traits(self) -> dict[str, tuple[SourceConfig, Capabilities]]:
        """Per source: its configuration and what its connector can do."""
        return {name: (s.config, s.connector.capabilities) for name, s in self.by_name.items()}

    def catalogs(self) -> list[SourceCatalog]:
        return [s.catalog for s in self.by_name.values() if s.catalog is not None]

    async def close(self) -> None:
        await asyncio.gather(
            *(s.connector.close() for s in self.by_name.values()), return_exceptions=True
        )

    async def readiness(self) -> dict[str, str | None]:
        return dict(
            zip(
                self.by_name,
                await asyncio.gather(*map(self._ping, self.by_name.values())),
                strict=True,
            )
        )

    async def _ping(self, source: Source) -> str | None:
        """None when the source answers. Through the breaker: while it is open the answer is
        its state, without touching the source; once the cooldown is over the ping is the probe
        that closes it."""
        try:
            async with source.guard(source.config.connect_timeout) as connector:
                await connector.ping()
        except (FederationError, OSError) as error:
            return _describe(error, source.config.connect_timeout)
        return None
