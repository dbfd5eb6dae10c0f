"""The ``serve`` fixture (see security_helpers.py)."""

from __future__ import annotations

from pathlib import Path

import pytest
from security_helpers import Serve, serve_from


@pytest.fixture
def serve(tmp_path: Path) -> Serve:
    """``async with serve(yaml) as client``: the app over a gateway started from the config."""
    return serve_from(tmp_path)
