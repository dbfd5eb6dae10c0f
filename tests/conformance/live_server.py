"""A real uvicorn server on a free loopback port, run in a background thread."""

from __future__ import annotations

import contextlib
import logging
import socket
import threading
import time
from typing import Any

import uvicorn


class _Capture(logging.Handler):
    """Keeps uvicorn's error log, so a failed start-up can say why."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.lines: list[str] = []
        self.setFormatter(logging.Formatter("%(message)s"))

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))


class LiveServer:
    """``with LiveServer(app) as server: httpx.get(server.url + "/healthz")``."""

    def __init__(self, app: Any) -> None:
        self._socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._socket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._socket.bind(("127.0.0.1", 0))
        port = self._socket.getsockname()[1]
        self.url = f"http://127.0.0.1:{port}"
        config = uvicorn.Config(app, lifespan="on", log_level="error", access_log=False)
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._log = _Capture()

    def _run(self) -> None:
        # uvicorn exits when start-up fails; start() reports its log.
        with contextlib.suppress(SystemExit):
            self._server.run(sockets=[self._socket])

    def start(self, timeout: float = 30.0) -> None:
        """Serve, or raise RuntimeError with uvicorn's error log when start-up fails."""
        logging.getLogger("uvicorn.error").addHandler(self._log)
        self._thread.start()
        deadline = time.monotonic() + timeout
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                self.stop()
                detail = "\n".join(self._log.lines) or "no log output"
                raise RuntimeError(f"server did not start:\n{detail}")
            time.sleep(0.02)

    def stop(self) -> None:
        self._server.should_exit = True
        if self._thread.is_alive():
            self._thread.join(timeout=15)
        self._socket.close()
        logging.getLogger("uvicorn.error").removeHandler(self._log)

    def __enter__(self) -> LiveServer:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()
