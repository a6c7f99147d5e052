"""Milestones on a case: done, skipped, reopened, added, moved and rescheduled.

Each call is one event on the case record. When a change moves a date others hang from
(finishing a step early or late, reopening one), the dependent due dates are re-planned in
the same event, so one undo puts every date back. Rescheduling by hand is previewed first:
`preview_reschedule` lists old -> new dates; `apply_reschedule` records exactly those.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING

from mspdesk.desk.core import DeskCore
from mspdesk.domain import milestone as rules
from mspdesk.domain.case import Case
from mspdesk.domain.errors import NotFound, UserError
from mspdesk.domain.milestone import Change, Milestone, MilestoneStatus
from mspdesk.domain.pathways import START
from mspdesk.domain.validation import validated

if TYPE_CHECKING:
    from mspdesk.desk.cases import Cases


@dataclass(frozen=True)
class MilestoneResult:
    """The saved case, the milestone as it is now, and the dates that moved with it."""

    case: Case
    milestone: Milestone
    moved: list[Change] = field(default_factory=list)


class Milestones:
    """Changes to the milestones of one case at a time."""

    def __init__(self, core: DeskCore, cases: Cases) -> None:
        self._core = core
        self._cases = cases

    # ------------------------------------------------------------------ status

    def complete(self, case_id: str, code: str, on: date | None = None) -> MilestoneResult:
        """Mark a milestone done on `on` (default today); milestones hanging from it
        re-plan from that day in the same event."""
        case, milestone = self._find(case_id, code)
        if milestone.status is MilestoneStatus.DONE:
            raise UserError(f"{case.id} {milestone.code} is already done (on {milestone.done_on})")
        day = on or self._core.today()
        done = rules.complete(milestone, day)
        verb = f"done {day:%d %b %Y}"
        return self._change_one(case, done, "milestone.done", verb)

    def skip(self, case_id: str, code: str, reason: str) -> MilestoneResult:
        """Skip a milestone, saying why (required)."""
        case, milestone = self._find(case_id, code)
        if milestone.status is MilestoneStatus.SKIPPED:
            raise UserError(f"{case.id} {milestone.code} is already skipped")
        skipped = rules.skip(milestone, reason)
        return self._change_one(case, skipped, "milestone.skipped", f"skipped: {reason.strip()}")

    def reopen(self, case_id: str, code: str) -> MilestoneResult:
        """Open a done or skipped milestone again; its dependents hang from its due date."""
        case, milestone = self._find(case_id, code)
        if milestone.status is MilestoneStatus.OPEN:
            raise UserError(f"{case.id} {milestone.code} is already open")
        return self._change_one(case, rules.reopen(milestone), "milestone.reopened", "reopened")

    def add(
        self,
        case_id: str,
        title: str,
        due: date,
        *,
        after: str | None = None,
        done_when: str = "",
        guidance: Iterable[str] = (),
        position: int | None = None,
    ) -> MilestoneResult:
        """Add a milestone of the adviser's own (code X01, X02, ...) due on `due`.

        With `after` (a milestone code or "start") it keeps its gap from that date when
        the plan moves; without, it is a fixed date. It goes at `position` (default: just
        before the first open milestone due after it).
        """
        case = self._cases.get(case_id)
        code = rules.next_custom_code(case.milestones)
        parent = _parent_code(case, after)
        ordered = case.ordered_milestones
        slot = position if position is not None else _slot_for(ordered, due)
        draft = _validated_milestone(
            code=code,
            title=title,
            due=due,
            after=parent,
            done_when=done_when,
            guidance=tuple(guidance),
            position=len(ordered),
        )
        milestones = [*ordered, draft]
        if parent is not None:
            # Set the offset so the new milestone falls on `due` from where its parent is now.
            offsets = rules.replan(milestones, case.plan_start, {code: due})
            milestones = rules.apply_changes(milestones, offsets)
        milestones = rules.reorder(milestones, code, slot)
        added = next(m for m in milestones if m.code == code)
        summary = f"{case.id} {code} added: {added.title[:60]} (due {due:%d %b %Y})"
        saved = self._cases.save(case, {"milestones": milestones}, "milestone.added", summary)
        return MilestoneResult(saved, added)

    # ------------------------------------------------------------------ order

    def move(self, case_id: str, code: str, by: int) -> Case:
        """Move a milestone `by` places in the list (negative: up). Dates do not change."""
        case, milestone = self._find(case_id, code)
        ordered = case.ordered_milestones
        index = next(i for i, m in enumerate(ordered) if m.code == milestone.code)
        target = max(0, min(len(ordered) - 1, index + by))
        if target == index:
            raise UserError(f"{milestone.code} is already {'first' if by < 0 else 'last'}")
        return self.reorder(case.id, milestone.code, target)

    def reorder(self, case_id: str, code: str, position: int) -> Case:
        """Put a milestone at `position` (0-based) in the list. Dates do not change."""
        case, milestone = self._find(case_id, code)
        milestones = rules.reorder(case.milestones, milestone.code, position)
        summary = (
            f"{case.id} {milestone.code} moved to place {min(position, len(milestones) - 1) + 1}"
        )
        return self._cases.save(case, {"milestones": milestones}, "milestone.moved", summary)

    # ------------------------------------------------------------------ dates

    def preview_reschedule(
        self,
        case_id: str,
        changed: Mapping[str, date] | None = None,
        *,
        start: date | None = None,
    ) -> list[Change]:
        """Every due date that moves if open milestones get the `changed` dates (code -> new
        due date) and/or the plan starts on `start`; nothing is saved.

        A milestone moved by hand keeps the new gap from its anchor when the plan moves
        again. Raises NotFound for an unknown code and UserError for a done or skipped one.
        """
        case = self._cases.get(case_id)
        wanted = {self._code(case, code): day for code, day in (changed or {}).items()}
        for code in wanted:
            milestone = case.milestone(code)
            if milestone is not None and milestone.status is not MilestoneStatus.OPEN:
                raise UserError(
                    f"{case.id} {code} is {milestone.status.value}; reopen it to move its date"
                )
        return rules.replan(case.milestones, start or case.plan_start, wanted)

    def apply_reschedule(
        self, case_id: str, changes: Sequence[Change], *, start: date | None = None
    ) -> Case:
        """Record the previewed `changes` (and the new plan `start`) as one undoable event.

        Raises UserError if the case changed since the preview (preview again).
        """
        case = self._cases.get(case_id)
        if not changes and (start is None or start == case.plan_start):
            raise UserError(f"no dates move on {case.id}")
        milestones = rules.apply_changes(case.milestones, changes)
        values: dict[str, object] = {"milestones": milestones}
        text = _moves_text(changes)
        if start is not None and start != case.plan_start:
            values["start_on"] = start
            text = f"start {start:%d %b %Y}" + (f"; {text}" if text else "")
        summary = f"{case.id} rescheduled: {text}"
        return self._cases.save(case, values, "milestones.rescheduled", summary)

    # ------------------------------------------------------------------ helpers

    def _find(self, case_id: str, code: str) -> tuple[Case, Milestone]:
        case = self._cases.get(case_id)
        milestone = case.milestone(self._code(case, code))
        assert milestone is not None
        return case, milestone

    @staticmethod
    def _code(case: Case, code: str) -> str:
        wanted = code.strip().upper()
        if case.milestone(wanted) is None:
            codes = ", ".join(m.code for m in case.ordered_milestones) or "none"
            raise NotFound(f"{case.id} has no milestone {code!r} (it has: {codes})")
        return wanted

    def _change_one(self, case: Case, changed: Milestone, kind: str, verb: str) -> MilestoneResult:
        milestones = [changed if m.code == changed.code else m for m in case.milestones]
        moved = rules.replan(milestones, case.plan_start, {})
        milestones = rules.apply_changes(milestones, moved)
        summary = f"{case.id} {changed.code} {verb}"
        if moved:
            summary += f"; {_moves_text(moved)}"
        saved = self._cases.save(case, {"milestones": milestones}, kind, summary)
        return MilestoneResult(
            saved, next(m for m in saved.milestones if m.code == changed.code), moved
        )


def _parent_code(case: Case, after: str | None) -> str | None:
    if after is None:
        return None
    if after.strip().lower() == START:
        return START
    return Milestones._code(case, after)


def _slot_for(ordered: Sequence[Milestone], due: date) -> int:
    for index, milestone in enumerate(ordered):
        if milestone.status is MilestoneStatus.OPEN and milestone.due and milestone.due > due:
            return index
    return len(ordered)


def _validated_milestone(**fields: object) -> Milestone:
    return validated(Milestone, dict(fields), "milestone")


def _moves_text(changes: Sequence[Change]) -> str:
    """ "M05 2 Sep -> 9 Sep 2013" for one change; "4 dates moved" for several."""
    if not changes:
        return ""
    if len(changes) == 1:
        change = changes[0]
        return f"{change.code} {_short(change.old_due)} -> {_short(change.new_due)}"
    return f"{len(changes)} dates moved"


def _short(day: date | None) -> str:
    return f"{day:%d %b %Y}" if day else "no date"
