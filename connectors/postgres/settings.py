"""A source's configuration -> the keyword arguments of ``asyncpg.create_pool``.

Options (``options:`` of the source in federation.yaml), all optional:

``sslmode``
    ``disable``, ``prefer``, ``require``, ``verify-ca`` or ``verify-full`` (libpq's meanings);
    ``ssl: true`` is ``require``. A DSN's own ``?sslmode=`` works too.
``sslrootcert``, ``sslcert``, ``sslkey``
    Files for certificate checks and client certificates.
``min_pool_size``
    Connections opened at start (default 1, which proves the source is reachable).
``statement_cache_size``
    asyncpg's prepared-statement cache per connection; ``0`` behind PgBouncer in transaction mode.
``server_settings``
    Extra run-time settings for every connection (``{search_path: app}``).

Every connection runs with ``TimeZone=UTC`` (``timestamptz`` values, and JSON built by the
database, then read ``2017-09-21T09:39:44+00:00``) and ``statement_timeout`` from the source's
``statement_timeout``, so the server itself cancels a runaway statement.
"""

from __future__ import annotations

import ssl
from typing import Any
from urllib.parse import parse_qs, urlsplit

from federation.config import SourceConfig
from federation.errors import SourceUnavailable

DEFAULT_PORT = 5432
_CLIENT_GRACE = 5.0
"""Seconds the client waits beyond the server's statement_timeout before giving up itself."""


def address(dsn: str) -> str:
    """``host:port`` of a DSN, for messages: never the user or the password."""
    parts = urlsplit(dsn)
    query = parse_qs(parts.query)
    try:
        port = parts.port or DEFAULT_PORT
    except ValueError:  # a malformed port: still say which host
        port = DEFAULT_PORT
    host = parts.hostname or query.get("host", ["localhost"])[0]
    return f"{host}:{port}"


def pool_arguments(config: SourceConfig) -> dict[str, Any]:
    """What ``asyncpg.create_pool`` needs besides ``init``."""
    if not config.dsn:
        raise SourceUnavailable(
            config.name,
            "no dsn given; set `dsn: postgresql://user:${PGPASSWORD}@host:5432/db` for this source",
        )
    options = config.options
    arguments: dict[str, Any] = {
        "dsn": config.dsn,
        "min_size": min(int(options.get("min_pool_size", 1)), config.pool_size),
        "max_size": config.pool_size,
        "timeout": config.connect_timeout,
        "server_settings": _server_settings(config),
    }
    if config.statement_timeout > 0:
        arguments["command_timeout"] = config.statement_timeout + _CLIENT_GRACE
    if "statement_cache_size" in options:
        arguments["statement_cache_size"] = int(options["statement_cache_size"])
    tls = ssl_argument(options)
    if tls is not None:
        arguments["ssl"] = tls
    return arguments


def _server_settings(config: SourceConfig) -> dict[str, str]:
    settings = {"TimeZone": "UTC", "application_name": "federation"}
    if config.statement_timeout > 0:
        settings["statement_timeout"] = str(int(config.statement_timeout * 1000))
    settings.update(
        {str(k): str(v) for k, v in dict(config.options.get("server_settings", {})).items()}
    )
    return settings


def ssl_argument(options: dict[str, Any]) -> str | ssl.SSLContext | None:
    """The ``ssl`` argument: a libpq ``sslmode`` name, or a context when files are given."""
    mode = options.get("sslmode")
    if mode is None and options.get("ssl") is not None:
        mode = "require" if options["ssl"] else "disable"
    files = {key: options.get(key) for key in ("sslrootcert", "sslcert", "sslkey")}
    if not any(files.values()):
        return str(mode) if mode else None
    context = ssl.create_default_context(cafile=files["sslrootcert"])
    if files["sslcert"]:
        context.load_cert_chain(files["sslcert"], files["sslkey"])
    if mode != "verify-full":
        context.check_hostname = False
    if not files["sslrootcert"] and mode not in ("verify-ca", "verify-full"):
        context.verify_mode = ssl.CERT_NONE  # encrypt only, as libpq's `require`
    return context
