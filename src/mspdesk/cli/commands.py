"""The subcommand registry: each module adds its parsers with `register(sub)`."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from mspdesk.cli import (
    board,
    cases,
    doctor,
    exporting,
    guidance,
    importing,
    notes,
    records,
    reporting,
    returns,
    support,
    triage,
)

REGISTRARS: list[Callable[[Any], None]] = [
    records.register,
    doctor.register,
    guidance.register,
    triage.register,
    importing.register,
    cases.register,
    notes.register,
    reporting.register,
    exporting.register,
    support.register,
    returns.register,
    board.register,
]
