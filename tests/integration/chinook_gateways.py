"""A started gateway over one Chinook copy (:class:`Source`), shared by the integration tests
through the fixtures in ``conftest.py``."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson

from federation.config import Config, SourceConfig
from federation.gateway import Gateway

from .chinook_queries import Case, root_field_count, translate

NAMING = {"sqlite": "pascal", "postgres": "snake", "mysql": "pascal"}


@dataclass
class Source:
    """A started gateway over one Chinook copy, with the answers it has given so far."""

    kind: str
    gateway: Gateway
    answers: dict[str, dict[str, Any]] = field(default_factory=dict)

    async def run(self, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
        """The decoded response; asserts exactly one statement per root field was sent."""
        connector = self.gateway.sources.by_name[self.kind].connector
        before = connector.statements_executed
        body = (await self.gateway.execute(translate(query, NAMING[self.kind]), variables)).body
        response: dict[str, Any] = orjson.loads(body)
        sent = connector.statements_executed - before
        if "errors" not in response:
            assert sent == root_field_count(query), f"{self.kind}: {sent} statements for {query}"
        return response

    async def answer(self, case: Case) -> dict[str, Any]:
        if case.name not in self.answers:
            self.answers[case.name] = await self.run(case.query, case.variables)
        return self.answers[case.name]


async def start_source(kind: str, source: SourceConfig, folder: Path) -> AsyncIterator[Source]:
    gateway = await Gateway.start(Config(sources=(source,), schema_dir=None, base_dir=folder))
    try:
        yield Source(kind, gateway)
    finally:
        await gateway.stop()
