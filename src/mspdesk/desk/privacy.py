"""Personal data as a UK public body handles it: find a person, erase a record's personal
data from every copy (with a tombstone), and the undo rule that goes with erasure.

Erasure here is a physical scrub of every file the desk keeps (store/erasure.py). The
tombstone is an ordinary event (kind "erase", table "erasures") holding no personal data:
when desks share data (issue 19), that event is what travels, and a desk receiving it runs
the same plan-and-scrub on its own copy (see README, "Erasing personal data").
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from mspdesk.desk.core import DeskCore
from mspdesk.domain.case import CASE_ID
from mspdesk.domain.errors import NotFound, UserError
from mspdesk.domain.events import Op
from mspdesk.domain.note import NOTE_ID
from mspdesk.domain.references import CODE_PATTERN, REFERENCE, TOMBSTONES

ERASURES = "erasures"
PERSON_ID = re.compile(rf"^(C-(?:{CODE_PATTERN}-)?\d{{4,}})/(\d+)$")
"""A case person: the case id and the person's number as listed (1 = first)."""
MIN_LINE = 6
"""Lines of erased text at least this long are also taken out of event summaries."""


@dataclass(frozen=True)
class PersonHit:
    """One place a person's details appear."""

    record: str
    kind: str  # referral contact, case person, note
    where: str  # the field, e.g. "contact.email" or "people[2].name" or "body"
    text: str  # the matching value (a note: the line that matches)
    erase_id: str  # what `mspdesk erase` takes to remove it
    lawful_basis: str = ""  # a referral contact's: why the desk may hold their details


@dataclass(frozen=True)
class Tombstone:
    id: str
    target: str
    what: str
    records: tuple[str, ...]
    at: str
    by: str
    reason: str


def _digits(text: str) -> str:
    return re.sub(r"\D", "", text)


def _matches(needle: str, value: str) -> bool:
    if not value:
        return False
    if needle.casefold() in value.casefold():
        return True
    digits = _digits(needle)
    return len(digits) >= 6 and digits in _digits(value)


def find_people(core: DeskCore, text: str) -> list[PersonHit]:
    """Every record holding a name, email or phone matching `text` (case-insensitive; a
    phone matches whatever its spacing), and every note mentioning it, deleted notes too."""
    needle = text.strip()
    if len(needle) < 2:
        raise UserError("say at least two characters of a name, email or phone")
    store = core.store
    hits: list[PersonHit] = []
    for key, referral in sorted(store.table("referrals").items()):
        contact = referral.get("contact") or {}
        for name in ("name", "email", "phone"):
            value = str(contact.get(name) or "")
            if _matches(needle, value):
                basis = str(contact.get("lawful_basis") or "")
                where = f"contact.{name}"
                hits.append(PersonHit(key, "referral contact", where, value, key, basis))
        enquiry = str(referral.get("enquiry") or "")
        if _matches(needle, enquiry):
            hits.append(PersonHit(key, "referral enquiry", "enquiry", _line(needle, enquiry), key))
    for key, case in sorted(store.table("cases").items()):
        for number, person in enumerate(case.get("people") or [], start=1):
            for name in ("name", "email", "phone", "note"):
                value = str(person.get(name) or "")
                if _matches(needle, value):
                    where = f"people[{number}].{name}"
                    hits.append(PersonHit(key, "case person", where, value, f"{key}/{number}"))
    for key, note in sorted(store.table("notes").items()):
        body = str(note.get("body") or "")
        if _matches(needle, body):
            kind = "note (deleted)" if note.get("deleted") else "note"
            where = f"body (on {note.get('subject', '?')})"
            hits.append(PersonHit(key, kind, where, _line(needle, body), key))
    return hits


def _line(needle: str, body: str) -> str:
    for line in body.splitlines():
        if _matches(needle, line):
            return line.strip()[:200]
    return body.strip()[:200]


# ------------------------------------------------------------------------- erasure


def erased_keys(core: DeskCore) -> set[str]:
    """Every record some erasure scrubbed."""
    keys: set[str] = set()
    for row in core.store.table(ERASURES).values():
        keys.update(row.get("records", ()))
    return keys


def tombstones(core: DeskCore) -> list[Tombstone]:
    rows = core.store.table(ERASURES).values()
    return sorted(
        (
            Tombstone(
                r["id"],
                r["target"],
                r["what"],
                tuple(r.get("records", ())),
                r["at"],
                r["by"],
                r.get("reason", ""),
            )
            for r in rows
        ),
        key=lambda t: (t.at, t.id),
    )


def already_erased(core: DeskCore, target: str) -> Tombstone | None:
    for stone in tombstones(core):
        if target == stone.target or (not PERSON_ID.match(target) and target in stone.records):
            return stone
    return None


def erase(core: DeskCore, target: str, reason: str = "") -> Tombstone:
    """Erase the personal data of `target` (a note, a referral, or a case person
    "C-0001/2") from every copy the desk keeps; returns the tombstone. Cannot be undone."""
    target = target.strip()
    done = already_erased(core, target)
    if done is not None:
        return done
    identities: set[str] = set()
    keys, summaries, secrets, what = _plan(core, target, identities)
    files = _attachments_of(core, target, keys)
    _with_clashes_and_files(core, keys, files)
    stone_id = TOMBSTONES.next(core.store.table(ERASURES), core.code)
    at = core.now().isoformat(timespec="milliseconds")
    record = {
        "id": stone_id,
        "target": target,
        "what": what,
        "records": sorted(keys),
        "at": at,
        "by": core.actor,
        "reason": reason.strip(),
    }
    op = Op(table=ERASURES, key=stone_id, kind="put", data=record)
    event = {
        "id": uuid.uuid4().hex,
        "at": at,
        "actor": core.actor,
        "device": core.device,
        "kind": "erase",
        "subject": target,
        "summary": f"Erased {what} ({stone_id}); cannot be undone",
        "ops": [op.model_dump(exclude_none=True)],
        "origin": core.origin,
        "hlc": core.stamp(),
    }
    core.store.erase(
        _erasure_plan(stone_id, target, (keys, summaries, secrets), files, identities, event)
    )
    stone = already_erased(core, target)
    assert stone is not None
    return stone


def erase_from_elsewhere(core: DeskCore, event: dict[str, Any]) -> None:
    """An erasure made on another desk (sync): the same scrub of this desk's copy, keeping
    the tombstone event as it came. A record this desk never held only gets the tombstone."""
    target = str(event["subject"])
    identities: set[str] = set()
    try:
        keys, summaries, secrets, _what = _plan(core, target, identities)
    except UserError:
        core.store.commit_batch([event])
        return
    files = _attachments_of(core, target, keys)
    _with_clashes_and_files(core, keys, files)
    stone_id = event["ops"][0]["key"] if event["ops"] else target
    core.store.erase(
        _erasure_plan(stone_id, target, (keys, summaries, secrets), files, identities, event)
    )


def _with_clashes_and_files(
    core: DeskCore, keys: dict[str, list[str]], files: dict[str, str]
) -> None:
    """The records an erasure also reaches: sync clashes holding the values, attached files
    (their names)."""
    _with_clashes(core, keys)
    for key in files:
        keys[key] = ["name"]


def _erasure_plan(
    stone_id: str,
    target: str,
    found: tuple[dict[str, list[str]], dict[str, str], set[str]],
    files: dict[str, str],
    identities: set[str],
    event: dict[str, Any],
) -> dict[str, Any]:
    """What the store scrubs (store/erasure.py): the records and fields, the files, the
    secret strings, and the tombstone event to commit."""
    keys, summaries, secrets = found
    return {
        "id": stone_id,
        "target": target,
        "keys": keys,
        "summaries": summaries,
        "hide": sorted(k for k in keys if NOTE_ID.match(k) or k in files),
        "files": sorted(files.values()),
        "secrets": sorted(secrets),
        "identities": sorted(identities),
        "event": event,
    }


def _plan(
    core: DeskCore, target: str, identities: set[str]
) -> tuple[dict[str, list[str]], dict[str, str], set[str], str]:
    """What to scrub for `target`: blanked fields per record, replaced summaries, and the
    personal strings; `identities` receives the names, emails and phones among them."""
    store = core.store
    keys: dict[str, list[str]] = {}
    summaries: dict[str, str] = {}
    secrets: set[str] = set()
    if NOTE_ID.match(target):
        if store.get("notes", target) is None:
            raise NotFound(f"no note {target}")
        _plan_note(core, target, keys, summaries, secrets)
        return keys, summaries, secrets, f"the text of note {target}"
    if REFERENCE.match(target):
        if store.get("referrals", target) is None:
            raise NotFound(f"no referral {target}")
        notes = _plan_referral(core, target, keys, summaries, secrets, identities)
        what = f"the contact and enquiry of referral {target}"
        return keys, summaries, secrets, what + (f" and {len(notes)} note(s)" if notes else "")
    if CASE_ID.match(target):
        case = store.get("cases", target)
        if case is None:
            raise NotFound(f"no case {target}")
        keys[target] = []
        for version in _versions(core, target):
            for person in version.get("people") or []:
                values = [str(person.get(n) or "") for n in ("name", "email", "phone")]
                secrets.update(values)
                identities.update(values)
                secrets.update(_texts(str(person.get("note") or "")))
        notes = _notes_on(core, target)
        for note in notes:
            _plan_note(core, note, keys, summaries, secrets)
        referral = str(case.get("referral_id") or "")
        if store.get("referrals", referral) is not None:
            notes += _plan_referral(core, referral, keys, summaries, secrets, identities)
        what = f"every person on case {target}, its referral's contact and enquiry"
        return keys, summaries, secrets, what + f" and {len(notes)} note(s)"
    found = PERSON_ID.match(target)
    if found and CASE_ID.match(found.group(1)):
        case_key, number = found.group(1), int(found.group(2))
        case = store.get("cases", case_key)
        if case is None:
            raise NotFound(f"no case {case_key}")
        people = case.get("people") or []
        if not 1 <= number <= len(people):
            raise NotFound(f"case {case_key} has no person {number} (it lists {len(people)})")
        person = people[number - 1]
        keys[case_key] = []
        ids = {str(person.get(n) or "").casefold() for n in ("name", "email") if person.get(n)}
        for version in _versions(core, case_key):
            for other in version.get("people") or []:
                mine = {str(other.get(n) or "").casefold() for n in ("name", "email")}
                if ids & mine:
                    values = [str(other.get(n) or "") for n in ("name", "email", "phone")]
                    secrets.update(values)
                    identities.update(values)
                    secrets.update(_texts(str(other.get("note") or "")))
        return keys, summaries, secrets, f"person {number} on case {case_key}"
    raise UserError(
        f"{target} is not something that can be erased: give a note (N-00042), a referral "
        "(R-2013-0042), a case (C-0017) or a case person (C-0017/2, as `people find` lists)"
    )


def _with_clashes(core: DeskCore, keys: dict[str, list[str]]) -> None:
    """Sync clashes over erased records hold both sides' values: they are scrubbed too."""
    for key, clash in core.store.table("clashes").items():
        if clash.get("record") in keys:
            keys.setdefault(key, [])


def _attachments_of(core: DeskCore, target: str, keys: dict[str, list[str]]) -> dict[str, str]:
    """The files attached to an erased case, or that came with an erased (email) note:
    attachment id -> where its bytes are. Their names go and their bytes are deleted.
    Erasing one person on a case leaves the case's other files alone."""
    whole_case = bool(CASE_ID.match(target))
    found: dict[str, str] = {}
    for key, record in core.store.table("attachments").items():
        if (whole_case and record.get("subject") == target) or record.get("note_id") in keys:
            found[key] = str(record.get("stored_as") or "")
    return {k: v for k, v in found.items() if v}


def _notes_on(core: DeskCore, subject: str) -> list[str]:
    return [k for k, n in core.store.table("notes").items() if n.get("subject") == subject]


def _plan_referral(
    core: DeskCore,
    key: str,
    keys: dict[str, list[str]],
    summaries: dict[str, str],
    secrets: set[str],
    identities: set[str],
) -> list[str]:
    """Plan the erasure of a referral's contact, enquiry and notes; returns the notes."""
    keys[key] = ["contact.name", "contact.email", "contact.phone", "enquiry"]
    for version in _versions(core, key):
        contact = version.get("contact") or {}
        values = [str(contact.get(n) or "") for n in ("name", "email", "phone")]
        secrets.update(values)
        identities.update(values)
        secrets.update(_texts(str(version.get("enquiry") or "")))
    notes = _notes_on(core, key)
    for note in notes:
        _plan_note(core, note, keys, summaries, secrets)
    return notes


def _plan_note(
    core: DeskCore,
    key: str,
    keys: dict[str, list[str]],
    summaries: dict[str, str],
    secrets: set[str],
) -> None:
    keys[key] = ["body"]
    summaries[key] = f"Note {key}: text erased"
    for version in _versions(core, key):
        secrets.update(_texts(str(version.get("body") or "")))


def _texts(text: str) -> Iterable[str]:
    """A long text and each of its longer lines (summaries quote first lines)."""
    if not text.strip():
        return []
    lines = [line.strip() for line in text.splitlines() if len(line.strip()) >= MIN_LINE]
    return [text.strip(), *lines, *(line[:60] for line in lines if len(line) > 60)]


def _versions(core: DeskCore, key: str) -> list[dict[str, Any]]:
    """The record now and every value of it kept in history (data and prior of its ops)."""
    store = core.store
    found: list[dict[str, Any]] = []
    for table in ("notes", "referrals", "cases"):
        current = store.get(table, key)
        if current is not None:
            found.append(current)
    for event in store.events_for(key):
        for op in event["ops"]:
            if op["key"] != key:
                continue
            for part in ("data", "prior"):
                if isinstance(op.get(part), dict):
                    found.append(op[part])
    return found
