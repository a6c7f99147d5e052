"""Fixtures shared by every test area. Keep this small and generic."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from mspdesk.desk import Desk

FIXED_NOW = datetime(2013, 3, 14, 10, 30, 0, tzinfo=UTC)
"""The moment the `desk` fixture's clock always returns."""


@pytest.fixture(autouse=True)
def own_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Settings (`mspdesk config`) in the test's own folder, never the real one."""
    monkeypatch.setenv("MSPDESK_CONFIG", str(tmp_path / "config" / "config.toml"))


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    """A data directory path that does not exist yet (the store creates it)."""
    return tmp_path / "data"


@pytest.fixture
def desk(data_dir: Path) -> Iterator[Desk]:
    """An open desk on a fresh data directory, with a fixed clock and actor "tester"."""
    opened = Desk.open(data_dir, clock=lambda: FIXED_NOW, actor="tester")
    yield opened
    opened.close()
