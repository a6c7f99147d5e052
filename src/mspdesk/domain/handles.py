"""Adviser handles from login or display names (apart from the Adviser model, so the desk can
name who is acting without building any model)."""

from __future__ import annotations

import re


def handle_from(name: str) -> str:
    """A valid handle made from a login or display name."""
    cleaned = re.sub(r"[^a-z0-9._-]+", "-", name.casefold()).strip("-._")
    return cleaned[:40] or "adviser"
