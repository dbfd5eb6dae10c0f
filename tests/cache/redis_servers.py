"""Redis for the cache tests: the shared server at 127.0.0.1:6379 [``REDIS_URL``], and
short-lived ``redis-server`` processes that a test can stop to simulate an outage.

Absent Redis skips the test with the reason, except under ``CI=true``, where it fails.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import redis
from servers import unavailable

REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")


def require_redis() -> str:
    """The shared Redis URL; skips (fails under CI) when it does not answer."""
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
    except redis.RedisError as error:
        unavailable(f"Redis is not reachable at {REDIS_URL} ({error}); start it to run this test")
    return REDIS_URL


def unique_prefix() -> str:
    """A key prefix of its own, so tests never see each other's entries or messages."""
    return f"fedtest:{uuid.uuid4().hex[:10]}:"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@contextmanager
def private_redis() -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """A redis-server of this test's own on a free port: (url, process). Stop the process to
    take Redis down mid-test; it is stopped at the end in any case."""
    binary = shutil.which("redis-server")
    if binary is None:
        unavailable("redis-server is not installed (needed to take a Redis down mid-test)")
    port = free_port()
    process = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"redis://127.0.0.1:{port}/0"
    try:
        _wait_until_up(url)
        yield url, process
    finally:
        process.terminate()
        process.wait(timeout=10)


def _wait_until_up(url: str) -> None:
    client = redis.Redis.from_url(url, socket_connect_timeout=0.2)
    for _ in range(100):
        try:
            client.ping()
            return
        except redis.RedisError:
            time.sleep(0.05)
    raise RuntimeError(f"redis-server at {url} did not start")
