"""federation.yaml: load, ``${ENV}`` substitution, validation with key paths.

The three dataclasses are the contract the rest of the gateway reads; :func:`load_config` builds
them from a file. Validation reports every problem at once, each as ``key.path: message``, in one
:class:`~federation.errors.ConfigError`. The reference of every key is docs/configuration.md.
"""

from __future__ import annotations

import contextlib
import difflib
import math
import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import yaml

from federation.cache.settings import CacheSettings, parse_cache_settings
from federation.errors import ConfigError
from federation.security.parsing import TOP_LEVEL_KEYS as _SECURITY_KEYS
from federation.security.parsing import parse_security, server_defaults
from federation.security.settings import SecurityConfig


@dataclass(frozen=True, slots=True)
class CircuitBreakerConfig:
    """``circuit_breaker: {failures: 5, cooldown: 10}`` (docs/resilience.md)."""

    failures: int = 5
    """Consecutive timeouts or unavailable answers that open the breaker."""
    cooldown: float = 10.0
    """Seconds the breaker stays open before a probe request is let through."""


@dataclass(frozen=True, slots=True)
class SourceConfig:
    name: str
    kind: str
    dsn: str | None = None
    path: str | None = None
    """File path for embedded sources, resolved against the config file's folder."""
    pool_size: int = 5
    connect_timeout: float = 10.0
    statement_timeout: float = 30.0
    schemas: tuple[str, ...] = ()
    """Database schemas to introspect (server databases); empty means the connector's default."""
    include: tuple[str, ...] = ()
    """Only these tables (names or ``schema.name``); empty means all."""
    exclude: tuple[str, ...] = ()
    read_only: bool = False
    """No mutations for the source (and embedded files open read-only)."""
    read_only_tables: tuple[str, ...] = ()
    """Tables (names or ``schema.name``) that get no mutations in a writable source."""
    batch_size: int = 1000
    """Keys per ``IN`` list when this source's rows are joined to another source's."""
    semi_join_max_keys: int = 10000
    """Most keys a filter through a relationship into this source may match (semi-join)."""
    options: dict[str, Any] = field(default_factory=dict)
    circuit_breaker: CircuitBreakerConfig | None = field(default_factory=CircuitBreakerConfig)
    """None when turned off (``circuit_breaker: false``)."""
    schema_dir: Path | None = field(default=None, compare=False, repr=False)
    """The config's ``schema_dir`` (copied in by :class:`Config`), for connectors that read
    declarations from ``schema/*.graphql`` (``rest``: types with ``@rest``)."""


@dataclass(frozen=True, slots=True)
class ServerConfig:
    host: str = "127.0.0.1"
    port: int = 8000
    workers: int = 1
    graphiql: bool = True
    introspection: bool = True


@dataclass(frozen=True, slots=True)
class Config:
    sources: tuple[SourceConfig, ...]
    server: ServerConfig = field(default_factory=ServerConfig)
    schema_dir: Path | None = None
    """Folder of ``*.graphql`` overlay files, resolved against the config file's folder."""
    base_dir: Path = field(default_factory=Path.cwd)
    cache: CacheSettings = field(default_factory=CacheSettings)
    """The ``cache:`` section (docs/caching.md)."""
    security: SecurityConfig = field(default_factory=SecurityConfig)
    """The ``security:``, ``clients:`` and ``persisted_queries:`` sections (docs/security.md)."""

    def __post_init__(self) -> None:
        # Connectors are built from their SourceConfig alone; this hands them the schema folder.
        sources = tuple(
            s if s.schema_dir == self.schema_dir else replace(s, schema_dir=self.schema_dir)
            for s in self.sources
        )
        object.__setattr__(self, "sources", sources)


# --- loading ---------------------------------------------------------------------------------

CONFIG_ENV_VAR = "FEDERATION_CONFIG"
DEFAULT_CONFIG_FILE = "federation.yaml"
EMBEDDED_KINDS = frozenset({"sqlite", "duckdb"})
"""Kinds whose source is a local file: they take ``path`` (or a ``dsn``); every other kind needs
a ``dsn``."""


def resolve_config_path(
    path: str | Path | None = None, env: Mapping[str, str] | None = None
) -> Path:
    """The config file to read: ``path``, else ``$FEDERATION_CONFIG``, else ./federation.yaml."""
    env = os.environ if env is None else env
    chosen = path if path is not None else env.get(CONFIG_ENV_VAR) or DEFAULT_CONFIG_FILE
    return Path(chosen).expanduser().absolute()


def load_config(path: str | Path | None = None, *, env: Mapping[str, str] | None = None) -> Config:
    """Read, substitute and validate federation.yaml.

    Raises :class:`ConfigError` once, listing every problem found with its key path.
    """
    from federation.connector import installed_kinds  # connector.py imports this module

    env = os.environ if env is None else env
    file = resolve_config_path(path, env)
    problems = _Problems()
    data = _substitute(_read_yaml(file), env, "", problems)
    config = _Builder(file.parent, installed_kinds(), problems).config(data, file.name)
    if problems.lines:
        raise ConfigError(problems.in_document_order(data))
    return config


def _read_yaml(file: Path) -> Any:
    try:
        text = file.read_text(encoding="utf-8")
    except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
        raise ConfigError(
            [f"{file}: no such file; pass --config PATH or set {CONFIG_ENV_VAR}"]
        ) from None
    except OSError as error:
        raise ConfigError([f"{file}: cannot read: {error.strerror}"]) from None
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as error:
        raise ConfigError([f"{file}: invalid YAML: {_yaml_message(error)}"]) from None


def _yaml_message(error: yaml.YAMLError) -> str:
    mark = getattr(error, "problem_mark", None)
    problem = getattr(error, "problem", None) or str(error)
    return f"line {mark.line + 1}, column {mark.column + 1}: {problem}" if mark else problem


class _Problems:
    """Collects ``key.path: message`` lines, at most one per key path (a value that failed
    substitution is not reported again by validation)."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self._paths: set[str] = set()

    def add(self, path: str, message: str) -> None:
        if path not in self._paths:
            self._paths.add(path)
            self.lines.append(f"{path}: {message}")

    def in_document_order(self, document: Any) -> list[str]:
        """The lines sorted as their keys appear in the file; a missing key sorts after its
        parent's other keys."""
        start: dict[str, int] = {}
        end: dict[str, int] = {}
        _number_paths(document, "", start, end)

        def position(line: str) -> float:
            path = line.split(": ", 1)[0]
            if path in start:
                return start[path]
            while path not in start:  # the root "" is always numbered
                path = _parent(path)
            return end[path] + 0.5

        return sorted(self.lines, key=position)


_LAST_STEP = re.compile(r"(\.[^.\[]*|\[\d+\])$")


def _parent(path: str) -> str:
    """``sources[0].dsn`` -> ``sources[0]`` -> ``sources`` -> ``""``."""
    parent = _LAST_STEP.sub("", path)
    return parent if parent != path else ""


def _number_paths(value: Any, path: str, start: dict[str, int], end: dict[str, int]) -> None:
    """Number every key path depth-first; ``end`` holds the last number inside each subtree."""
    start[path] = len(start)
    children: Any = ()
    if isinstance(value, dict):
        children = ((_key(path, k), v) for k, v in value.items())
    elif isinstance(value, list):
        children = ((f"{path}[{i}]", v) for i, v in enumerate(value))
    for child_path, child in children:
        _number_paths(child, child_path, start, end)
    end[path] = len(start) - 1


def _key(path: str, key: object) -> str:
    return f"{path}.{key}" if path else str(key)


# --- ${VAR} substitution ---------------------------------------------------------------------

_REFERENCE = re.compile(r"\$(?:(?P<dollar>\$)|\{(?P<body>[^}]*)\}|(?P<open>\{))")
_BODY = re.compile(r"(?P<name>[A-Za-z_][A-Za-z0-9_]*)(?::-(?P<default>[^$]*))?")


def _substitute(value: Any, env: Mapping[str, str], path: str, problems: _Problems) -> Any:
    """Replace ``${VAR}``, ``${VAR:-default}`` and ``$$`` in every string value, recursively."""
    if isinstance(value, str):
        return _substitute_string(value, env, path, problems)
    if isinstance(value, dict):
        return {k: _substitute(v, env, _key(path, k), problems) for k, v in value.items()}
    if isinstance(value, list):
        return [_substitute(v, env, f"{path}[{i}]", problems) for i, v in enumerate(value)]
    return value


def _substitute_string(text: str, env: Mapping[str, str], path: str, problems: _Problems) -> str:
    def replace(match: re.Match[str]) -> str:
        if match["dollar"]:
            return "$"
        if match["open"]:
            problems.add(path, "'${' without a closing '}' (write '$$' for a literal '$')")
            return match[0]
        return _lookup(match["body"], env, path, problems) or ""

    return _REFERENCE.sub(replace, text)


def _lookup(body: str, env: Mapping[str, str], path: str, problems: _Problems) -> str | None:
    parsed = _BODY.fullmatch(body)
    if parsed is None:
        problems.add(path, f"cannot read '${{{body}}}': write ${{NAME}} or ${{NAME:-default}}")
        return None
    name, default = parsed["name"], parsed["default"]
    value = env.get(name)
    if default is not None and not value:  # like the shell: unset or empty takes the default
        return default
    if value is None:
        problems.add(
            path,
            f"environment variable {name} is not set "
            f"(set it, or give a default: ${{{name}:-default}})",
        )
    return value


# --- values ----------------------------------------------------------------------------------


class _Invalid(Exception):
    """A value has the wrong type or range; the message says what was expected."""


Parser = Callable[[Any], Any]


def _describe(value: Any) -> str:
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list" if value else "an empty list"
    return repr(value)


def _string(value: Any) -> str:
    if not isinstance(value, str):
        raise _Invalid(f"expected a string, got {_describe(value)}")
    return value


def _optional_string(value: Any) -> str | None:
    return _string(value) or None  # `dsn: ${DSN:-}` means "not given"


def _integer(low: int, high: int | None = None) -> Parser:
    expected = f"an integer from {low} to {high}" if high else f"an integer of at least {low}"

    def parse(value: Any) -> int:
        number = _as_int(value)
        if number is None or number < low or (high is not None and number > high):
            raise _Invalid(f"expected {expected}, got {_describe(value)}")
        return number

    return parse


def _as_int(value: Any) -> int | None:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and re.fullmatch(r"\s*[+-]?\d+\s*", value):
        return int(value)  # values substituted from the environment arrive as strings
    return None


def _seconds(value: Any) -> float:
    number: float | None = None
    if isinstance(value, int | float) and not isinstance(value, bool):
        number = float(value)
    elif isinstance(value, str):
        with contextlib.suppress(ValueError):
            number = float(value)
    if number is None or not math.isfinite(number) or number <= 0:
        raise _Invalid(f"expected a number of seconds greater than 0, got {_describe(value)}")
    return number


_TRUE = frozenset({"true", "yes", "on", "1"})
_FALSE = frozenset({"false", "no", "off", "0"})


def _boolean(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in _TRUE | _FALSE:
        return value.strip().lower() in _TRUE
    raise _Invalid(f"expected true or false, got {_describe(value)}")


def _strings(value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        return (value,)
    if isinstance(value, list) and all(isinstance(item, str) for item in value):
        return tuple(value)
    raise _Invalid(f"expected a list of strings, got {_describe(value)}")


def _mapping(value: Any) -> dict[str, Any]:
    if isinstance(value, dict) and all(isinstance(key, str) for key in value):
        return dict(value)
    raise _Invalid(f"expected a mapping of names to values, got {_describe(value)}")


def _circuit_breaker(value: Any) -> CircuitBreakerConfig | None:
    """``false`` turns it off, ``true`` keeps the defaults, or ``{failures: N, cooldown: S}``."""
    if not isinstance(value, dict):
        try:
            return CircuitBreakerConfig() if _boolean(value) else None
        except _Invalid:
            raise _Invalid(
                f"expected {{failures: N, cooldown: SECONDS}} or false, got {_describe(value)}"
            ) from None
    unknown = [str(key) for key in value if key not in ("failures", "cooldown")]
    if unknown:
        raise _Invalid(f"unknown key {unknown[0]!r} (known keys: failures, cooldown)")
    parsed: dict[str, Any] = {}
    for key, parse in (("failures", _integer(1)), ("cooldown", _seconds)):
        if value.get(key) is not None:
            try:
                parsed[key] = parse(value[key])
            except _Invalid as error:
                raise _Invalid(f"{key}: {error}") from None
    return CircuitBreakerConfig(**parsed)


_SOURCE_FIELDS: dict[str, Parser] = {
    "name": _string,
    "kind": _string,
    "dsn": _optional_string,
    "path": _optional_string,
    "pool_size": _integer(1),
    "connect_timeout": _seconds,
    "statement_timeout": _seconds,
    "schemas": _strings,
    "include": _strings,
    "exclude": _strings,
    "read_only": _boolean,
    "read_only_tables": _strings,
    "batch_size": _integer(1),
    "semi_join_max_keys": _integer(1),
    "options": _mapping,
    "circuit_breaker": _circuit_breaker,
}
_SERVER_FIELDS: dict[str, Parser] = {
    "host": _string,
    "port": _integer(1, 65535),
    "workers": _integer(1),
    "graphiql": _boolean,
    "introspection": _boolean,
}
_TOP_LEVEL_KEYS = ("sources", "server", "schema_dir", "cache", *_SECURITY_KEYS)

_NAME_PART = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
"""A source name becomes part of GraphQL names, so it must be one itself."""


# --- validation ------------------------------------------------------------------------------


class _Builder:
    """Turns the substituted YAML document into a :class:`Config`, recording every problem."""

    def __init__(self, base_dir: Path, kinds: list[str], problems: _Problems) -> None:
        self.base_dir = base_dir
        self.kinds = kinds
        self.problems = problems
        self.names: dict[str, str] = {}
        """Source name -> the key path that first used it."""

    def config(self, data: Any, file_name: str) -> Config:
        if not isinstance(data, dict | None):
            self.problems.add(file_name, f"expected a mapping of settings, got {_describe(data)}")
            return Config(sources=(), base_dir=self.base_dir)
        document = self.section(data or {}, "", dict.fromkeys(_TOP_LEVEL_KEYS, _any))
        server = self.section(document.get("server") or {}, "server", _SERVER_FIELDS)
        security = parse_security(document, self.base_dir, self.problems.add)
        server = {**server_defaults(security), **server}  # the profile's, unless set
        return Config(
            sources=self.sources(document.get("sources")),
            server=ServerConfig(**server),
            schema_dir=self.schema_dir(document.get("schema_dir")),
            base_dir=self.base_dir,
            cache=parse_cache_settings(document.get("cache"), set(self.names), self.problems.add),
            security=security,
        )

    def section(self, data: Any, path: str, spec: Mapping[str, Parser]) -> dict[str, Any]:
        """Parse a mapping's known keys; report unknown keys and invalid values."""
        if not isinstance(data, dict):
            self.problems.add(path, f"expected a mapping, got {_describe(data)}")
            return {}
        parsed: dict[str, Any] = {}
        for key, value in data.items():
            if key not in spec:
                self.problems.add(_key(path, key), _unknown_key(key, spec))
            elif value is not None:  # `key:` with no value keeps the default
                try:
                    parsed[key] = spec[key](value)
                except _Invalid as error:
                    self.problems.add(_key(path, key), str(error))
        return parsed

    def sources(self, data: Any) -> tuple[SourceConfig, ...]:
        if not isinstance(data, list) or not data:
            got = "nothing" if data is None else _describe(data)
            self.problems.add("sources", f"expected a list of one or more sources, got {got}")
            return ()
        sources = [self.source(item, f"sources[{i}]") for i, item in enumerate(data)]
        return tuple(source for source in sources if source is not None)

    def source(self, data: Any, path: str) -> SourceConfig | None:
        values = self.section(data, path, _SOURCE_FIELDS)
        if not isinstance(data, dict):
            return None
        name_ok = self.check_name(values.get("name"), data, path)
        kind_ok = self.check_kind(values, data, path)
        if "path" in values:
            values["path"] = self.resolve_file(values["path"])
        return SourceConfig(**values) if name_ok and kind_ok else None

    def check_name(self, name: str | None, data: dict[Any, Any], path: str) -> bool:
        if name is None:
            if data.get("name") is None:
                self.problems.add(_key(path, "name"), "required (a name for this source)")
            return False
        if not _NAME_PART.fullmatch(name) or name.startswith("__"):
            self.problems.add(
                _key(path, "name"),
                f"{name!r} is not a valid GraphQL name part: use letters, digits and '_', "
                "not starting with a digit or '__'",
            )
            return False
        if name in self.names:
            self.problems.add(
                _key(path, "name"), f"duplicate source name {name!r} (also {self.names[name]}.name)"
            )
            return False
        self.names[name] = path
        return True

    def check_kind(self, values: dict[str, Any], data: dict[Any, Any], path: str) -> bool:
        kind = values.get("kind")
        if kind is None:
            if data.get("kind") is None:
                installed = ", ".join(self.kinds) or "none"
                self.problems.add(_key(path, "kind"), f"required (installed: {installed})")
            return False
        known = kind in self.kinds
        if not known:
            installed = ", ".join(self.kinds) or "none"
            self.problems.add(
                _key(path, "kind"), f"unknown connector {kind!r} (installed: {installed})"
            )
        return self.check_location(kind, values, path) and known

    def check_location(self, kind: str, values: dict[str, Any], path: str) -> bool:
        has_dsn, has_path = "dsn" in values, "path" in values
        if kind in EMBEDDED_KINDS:
            if has_dsn and has_path:
                self.problems.add(_key(path, "dsn"), "give either path or dsn, not both")
                return False
            if not (has_dsn or has_path):
                self.problems.add(_key(path, "path"), f"required for kind {kind!r} (or give dsn)")
                return False
            return True
        if has_path:
            self.problems.add(_key(path, "path"), f"not used by kind {kind!r}: give dsn")
        if not has_dsn:
            self.problems.add(_key(path, "dsn"), f"required for kind {kind!r}")
        return has_dsn and not has_path

    def resolve_file(self, value: str) -> str:
        # Whether the file exists is the connector's question (`options: {create: true}`).
        return value if value == ":memory:" else str(self.resolve(value))

    def schema_dir(self, value: Any) -> Path | None:
        if value is None:
            default = self.base_dir / "schema"
            return default if default.is_dir() else None
        try:
            folder = self.resolve(_string(value))
        except _Invalid as error:
            self.problems.add("schema_dir", str(error))
            return None
        if not folder.is_dir():
            self.problems.add(
                "schema_dir",
                f"no folder at {folder} (relative paths start at the config file's folder)",
            )
        return folder

    def resolve(self, value: str) -> Path:
        return (self.base_dir / Path(value).expanduser()).absolute()


def _any(value: Any) -> Any:
    return value


def _unknown_key(key: object, spec: Mapping[str, Parser]) -> str:
    close = difflib.get_close_matches(str(key), list(spec), n=1, cutoff=0.5)
    if close:
        return f"unknown key (did you mean {close[0]!r}?)"
    return f"unknown key (known keys: {', '.join(spec)})"
