"""Fixtures of the Hasura conformance suite, and its pass count at the end of the session.

Missing prerequisites (the suite folder, a reachable PostgreSQL) skip the cases with the reason,
except under ``CI=true``, where they fail: CI must never pass by skipping.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Generator, Iterator
from typing import Any

import pytest

from .folder_server import FolderServers
from .hasura_cases import Case, Folder, load_folders, suite_dir, unavailable
from .pg_setup import find_admin_dsn

DATA_TARGET = 0.95


@pytest.fixture(scope="session")
def hasura_folders() -> dict[str, Folder]:
    root = suite_dir()
    if not root.is_dir():
        unavailable(f"Hasura conformance suite not found at {root} (set HASURA_CONFORMANCE_DIR)")
    return {folder.name: folder for folder in load_folders(root)}


@pytest.fixture(scope="session")
def pg_admin_dsn() -> str:
    dsn, why = find_admin_dsn()
    if dsn is None:
        unavailable(f"PostgreSQL is not reachable for the Hasura conformance suite: {why}")
    return dsn


@pytest.fixture(scope="session")
def hasura_servers(
    pg_admin_dsn: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[FolderServers]:
    servers = FolderServers(pg_admin_dsn, tmp_path_factory.mktemp("hasura"))
    yield servers
    servers.close()


# --- the pass count -------------------------------------------------------------------------

_outcomes: dict[str, tuple[Case, str, str]] = {}
"""test id -> (case, outcome, skip reason), filled as the cases run."""


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[Any]) -> Generator[Any]:
    outcome = yield
    report = outcome.get_result()
    case = getattr(item, "callspec", None) and item.callspec.params.get("case")
    if not isinstance(case, Case) or (report.when != "call" and report.passed):
        return
    skipped = report.skipped and isinstance(report.longrepr, tuple)
    reason = str(report.longrepr[2]) if skipped else ""
    _outcomes[case.test_id] = (case, report.outcome, reason)


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if not _outcomes:
        return
    write = terminalreporter.write_line
    terminalreporter.section("Hasura conformance")
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    for case, outcome, _ in _outcomes.values():
        counts[case.folder][f"{case.kind}_{outcome}"] += 1
    write(f"{'folder':<16} {'data passed/run':>16} {'errors passed/run':>18} {'skipped':>8}")
    for folder in sorted(counts):
        write(_row(folder, counts[folder]))
    total: Counter[str] = sum(counts.values(), Counter())
    write(_row("total", total))
    write(_verdict(total))
    skipped = [(c.test_id, r) for c, o, r in _outcomes.values() if o == "skipped"]
    for test_id, reason in sorted(skipped):
        write(f"  skipped {test_id}: {reason.removeprefix('Skipped: ')}")


def _run(counts: Counter[str], kind: str) -> tuple[int, int]:
    passed = counts[f"{kind}_passed"]
    return passed, passed + counts[f"{kind}_failed"]


def _row(name: str, counts: Counter[str]) -> str:
    data, errors = _run(counts, "data"), _run(counts, "error")
    skipped = counts["data_skipped"] + counts["error_skipped"]
    data_text, error_text = f"{data[0]}/{data[1]}", f"{errors[0]}/{errors[1]}"
    return f"{name:<16} {data_text:>16} {error_text:>18} {skipped:>8}"


def _verdict(total: Counter[str]) -> str:
    (data_passed, data_run), (errors_passed, errors_run) = _run(total, "data"), _run(total, "error")
    share = data_passed / data_run if data_run else 0.0
    met = share >= DATA_TARGET and errors_passed == errors_run
    return (
        f"target (>= {DATA_TARGET:.0%} of data cases, all error cases): "
        f"{'MET' if met else 'NOT MET'} (data {share:.1%}, errors {errors_passed}/{errors_run})"
    )
