"""Synthetic desk events for the sync scale simulation (benchmarks/sync_scale.py).

Shapes are real: every event is a copy of one the desk itself recorded while the demo data
was seeded (milestone lists, triage opening a case, notes, packages...), with its ids, dates,
names and free text replaced. Free text is drawn from the shipped guidance pages, so it
compresses like English, not like repeated filler. Referrals are `synthetic.referral`s.

The mix per adviser per working day is an estimate from the domain (see docs/sync-scale.md):
a case adviser logs calls, meetings and emails as notes, ticks or moves a milestone, edits a
case (people, budget, packages), takes in or edits a referral, and now and then triages one.
"""

from __future__ import annotations

import copy
import random
import tempfile
import uuid
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import orjson
from synthetic import referral as synthetic_referral

MIX: dict[str, float] = {
    "note.added": 5.0,
    "milestone.done": 0.7,
    "milestones.rescheduled": 0.3,
    "case.small": 3.0,
    "referral.added": 1.0,
    "referral.updated": 0.5,
    "referral.triaged": 0.3,
    "case.challenge": 0.05,
}
"""Events per adviser per working day, by kind (10.85 in all): the central estimate."""

SMALL_CASE_KINDS = (
    "case.updated",
    "case.person-added",
    "budget.set",
    "package.added",
    "package.delivered",
    "package.invoiced",
    "conflict.declared",
    "case.adviser",
)
FREE_TEXT = {"body", "enquiry", "reason", "note", "outcome", "deliverable", "mitigation"}
NAMES = {"name", "organisation", "contact_name"}


def demo_templates() -> dict[str, list[dict[str, Any]]]:
    """Events by kind, as the desk recorded them while seeding the demo data."""
    from mspdesk.demo import seed_demo_activity
    from mspdesk.desk import Desk
    from mspdesk.domain.referral import Referral
    from mspdesk.locations import content_dir

    records = orjson.loads((content_dir() / "demo" / "referrals.json").read_bytes())
    with tempfile.TemporaryDirectory() as tmp:
        with Desk.open(Path(tmp) / "demo", actor="demo") as desk:
            desk.referrals.add_validated(Referral.model_validate(r) for r in records)
            seed_demo_activity(desk)
        lines = (Path(tmp) / "demo" / "journal.jsonl").read_bytes().splitlines()
    found: dict[str, list[dict[str, Any]]] = {}
    for line in lines:
        event = orjson.loads(line)
        if isinstance(event, dict) and "kind" in event:
            event.pop("seq", None)
            found.setdefault(event["kind"], []).append(event)
    return found


def guidance_words() -> list[str]:
    """Every word of the shipped guidance pages, in order (a corpus of real English)."""
    from mspdesk.locations import content_dir

    words: list[str] = []
    for page in sorted((content_dir() / "guidance").glob("*.md")):
        words += page.read_text(encoding="utf-8").split()
    return words


class DeskEvents:
    """The events of one desk (one adviser), day after day, with ids in its own series."""

    def __init__(
        self,
        code: str,
        desk_id: str,
        adviser: str,
        templates: dict[str, list[dict[str, Any]]],
        words: list[str],
        seed: int,
    ) -> None:
        self.code, self.desk_id, self.adviser = code, desk_id, adviser
        self._templates = templates
        self._words = words
        self._rng = random.Random(seed)
        self._counters: dict[str, int] = {}
        self._referrals: list[str] = []
        self._cases: list[str] = []

    def day(self, on: date, per_day: float) -> list[bytes]:
        """One working day's events as JSON lines (without the newline)."""
        rng = self._rng
        count = max(0, round(rng.gauss(per_day, per_day / 3)))
        weights = list(MIX.values())
        kinds = rng.choices(list(MIX), weights=weights, k=count)
        return [orjson.dumps(self._event(kind, on, n)) for n, kind in enumerate(kinds)]

    # ------------------------------------------------------------------ kinds

    def _event(self, kind: str, on: date, n: int) -> dict[str, Any]:
        if kind == "referral.added" or not self._referrals:
            return self._referral_added(on, n)
        if kind == "referral.triaged" or (kind != "referral.updated" and not self._cases):
            return self._triaged(on, n)
        if kind == "referral.updated":
            key = self._rng.choice(self._referrals)
            data = {"staff_in_scope": self._rng.randrange(5, 900), "updated_at": _at(on, n)}
            return self._wrap("referral.updated", key, on, n, [_patch("referrals", key, data)])
        if kind == "case.small":
            kind = self._rng.choice(SMALL_CASE_KINDS)
        return self._from_template(kind, self._rng.choice(self._cases), on, n)

    def _referral_added(self, on: date, n: int) -> dict[str, Any]:
        number = self._next("R")
        record = synthetic_referral(number, self._rng)
        key = f"R-{on.year}-{self.code}-{number:04d}"
        record.update(id=key, received=on.isoformat(), enquiry=self._text(40, 160))
        record.update(created_at=_at(on, n), updated_at=_at(on, n))
        self._referrals.append(key)
        op = {"table": "referrals", "key": key, "kind": "put", "data": record}
        return self._wrap("referral.added", key, on, n, [op])

    def _triaged(self, on: date, n: int) -> dict[str, Any]:
        if not self._referrals:
            return self._referral_added(on, n)
        referral = self._rng.choice(self._referrals)
        case = f"C-{self.code}-{self._next('C'):04d}"
        self._cases.append(case)
        event = self._from_template("referral.triaged", case, on, n)
        for op in event["ops"]:
            if op["table"] in ("referrals", "decisions"):
                op["key"] = referral if op["table"] == "referrals" else f"{referral}/1"
        event["subject"] = referral
        return event

    def _from_template(self, kind: str, case: str, on: date, n: int) -> dict[str, Any]:
        template = self._rng.choice(self._templates[kind])
        event = copy.deepcopy(template)
        for op in event["ops"]:
            if op["table"] == "cases":
                op["key"] = case
            elif op["table"] == "notes":
                op["key"] = f"N-{self.code}-{self._next('N'):05d}"
            elif op["table"] in ("packages", "providers", "attachments"):
                op["key"] = f"{op['key'].split('-')[0]}-{self.code}-{self._next(op['table']):04d}"
            for part in ("data", "prior"):
                if isinstance(op.get(part), dict):
                    op[part] = self._jitter(op[part], on)
            data = op.get("data")
            if isinstance(data, dict):
                data.update({k: op["key"] for k in ("id",) if k in data})
                data.update({k: case for k in ("case_id", "subject") if k in data})
        return self._wrap(kind, case, on, n, event["ops"])

    # ------------------------------------------------------------------ parts

    def _wrap(
        self, kind: str, subject: str, on: date, n: int, ops: list[dict[str, Any]]
    ) -> dict[str, Any]:
        return {
            "id": uuid.UUID(int=self._rng.getrandbits(128)).hex,
            "at": _at(on, n),
            "actor": self.adviser,
            "device": f"laptop-{self.code.lower()}",
            "origin": self.desk_id,
            "kind": kind,
            "subject": subject,
            "summary": f"{kind} {subject}: {self._text(4, 10)}",
            "ops": ops,
        }

    def _jitter(self, value: Any, on: date, key: str = "") -> Any:
        """The same structure with dates moved near `on` and free text and names redrawn."""
        if isinstance(value, dict):
            return {k: self._jitter(v, on, k) for k, v in value.items()}
        if isinstance(value, list):
            return [self._jitter(v, on, key) for v in value]
        if isinstance(value, str):
            if key in FREE_TEXT and value:
                return self._text(10, 200)
            if key in NAMES and value:
                return self._text(2, 4).title()
            if len(value) == 10 and value[4] == "-" and value[7] == "-":
                return (on + timedelta(days=self._rng.randrange(-200, 200))).isoformat()
        return value

    def _text(self, shortest: int, longest: int) -> str:
        size = self._rng.randrange(shortest, longest)
        start = self._rng.randrange(len(self._words) - size)
        return " ".join(self._words[start : start + size])

    def _next(self, series: str) -> int:
        self._counters[series] = self._counters.get(series, 0) + 1
        return self._counters[series]


def _patch(table: str, key: str, data: dict[str, Any]) -> dict[str, Any]:
    return {"table": table, "key": key, "kind": "patch", "data": data, "prior": {}}


def _at(on: date, n: int) -> str:
    return f"{on.isoformat()}T{9 + n // 6 % 9:02d}:{n * 7 % 60:02d}:00.000+00:00"
