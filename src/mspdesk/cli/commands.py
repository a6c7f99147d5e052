"""The subcommand registry: each module adds its parsers with `register(sub)`.

A command imports only the modules that register it (importing all of them costs more than
a whole `referrals list` on a small desk); `--help` and unknown commands import them all.
COMMANDS must name every command each registrar adds (a test checks it).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Sequence
from typing import Any

COMMANDS: list[tuple[str, str, tuple[str, ...]]] = [
    ("records", "register", ("history", "note", "redo", "referral", "referrals", "undo")),
    ("doctor", "register", ("doctor",)),
    ("guidance", "register", ("guidance",)),
    ("triage", "register", ("rubric", "triage")),
    ("importing", "register", ("import",)),
    ("duplicates", "register", ("duplicates",)),
    ("cases", "register", ("agenda", "case", "cases", "milestone")),
    ("notes", "register", ("notes",)),
    ("privacy", "register", ("erase", "erasures", "people")),
    ("privacy", "register_sar", ("sar",)),
    ("privacy", "register_retention", ("retention",)),
    ("reporting", "register", ("report",)),
    ("exporting", "register", ("export",)),
    ("procurement", "register", ("case", "route", "social-value", "thresholds")),
    ("challenge", "register", ("challenge",)),
    ("files", "register", ("attach", "files")),
    (
        "support",
        "register",
        ("case", "checkin", "monitoring", "package", "packages", "provider", "providers"),
    ),
    ("returns", "register", ("returns",)),
    ("board", "register", ("board", "eligibility")),
    ("config_cmd", "register", ("config",)),
    ("sync", "register", ("sync",)),
]


def registrars(argv: Sequence[str] | None = None) -> list[Callable[[Any], None]]:
    """The registrars needed to parse `argv`: those of its command, or all of them."""
    command = command_name(argv or ())
    chosen = [(m, f) for m, f, names in COMMANDS if command in names]
    if not chosen:
        chosen = [(m, f) for m, f, _ in COMMANDS]
    return [getattr(importlib.import_module(f"mspdesk.cli.{m}"), f) for m, f in chosen]


def command_name(argv: Sequence[str]) -> str | None:
    """The subcommand in `argv` (after any --data-dir PATH / --demo), or None."""
    skip = False
    for token in argv:
        if skip:
            skip = False
        elif token == "--data-dir":
            skip = True
        elif not token.startswith("-"):
            return token
        elif token in ("-h", "--help", "--version"):
            return None
    return None


REGISTRARS: list[Callable[[Any], None]] = []
"""Kept for callers of the old name: empty until `all_registrars` fills it."""


def all_registrars() -> list[Callable[[Any], None]]:
    REGISTRARS[:] = registrars(None)
    return REGISTRARS
