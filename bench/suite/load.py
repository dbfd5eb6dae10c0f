"""A bounded HTTP/1.1 load generator on raw asyncio streams.

``concurrency`` keep-alive connections each send one request, read the whole response, and send
the next, until ``requests`` requests are done or ``duration`` seconds have passed (a request in
flight at the deadline is finished; every request has its own ``timeout``). It stops by itself.
Raw streams instead of an HTTP client library: the generator shares the machine with the
servers, so its own cost per request must stay small.
"""

from __future__ import annotations

import asyncio
import contextlib
import statistics
import time
from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Request:
    path: str
    """With its query string for a GET."""
    body: bytes
    method: str = "POST"

    def encode(self, port: int) -> bytes:
        if self.method == "GET":
            head = (
                f"GET {self.path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
                "Accept: application/json\r\n\r\n"
            )
            return head.encode()
        head = (
            f"{self.method} {self.path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
            "Content-Type: application/json\r\nAccept: application/json\r\n"
            f"Content-Length: {len(self.body)}\r\n\r\n"
        )
        return head.encode() + self.body


@dataclass(frozen=True, slots=True)
class Response:
    status: int
    body: bytes


@dataclass(frozen=True, slots=True)
class CellResult:
    requests: int
    sent: int
    """Requests including the warm-up ones (what the servers' CPU time was spent on)."""
    errors: int
    seconds: float
    latencies_ms: tuple[float, ...]

    @property
    def throughput(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def percentile(self, q: float) -> float:
        if not self.latencies_ms:
            return float("nan")
        if len(self.latencies_ms) == 1:
            return self.latencies_ms[0]
        cuts = statistics.quantiles(self.latencies_ms, n=100, method="inclusive")
        return cuts[int(q) - 1]


class Connection:
    def __init__(
        self, port: int, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        self.port, self.reader, self.writer = port, reader, writer

    @classmethod
    async def open(cls, port: int) -> Connection:
        reader, writer = await asyncio.open_connection("127.0.0.1", port, limit=2**24)
        return cls(port, reader, writer)

    async def send(self, raw: bytes) -> Response:
        """One request; a keep-alive connection the server closed while idle (uvicorn closes
        them after 5 s) is opened again once."""
        try:
            return await self._send(raw)
        except (asyncio.IncompleteReadError, ConnectionError) as error:
            if isinstance(error, asyncio.IncompleteReadError) and error.partial:
                raise
            await self.close()
            self.reader, self.writer = await asyncio.open_connection(
                "127.0.0.1", self.port, limit=2**24
            )
            return await self._send(raw)

    async def _send(self, raw: bytes) -> Response:
        self.writer.write(raw)
        head = await self.reader.readuntil(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        status = int(lines[0].split()[1])
        headers = {}
        for line in lines[1:]:
            if ":" in line:
                key, value = line.split(":", 1)
                headers[key.strip().lower()] = value.strip()
        if "content-length" in headers:
            body = await self.reader.readexactly(int(headers["content-length"]))
        elif headers.get("transfer-encoding", "").lower() == "chunked":
            body = await self._chunked()
        else:
            body = await self.reader.read()
        return Response(status, body)

    async def _chunked(self) -> bytes:
        parts: list[bytes] = []
        while True:
            size = int((await self.reader.readuntil(b"\r\n")).split(b";")[0], 16)
            if size == 0:
                await self.reader.readuntil(b"\r\n")
                return b"".join(parts)
            parts.append(await self.reader.readexactly(size))
            await self.reader.readexactly(2)

    async def close(self) -> None:
        self.writer.close()
        with contextlib.suppress(ConnectionError, OSError):
            await self.writer.wait_closed()


async def request_once(port: int, request: Request, timeout: float = 60.0) -> Response:
    connection = await Connection.open(port)
    try:
        return await asyncio.wait_for(connection.send(request.encode(port)), timeout)
    finally:
        await connection.close()


async def run_cell(
    port: int,
    requests: Sequence[Request],
    *,
    concurrency: int,
    total: int,
    duration: float,
    warmup: int = 3,
    timeout: float = 60.0,
) -> CellResult:
    """Send ``requests`` round-robin (request i is ``requests[i % len]``) on ``concurrency``
    connections; latencies in milliseconds of the measured (post-warm-up) requests."""
    raws = [request.encode(port) for request in requests]
    connections = [await Connection.open(port) for _ in range(concurrency)]
    try:
        # Warm every connection once, then the first a few more times (the servers' caches).
        await asyncio.gather(*(asyncio.wait_for(c.send(raws[0]), timeout) for c in connections))
        for i in range(1, warmup):
            await asyncio.wait_for(connections[0].send(raws[i % len(raws)]), timeout)
        latencies: list[float] = []
        errors = 0
        issued = 0
        deadline = time.perf_counter() + duration

        async def worker(connection: Connection) -> None:
            nonlocal issued, errors
            while issued < total and time.perf_counter() < deadline:
                raw = raws[issued % len(raws)]
                issued += 1
                start = time.perf_counter()
                response = await asyncio.wait_for(connection.send(raw), timeout)
                latencies.append((time.perf_counter() - start) * 1000)
                if response.status != 200:
                    errors += 1

        began = time.perf_counter()
        await asyncio.gather(*(worker(connection) for connection in connections))
        elapsed = time.perf_counter() - began
    finally:
        for connection in connections:
            await connection.close()
    sent = len(latencies) + len(connections) + max(0, warmup - 1)
    return CellResult(len(latencies), sent, errors, elapsed, tuple(latencies))
