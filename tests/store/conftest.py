"""Fixtures for the store tests."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from mspdesk.store import Store


@pytest.fixture
def store(data_dir: Path) -> Iterator[Store]:
    """A writable store on a fresh data directory, closed after the test."""
    opened = Store.open(data_dir)
    yield opened
    opened.close()
