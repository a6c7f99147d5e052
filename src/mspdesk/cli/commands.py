"""The subcommand registry: each module adds its parsers with `register(sub)`."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from mspdesk.cli import (
    cases,
    config_cmd,
    doctor,
    exporting,
    guidance,
    importing,
    notes,
    records,
    reporting,
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
    config_cmd.register,
]
