"""The subcommand registry: each module adds its parsers with `register(sub)`."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from mspdesk.cli import (
    board,
    cases,
    challenge,
    config_cmd,
    doctor,
    duplicates,
    exporting,
    files,
    guidance,
    importing,
    notes,
    privacy,
    procurement,
    records,
    reporting,
    returns,
    support,
    sync,
    triage,
)

REGISTRARS: list[Callable[[Any], None]] = [
    records.register,
    doctor.register,
    guidance.register,
    triage.register,
    importing.register,
    duplicates.register,
    cases.register,
    notes.register,
    privacy.register,
    privacy.register_sar,
    privacy.register_retention,
    reporting.register,
    exporting.register,
    procurement.register,
    challenge.register,
    files.register,
    support.register,
    returns.register,
    board.register,
    config_cmd.register,
    sync.register,
]
