"""Importing cases from the JSON that `mspdesk export case ID --format json` (one case) or
`mspdesk export all` (cases.json, every case) writes.

Each case comes back with its referral, triage decisions, milestones, people, conflicts,
budget, notes and attached files (their bytes in base64, checked against their SHA-256),
exactly as exported, and is saved as one event (`mspdesk undo` removes
it whole). A case whose referral is already on the desk is refused, not merged. Nothing in
the file is trusted: every record is validated as if typed in.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson

from mspdesk.desk import CaseRecords, Desk
from mspdesk.domain.attachment import Attachment
from mspdesk.domain.case import Case
from mspdesk.domain.errors import InvalidRecord
from mspdesk.domain.note import Note
from mspdesk.domain.parsing import dates_out_of_range
from mspdesk.domain.referral import Referral
from mspdesk.domain.triage import TriageDecision
from mspdesk.domain.validation import validated
from mspdesk.transfer.exporters.tables import CASE_FORMAT, CASES_FORMAT, FORMAT_VERSION
from mspdesk.transfer.readers import MAX_BYTES, UnreadableFile

Progress = Callable[[int, int], None]
CASE_FILE_MAX_BYTES = 8 * MAX_BYTES
"""Case files carry their attached files, so they may be larger than other imports."""


@dataclass(frozen=True)
class CaseInFile:
    """One case read from a case file, with the bytes of its attached files by SHA-256."""

    records: CaseRecords
    files: dict[str, bytes]


def read_case_file(path: Path) -> list[CaseRecords]:
    """The cases in an exported case (or cases) JSON file, validated; nothing is saved
    (see `read_cases` for their attached files too)."""
    return [found.records for found in read_cases(path)]


def read_cases(path: Path) -> list[CaseInFile]:
    """The cases in an exported case (or cases) JSON file, validated; nothing is saved.

    Raises UnreadableFile (exit 2) when the file cannot be read as such a file, and
    InvalidRecord naming the case and field when a record in it is not valid.
    """
    document = _load(path)
    kind = document.get("format")
    version = document.get("version")
    if kind not in (CASE_FORMAT, CASES_FORMAT):
        raise UnreadableFile(
            f"cannot import {path}: it is not a case file from `mspdesk export case` or "
            "`mspdesk export all` (to import referrals use `mspdesk import referrals`)"
        )
    if not isinstance(version, int) or version > FORMAT_VERSION:
        raise UnreadableFile(
            f"cannot import {path}: it was written by a newer mspdesk (format version "
            f"{version}); upgrade mspdesk to import it"
        )
    items = [document] if kind == CASE_FORMAT else document.get("cases")
    if not isinstance(items, list):
        raise UnreadableFile(f'cannot import {path}: "cases" is not a list')
    return [_records(item, number) for number, item in enumerate(items, start=1)]


def import_case_file(
    path: Path, desk: Desk, *, progress: Progress | None = None
) -> list[CaseRecords]:
    """Add every case in `path` to `desk`, one event each; returns them as saved (a case or
    note id this desk already uses is renumbered). All are checked before any is saved."""
    found = read_cases(path)
    seen: set[str] = set()
    for records in (item.records for item in found):
        if records.referral.id in seen:
            raise InvalidRecord(
                [(records.case.id, f"its referral {records.referral.id} is in the file twice")],
                "case file",
            )
        seen.add(records.referral.id)
        if desk.referrals.exists(records.referral.id):
            raise InvalidRecord(
                [
                    (
                        records.case.id,
                        f"its referral {records.referral.id} is already on this desk; "
                        "nothing was imported",
                    )
                ],
                "case file",
            )
    saved = []
    for done, item in enumerate(found, start=1):
        saved.append(desk.restore_case(item.records, source=path.name, files=item.files))
        if progress is not None:
            progress(done, len(found))
    return saved


def _load(path: Path) -> dict[str, Any]:
    try:
        if path.stat().st_size > CASE_FILE_MAX_BYTES:
            raise UnreadableFile(f"cannot import {path}: it is too large for a case file")
        data = path.read_bytes()
    except FileNotFoundError:
        raise UnreadableFile(f"cannot import {path}: there is no such file") from None
    except IsADirectoryError:
        raise UnreadableFile(f"cannot import {path}: it is a folder, not a file") from None
    except OSError as error:
        raise UnreadableFile(f"cannot import {path}: {error.strerror or error}") from None
    try:
        document = orjson.loads(data)
    except orjson.JSONDecodeError as error:
        raise UnreadableFile(f"cannot import {path}: not valid JSON ({error})") from None
    if not isinstance(document, dict):
        raise UnreadableFile(f"cannot import {path}: not a case file (expected a JSON object)")
    return document


def _records(item: Any, number: int) -> CaseInFile:
    where = f"case {number}"
    if not isinstance(item, dict):
        raise InvalidRecord([(where, "is not a JSON object")], "case file")
    if isinstance(item.get("case"), dict) and item["case"].get("id"):
        where = str(item["case"]["id"])
    wrong_dates = dates_out_of_range(item)
    if wrong_dates:
        # A year like 9999 would break every later calendar export and re-planning.
        raise InvalidRecord([(f"{where} {field}", why) for field, why in wrong_dates], "case file")
    decisions = _list(item, "decisions", where)
    notes = _list(item, "notes", where)
    attachments, files = _attachments(_list(item, "attachments", where), where)
    records = CaseRecords(
        case=validated(Case, _object(item, "case", where), f"case file {where}: case"),
        referral=validated(
            Referral, _object(item, "referral", where), f"case file {where}: referral"
        ),
        decisions=tuple(
            validated(TriageDecision, _dict(d, where), f"case file {where}: decision")
            for d in decisions
        ),
        notes=tuple(validated(Note, _dict(n, where), f"case file {where}: note") for n in notes),
        attachments=attachments,
    )
    return CaseInFile(records, files)


def _attachments(items: list[Any], where: str) -> tuple[tuple[Attachment, ...], dict[str, bytes]]:
    """The attached files' records and their bytes (checked against their SHA-256)."""
    found = []
    files: dict[str, bytes] = {}
    for item in items:
        fields = dict(_dict(item, where))
        encoded = fields.pop("content_base64", None)
        attachment = validated(Attachment, fields, f"case file {where}: attachment")
        try:
            data = base64.b64decode(str(encoded), validate=True)
        except (binascii.Error, ValueError):
            data = b""
        if encoded is None or hashlib.sha256(data).hexdigest() != attachment.sha256:
            raise InvalidRecord(
                [(f"{where}.attachments.{attachment.id}",
                  f"the content of {attachment.name} is missing or does not match its hash")],
                "case file",
            )  # fmt: skip
        found.append(attachment)
        files[attachment.sha256] = data
    return tuple(found), files


def _object(item: dict[str, Any], name: str, where: str) -> dict[str, Any]:
    value = item.get(name)
    if not isinstance(value, dict):
        raise InvalidRecord([(f"{where}.{name}", "missing or not a JSON object")], "case file")
    return value


def _list(item: dict[str, Any], name: str, where: str) -> list[Any]:
    value = item.get(name, [])
    if not isinstance(value, list):
        raise InvalidRecord([(f"{where}.{name}", "is not a list")], "case file")
    return value


def _dict(value: Any, where: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise InvalidRecord([(where, "a decision or note is not a JSON object")], "case file")
    return value
