"""Hasura's own query tests, run over HTTP against our gateway (issue 9).

One test per case, id ``<folder>/<case id>``; the session ends with the pass count per folder
(see conftest). The comparison rule is in compare.py and docs/hasura-compatibility.md.
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from .compare import response_problem
from .folder_server import FolderServers
from .hasura_cases import KNOWN_DIFFERENCES, Case, Folder, load_cases, suite_dir, unavailable

HEADERS = {"Accept": "application/json", "Content-Type": "application/json"}
SPEC_STATUS = 200
"""GraphQL over HTTP, ``application/json``: every well-formed request, request errors included,
is answered with 200 (which is also what Hasura's tests expect)."""


def _params() -> list[Any]:
    root = suite_dir()
    if not root.is_dir():
        return [pytest.param(None, id="suite-missing")]
    return [_param(case) for case in load_cases(root)]


def _param(case: Case) -> Any:
    reason = case.skip_reason()
    marks = [pytest.mark.skip(reason=reason)] if reason else []
    if case.test_id in KNOWN_DIFFERENCES:
        marks.append(pytest.mark.xfail(strict=True, reason=KNOWN_DIFFERENCES[case.test_id]))
    return pytest.param(case, id=case.test_id, marks=marks)


@pytest.mark.parametrize("case", _params())
def test_case(
    case: Case | None, hasura_folders: dict[str, Folder], hasura_servers: FolderServers
) -> None:
    if case is None:
        unavailable(f"Hasura conformance suite not found at {suite_dir()}")
    url = _server_url(hasura_servers, hasura_folders[case.folder])
    response = httpx.post(f"{url}/graphql", json=case.http_body(), headers=HEADERS, timeout=30)
    problem = _problem(case, response)
    if problem:
        pytest.fail(f"{problem}\nquery:\n{_query_text(case)}", pytrace=False)


def _server_url(servers: FolderServers, folder: Folder) -> str:
    try:
        return servers.url(folder)
    except RuntimeError as exc:
        message = str(exc)
    pytest.fail(message, pytrace=False)  # outside the except: no chained traceback


def _problem(case: Case, response: httpx.Response) -> str | None:
    if response.status_code != SPEC_STATUS:
        return f"HTTP {response.status_code}, expected {SPEC_STATUS}: {response.text[:500]}"
    try:
        body = response.json()
    except ValueError:
        return f"response is not JSON: {response.text[:500]}"
    if not case.batch:
        return response_problem(body, case.expected, case.expects_error)
    if not isinstance(body, list) or len(body) != len(case.expected):
        return f"batch: expected a list of {len(case.expected)} responses, got {body!r}"
    for index, (got, want) in enumerate(zip(body, case.expected, strict=True)):
        problem = response_problem(got, want, expects_error=False)
        if problem:
            return f"batch[{index}]: {problem}"
    return None


def _query_text(case: Case) -> str:
    if case.batch:
        return "\n---\n".join(str(request["query"]) for request in case.query)
    return str(case.query)
