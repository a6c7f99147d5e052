"""`doctor`: read everything, change nothing, say what is wrong and what to do."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from mspdesk.domain.aftercare import Monitoring
from mspdesk.domain.attachment import Attachment
from mspdesk.domain.case import Case
from mspdesk.domain.errors import UserError
from mspdesk.domain.note import Note
from mspdesk.domain.referral import Referral
from mspdesk.domain.support import Package, Provider
from mspdesk.domain.validation import problems_of
from mspdesk.store import Store
from mspdesk.store.attachments import stored_content_matches
from mspdesk.store.erasure import PENDING_NAME, is_pending
from mspdesk.store.generations import CURRENT
from mspdesk.store.journal import JOURNAL_NAME, read_journal
from mspdesk.store.lock import WriterLock
from mspdesk.store.snapshot import SNAPSHOT_NAME, latest_backup

MODELS: dict[str, type[BaseModel]] = {
    "referrals": Referral,
    "notes": Note,
    "cases": Case,
    "attachments": Attachment,
    "providers": Provider,
    "packages": Package,
    "monitoring": Monitoring,
}


@dataclass
class Checkup:
    findings: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def check_data(directory: Path) -> Checkup:
    """What is in `directory` and anything wrong with it. Never writes."""
    try:
        return _check(directory)
    except OSError as error:  # a folder that fails part-way through the checks
        report = Checkup()
        report.problems.append(
            f"cannot read {error.filename or directory}: {error.strerror or error}"
        )
        return report


def _check(directory: Path) -> Checkup:
    report = Checkup()
    if not directory.is_dir():
        report.problems.append(f"no data directory at {directory}")
        return report
    report.findings.append(f"data directory: {directory}")
    _check_permissions(directory, report)
    journal = read_journal_safely(directory / JOURNAL_NAME, report)
    if journal is not None and journal.torn_tail:
        report.findings.append(
            f"journal ends with an unfinished change ({len(journal.torn_tail)} bytes, never "
            "acknowledged); it will be kept aside in rejected/ when mspdesk next opens"
        )
    try:
        store = Store.open(directory, read_only=True)
        store.verify()  # a reader checks tables as it reads them; the doctor checks them all
    except UserError as error:
        report.problems.append(str(error))
        return report
    if store.generation == CURRENT:
        report.findings.append("read from: the current snapshot and journal")
    else:
        report.findings.append(f"read from: the {store.generation}")
        report.problems.extend(
            f"{warning}; nothing is lost: opening mspdesk once keeps the unusable snapshot in "
            "rejected/ and writes a new one"
            for warning in store.warnings
            if "could not be used" in warning
        )
    report.findings.append(f"snapshot and journal replay to change #{store.seq}")
    if is_pending(directory):
        report.problems.append(
            f"an erasure was interrupted ({PENDING_NAME} is there): personal data may remain "
            "in some files until mspdesk is next opened, or the same `mspdesk erase` is run again"
        )
    for name, model in MODELS.items():
        records = store.table(name)
        bad = _invalid(records, model)
        report.findings.append(f"{name}: {len(records)}")
        report.problems.extend(f"{name} {key}: {why}" for key, why in bad[:20])
        if len(bad) > 20:
            report.problems.append(f"{name}: {len(bad) - 20} more invalid records")
    _check_files(directory, store.table("attachments"), report)
    holder = WriterLock(directory)
    if holder.in_use():
        report.findings.append(f"open in another mspdesk: {holder.holder()}")
    backup = latest_backup(directory)
    report.findings.append(f"latest backup snapshot: {backup or 'none yet'}")
    return report


def _check_files(directory: Path, records: dict[str, Any], report: Checkup) -> None:
    """Every attached file is there, unchanged (its SHA-256 still matches)."""
    for key, row in records.items():
        if row.get("deleted"):
            continue
        try:
            matches = stored_content_matches(directory, str(row.get("stored_as")), row["sha256"])
        except (UserError, KeyError, OSError) as error:
            report.problems.append(f"attachments {key}: {error}")
            continue
        if matches is None:
            report.problems.append(f"attachments {key}: the file {row.get('stored_as')} is gone")
        elif not matches:
            report.problems.append(
                f"attachments {key}: the file {row.get('stored_as')} has changed since it was "
                "attached"
            )


def read_journal_safely(path: Path, report: Checkup) -> Any:
    try:
        return read_journal(path)
    except UserError as error:
        report.problems.append(str(error))
        return None


def _invalid(records: dict[str, Any], model: type[BaseModel]) -> list[tuple[str, str]]:
    bad = []
    for key, record in records.items():
        try:
            model.model_validate(record)
        except ValidationError as error:
            detail = "; ".join(f"{f}: {m}" for f, m in problems_of(error))
            bad.append((key, detail))
    return bad


def _check_permissions(directory: Path, report: Checkup) -> None:
    if os.name != "posix":
        return
    if directory.stat().st_mode & 0o077:
        report.problems.append(f"{directory} is readable by others; run: chmod 700 '{directory}'")
    for name in (SNAPSHOT_NAME, JOURNAL_NAME):
        path = directory / name
        if path.exists() and path.stat().st_mode & 0o077:
            report.problems.append(f"{path} is readable by others; run: chmod 600 '{path}'")
