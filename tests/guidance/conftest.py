"""Shared fixtures: a small shipped library and an adviser's data folder with their own pages."""

from __future__ import annotations

import pytest
from guidance_pages import SHIPPED, USER

from mspdesk.guidance import Library


@pytest.fixture
def shipped_library() -> Library:
    return Library.load(SHIPPED, None)


@pytest.fixture
def merged_library() -> Library:
    return Library.load(SHIPPED, USER)
