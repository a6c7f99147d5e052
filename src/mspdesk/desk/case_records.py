"""A case with everything that belongs to it, gathered for export and restored on import.

`gather` reads a case, its referral, the triage decisions on that referral and the live
notes on either; `restore` adds such a set to another desk as ONE event, so it is saved
whole or not at all, shows in history as one change and `Desk.undo` removes it whole.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from mspdesk.desk.attachments import TABLE as ATTACHMENTS
from mspdesk.desk.attachments import Attachments
from mspdesk.desk.cases import TABLE as CASES
from mspdesk.desk.cases import Cases
from mspdesk.desk.core import DeskCore
from mspdesk.desk.notes import TABLE as NOTES
from mspdesk.desk.notes import Notes
from mspdesk.desk.referrals import TABLE as REFERRALS
from mspdesk.desk.referrals import Referrals
from mspdesk.desk.triage import TABLE as DECISIONS
from mspdesk.desk.triage import Triage
from mspdesk.domain.attachment import Attachment, attachment_id
from mspdesk.domain.case import Case
from mspdesk.domain.errors import InvalidRecord
from mspdesk.domain.events import Op
from mspdesk.domain.note import Note, note_id
from mspdesk.domain.references import ATTACHMENTS as ATTACHMENT_SERIES
from mspdesk.domain.references import CASES as CASE_SERIES
from mspdesk.domain.references import NOTES as NOTE_SERIES
from mspdesk.domain.referral import Referral
from mspdesk.domain.triage import TriageDecision
from mspdesk.store.attachments import stored_content_matches, write_attachment

EVENT_KIND = "case.imported"


@dataclass(frozen=True)
class CaseRecords:
    """One case and the records that belong to it."""

    case: Case
    referral: Referral
    decisions: tuple[TriageDecision, ...]
    """Every recorded decision on the referral, oldest first."""
    notes: tuple[Note, ...]
    """Live notes on the case and on its referral, in date order."""
    attachments: tuple[Attachment, ...] = ()
    """Files on the case, in the order they were added."""


def gather(
    case_id_: str,
    cases: Cases,
    referrals: Referrals,
    triage: Triage,
    notes: Notes,
    attachments: Attachments | None = None,
) -> CaseRecords:
    """The case `case_id_` with its referral, decisions, notes and files; NotFound if
    missing."""
    case = cases.get(case_id_)
    referral = referrals.get(case.referral_id)
    found = [*notes.for_subject(case.id), *notes.for_subject(referral.id)]
    found.sort(key=lambda note: (note.on, note.id))
    return CaseRecords(
        case=case,
        referral=referral,
        decisions=tuple(triage.decisions_for(referral.id)),
        notes=tuple(found),
        attachments=tuple(attachments.for_case(case.id)) if attachments else (),
    )


def restore(
    core: DeskCore,
    records: CaseRecords,
    *,
    source: str = "",
    files: Mapping[str, bytes] | None = None,
) -> CaseRecords:
    """Add `records` (exported from this or another desk) as one event; returns them as saved.

    The referral keeps its programme reference and must not be on this desk already. The
    case keeps its id unless this desk uses it (then it gets the next free one), and so do
    the notes and files. Each attachment's bytes come from `files` (by SHA-256) and are
    copied into the data directory before the event. Raises InvalidRecord when the records
    do not belong together or a file's bytes are missing or do not match.
    """
    _check_together(records)
    _check_files(records, files or {})
    store = core.store
    referral = records.referral
    if referral.id in store.table(REFERRALS):
        raise InvalidRecord(
            [("referral", f"{referral.id} is already on this desk; the case was not imported")],
            "case file",
        )
    issued = {*store.table(CASES), *store.table(NOTES), *store.touched_keys()}
    case = records.case
    if case.id in issued:
        new_id = CASE_SERIES.next(issued, core.code)
        case = case.model_copy(update={"id": new_id})
    referral = referral.model_copy(update={"case_id": case.id})
    subjects = {records.case.id: case.id, referral.id: referral.id}
    notes = []
    renamed_notes: dict[str, str] = {}
    # Above every id in use and every id in the file, so a new id meets neither.
    own = core.code
    next_note = max(NOTE_SERIES.highest(issued, own), NOTE_SERIES.highest(_ids(records.notes), own))
    for note in records.notes:
        changes: dict[str, str] = {"subject": subjects[note.subject]}
        if note.id in issued:
            next_note += 1
            changes["id"] = note_id(next_note, own)
            renamed_notes[note.id] = changes["id"]
        notes.append(note.model_copy(update=changes))
    attachments = _restore_files(core, records, case.id, renamed_notes, files or {})
    restored = CaseRecords(case, referral, records.decisions, tuple(notes), attachments)
    store_ops = [
        _put(REFERRALS, referral.id, referral),
        _put(CASES, case.id, case),
        *(
            _put(DECISIONS, f"{referral.id}/{number}", decision)
            for number, decision in enumerate(records.decisions, start=1)
        ),
        *(_put(NOTES, note.id, note) for note in notes),
        *(_put(ATTACHMENTS, a.id, a) for a in attachments),
    ]
    origin = f" from {source}" if source else ""
    renamed = f" (was {records.case.id})" if case.id != records.case.id else ""
    summary = f"Imported case {case.id}{renamed}: {case.organisation}{origin}"
    core.commit(EVENT_KIND, case.id, store_ops, summary)
    return restored


def _check_files(records: CaseRecords, files: Mapping[str, bytes]) -> None:
    problems = []
    for item in records.attachments:
        data = files.get(item.sha256)
        if data is None or hashlib.sha256(data).hexdigest() != item.sha256:
            problems.append((f"attachments.{item.id}", f"the bytes of {item.name} are missing"))
        if item.subject != records.case.id:
            problems.append((f"attachments.{item.id}", f"is on {item.subject}, not this case"))
    if problems:
        raise InvalidRecord(problems, "case file")


def _restore_files(
    core: DeskCore,
    records: CaseRecords,
    new_case: str,
    renamed_notes: Mapping[str, str],
    files: Mapping[str, bytes],
) -> tuple[Attachment, ...]:
    """The attachments as this desk keeps them, their bytes written into its folder."""
    place = Attachments(core)
    issued = {*core.store.table(ATTACHMENTS), *core.store.touched_keys()}
    number = ATTACHMENT_SERIES.highest(issued, core.code)
    restored = []
    taken: set[str] = set()
    for item in records.attachments:
        number += 1
        stored_as = place.placed(new_case, item.name, item.sha256, taken)
        taken.add(stored_as)
        if not stored_content_matches(core.store.directory, stored_as, item.sha256):
            write_attachment(core.store.directory, stored_as, files[item.sha256])
        restored.append(
            item.model_copy(
                update={
                    "id": attachment_id(number, core.code),
                    "subject": new_case,
                    "stored_as": stored_as,
                    "name": stored_as.rsplit("/", 1)[1],
                    "note_id": renamed_notes.get(item.note_id or "", item.note_id),
                }
            )
        )
    return tuple(restored)


def _check_together(records: CaseRecords) -> None:
    """The records must describe one case: same referral, subjects and ids that match."""
    problems: list[tuple[str, str]] = []
    case, referral = records.case, records.referral
    if case.referral_id != referral.id:
        problems.append(("case.referral_id", f"{case.referral_id} is not {referral.id}"))
    if referral.case_id not in (None, case.id):
        problems.append(("referral.case_id", f"{referral.case_id} is not {case.id}"))
    for number, decision in enumerate(records.decisions, start=1):
        if decision.referral_id != referral.id:
            problems.append((f"decisions.{number}", f"is about {decision.referral_id}"))
    seen: set[str] = set()
    for note in records.notes:
        if note.subject not in (case.id, referral.id):
            problems.append((f"notes.{note.id}", f"is on {note.subject}, not this case"))
        if note.id in seen:
            problems.append((f"notes.{note.id}", "appears twice"))
        seen.add(note.id)
    if problems:
        raise InvalidRecord(problems, "case file")


def _ids(notes: Iterable[Note]) -> list[str]:
    return [note.id for note in notes]


def _put(table: str, key: str, record: Case | Referral | TriageDecision | Note | Attachment) -> Op:
    return Op(table=table, key=key, kind="put", data=record.model_dump(mode="json"))
