"""Citations that went stale: laws, policy notes and names the content records as replaced.

`content/replaced.toml` lists each one with the words that show a page cites it and the day
it was replaced. A page that mentions one and was last `reviewed` before that day may state
the old law as current, so `mspdesk guidance check` warns (a warning, not a failure: the page
may well explain the change).
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from mspdesk.guidance.library import Library
from mspdesk.guidance.problems import Problem


@dataclass(frozen=True)
class Replaced:
    """One law, note or name replaced on a day."""

    name: str
    mentions: tuple[str, ...]
    replaced_by: str
    on: date
    source: str

    def cited_in(self, text: str) -> bool:
        """Whether `text` mentions it (whole words, any case)."""
        return any(
            re.search(rf"(?<!\w){re.escape(words)}(?!\w)", text, re.IGNORECASE)
            for words in self.mentions
        )


def load_replaced(path: Path) -> list[Replaced]:
    """The entries in `path` (none when there is no such file); ValueError naming the entry
    and field when one is wrong."""
    if not path.exists():
        return []
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as error:
        raise ValueError(f"{path.name}: {error}") from None
    entries: list[Replaced] = []
    for number, raw in enumerate(data.get("replaced", ()), start=1):
        entries.append(_entry(raw, f"{path.name}: replaced[{number}]"))
    return entries


def _entry(raw: Any, where: str) -> Replaced:
    if not isinstance(raw, dict):
        raise ValueError(f"{where}: not a table")
    for field in ("name", "replaced_by", "source"):
        if not isinstance(raw.get(field), str) or not raw[field].strip():
            raise ValueError(f"{where}.{field}: required text")
    mentions = raw.get("mentions")
    if (
        not isinstance(mentions, list)
        or not mentions
        or not all(isinstance(m, str) and m.strip() for m in mentions)
    ):
        raise ValueError(f"{where}.mentions: a list of words")
    if not isinstance(raw.get("on"), date):
        raise ValueError(f"{where}.on: a date like 2025-02-24")
    return Replaced(
        name=raw["name"],
        mentions=tuple(mentions),
        replaced_by=raw["replaced_by"],
        on=raw["on"],
        source=raw["source"],
    )


def stale_citations(library: Library, replaced: list[Replaced]) -> list[Problem]:
    """A warning for each page that cites something replaced after the page was reviewed."""
    warnings: list[Problem] = []
    for page in library.pages:
        reviewed = page.meta.reviewed
        text = "\n".join((page.text, *page.meta.sources))
        for entry in replaced:
            if reviewed < entry.on and entry.cited_in(text):
                warnings.append(
                    Problem(
                        page.file,
                        f"cites {entry.name}, replaced by {entry.replaced_by} on "
                        f"{entry.on:%d %b %Y}, after this page was reviewed ({reviewed:%d %b %Y})",
                        kind="stale",
                    )
                )
    return warnings
