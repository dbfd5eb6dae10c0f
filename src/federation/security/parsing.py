"""The `security:`, `clients:` and `persisted_queries:` sections of federation.yaml.

Parsed here, not in config.py, so that security owns its keys; config.py calls
:func:`parse_security` with a function that records ``key.path: message`` problems. Every
problem is reported, each under its key path.
"""

from __future__ import annotations

import difflib
import hashlib
import math
import re
from collections.abc import Callable, Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any, Final

from federation.security.limits import DEVELOPMENT_LIMITS, PRODUCTION_LIMITS, Limits
from federation.security.settings import (
    PROFILES,
    ClientConfig,
    Profile,
    RateLimit,
    SecurityConfig,
)

Report = Callable[[str, str], None]
TOP_LEVEL_KEYS: Final = ("security", "clients", "persisted_queries")
_SHA256 = re.compile(r"[0-9a-f]{64}")


class _Invalid(Exception):
    pass


def parse_security(document: Mapping[str, Any], base_dir: Path, report: Report) -> SecurityConfig:
    """The settings from the top-level mapping of federation.yaml; problems go to ``report``."""
    reader = _Reader(base_dir, report)
    security = reader.mapping(document.get("security"), "security")
    profile: Profile = reader.value(security, "security", "profile", _profile) or "development"
    production = profile == "production"
    limits = reader.limits(
        security.get("limits"),
        "security.limits",
        PRODUCTION_LIMITS if production else DEVELOPMENT_LIMITS,
    )
    persisted = reader.mapping(document.get("persisted_queries"), "persisted_queries")
    reader.unknown(security, "security", _SECURITY_KEYS)
    reader.unknown(persisted, "persisted_queries", ("apq", "apq_ttl", "manifests"))
    return SecurityConfig(
        profile=profile,
        anonymous=reader.value(security, "security", "anonymous", _boolean, True),
        suggestions=reader.value(security, "security", "suggestions", _boolean, not production),
        mask_errors=reader.value(security, "security", "mask_errors", _boolean, production),
        limits=limits,
        rate_limit=reader.rate_limit(security.get("rate_limit"), "security.rate_limit"),
        clients=reader.clients(document.get("clients"), limits),
        apq=reader.value(persisted, "persisted_queries", "apq", _boolean, True),
        apq_ttl=reader.value(persisted, "persisted_queries", "apq_ttl", _ttl, 7 * 24 * 3600.0),
        manifests=reader.files(persisted.get("manifests"), "persisted_queries.manifests"),
    )


def server_defaults(security: SecurityConfig) -> dict[str, bool]:
    """The `server:` settings the profile changes when federation.yaml does not set them."""
    return {"graphiql": False, "introspection": False} if security.production else {}


def hash_key(key: str) -> str:
    """How an API key is stored and compared: its SHA-256 as lowercase hex."""
    return hashlib.sha256(key.encode()).hexdigest()


# --- values ----------------------------------------------------------------------------------


def _profile(value: Any) -> Profile:
    for profile in PROFILES:
        if value == profile:
            return profile
    raise _Invalid(f"expected one of {', '.join(PROFILES)}, got {value!r}")


def _boolean(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if isinstance(value, str) and text in ("true", "yes", "on", "1", "false", "no", "off", "0"):
        return text in ("true", "yes", "on", "1")
    raise _Invalid(f"expected true or false, got {value!r}")


def _count(value: Any) -> int:
    number = value
    if isinstance(value, str) and re.fullmatch(r"\s*\d+\s*", value):
        number = int(value)  # values substituted from the environment arrive as strings
    if not isinstance(number, int) or isinstance(number, bool) or number < 0:
        raise _Invalid(f"expected an integer of at least 0 (0: no limit), got {value!r}")
    return number


def _number(value: Any, what: str) -> float:
    try:
        number = float(value) if not isinstance(value, bool) else math.nan
    except (TypeError, ValueError):
        number = math.nan
    if not math.isfinite(number) or number < 0:
        raise _Invalid(f"expected {what}, got {value!r}")
    return number


def _seconds(value: Any) -> float:
    return _number(value, "a number of seconds (0: no limit)")


def _ttl(value: Any) -> float | None:
    seconds = _number(value, "a number of seconds (0: kept until evicted)")
    return seconds or None


def _string(value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise _Invalid(f"expected a non-empty string, got {value!r}")
    return value


def _strings(value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        return (value,)
    if isinstance(value, list) and all(isinstance(item, str) for item in value):
        return tuple(value)
    raise _Invalid(f"expected a list of strings, got {value!r}")


_SECURITY_KEYS: Final = (
    "profile",
    "anonymous",
    "suggestions",
    "mask_errors",
    "limits",
    "rate_limit",
)
_LIMIT_PARSERS: Final[dict[str, Callable[[Any], Any]]] = {
    "max_body_bytes": _count,
    "max_tokens": _count,
    "max_depth": _count,
    "max_aliases": _count,
    "max_root_fields": _count,
    "max_directives_per_field": _count,
    "max_batch_size": _count,
    "max_cost": _count,
    "list_size": _count,
    "timeout": _seconds,
}
_CLIENT_KEYS: Final = (
    "name",
    "key",
    "key_sha256",
    "roles",
    "persisted_only",
    "log_only",
    "manifest",
    "manifests",
    "limits",
    "rate_limit",
)


class _Reader:
    def __init__(self, base_dir: Path, report: Report) -> None:
        self.base_dir = base_dir
        self.report = report

    def mapping(self, data: Any, path: str) -> dict[str, Any]:
        if data is None:
            return {}
        if not isinstance(data, dict):
            self.report(path, f"expected a mapping, got {data!r}")
            return {}
        return data

    def unknown(self, data: Mapping[str, Any], path: str, known: tuple[str, ...]) -> None:
        for key in data:
            if key not in known:
                close = difflib.get_close_matches(str(key), known, n=1, cutoff=0.5)
                hint = f"did you mean {close[0]!r}?" if close else f"known keys: {', '.join(known)}"
                self.report(f"{path}.{key}", f"unknown key ({hint})")

    def value(
        self,
        data: Mapping[str, Any],
        path: str,
        key: str,
        parse: Callable[[Any], Any],
        default: Any = None,
    ) -> Any:
        if data.get(key) is None:
            return default
        try:
            return parse(data[key])
        except _Invalid as error:
            self.report(f"{path}.{key}", str(error))
            return default

    def limits(self, data: Any, path: str, base: Limits) -> Limits:
        values = self.mapping(data, path)
        self.unknown(values, path, tuple(_LIMIT_PARSERS))
        changes = {
            key: self.value(values, path, key, parse)
            for key, parse in _LIMIT_PARSERS.items()
            if values.get(key) is not None
        }
        return replace(base, **{k: v for k, v in changes.items() if v is not None})

    def rate_limit(self, data: Any, path: str) -> RateLimit | None:
        if data is None:
            return None
        values = self.mapping(data, path)
        self.unknown(values, path, ("requests_per_second", "burst"))
        rate = self.value(values, path, "requests_per_second", _positive_rate)
        if rate is None and isinstance(data, dict) and "requests_per_second" not in values:
            self.report(f"{path}.requests_per_second", "required (requests refilled per second)")
        burst = self.value(values, path, "burst", _count)
        if rate is None:
            return None
        return RateLimit(rate, burst or max(1, math.ceil(rate)))

    def files(self, data: Any, path: str) -> tuple[Path, ...]:
        if data is None:
            return ()
        try:
            names = _strings(data)
        except _Invalid as error:
            self.report(path, str(error))
            return ()
        files = []
        for index, name in enumerate(names):
            file = (self.base_dir / Path(name).expanduser()).absolute()
            if not file.is_file():
                where = f"{path}[{index}]" if isinstance(data, list) else path
                self.report(
                    where, f"no file at {file} (relative paths start at the config file's folder)"
                )
            files.append(file)
        return tuple(files)

    def clients(self, data: Any, limits: Limits) -> tuple[ClientConfig, ...]:
        if data is None:
            return ()
        if not isinstance(data, list):
            self.report("clients", f"expected a list of clients, got {data!r}")
            return ()
        clients: list[tuple[str, ClientConfig]] = []
        for index, item in enumerate(data):
            client = self.client(item, f"clients[{index}]", limits)
            if client is not None:
                clients.append((f"clients[{index}]", client))
        self.check_unique(clients)
        return tuple(client for _, client in clients)

    def client(self, data: Any, path: str, limits: Limits) -> ClientConfig | None:
        values = self.mapping(data, path)
        self.unknown(values, path, _CLIENT_KEYS)
        name = self.value(values, path, "name", _string)
        if name is None and values.get("name") is None:
            self.report(f"{path}.name", "required (the client's name, used in logs and limits)")
        key_hash = self.key_hash(values, path)
        manifests = self.files(values.get("manifest"), f"{path}.manifest") + self.files(
            values.get("manifests"), f"{path}.manifests"
        )
        persisted_only = self.value(values, path, "persisted_only", _boolean, False)
        if persisted_only and not manifests:
            self.report(
                f"{path}.persisted_only",
                "a persisted_only client needs its safelist: add `manifest: FILE`",
            )
        if name is None or key_hash is None:
            return None
        return ClientConfig(
            name=name,
            key_sha256=key_hash,
            roles=self.value(values, path, "roles", _strings, ()),
            persisted_only=persisted_only,
            log_only=self.value(values, path, "log_only", _boolean, False),
            manifests=manifests,
            limits=self.limits(values.get("limits"), f"{path}.limits", limits),
            rate_limit=self.rate_limit(values.get("rate_limit"), f"{path}.rate_limit"),
        )

    def key_hash(self, values: Mapping[str, Any], path: str) -> str | None:
        key = self.value(values, path, "key", _string)
        digest = self.value(values, path, "key_sha256", _string)
        if (key is None) == (digest is None):
            if values.get("key") is None and values.get("key_sha256") is None:
                self.report(
                    f"{path}.key_sha256",
                    "required: the SHA-256 of the client's API key as hex "
                    "(or `key: ${ENV_VAR}`, hashed when the file is read)",
                )
            elif key is not None:
                self.report(f"{path}.key", "give either key or key_sha256, not both")
            return None
        if key is not None:
            return hash_key(key)
        if not _SHA256.fullmatch(digest.lower()):
            self.report(
                f"{path}.key_sha256",
                'expected 64 hexadecimal digits (e.g. `printf %s "$KEY" | sha256sum`)',
            )
            return None
        return str(digest.lower())

    def check_unique(self, clients: list[tuple[str, ClientConfig]]) -> None:
        names: set[str] = set()
        keys: dict[str, str] = {}
        for path, client in clients:
            if client.name in names:
                self.report(f"{path}.name", f"duplicate client name {client.name!r}")
            if client.key_sha256 in keys:
                self.report(
                    f"{path}.key_sha256",
                    f"the same API key as client {keys[client.key_sha256]!r}: give each its own",
                )
            names.add(client.name)
            keys.setdefault(client.key_sha256, client.name)


def _positive_rate(value: Any) -> float:
    rate = _number(value, "a number of requests per second greater than 0")
    if rate <= 0:
        raise _Invalid(f"expected a number of requests per second greater than 0, got {value!r}")
    return rate
