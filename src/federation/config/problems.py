"""Configuration problems, collected by key path and reported in the order of the file."""

from __future__ import annotations

import re
from typing import Any


class Problems:
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
        children = ((key_path(path, k), v) for k, v in value.items())
    elif isinstance(value, list):
        children = ((f"{path}[{i}]", v) for i, v in enumerate(value))
    for child_path, child in children:
        _number_paths(child, child_path, start, end)
    end[path] = len(start) - 1


def key_path(path: str, key: object) -> str:
    return f"{path}.{key}" if path else str(key)
