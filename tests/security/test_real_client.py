"""A real client: Apollo Client 3's persisted-query link (from npm, run by node) against the
gateway served by uvicorn on a loopback port.

The npm packages are installed on first use under tests/security/apollo/node_modules (git
ignored). Without node or npm the test is skipped with the reason, except under CI=true.
"""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn
from security_helpers import write_config
from servers import unavailable

from federation.config import load_config
from federation.server import create_app

APOLLO = Path(__file__).parent / "apollo"


def node_ready() -> str:
    node, npm = shutil.which("node"), shutil.which("npm")
    if node is None or npm is None:
        unavailable("node and npm are needed to run Apollo Client (install Node.js 20+)")
    if not (APOLLO / "node_modules" / "@apollo" / "client").is_dir():
        installed = subprocess.run(
            [npm, "install", "--no-audit", "--no-fund"],
            cwd=APOLLO,
            capture_output=True,
            text=True,
            timeout=300,
        )
        if installed.returncode != 0:
            unavailable(f"npm install failed in {APOLLO}: {installed.stderr.strip()[-500:]}")
    return node


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@pytest.fixture
def server_url(tmp_path: Path) -> Iterator[str]:
    config = load_config(write_config(tmp_path, "security: {profile: production}\n"))
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(create_app(config), host="127.0.0.1", port=port, log_level="warning")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            pytest.fail("the gateway did not start within 20 s")
        time.sleep(0.02)
    yield f"http://127.0.0.1:{port}/graphql"
    server.should_exit = True
    thread.join(10)


def test_apollo_persisted_query_link(server_url: str) -> None:
    node = node_ready()
    run = subprocess.run(
        [node, "apq.mjs", server_url, ""],
        cwd=APOLLO,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert run.returncode == 0, run.stderr
    report = json.loads(run.stdout)
    assert report["results"] == [
        {"artist": [{"__typename": "artist", "name": name} for name in ("Ann", "Bob")]},
        {"artist": [{"__typename": "artist", "name": "Ann"}]},
    ]
    exchanges = [(e["method"], e["status"], e["hasQuery"]) for e in report["exchanges"]]
    assert exchanges == [
        ("GET", 200, False),  # the hash alone: PersistedQueryNotFound
        ("POST", 200, True),  # the hash with the query: registered and answered
        ("GET", 200, False),  # the hash alone again: found
    ]
    assert json.loads(report["exchanges"][0]["body"])["errors"][0]["extensions"] == {
        "code": "PERSISTED_QUERY_NOT_FOUND"
    }
