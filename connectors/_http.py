"""What the HTTP connectors (REST, GraphQL) share: one ``httpx.AsyncClient`` per source, bounded
retries with exponential backoff, and httpx errors turned into the gateway's source errors.

Retries: a request is retried when the connection failed or the server answered 429 or 5xx, at
most ``options.retries`` times (default 2), waiting ``options.backoff`` seconds (default 0.1)
doubled each time, or what ``Retry-After`` asks when that is not longer than
``options.max_retry_after`` (default 5 s). Timeouts are not retried: the source already used its
whole budget. Only idempotent requests retry (GETs; GraphQL queries, which are read-only).

Error messages name the URL without its query string and never carry headers, so secrets in
``options.headers`` (``Authorization: Bearer ${TOKEN}``) stay out of responses and logs.

Header forwarding: ``options.forward_headers`` names headers of the incoming GraphQL request
(case-insensitive) that go with every request to the source, when the incoming request has them
(:mod:`federation.execution.request_headers`); a forwarded header replaces one of the same name
in ``options.headers``. Hop-by-hop and framing headers (``Connection``, ``Host``,
``Content-Length``, ...) are refused when the source is configured.
"""

from __future__ import annotations

import asyncio
import email.utils
import time
from collections.abc import Sequence
from typing import Any, ClassVar

import httpx
import orjson

from federation.config import SourceConfig
from federation.connector import Capabilities, Connector
from federation.errors import ConfigError, SourceError, SourceTimeout, SourceUnavailable
from federation.execution import remainder
from federation.execution.request_headers import NEVER_FORWARDED, REQUEST_HEADERS, forwarded

RETRY_STATUS = frozenset({429, 500, 502, 503, 504})

__all__ = ["REQUEST_HEADERS", "HttpConnector", "http_error", "parse_json"]


class HttpConnector(Connector):
    """A native connector over HTTP: no SQL dialect, answers root fields with ``fetch_root``."""

    dialect = None
    # filters run on fetched rows through the gateway's remainder code; aggregates, groups
    # and joins are left to the gateway
    capabilities: ClassVar[Capabilities] = Capabilities(
        filter_operators=remainder.FILTER_OPERATORS,
        aggregates=frozenset(),
        group_by=False,
        nested_json=False,
        joins=False,
    )

    _client: httpx.AsyncClient | None = None

    def __init__(self, config: SourceConfig) -> None:
        super().__init__(config)
        options = config.options
        self.retries = int(options.get("retries", 2))
        self.backoff = float(options.get("backoff", 0.1))
        self.max_retry_after = float(options.get("max_retry_after", 5.0))
        self.requests_sent = 0
        """Count of HTTP requests (retries included); tests assert round trips with it."""
        self.forward_headers = forward_header_names(config)

    @property
    def base_url(self) -> str:
        return (self.config.dsn or "").rstrip("/")

    async def open(self) -> None:
        if self._client is not None:
            return
        headers = {str(k): str(v) for k, v in (self.config.options.get("headers") or {}).items()}
        size = self.config.pool_size
        self._client = httpx.AsyncClient(
            base_url=self.base_url,
            headers=headers,
            timeout=httpx.Timeout(
                self.config.statement_timeout, connect=self.config.connect_timeout
            ),
            limits=httpx.Limits(max_connections=size, max_keepalive_connections=size),
        )

    async def close(self) -> None:
        client, self._client = self._client, None
        if client is not None:
            await client.aclose()

    @property
    def client(self) -> httpx.AsyncClient:
        if self._client is None:
            raise SourceUnavailable(self.name, "not open")
        return self._client

    async def fetch_json(self, sql: str, params: Sequence[Any]) -> str | bytes | None:
        raise SourceError(self.name, f"a {self.kind} source runs no SQL")

    async def fetch_rows(self, sql: str, params: Sequence[Any]) -> list[tuple[Any, ...]]:
        raise SourceError(self.name, f"a {self.kind} source runs no SQL")

    async def ping(self) -> None:
        """Any HTTP answer means the service is reachable."""
        await self.send("GET", self.config.options.get("health_path", "/"), check=False)

    # --- requests ----------------------------------------------------------------------

    async def send(
        self,
        method: str,
        path: str,
        *,
        params: Sequence[tuple[str, str]] = (),
        json: Any = None,
        headers: dict[str, str] | None = None,
        check: bool = True,
    ) -> httpx.Response:
        """One logical request, retried as the module docstring says."""
        request = self.client.build_request(
            method,
            path,
            params=list(params),
            content=None if json is None else orjson.dumps(json, default=str),
            headers={
                **forwarded(self.forward_headers),
                **(headers or {}),
                **({"content-type": "application/json"} if json else {}),
            },
        )
        attempt = 0
        while True:
            response, error = await self._attempt(request)
            delay = self._retry_delay(attempt, response, error)
            if delay is None:
                break
            attempt += 1
            await asyncio.sleep(delay)
        if error is not None:
            raise error
        assert response is not None
        if check and response.is_error:
            raise http_error(self, response)
        return response

    async def _attempt(
        self, request: httpx.Request
    ) -> tuple[httpx.Response | None, SourceError | None]:
        self.requests_sent += 1
        try:
            response = await self.client.send(request)
            await response.aread()
        except httpx.TimeoutException:
            timeout = self.config.statement_timeout
            return None, SourceTimeout(
                self.name, f"{_where(request)}: no answer within {timeout:g} s"
            )
        except (httpx.ConnectError, httpx.RemoteProtocolError, httpx.NetworkError) as error:
            return None, SourceUnavailable(self.name, f"{_where(request)}: {_reason(error)}")
        except httpx.HTTPError as error:
            return None, SourceError(self.name, f"{_where(request)}: {_reason(error)}")
        return response, None

    def _retry_delay(
        self, attempt: int, response: httpx.Response | None, error: SourceError | None
    ) -> float | None:
        """Seconds to wait before trying again, or None to stop."""
        if attempt >= self.retries or isinstance(error, SourceTimeout):
            return None
        backoff: float = self.backoff * 2**attempt
        if response is None:  # the connection failed or dropped
            return backoff
        if response.status_code not in RETRY_STATUS:
            return None
        asked = _retry_after(response.headers.get("retry-after"))
        if asked is None:
            return backoff
        return asked if asked <= self.max_retry_after else None


def forward_header_names(config: SourceConfig) -> tuple[str, ...]:
    """``options.forward_headers`` in lower case; a header that must never be forwarded is a
    configuration error."""
    value = config.options.get("forward_headers") or ()
    names = (value,) if isinstance(value, str) else value
    key = f"source {config.name!r}: options.forward_headers"
    if not isinstance(names, list | tuple) or not all(isinstance(n, str) for n in names):
        raise ConfigError([f"{key}: expected a list of header names, got {names!r}"])
    lowered = tuple(dict.fromkeys(name.strip().lower() for name in names))
    refused = [name for name in lowered if name in NEVER_FORWARDED]
    if refused:
        raise ConfigError(
            [
                f"{key}: {', '.join(refused)} cannot be forwarded (hop-by-hop or framing "
                "headers belong to one connection or message); remove them"
            ]
        )
    return lowered


def _where(request: httpx.Request) -> str:
    """The URL without query string or credentials: safe to show."""
    url = request.url
    return (
        f"{request.method} {url.scheme}://{url.host}{f':{url.port}' if url.port else ''}{url.path}"
    )


def http_error(connector: Connector, response: httpx.Response) -> SourceError:
    status = f"HTTP {response.status_code} {response.reason_phrase}".rstrip()
    error = SourceUnavailable if response.status_code in RETRY_STATUS else SourceError
    return error(connector.name, f"{_where(response.request)} answered {status}")


def _reason(error: BaseException) -> str:
    return str(error) or type(error).__name__


def _retry_after(value: str | None) -> float | None:
    """``Retry-After`` as seconds: a number, or an HTTP date."""
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


def parse_json(connector: Connector, response: httpx.Response) -> Any:
    try:
        return orjson.loads(response.content)
    except orjson.JSONDecodeError:
        where = _where(response.request)
        raise SourceError(connector.name, f"{where} did not answer with JSON") from None
