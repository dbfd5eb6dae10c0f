"""A source's configuration -> the keyword arguments of ``aiomysql.connect`` / ``create_pool``.

The DSN is ``mysql://user:password@host:3306/database`` (``mariadb://`` works too; user and
password percent-encoded). Options (``options:`` of the source), all optional:

``ssl``
    ``true`` to encrypt without checking the certificate, or a mapping with ``ca``, ``cert``,
    ``key`` and ``verify`` (default true when ``ca`` is given). ``sslmode`` takes libpq's
    names (``require``, ``verify-ca``, ``verify-full``) for symmetry with PostgreSQL. With
    ``verify``, the host name is checked too unless ``verify_hostname: false`` or ``verify-ca``.
``min_pool_size``
    Connections opened at start (default 1, which proves the source is reachable).
``charset``
    Default ``utf8mb4``.
``pool_recycle``
    Seconds after which a pooled connection is replaced (default 3600).

Every connection runs in autocommit (a pooled connection must not keep an old snapshot),
with ``time_zone = '+00:00'`` and the server's own statement time limit (MariaDB
``max_statement_time``, MySQL ``max_execution_time``) from ``statement_timeout``.
"""

from __future__ import annotations

import datetime
import ssl
from typing import Any
from urllib.parse import unquote, urlsplit

import pymysql.converters
from pymysql.constants import FIELD_TYPE

from federation.config import SourceConfig
from federation.errors import SourceUnavailable

DEFAULT_PORT = 3306
_SCHEMES = ("mysql", "mariadb", "mysql+aiomysql")


def address(dsn: str) -> str:
    """``host:port`` of a DSN, for messages: never the user or the password."""
    parts = urlsplit(dsn)
    try:
        port = parts.port or DEFAULT_PORT
    except ValueError:
        port = DEFAULT_PORT
    return f"{parts.hostname or 'localhost'}:{port}"


def database(dsn: str) -> str | None:
    return unquote(urlsplit(dsn).path.lstrip("/")) or None


def connect_arguments(config: SourceConfig) -> dict[str, Any]:
    """Arguments shared by the probe connection and the pool (no ``init_command`` yet)."""
    parts = urlsplit(config.dsn or "")
    if parts.scheme not in _SCHEMES:
        raise SourceUnavailable(
            config.name,
            "the dsn must look like mysql://user:${MYSQL_PASSWORD}@host:3306/database",
        )
    arguments: dict[str, Any] = {
        "host": parts.hostname or "localhost",
        "port": parts.port or DEFAULT_PORT,
        "user": unquote(parts.username or ""),
        "password": unquote(parts.password or ""),
        "db": database(config.dsn or ""),
        "charset": str(config.options.get("charset", "utf8mb4")),
        "autocommit": True,
        "connect_timeout": config.connect_timeout,
        "conv": CONVERSIONS,
    }
    tls = ssl_argument(config.options)
    if tls is not None:
        arguments["ssl"] = tls
    return arguments


def session_setup(config: SourceConfig, server_version: str) -> str:
    """The ``init_command`` of every pooled connection, for this server's flavour."""
    # JSON_ARRAYAGG is built on GROUP_CONCAT: without this MariaDB cuts arrays at 1 MB.
    parts = ["time_zone = '+00:00'", "group_concat_max_len = 18446744073709551615"]
    if config.statement_timeout > 0:
        if "mariadb" in server_version.lower():
            parts.append(f"max_statement_time = {config.statement_timeout:g}")
        else:
            parts.append(f"max_execution_time = {int(config.statement_timeout * 1000)}")
    return "SET SESSION " + ", ".join(parts)


def ssl_argument(options: dict[str, Any]) -> ssl.SSLContext | None:
    setting = options.get("ssl")
    mode = options.get("sslmode")
    if not setting and mode in (None, "disable", "prefer", "allow"):
        return None
    files: dict[str, Any] = setting if isinstance(setting, dict) else {}
    context = ssl.create_default_context(cafile=files.get("ca"))
    if files.get("cert"):
        context.load_cert_chain(files["cert"], files.get("key"))
    verify = bool(files.get("verify", "ca" in files or mode in ("verify-ca", "verify-full")))
    context.check_hostname = verify and bool(files.get("verify_hostname", mode != "verify-ca"))
    if not verify:
        context.verify_mode = ssl.CERT_NONE  # encrypt only, as libpq's `require`
    return context


def _time_of_day(value: bytes | str) -> datetime.time | str | None:
    """MySQL ``TIME`` is a duration (-838:59:59..838:59:59); a time of day when it is one."""
    text = value.decode() if isinstance(value, bytes) else value
    duration = pymysql.converters.convert_timedelta(text)
    if isinstance(duration, datetime.timedelta) and datetime.timedelta(0) <= duration < _DAY:
        return (datetime.datetime.min + duration).time()
    return text


_DAY = datetime.timedelta(days=1)

CONVERSIONS: dict[Any, Any] = {**pymysql.converters.decoders, FIELD_TYPE.TIME: _time_of_day}
"""PyMySQL's decoders, with ``TIME`` as ``datetime.time`` rather than ``timedelta``."""
