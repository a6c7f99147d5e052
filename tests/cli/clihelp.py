"""Helpers the CLI tests share: run a command in-process, and pin the desk's clock."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import pytest

from mspdesk.cli import commands, common, main
from mspdesk.desk import Desk

# The command modules bind `open_desk` when first imported, and `mspdesk.cli` imports them
# only when a subcommand is parsed (the TUI starts without them): they are imported above,
# before any test pins the clock, so a pin never outlives its test.
commands.all_registrars()


def run(capsys: pytest.CaptureFixture[str], data: Path, *argv: str) -> tuple[int, str, str]:
    """`mspdesk ARGV --data-dir DATA`: (exit code, stdout, stderr)."""
    code = main([*argv, "--data-dir", str(data)])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def pin_clock(
    monkeypatch: pytest.MonkeyPatch, clock: Callable[[], datetime], adviser: str | None = "tester"
) -> None:
    """Every desk the CLI opens reads `clock`; changes are recorded as `adviser`."""
    # The CLI imports a command's module when the command runs: import them all first, so
    # none binds the patched open_desk for good (`from mspdesk.cli.common import open_desk`).
    commands.all_registrars()

    def open_fixed(args: argparse.Namespace, *, read_only: bool = False) -> Desk:
        return Desk.open(common.data_path(args), read_only=read_only, clock=clock)

    monkeypatch.setattr(common, "open_desk", open_fixed)
    if adviser is not None:
        monkeypatch.setenv("MSPDESK_ADVISER", adviser)
