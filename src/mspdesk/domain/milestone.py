"""A case's milestones: planning from a pathway, re-planning when dates move, days late.

Each milestone hangs from the case start or from another milestone (`after`) by `offset_days`.
The date a milestone's dependents hang from (its *anchor*) is:

- open: its due date;
- done: the day it was actually done (`done_on`), so finishing late or early moves what follows;
- skipped: where it would have fallen (its own anchor + offset), so skipping a step does not
  freeze the chain below it; its own displayed due date is kept.

An open milestone's due date is always `anchor(after) + offset_days`. Rescheduling one by hand
changes its offset to match, so a later re-plan (say, the case start moves) keeps the
adviser's adjustment. A milestone with `after = None` is a fixed date that nothing moves.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date, timedelta
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, model_validator

from mspdesk.domain.choices import Choice
from mspdesk.domain.errors import InvalidRecord, NotFound, UserError
from mspdesk.domain.pathways import START, Pathway, cycle_problems


class MilestoneStatus(Choice):
    OPEN = "open"
    DONE = "done"
    SKIPPED = "skipped"


def _status(value: Any) -> Any:
    if isinstance(value, str) and not isinstance(value, MilestoneStatus):
        return MilestoneStatus.parse(value)
    return value


class Milestone(BaseModel):
    """One milestone on one case. Frozen: change it with `complete`, `skip`, `reopen`, etc."""

    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)

    code: Annotated[str, Field(min_length=1, max_length=12)]
    title: Annotated[str, Field(min_length=1, max_length=200)]
    due: date | None = None
    status: Annotated[MilestoneStatus, BeforeValidator(_status)] = MilestoneStatus.OPEN
    done_on: date | None = None
    skip_reason: Annotated[str, Field(max_length=500)] = ""
    after: str | None = START
    """"start", another milestone's code, or None for a fixed date nothing moves."""
    offset_days: int = 0
    done_when: Annotated[str, Field(max_length=500)] = ""
    guidance: tuple[str, ...] = ()
    position: Annotated[int, Field(ge=0)] = 0

    @model_validator(mode="after")
    def _status_fields(self) -> Milestone:
        if self.status is MilestoneStatus.DONE and self.done_on is None:
            raise ValueError("a done milestone needs done_on (the day it was done)")
        if self.status is not MilestoneStatus.DONE and self.done_on is not None:
            raise ValueError(f"done_on is only for done milestones, not {self.status.value}")
        if self.status is MilestoneStatus.SKIPPED and not self.skip_reason:
            raise ValueError("a skipped milestone needs skip_reason (why it was skipped)")
        if self.status is not MilestoneStatus.SKIPPED and self.skip_reason:
            raise ValueError("skip_reason is only for skipped milestones")
        if self.after == self.code:
            raise ValueError(f"{self.code} cannot hang from itself")
        return self

    def with_changes(self, **changes: Any) -> Milestone:
        """A validated copy with `changes` applied (model_copy would skip validation)."""
        return Milestone.model_validate({**self.model_dump(), **changes})


class Change(BaseModel):
    """One date a re-plan would move, for the preview (old -> new) and for undo."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    code: str
    old_due: date | None
    new_due: date | None
    old_offset_days: int
    new_offset_days: int

    def inverse(self) -> Change:
        """The change that undoes this one."""
        return Change(
            code=self.code,
            old_due=self.new_due,
            new_due=self.old_due,
            old_offset_days=self.new_offset_days,
            new_offset_days=self.old_offset_days,
        )


def plan(pathway: Pathway, start: date) -> list[Milestone]:
    """The pathway's milestones for a case starting on `start`, all open, with due dates."""
    unplanned = [
        Milestone(
            code=template.code,
            title=template.title,
            after=template.after,
            offset_days=template.offset_days,
            done_when=template.done_when,
            guidance=template.guidance,
            position=position,
        )
        for position, template in enumerate(pathway.milestones)
    ]
    return apply_changes(unplanned, replan(unplanned, start, {}))


def replan(
    milestones: Sequence[Milestone], start: date, changed: Mapping[str, date]
) -> list[Change]:
    """The due dates that move when the case starts on `start` and `changed` dates are set.

    `changed` maps a code to its new date: for an open milestone, its new due date (its
    offset is updated so the adjustment survives later re-plans); for a done or skipped one,
    the date its dependents should hang from (e.g. a corrected done date) — no Change is
    listed for the done milestone itself. Every open milestone that hangs, directly or
    transitively, from a moved date moves with it. Nothing is mutated; pass the result to
    `apply_changes`. Changes come in the milestones' order.
    """
    by_code = _by_code(milestones)
    unknown = sorted(set(changed) - set(by_code))
    if unknown:
        raise NotFound(f"no milestone {', '.join(unknown)} on this case")
    _check_no_cycles(by_code)
    anchors: dict[str, date | None] = {}

    def parent_anchor(milestone: Milestone) -> date | None:
        if milestone.after is None:
            return None
        if milestone.after == START:
            return start
        parent = by_code.get(milestone.after)
        return anchor(parent) if parent is not None else None

    def planned(milestone: Milestone) -> date | None:
        base = parent_anchor(milestone)
        return base + timedelta(days=milestone.offset_days) if base is not None else None

    def due(milestone: Milestone) -> date | None:
        if milestone.code in changed:
            return changed[milestone.code]
        if milestone.after is None:
            return milestone.due
        # An unknown anchor (parent removed, or undated) leaves the date as the adviser set it.
        return _first_known(planned(milestone), milestone.due)

    def anchor(milestone: Milestone) -> date | None:
        if milestone.code not in anchors:
            if milestone.status is MilestoneStatus.OPEN:
                anchors[milestone.code] = due(milestone)
            elif milestone.code in changed:
                anchors[milestone.code] = changed[milestone.code]
            elif milestone.status is MilestoneStatus.DONE:
                anchors[milestone.code] = milestone.done_on
            else:
                anchors[milestone.code] = _first_known(planned(milestone), milestone.due)
        return anchors[milestone.code]

    changes: list[Change] = []
    for milestone in _in_order(milestones):
        if milestone.status is not MilestoneStatus.OPEN:
            continue
        new_due = anchor(milestone)
        new_offset = milestone.offset_days
        base = parent_anchor(milestone)
        if milestone.code in changed and new_due is not None and base is not None:
            new_offset = (new_due - base).days
        if new_due != milestone.due or new_offset != milestone.offset_days:
            changes.append(
                Change(
                    code=milestone.code,
                    old_due=milestone.due,
                    new_due=new_due,
                    old_offset_days=milestone.offset_days,
                    new_offset_days=new_offset,
                )
            )
    return changes


def apply_changes(milestones: Sequence[Milestone], changes: Iterable[Change]) -> list[Milestone]:
    """The milestones with `changes` applied, in the same order; the input is not mutated.

    Raises UserError if a milestone no longer has the change's old date (the preview is stale)
    or is no longer open.
    """
    by_code = _by_code(milestones)
    updated: dict[str, Milestone] = {}
    for change in changes:
        current = updated.get(change.code) or by_code.get(change.code)
        if current is None:
            raise NotFound(f"no milestone {change.code} on this case")
        if current.status is not MilestoneStatus.OPEN:
            raise UserError(f"{change.code} is {current.status.value}; re-plan again")
        if current.due != change.old_due or current.offset_days != change.old_offset_days:
            raise UserError(f"{change.code} changed since the preview; re-plan again")
        updated[change.code] = current.with_changes(
            due=change.new_due, offset_days=change.new_offset_days
        )
    return [updated.get(milestone.code, milestone) for milestone in milestones]


def days_late(milestone: Milestone, today: date) -> int:
    """Whole days an open milestone is past its due date; 0 if due today, later, or closed."""
    if milestone.status is not MilestoneStatus.OPEN or milestone.due is None:
        return 0
    return max(0, (today - milestone.due).days)


def days_until_due(milestone: Milestone, today: date) -> int | None:
    """Days from `today` to an open milestone's due date (negative when late), else None."""
    if milestone.status is not MilestoneStatus.OPEN or milestone.due is None:
        return None
    return (milestone.due - today).days


def complete(milestone: Milestone, on: date) -> Milestone:
    """The milestone marked done on `on`. Re-plan afterwards: dependents hang from `on`."""
    return milestone.with_changes(status=MilestoneStatus.DONE, done_on=on, skip_reason="")


def skip(milestone: Milestone, reason: str) -> Milestone:
    """The milestone skipped, with the adviser's `reason` (required)."""
    if not reason.strip():
        raise InvalidRecord([("skip_reason", "say why the milestone is skipped")], "milestone")
    return milestone.with_changes(status=MilestoneStatus.SKIPPED, done_on=None, skip_reason=reason)


def reopen(milestone: Milestone) -> Milestone:
    """The milestone open again (undoing done or skipped); its due date is kept."""
    return milestone.with_changes(status=MilestoneStatus.OPEN, done_on=None, skip_reason="")


def reorder(milestones: Sequence[Milestone], code: str, new_position: int) -> list[Milestone]:
    """The milestones in display order with `code` moved to `new_position` (0-based, clamped),
    positions renumbered 0..n-1. Dates and dependencies are unchanged."""
    ordered = _in_order(milestones)
    moving = next((m for m in ordered if m.code == code), None)
    if moving is None:
        raise NotFound(f"no milestone {code} on this case")
    ordered.remove(moving)
    ordered.insert(max(0, min(new_position, len(ordered))), moving)
    return [
        m if m.position == index else m.with_changes(position=index)
        for index, m in enumerate(ordered)
    ]


def next_custom_code(milestones: Iterable[Milestone]) -> str:
    """A free code for a milestone an adviser adds by hand: X01, X02, ..."""
    taken = {m.code for m in milestones}
    number = 1
    while f"X{number:02d}" in taken:
        number += 1
    return f"X{number:02d}"


def _first_known(*dates: date | None) -> date | None:
    return next((day for day in dates if day is not None), None)


def _in_order(milestones: Iterable[Milestone]) -> list[Milestone]:
    # sorted() is stable, so equal positions keep their stored order.
    return sorted(milestones, key=lambda m: m.position)


def _by_code(milestones: Iterable[Milestone]) -> dict[str, Milestone]:
    by_code: dict[str, Milestone] = {}
    for milestone in milestones:
        if milestone.code in by_code:
            raise InvalidRecord([(milestone.code, "duplicate milestone code")], "case milestones")
        by_code[milestone.code] = milestone
    return by_code


def _check_no_cycles(by_code: Mapping[str, Milestone]) -> None:
    parents = {code: m.after for code, m in by_code.items() if m.after is not None}
    problems = cycle_problems(parents)
    if problems:
        raise InvalidRecord(problems, "case milestones")
