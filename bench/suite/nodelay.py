"""The 40 ms stall of ``uvicorn --workers N`` on small responses, and whether this uvicorn has it.

With ``--workers`` > 1 (and under gunicorn) uvicorn binds the listening socket itself and hands
it to each worker. Before Kludex/uvicorn#3149 was fixed, ``Config.bind_socket()`` created it with
``proto`` 0; accepted sockets inherit ``proto``, and asyncio turns on ``TCP_NODELAY`` only for
sockets whose ``proto`` is ``IPPROTO_TCP``. So Nagle's algorithm stayed on: a response written in
two small pieces (head, then body) waited for the client's delayed ACK, about 40 ms on Linux,
on every keep-alive request. Large responses do not wait (the client ACKs full segments at once)
and ``--workers 1`` does not (asyncio binds from ``getaddrinfo``, which gives ``proto`` 6).

    python -m bench.suite.nodelay      # the installed uvicorn's answer, and the reproduction
"""

from __future__ import annotations

import asyncio
import socket
from typing import Any

import uvicorn

from bench.suite.load import Request, run_cell


def bound_socket_sets_nodelay() -> bool:
    """Whether the installed uvicorn binds ``--workers`` sockets as ``IPPROTO_TCP``."""
    sock = uvicorn.Config(_app, host="127.0.0.1", port=0, log_level="warning").bind_socket()
    try:
        return sock.proto == socket.IPPROTO_TCP
    finally:
        sock.close()


async def _app(scope: dict[str, Any], receive: Any, send: Any) -> None:
    if scope["type"] != "http":
        return
    await receive()
    head = {"type": "http.response.start", "status": 200, "headers": [(b"content-length", b"2")]}
    await send(head)
    await send({"type": "http.response.body", "body": b"{}"})


async def reproduce(proto: int, requests: int = 50) -> str:
    """c1 latency of a small response from a uvicorn serving a socket bound with ``proto``."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, proto)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    config = uvicorn.Config(_app, log_level="warning", access_log=False, lifespan="off")
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve(sockets=[sock]))
    while not server.started:
        await asyncio.sleep(0.05)
    try:
        cell = await run_cell(
            port, [Request("/", b"{}")], concurrency=1, total=requests, duration=10
        )
    finally:
        server.should_exit = True
        await task
    slow = sum(latency > 35 for latency in cell.latencies_ms)
    return (
        f"listening socket proto {proto}: p50 {cell.percentile(50):.2f} ms, "
        f"{slow}/{len(cell.latencies_ms)} requests over 35 ms"
    )


def main() -> None:
    print(
        f"uvicorn {uvicorn.__version__}: --workers sockets get TCP_NODELAY: "
        f"{bound_socket_sets_nodelay()}"
    )
    for proto in (0, socket.IPPROTO_TCP):
        print(asyncio.run(reproduce(proto)))


if __name__ == "__main__":
    main()
