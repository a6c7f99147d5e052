"""Subject access: everything the desk holds on one person, and the log of requests with
their one-month deadline (UK GDPR Art. 12(3))."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date
from typing import Any

from mspdesk.desk.core import DeskCore
from mspdesk.domain.choices import Choice
from mspdesk.domain.errors import NotFound, UserError
from mspdesk.domain.references import SUBJECT_ACCESS

REQUESTS = "sar_requests"


@dataclass(frozen=True)
class SarRequest:
    id: str
    person: str
    received: date
    due: date
    answered_on: date | None

    @property
    def open(self) -> bool:
        return self.answered_on is None


@dataclass
class SarBundle:
    """The records and notes holding one person's data, as stored."""

    person: str
    referrals: list[dict[str, Any]]
    cases: list[dict[str, Any]]
    notes: list[dict[str, Any]]
    identifiers: list[str]


def one_month_after(day: date) -> date:
    """The corresponding day of the next month (the last day if it has none)."""
    year, month = (day.year + 1, 1) if day.month == 12 else (day.year, day.month + 1)
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def gather(core: DeskCore, text: str) -> SarBundle:
    """Referrals whose contact, cases where a person, and notes that name them, matching
    `text` or any name, email or phone found with it on those records."""
    needle = text.strip()
    from mspdesk.desk.privacy import _matches

    if len(needle) < 2:
        raise UserError("say at least two characters of a name, email or phone")
    store = core.store
    identifiers = {needle}
    referrals = []
    for _key, row in sorted(store.table("referrals").items()):
        contact = row.get("contact") or {}
        values = [str(contact.get(n) or "") for n in ("name", "email", "phone")]
        if any(_matches(needle, v) for v in values):
            referrals.append(row)
            identifiers.update(v for v in values if len(v) >= 3)
    cases = []
    for _key, row in sorted(store.table("cases").items()):
        for person in row.get("people") or []:
            values = [str(person.get(n) or "") for n in ("name", "email", "phone")]
            if any(_matches(needle, v) for v in values):
                cases.append(row)
                identifiers.update(v for v in values if len(v) >= 3)
                break
    notes = [
        row
        for _key, row in sorted(store.table("notes").items())
        if any(_matches(i, str(row.get("body") or "")) for i in identifiers)
    ]
    return SarBundle(needle, referrals, cases, notes, sorted(identifiers))


def log_request(core: DeskCore, person: str, received: date | None = None) -> SarRequest:
    table = core.store.table(REQUESTS)
    key = SUBJECT_ACCESS.next(table, core.code)
    on = received or core.today()
    record = {
        "id": key,
        "person": person.strip(),
        "received": on.isoformat(),
        "due": one_month_after(on).isoformat(),
        "answered_on": None,
    }
    from mspdesk.domain.events import Op  # the models, for a change only (not to read)

    op = Op(table=REQUESTS, key=key, kind="put", data=record)
    core.commit("sar", key, [op], f"Subject access request {key} logged")
    return _request(record)


def mark_done(core: DeskCore, key: str, on: date | None = None) -> SarRequest:
    current = core.store.get(REQUESTS, key)
    if current is None:
        raise NotFound(f"no subject access request {key}")
    if current.get("answered_on"):
        return _request(current)
    changes = {"answered_on": (on or core.today()).isoformat()}
    from mspdesk.domain.events import Op

    op = Op(
        table=REQUESTS,
        key=key,
        kind="patch",
        data=changes,
        prior={"answered_on": None},
    )
    core.commit("sar-done", key, [op], f"Subject access request {key} answered")
    return _request({**current, **changes})


def requests(core: DeskCore) -> list[SarRequest]:
    return [_request(r) for _, r in sorted(core.store.table(REQUESTS).items())]


def _request(row: dict[str, Any]) -> SarRequest:
    answered = row.get("answered_on")
    return SarRequest(
        row["id"],
        row["person"],
        date.fromisoformat(row["received"]),
        date.fromisoformat(row["due"]),
        date.fromisoformat(answered) if answered else None,
    )


def codes() -> dict[str, dict[str, str]]:
    """Every coded value the records use, with what it means."""
    from mspdesk.domain import case, choices, note, people

    found: dict[str, dict[str, str]] = {}
    for module in (choices, case, note, people):
        for name in dir(module):
            kind = getattr(module, name)
            if isinstance(kind, type) and issubclass(kind, Choice) and kind is not Choice:
                found[name] = {member.value: member.label for member in kind}
    found["ids"] = {
        "R-2013-0042": "a referral (programme reference: year received, number)",
        "C-0017": "a case opened from an accepted referral",
        "N-00042": "a note on a referral or case",
        "E-00001": "an erasure (tombstone)",
        "S-00001": "a subject access request",
    }
    return dict(sorted(found.items()))
