"""The settings case documents are made with: the protective marking on every page of a Word
file, an optional house template (.docx) whose styles Word files use, and an optional
calendar reminder.

One function reads them, `document_settings()`: from the adviser's settings file
(`mspdesk config set marking …`), each overridden by its environment variable:

- `marking` (`MSPDESK_MARKING`): the protective marking; default `OFFICIAL-SENSITIVE`.
- `docx_template` (`MSPDESK_DOCX_TEMPLATE`): a house template `.docx`; default none.
- `calendar_reminder_days` (`MSPDESK_CALENDAR_REMINDER_DAYS`): remind this many days
  before a milestone, at 09:00; default none.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from mspdesk.domain.errors import UserError

DEFAULT_MARKING = "OFFICIAL-SENSITIVE"
MARKING_LIMIT = 60


@dataclass(frozen=True)
class DocumentSettings:
    """How case documents are made."""

    marking: str = DEFAULT_MARKING
    """The protective marking at the top and bottom of every page ("" for none)."""
    docx_template: Path | None = None
    """A house template whose styles (and page set-up) Word files use."""
    reminder_days: int | None = None
    """Calendar events remind this many days before, at 09:00 (None: no reminder)."""


def document_settings(environ: Mapping[str, str] | None = None) -> DocumentSettings:
    """The document settings from `environ` (by default the settings file, overridden by
    the process environment).

    Raises UserError naming the setting when one is not usable.
    """
    env = _configured() if environ is None else environ
    marking = " ".join(env.get("MSPDESK_MARKING", DEFAULT_MARKING).split())
    if len(marking) > MARKING_LIMIT or not marking.isprintable():
        raise UserError(f"marking: at most {MARKING_LIMIT} printable characters, not {marking!r}")
    template = _template(env.get("MSPDESK_DOCX_TEMPLATE", "").strip())
    reminder = _reminder(env.get("MSPDESK_CALENDAR_REMINDER_DAYS", "").strip())
    return DocumentSettings(marking=marking, docx_template=template, reminder_days=reminder)


_FROM_CONFIG = {
    "marking": "MSPDESK_MARKING",
    "docx_template": "MSPDESK_DOCX_TEMPLATE",
    "calendar_reminder_days": "MSPDESK_CALENDAR_REMINDER_DAYS",
}


def _configured() -> dict[str, str]:
    """The settings file's document settings under their variable names, then the
    environment's on top."""
    from mspdesk import config

    try:
        saved = config.load()
    except config.ConfigError as error:
        raise UserError(str(error)) from None
    merged = {variable: saved[key] for key, variable in _FROM_CONFIG.items() if key in saved}
    merged.update({v: os.environ[v] for v in _FROM_CONFIG.values() if v in os.environ})
    return merged


def _template(value: str) -> Path | None:
    if not value:
        return None
    path = Path(value).expanduser()
    if path.suffix.lower() != ".docx" or not path.is_file():
        raise UserError(f"docx template: {path} is not a .docx file that can be read")
    return path


def _reminder(value: str) -> int | None:
    if not value:
        return None
    try:
        days = int(value)
    except ValueError:
        days = -1
    if not 0 <= days <= 60:
        raise UserError(f"calendar reminder: a number of days from 0 to 60, not {value!r}")
    return days
