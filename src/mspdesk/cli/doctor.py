"""`mspdesk doctor`: check the data without changing it."""

from __future__ import annotations

import argparse
from typing import Any

from mspdesk.cli.common import data_path, subcommand


def register(sub: Any) -> None:
    parser = subcommand(sub, "doctor", "check the data directory and say what was found")
    parser.set_defaults(handler=run_doctor)


def run_doctor(args: argparse.Namespace) -> int:
    from mspdesk.desk.checkup import check_data

    report = check_data(data_path(args))
    for line in report.findings:
        print(line)
    for line in report.problems:
        print(f"PROBLEM: {line}")
    print("ok" if report.ok else f"{len(report.problems)} problem(s) found")
    return 0 if report.ok else 1
