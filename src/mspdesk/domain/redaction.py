"""Redaction markers in notes: text between `[[private]]` and `[[/private]]` stays on the
desk and in the subject-access bundle, and is left out of every other export."""

from __future__ import annotations

import re

PRIVATE = re.compile(r"\[\[private\]\].*?(?:\[\[/private\]\]|\Z)", re.IGNORECASE | re.DOTALL)
LEFT_OUT = "[private text left out]"


def without_private(text: str) -> str:
    """`text` with every private passage replaced by a marker (an unclosed `[[private]]`
    hides everything after it: when in doubt, leave it out)."""
    return PRIVATE.sub(LEFT_OUT, text)


def has_private(text: str) -> bool:
    return "[[private]]" in text.lower()
