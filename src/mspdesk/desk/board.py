"""The programme Board: cases awaiting approval, and its decisions.

With `board_approval` on in programme.toml, accepting a referral opens its case as awaiting
Board. The Board approves (the case becomes active), defers (it keeps waiting) or declines
(it ends as Board-declined and never becomes active). Each decision is one event holding the
minute and the case's change: history shows it, undo reverses it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from mspdesk.domain.case import Case, CaseStatus
from mspdesk.domain.errors import InvalidRecord, UserError
from mspdesk.domain.events import Op, changed_fields
from mspdesk.domain.validation import validated

if TYPE_CHECKING:
    from mspdesk.desk.cases import Cases
    from mspdesk.desk.core import DeskCore

TABLE = "board"
DECISIONS = ("approve", "defer", "decline")


@dataclass(frozen=True)
class BoardDecision:
    """One Board decision on a case."""

    key: str
    case_id: str
    decision: str
    minute: str
    on: date
    actor: str


class Board:
    """Board decisions, through the journal."""

    def __init__(self, core: DeskCore, cases: Cases) -> None:
        self._core = core
        self._cases = cases

    def waiting(self) -> list[Case]:
        """Cases awaiting the Board, oldest first."""
        rows = self._core.store.table("cases").values()
        found = [r for r in rows if r.get("status") == CaseStatus.AWAITING_BOARD.value]
        return [Case.model_validate(r) for r in sorted(found, key=lambda r: r["id"])]

    def decisions(self, case_id: str | None = None) -> list[BoardDecision]:
        """Recorded (not undone) decisions, on one case or all, in order."""
        found = []
        for key, record in self._core.store.table(TABLE).items():
            if case_id is None or record.get("case_id") == case_id:
                found.append(_decision(key, record))
        return sorted(found, key=lambda d: (d.case_id, int(d.key.rsplit("/", 1)[1])))

    def decide(
        self, case_id: str, decision: str, minute: str, on: date | None = None
    ) -> BoardDecision:
        """Record the Board's `decision` with its `minute`; returns it once durable."""
        wanted = decision.strip().casefold()
        if wanted not in DECISIONS:
            raise InvalidRecord([("--decision", f"one of: {', '.join(DECISIONS)}")], "board")
        if not minute.strip():
            raise InvalidRecord([("--minute", "record the Board's minute")], "board")
        case = self._cases.get(case_id)
        if case.status is not CaseStatus.AWAITING_BOARD:
            raise UserError(f"{case.id} is not awaiting the Board ({case.status.label.lower()})")
        day = on or self._core.today()
        if day < case.opened_on:
            raise InvalidRecord([("--on", f"before the case opened ({case.opened_on})")], "board")
        number = 1 + sum(
            1 for e in self._core.store.events_for(case.id) if e["kind"] == "board.decided"
        )
        key = f"{case.id}/{number}"
        record = {
            "case_id": case.id,
            "decision": wanted,
            "minute": minute.strip(),
            "on": day.isoformat(),
            "actor": self._core.actor,
        }
        ops = [Op(table=TABLE, key=key, kind="put", data=record)]
        changes: dict[str, Any] = {}
        if wanted == "approve":
            changes = {"status": CaseStatus.ACTIVE}
        elif wanted == "decline":
            changes = {
                "status": CaseStatus.BOARD_DECLINED,
                "outcome": f"Declined by the Board on {day.isoformat()}: {minute.strip()}",
                "ended_on": day,
            }
        if changes:
            before = case.model_dump(mode="json")
            merged = {**before, **changes, "updated_at": self._core.now()}
            after = validated(Case, merged, "case").model_dump(mode="json")
            delta = changed_fields(before, after)
            prior = {name: before.get(name) for name in delta}
            ops.append(Op(table="cases", key=case.id, kind="patch", data=delta, prior=prior))
        verb = {"approve": "approved", "defer": "deferred", "decline": "declined"}[wanted]
        self._core.commit(
            "board.decided", case.id, ops, f"Board {verb} {case.id}: {minute.strip()[:60]}"
        )
        return _decision(key, record)


def _decision(key: str, record: dict[str, Any]) -> BoardDecision:
    return BoardDecision(
        key=key,
        case_id=str(record["case_id"]),
        decision=str(record["decision"]),
        minute=str(record.get("minute", "")),
        on=date.fromisoformat(str(record["on"])),
        actor=str(record.get("actor", "")),
    )
