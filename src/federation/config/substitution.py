"""``${VAR}``, ``${VAR:-default}`` and ``$$`` in every string value of federation.yaml."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from federation.config.problems import Problems, key_path

_REFERENCE = re.compile(r"\$(?:(?P<dollar>\$)|\{(?P<body>[^}]*)\}|(?P<open>\{))")
_BODY = re.compile(r"(?P<name>[A-Za-z_][A-Za-z0-9_]*)(?::-(?P<default>[^$]*))?")


def substitute(value: Any, env: Mapping[str, str], path: str, problems: Problems) -> Any:
    """Replace ``${VAR}``, ``${VAR:-default}`` and ``$$`` in every string value, recursively."""
    if isinstance(value, str):
        return _substitute_string(value, env, path, problems)
    if isinstance(value, dict):
        return {k: substitute(v, env, key_path(path, k), problems) for k, v in value.items()}
    if isinstance(value, list):
        return [substitute(v, env, f"{path}[{i}]", problems) for i, v in enumerate(value)]
    return value


def _substitute_string(text: str, env: Mapping[str, str], path: str, problems: Problems) -> str:
    def replace(match: re.Match[str]) -> str:
        if match["dollar"]:
            return "$"
        if match["open"]:
            problems.add(path, "'${' without a closing '}' (write '$$' for a literal '$')")
            return match[0]
        return _lookup(match["body"], env, path, problems) or ""

    return _REFERENCE.sub(replace, text)


def _lookup(body: str, env: Mapping[str, str], path: str, problems: Problems) -> str | None:
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
