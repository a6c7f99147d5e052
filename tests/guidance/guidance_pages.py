"""Helpers for guidance tests: paths to the fixture pages and a page writer."""

from __future__ import annotations

from pathlib import Path

FIXTURES = Path(__file__).parent / "fixtures"
SHIPPED = FIXTURES / "shipped" / "guidance"
DATA = FIXTURES / "data"
USER = DATA / "content" / "guidance"


def write_page(folder: Path, slug: str, front: str, body: str = "Body text.\n") -> Path:
    """Write `folder/slug.md` with the given front matter lines between fences."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{slug}.md"
    path.write_text(f"---\n{front.strip()}\n---\n\n{body}", encoding="utf-8")
    return path


VALID_FRONT = """
title: A title
summary: A summary.
tags: [one]
stages: [M01]
sources: [A source]
reviewed: 2026-01-01
"""
