"""Hasura's ``path`` argument on json/jsonb columns: a JSON path into the value.

    $                       the whole value
    a.b   .a.b   $.a.b      keys
    arr[0]   objs.[0]       array items
    ['hello world!']        a key in brackets, quoted with ' or "

Parsed into steps (``str`` keys, ``int`` indexes) that each dialect turns into its own path
expression, always as a bind parameter.
"""

from __future__ import annotations

import re

from federation.errors import QueryError

Step = str | int
_KEY = re.compile(r"[^.\[\]'\"\s]+")
_INDEX = re.compile(r"\[(\d+)\]")
_QUOTED = re.compile(r"""\[(?:'((?:[^'\\]|\\.)*)'|"((?:[^"\\]|\\.)*)")\]""")


def parse_json_path(path: str, field: str) -> tuple[Step, ...]:
    """The steps of ``path``; raises QueryError naming the field and the position at fault."""
    text = path.strip()
    position = 1 if text.startswith("$") else 0
    steps: list[Step] = []
    while position < len(text):
        if text[position] == "[":
            step, position = _bracket(text, position, path, field)
        else:
            if text[position] == ".":
                position += 1
                if text.startswith("[", position):  # `objs.[0]`
                    continue
            elif steps:  # a key after the first needs its dot
                raise _invalid(path, field, position)
            match = _KEY.match(text, position)
            if match is None:
                raise _invalid(path, field, position)
            step, position = match[0], match.end()
        steps.append(step)
    return tuple(steps)


def _bracket(text: str, position: int, path: str, field: str) -> tuple[Step, int]:
    index = _INDEX.match(text, position)
    if index is not None:
        return int(index[1]), index.end()
    quoted = _QUOTED.match(text, position)
    if quoted is not None:
        return _unquote(quoted), quoted.end()
    raise _invalid(path, field, position)


def _unquote(match: re.Match[str]) -> str:
    raw = match[1] if match[1] is not None else match[2]
    return re.sub(r"\\(.)", r"\1", raw)


def _invalid(path: str, field: str, position: int) -> QueryError:
    return QueryError(
        f"{field}(path: {path!r}): cannot read the JSON path at character {position + 1}; "
        "write keys as `a.b` or `['a b']` and array items as `[0]` (`$` is the whole value)",
        code="BAD_ARGUMENT",
    )


def dotted(steps: tuple[Step, ...]) -> str:
    """``$."a"."b"[0]``: the SQL/JSON path of SQLite, MySQL/MariaDB and DuckDB."""
    parts = ["$"]
    for step in steps:
        if isinstance(step, int):
            parts.append(f"[{step}]")
        else:
            parts.append('."' + step.replace("\\", "\\\\").replace('"', '\\"') + '"')
    return "".join(parts)
