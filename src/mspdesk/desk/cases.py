"""Cases: opened when triage accepts a referral, planned from the route's pathway.

Every change to a case is one patch on its record (with the prior values), so history and
undo work without special cases. Milestones, deadlines, conflicts and budget have their own
services, reached as `desk.cases.milestones`, `.deadlines`, `.conflicts` and `.budget`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from mspdesk import locations
from mspdesk.desk.agenda import Agenda, desk_agenda
from mspdesk.desk.budget import Budgets
from mspdesk.desk.conflicts import Conflicts
from mspdesk.desk.core import DeskCore
from mspdesk.desk.deadlines import Deadlines
from mspdesk.desk.milestones import Milestones
from mspdesk.desk.support import Support
from mspdesk.domain.case import ENDED, Case, CaseChallenge, CaseStatus
from mspdesk.domain.choices import Route, Stage
from mspdesk.domain.errors import InvalidRecord, NotFound, UserError
from mspdesk.domain.events import Op, changed_fields
from mspdesk.domain.milestone import plan
from mspdesk.domain.pathways import Pathway, parse_pathway, pathway_for
from mspdesk.domain.people import Person, PersonRole
from mspdesk.domain.references import CASES as CASE_SERIES
from mspdesk.domain.referral import Referral
from mspdesk.domain.validation import validated
from mspdesk.store.queries import fields_equal, select

TABLE = "cases"
UPDATABLE = frozenset(
    {
        "stage",
        "contract_value",
        "procurement_on",
        "light_touch",
        "health_care",
        "staff_votes_percent",
        "staff_board_percent",
        "parent_body_kind",
        "adviser",
    }
)
"""Simple fields `update` may change; milestones, status and the rest have their own calls."""


@dataclass(frozen=True)
class CaseRow:
    """One case as the cases list shows it, built from the stored dict without validation."""

    case_id: str
    organisation: str
    parent_body: str
    route: str
    stage: str
    status: str
    adviser: str
    opened_on: str
    next_code: str
    next_title: str
    next_due: str
    overdue: int
    open_milestones: int


class Cases:
    """The case records, through the journal."""

    def __init__(self, core: DeskCore) -> None:
        self._core = core
        self._pathways: list[Pathway] | None = None
        self.milestones = Milestones(core, self)
        self.deadlines = Deadlines(core, self)
        self.conflicts = Conflicts(core, self)
        self.budget = Budgets(core, self)
        self.support = Support(core, self)

    # ------------------------------------------------------------------ pathways

    def pathways(self) -> list[Pathway]:
        """Every shipped pathway (content/pathways/*.toml), read once."""
        if self._pathways is None:
            folder = locations.content_dir() / "pathways"
            found = []
            for path in sorted(folder.glob("*.toml")):
                try:
                    text = path.read_text(encoding="utf-8")
                except OSError as error:
                    raise UserError(f"cannot read pathway {path}: {error.strerror}") from None
                found.append(parse_pathway(text, path.name))
            self._pathways = found
        return self._pathways

    def pathway(self, key: str) -> Pathway:
        """The pathway called `key`; NotFound if none ships under that name."""
        for pathway in self.pathways():
            if pathway.key == key:
                return pathway
        raise NotFound(f"no pathway {key!r} in content/pathways/")

    # ------------------------------------------------------------------ opening

    def open_for(
        self, referral: Referral, status: CaseStatus = CaseStatus.ACTIVE
    ) -> tuple[Case, Op]:
        """A new case for an accepted `referral` and the op that stores it (not committed).

        The case follows the pathway for the referral's route and model, planned from today.
        The caller commits the op together with the referral's change, so accepting a
        referral and opening its case are one event (and one undo).
        """
        moment = self._core.now()
        today = self._core.today()
        pathway = pathway_for(referral.route, referral.proposed_model, self.pathways())
        people = [Person(role=PersonRole.CASE_ADVISER, name=self._core.actor)]
        contact = referral.contact
        if contact.name:
            people.append(
                Person(
                    role=PersonRole.PARENT_BODY_CONTACT,
                    name=contact.name,
                    organisation=referral.organisation,
                    email=contact.email,
                    phone=contact.phone,
                    note=contact.role,
                )
            )
        case = validated(
            Case,
            {
                "id": self.next_id(),
                "referral_id": referral.id,
                "organisation": referral.organisation,
                "parent_body": referral.parent_body,
                "parent_body_kind": referral.parent_body_kind,
                "route": referral.route,
                "proposed_model": referral.proposed_model,
                "pathway": pathway.key,
                "stage": referral.stage,
                "status": status,
                "adviser": self._core.actor,
                "opened_on": today,
                "milestones": plan(pathway, today),
                "people": people,
                "contract_value": referral.contract_value,
                "staff_votes_percent": referral.staff_votes_percent,
                "staff_board_percent": referral.staff_board_percent,
                "challenge": CaseChallenge()
                if referral.route is Route.RIGHT_TO_CHALLENGE
                else None,
                "created_at": moment,
                "updated_at": moment,
            },
            "case",
        )
        op = Op(table=TABLE, key=case.id, kind="put", data=case.model_dump(mode="json"))
        return case, op

    def next_id(self) -> str:
        """The next free case id (one above the highest in use)."""
        return CASE_SERIES.next(self._core.store.table(TABLE), self._core.code)

    # ------------------------------------------------------------------ reading

    def get(self, case_id_: str) -> Case:
        """One case, validated; NotFound if there is none with that id."""
        record = self._core.store.get(TABLE, case_id_.strip().upper())
        if record is None:
            raise NotFound(f"no case {case_id_} (see `mspdesk cases list`)")
        return Case.model_validate(record)

    def exists(self, case_id_: str) -> bool:
        return case_id_ in self._core.store.table(TABLE)

    def rows(self) -> list[dict[str, Any]]:
        """Every case as a plain JSON-shaped dict, newest first. Do not mutate them."""
        table = self._core.store.table(TABLE)
        return sorted(table.values(), key=lambda r: (r["opened_on"], r["id"]), reverse=True)

    def advisers(self) -> list[str]:
        """Every adviser who holds a case, sorted."""
        return sorted({str(r.get("adviser", "")) for r in self._core.store.table(TABLE).values()})

    def summaries(
        self,
        *,
        adviser: str | None = None,
        status: str | None = None,
        today: date | None = None,
    ) -> list[CaseRow]:
        """Cases (newest first) with their next open milestone and overdue count.

        `adviser` and `status` filter exactly (a TinyDB query, store/queries.py); read from
        stored dicts, no validation.
        """
        day = (today or self._core.today()).isoformat()
        wanted = {"adviser": adviser, "status": status}
        wanted = {name: value for name, value in wanted.items() if value is not None}
        if not wanted:
            return [_case_row(record, day) for record in self.rows()]
        found = select(self._core.store, TABLE, fields_equal(**wanted))
        found.sort(key=lambda r: (r["opened_on"], r["id"]), reverse=True)
        return [_case_row(record, day) for record in found]

    def agenda(
        self, today: date | None = None, days: int = 30, adviser: str | None = None
    ) -> Agenda:
        """Open milestones across active cases, deliverables due on support packages and
        what monitoring waits on after spin-out: overdue, due this week, due in `days` days."""
        day = today or self._core.today()
        return desk_agenda(self._core.store, day, days=days, adviser=adviser)

    # ------------------------------------------------------------------ writing

    def save(self, case: Case, changes: Mapping[str, Any], kind: str, summary: str) -> Case:
        """Validate `case` with `changes` and record the difference as one event.

        Returns the saved case. Raises InvalidRecord naming bad fields, or UserError when
        nothing would change.
        """
        before = case.model_dump(mode="json")
        merged = {**before, **dict(changes), "updated_at": self._core.now()}
        updated = validated(Case, merged, "case")
        after = updated.model_dump(mode="json")
        delta = changed_fields(before, after)
        if set(delta) <= {"updated_at"}:
            raise UserError(f"nothing to change on {case.id}")
        prior = {name: before.get(name) for name in delta}
        op = Op(table=TABLE, key=case.id, kind="patch", data=delta, prior=prior)
        self._core.commit(kind, case.id, [op], summary)
        return updated

    def set_status(self, case_id_: str, status: CaseStatus | str, outcome: str = "") -> Case:
        """Move a case to `status`. Ending it (spun out, withdrawn, closed) needs `outcome`,
        the result in a sentence or two for the evidence base; reopening keeps the old one."""
        case = self.get(case_id_)
        new = _parse_status(status)
        if new is case.status:
            raise UserError(f"{case.id} is already {new.label.lower()}")
        changes: dict[str, Any] = {"status": new}
        if new in ENDED:
            if not outcome.strip():
                raise InvalidRecord(
                    [("outcome", f"say how the case ended ({new.value}) for the evidence base")],
                    "case",
                )
            changes.update(outcome=outcome, ended_on=self._core.today())
        else:
            changes["ended_on"] = None
        text = f"{case.id} {new.label.lower()}" + (f": {outcome.strip()[:60]}" if outcome else "")
        return self.save(case, changes, "case.status", text)

    def set_adviser(self, case_id_: str, adviser: str) -> Case:
        """Hand the case to `adviser` (also listed as its case adviser under people)."""
        case = self.get(case_id_)
        name = adviser.strip()
        if not name:
            raise InvalidRecord([("adviser", "name the adviser")], "case")
        people = [p for p in case.people if p.role is not PersonRole.CASE_ADVISER]
        people.insert(0, Person(role=PersonRole.CASE_ADVISER, name=name))
        changes = {"adviser": name, "people": people}
        return self.save(case, changes, "case.adviser", f"{case.id} adviser: {name}")

    def update(self, case_id_: str, changes: Mapping[str, Any]) -> Case:
        """Change simple fields: stage, contract value, procurement date, light touch,
        parent body kind, adviser."""
        bad = sorted(set(changes) - UPDATABLE)
        if bad:
            raise InvalidRecord([(name, "cannot be changed here") for name in bad], "case")
        case = self.get(case_id_)
        values = dict(changes)
        if "stage" in values and isinstance(values["stage"], str):
            values["stage"] = Stage.parse(values["stage"])
        labels = ", ".join(sorted(values))
        return self.save(case, values, "case.updated", f"Changed {labels} on {case.id}")

    def add_person(self, case_id_: str, fields: Mapping[str, Any]) -> Person:
        """Add a person or partner (role, name, organisation, email, phone, note)."""
        case = self.get(case_id_)
        person = validated(Person, dict(fields), "person")
        text = f"{case.id}: added {person.role.label.lower()} {person.name}"
        self.save(case, {"people": [*case.people, person]}, "case.person-added", text)
        return person

    def remove_person(self, case_id_: str, index: int) -> Person:
        """Remove the person at `index` (as listed) from the case."""
        case = self.get(case_id_)
        if not 0 <= index < len(case.people):
            raise NotFound(f"{case.id} has no person number {index + 1}")
        person = case.people[index]
        people = [p for position, p in enumerate(case.people) if position != index]
        text = f"{case.id}: removed {person.role.label.lower()} {person.name}"
        self.save(case, {"people": people}, "case.person-removed", text)
        return person


def _parse_status(status: CaseStatus | str) -> CaseStatus:
    if isinstance(status, CaseStatus):
        return status
    try:
        return CaseStatus.parse(status)
    except ValueError as error:
        raise InvalidRecord([("status", str(error))], "case") from None


def _case_row(record: Mapping[str, Any], today: str) -> CaseRow:
    overdue = open_count = 0
    next_milestone: Mapping[str, Any] | None = None
    for milestone in _milestone_dicts(record):
        if milestone.get("status") != "open":
            continue
        open_count += 1
        due = milestone.get("due")
        if not due:
            continue
        if due < today:  # ISO dates compare as strings
            overdue += 1
        if next_milestone is None or due < next_milestone["due"]:
            next_milestone = milestone
    return CaseRow(
        case_id=str(record["id"]),
        organisation=str(record.get("organisation", "")),
        parent_body=str(record.get("parent_body", "")),
        route=str(record.get("route", "")),
        stage=str(record.get("stage", "")),
        status=str(record.get("status", "")),
        adviser=str(record.get("adviser", "")),
        opened_on=str(record.get("opened_on", "")),
        next_code=str(next_milestone["code"]) if next_milestone else "",
        next_title=str(next_milestone["title"]) if next_milestone else "",
        next_due=str(next_milestone["due"]) if next_milestone else "",
        overdue=overdue,
        open_milestones=open_count,
    )


def _milestone_dicts(record: Mapping[str, Any]) -> Iterable[Mapping[str, Any]]:
    milestones: Iterable[Mapping[str, Any]] = record.get("milestones") or ()
    return milestones
