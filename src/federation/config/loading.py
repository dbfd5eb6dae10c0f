"""federation.yaml: read, substitute ``${ENV}``, validate with key paths, build :class:`Config`.

Validation reports every problem at once, each as ``key.path: message``, in one
:class:`~federation.errors.ConfigError`.
"""

from __future__ import annotations

import difflib
import os
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

from federation.cache.settings import parse_cache_settings
from federation.config.model import CircuitBreakerConfig, Config, ServerConfig, SourceConfig
from federation.config.problems import Problems, key_path
from federation.config.substitution import substitute
from federation.config.values import (
    Invalid,
    Parser,
    boolean,
    describe,
    integer,
    mapping,
    optional_string,
    seconds,
    string,
    strings,
)
from federation.errors import ConfigError
from federation.security.parsing import TOP_LEVEL_KEYS as _SECURITY_KEYS
from federation.security.parsing import parse_security, server_defaults

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
    problems = Problems()
    data = substitute(_read_yaml(file), env, "", problems)
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


def _circuit_breaker(value: Any) -> CircuitBreakerConfig | None:
    """``false`` turns it off, ``true`` keeps the defaults, or ``{failures: N, cooldown: S}``."""
    if not isinstance(value, dict):
        try:
            return CircuitBreakerConfig() if boolean(value) else None
        except Invalid:
            raise Invalid(
                f"expected {{failures: N, cooldown: SECONDS}} or false, got {describe(value)}"
            ) from None
    unknown = [str(key) for key in value if key not in ("failures", "cooldown")]
    if unknown:
        raise Invalid(f"unknown key {unknown[0]!r} (known keys: failures, cooldown)")
    parsed: dict[str, Any] = {}
    for key, parse in (("failures", integer(1)), ("cooldown", seconds)):
        if value.get(key) is not None:
            try:
                parsed[key] = parse(value[key])
            except Invalid as error:
                raise Invalid(f"{key}: {error}") from None
    return CircuitBreakerConfig(**parsed)


SOURCE_FIELDS: dict[str, Parser] = {
    "name": string,
    "kind": string,
    "dsn": optional_string,
    "path": optional_string,
    "pool_size": integer(1),
    "connect_timeout": seconds,
    "statement_timeout": seconds,
    "schemas": strings,
    "include": strings,
    "exclude": strings,
    "read_only": boolean,
    "read_only_tables": strings,
    "batch_size": integer(1),
    "semi_join_max_keys": integer(1),
    "options": mapping,
    "circuit_breaker": _circuit_breaker,
}
SERVER_FIELDS: dict[str, Parser] = {
    "host": string,
    "port": integer(1, 65535),
    "workers": integer(1),
    "graphiql": boolean,
    "introspection": boolean,
    "metrics": boolean,
}
_TOP_LEVEL_KEYS = ("sources", "server", "schema_dir", "cache", *_SECURITY_KEYS)

_NAME_PART = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
"""A source name becomes part of GraphQL names, so it must be one itself."""


# --- validation ------------------------------------------------------------------------------


class _Builder:
    """Turns the substituted YAML document into a :class:`Config`, recording every problem."""

    def __init__(self, base_dir: Path, kinds: list[str], problems: Problems) -> None:
        self.base_dir = base_dir
        self.kinds = kinds
        self.problems = problems
        self.names: dict[str, str] = {}
        """Source name -> the key path that first used it."""

    def config(self, data: Any, file_name: str) -> Config:
        if not isinstance(data, dict | None):
            self.problems.add(file_name, f"expected a mapping of settings, got {describe(data)}")
            return Config(sources=(), base_dir=self.base_dir)
        document = self.section(data or {}, "", dict.fromkeys(_TOP_LEVEL_KEYS, _any))
        server = self.section(document.get("server") or {}, "server", SERVER_FIELDS)
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
            self.problems.add(path, f"expected a mapping, got {describe(data)}")
            return {}
        parsed: dict[str, Any] = {}
        for key, value in data.items():
            if key not in spec:
                self.problems.add(key_path(path, key), _unknown_key(key, spec))
            elif value is not None:  # `key:` with no value keeps the default
                try:
                    parsed[key] = spec[key](value)
                except Invalid as error:
                    self.problems.add(key_path(path, key), str(error))
        return parsed

    def sources(self, data: Any) -> tuple[SourceConfig, ...]:
        if not isinstance(data, list) or not data:
            got = "nothing" if data is None else describe(data)
            self.problems.add("sources", f"expected a list of one or more sources, got {got}")
            return ()
        sources = [self.source(item, f"sources[{i}]") for i, item in enumerate(data)]
        return tuple(source for source in sources if source is not None)

    def source(self, data: Any, path: str) -> SourceConfig | None:
        values = self.section(data, path, SOURCE_FIELDS)
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
                self.problems.add(key_path(path, "name"), "required (a name for this source)")
            return False
        if not _NAME_PART.fullmatch(name) or name.startswith("__"):
            self.problems.add(
                key_path(path, "name"),
                f"{name!r} is not a valid GraphQL name part: use letters, digits and '_', "
                "not starting with a digit or '__'",
            )
            return False
        if name in self.names:
            self.problems.add(
                key_path(path, "name"),
                f"duplicate source name {name!r} (also {self.names[name]}.name)",
            )
            return False
        self.names[name] = path
        return True

    def check_kind(self, values: dict[str, Any], data: dict[Any, Any], path: str) -> bool:
        kind = values.get("kind")
        if kind is None:
            if data.get("kind") is None:
                installed = ", ".join(self.kinds) or "none"
                self.problems.add(key_path(path, "kind"), f"required (installed: {installed})")
            return False
        known = kind in self.kinds
        if not known:
            installed = ", ".join(self.kinds) or "none"
            self.problems.add(
                key_path(path, "kind"), f"unknown connector {kind!r} (installed: {installed})"
            )
        return self.check_location(kind, values, path) and known

    def check_location(self, kind: str, values: dict[str, Any], path: str) -> bool:
        has_dsn, has_path = "dsn" in values, "path" in values
        if kind in EMBEDDED_KINDS:
            if has_dsn and has_path:
                self.problems.add(key_path(path, "dsn"), "give either path or dsn, not both")
                return False
            if not (has_dsn or has_path):
                self.problems.add(
                    key_path(path, "path"), f"required for kind {kind!r} (or give dsn)"
                )
                return False
            return True
        if has_path:
            self.problems.add(key_path(path, "path"), f"not used by kind {kind!r}: give dsn")
        if not has_dsn:
            self.problems.add(key_path(path, "dsn"), f"required for kind {kind!r}")
        return has_dsn and not has_path

    def resolve_file(self, value: str) -> str:
        # Whether the file exists is the connector's question (`options: {create: true}`).
        return value if value == ":memory:" else str(self.resolve(value))

    def schema_dir(self, value: Any) -> Path | None:
        if value is None:
            default = self.base_dir / "schema"
            return default if default.is_dir() else None
        try:
            folder = self.resolve(string(value))
        except Invalid as error:
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
