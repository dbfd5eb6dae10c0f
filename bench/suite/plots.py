"""The scale curves as PNG: p50 latency against result rows and against nesting depth."""

from __future__ import annotations

from pathlib import Path
from typing import Any


def draw(curves: list[dict[str, Any]], folder: Path, stem: str) -> list[str]:
    """Write ``<stem>-rows.png`` and ``<stem>-depth.png``; their file names (none without
    matplotlib: ``pip install -e '.[bench]'``)."""
    try:
        import matplotlib

        matplotlib.use("Agg")  # files only, no display
        import matplotlib.pyplot as plt
    except ImportError:
        return []
    names = []
    for curve, label, log_x in (
        ("rows", "result rows (flat orders)", True),
        ("depth", "nesting depth (30 customers)", False),
    ):
        points = [c for c in curves if c["curve"] == curve]
        if not points:
            continue
        figure, axes = plt.subplots(figsize=(7, 4.5))
        for contender in dict.fromkeys(c["contender"] for c in points):
            mine = sorted((c["x"], c["p50_ms"]) for c in points if c["contender"] == contender)
            axes.plot([x for x, _ in mine], [y for _, y in mine], marker="o", label=contender)
        if log_x:
            axes.set_xscale("log")
        axes.set_yscale("log")
        axes.set_xlabel(label)
        axes.set_ylabel("p50 latency, ms (concurrency 1)")
        axes.grid(True, which="both", alpha=0.3)
        axes.legend(fontsize=8)
        figure.tight_layout()
        name = f"{stem}-{curve}.png"
        figure.savefig(folder / name, dpi=100)
        plt.close(figure)
        names.append(name)
    return names
