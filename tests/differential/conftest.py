"""The gateway and the reference over one SQLite file, started once per module, and the count
of compared queries printed at the end of the session."""

from __future__ import annotations

from collections import Counter
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import pytest_asyncio

from federation.config import Config, SourceConfig
from federation.gateway import Gateway

from .data import build_database
from .reference import Reference

COMPARED: Counter[str] = Counter()
"""Queries compared per kind (``hand-written``, ``generated``)."""


@dataclass(frozen=True, slots=True)
class Pair:
    gateway: Gateway
    reference: Reference


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def pair(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Pair]:
    folder = tmp_path_factory.mktemp("differential")
    path = build_database(folder / "blog.sqlite")
    source = SourceConfig(name="db", kind="sqlite", path=str(path), read_only=True)
    gateway = await Gateway.start(Config(sources=(source,), schema_dir=None, base_dir=folder))
    try:
        yield Pair(gateway, Reference(gateway, Path(path)))
    finally:
        await gateway.stop()


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if COMPARED:
        counts = ", ".join(f"{n} {kind}" for kind, n in sorted(COMPARED.items()))
        terminalreporter.write_line(f"differential: queries compared with the reference: {counts}")
