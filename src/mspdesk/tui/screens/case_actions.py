"""What the case screen's keys do: each asks what it needs in a dialog, saves through the
desk, says what happened, and tells every screen to refresh.

Re-planning steps (reschedule, new start, Right to Challenge steps) show a preview of every
date that moves before anything is saved; applying records one event, so Ctrl+Z undoes it.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from mspdesk.domain.case import CaseStatus
from mspdesk.domain.challenge import REJECTION_GROUNDS, TRANSITIONS, EoiState
from mspdesk.domain.errors import InvalidRecord, UserError
from mspdesk.domain.milestone import Change
from mspdesk.domain.parsing import parse_date
from mspdesk.tui.access import report
from mspdesk.tui.screens.case_forms import Field, FormModal, ReplanPreview, Values

if TYPE_CHECKING:
    from mspdesk.desk import Desk
    from mspdesk.desk.deadlines import ChallengePreview
    from mspdesk.tui.screens.case import CaseScreen


def writable_desk(screen: CaseScreen) -> Desk | None:
    """The desk if changes can be saved; otherwise say why not."""
    desk = screen.desk_app.desk
    if desk is None or screen.case is None:
        return None
    if desk.read_only:
        screen.notify("This desk is open read-only: nothing can be changed.", severity="warning")
        return None
    return desk


def _saved(screen: CaseScreen, message: str, select: str | None = None) -> None:
    screen.notify(message, title="Saved", markup=False)
    if select:
        screen.select_milestone(select)
    screen.desk_app.refresh_data()


def _failed(screen: CaseScreen, error: UserError) -> None:
    report(screen.app, error)


def _date(text: str, field: str) -> date:
    try:
        return parse_date(text)
    except ValueError as error:
        raise InvalidRecord([(field, str(error))], "date") from None


def _moved(changes: list[Change]) -> str:
    count = len(changes)
    return f"; {count} later date{'s' if count != 1 else ''} moved" if count else ""


def _titles(screen: CaseScreen) -> dict[str, str]:
    return {m.code: m.title for m in screen.case.milestones} if screen.case else {}


# ------------------------------------------------------------------ milestone status


def complete(screen: CaseScreen) -> None:
    _mark(screen, done=True)


def _mark(screen: CaseScreen, *, done: bool) -> None:
    """Mark the milestone under the cursor done, or open again; later dates re-plan."""
    desk, milestone = writable_desk(screen), screen.current_milestone()
    if desk is None or milestone is None:
        return
    milestones = desk.cases.milestones
    change = milestones.complete if done else milestones.reopen
    try:
        result = change(screen.case_id, milestone.code)
    except UserError as error:
        _failed(screen, error)
        return
    word = "done" if done else "open again"
    _saved(screen, f"{milestone.code} {word}{_moved(result.moved)}", milestone.code)


def skip(screen: CaseScreen) -> None:
    desk, milestone = writable_desk(screen), screen.current_milestone()
    if desk is None or milestone is None:
        return

    def submit(values: Values) -> None:
        desk.cases.milestones.skip(screen.case_id, milestone.code, values["reason"])

    def closed(values: Values | None) -> None:
        if values is not None:
            _saved(screen, f"{milestone.code} skipped", milestone.code)

    form = FormModal(
        f"Skip {milestone.code}: {milestone.title}",
        [Field("reason", "Why is it skipped?", placeholder="e.g. the council holds one role only")],
        submit,
    )
    screen.app.push_screen(form, closed)


def reopen(screen: CaseScreen) -> None:
    _mark(screen, done=False)


# ------------------------------------------------------------------ dates


def reschedule(screen: CaseScreen) -> None:
    desk, milestone = writable_desk(screen), screen.current_milestone()
    if desk is None or milestone is None:
        return
    code = milestone.code
    changes: list[Change] = []

    def submit(values: Values) -> None:
        day = _date(values["due"], "new due date")
        found = desk.cases.milestones.preview_reschedule(screen.case_id, {code: day})
        if not found:
            raise UserError(f"{code} is already due on {day:%d %b %Y}")
        changes[:] = found

    def apply(confirmed: bool | None) -> None:
        if not confirmed:
            screen.notify("Dates left as they were.")
            return
        try:
            desk.cases.milestones.apply_reschedule(screen.case_id, changes)
        except UserError as error:
            _failed(screen, error)
            return
        _saved(screen, f"Rescheduled: {len(changes)} date(s) moved", code)

    def chosen(values: Values | None) -> None:
        if values is not None:
            preview = ReplanPreview(f"Reschedule {code}", changes, _titles(screen))
            screen.app.push_screen(preview, apply)

    due = milestone.due.isoformat() if milestone.due else ""
    form = FormModal(
        f"Reschedule {code}: {milestone.title}",
        [Field("due", "New due date", value=due, placeholder="YYYY-MM-DD or DD/MM/YYYY")],
        submit,
        explain="Milestones that hang from this one move with it; you see them before saving.",
    )
    screen.app.push_screen(form, chosen)


def replan_start(screen: CaseScreen) -> None:
    desk, case = writable_desk(screen), screen.case
    if desk is None or case is None:
        return
    changes: list[Change] = []
    start: list[date] = []

    def submit(values: Values) -> None:
        day = _date(values["start"], "start date")
        changes[:] = desk.cases.milestones.preview_reschedule(screen.case_id, start=day)
        start[:] = [day]

    def apply(confirmed: bool | None) -> None:
        if not confirmed:
            screen.notify("Dates left as they were.")
            return
        try:
            desk.cases.milestones.apply_reschedule(screen.case_id, changes, start=start[0])
        except UserError as error:
            _failed(screen, error)
            return
        _saved(screen, f"Plan starts {start[0]:%d %b %Y}{_moved(changes)}")

    def chosen(values: Values | None) -> None:
        if values is not None:
            title = f"Plan starts {start[0]:%d %b %Y}"
            screen.app.push_screen(ReplanPreview(title, changes, _titles(screen)), apply)

    form = FormModal(
        "Move the plan's start",
        [Field("start", "New start date", value=case.plan_start.isoformat())],
        submit,
        explain="Every open milestone hanging from the start moves with it.",
    )
    screen.app.push_screen(form, chosen)


def add(screen: CaseScreen) -> None:
    desk = writable_desk(screen)
    if desk is None:
        return
    added: list[str] = []

    def submit(values: Values) -> None:
        due = _date(values["due"], "due date")
        after = values["after"].strip() or None
        result = desk.cases.milestones.add(screen.case_id, values["title"], due, after=after)
        added[:] = [result.milestone.code]

    def closed(values: Values | None) -> None:
        if values is not None and added:
            _saved(screen, f"{added[0]} added", added[0])

    fields = [
        Field("title", "What must happen?"),
        Field("due", "Due date", placeholder="YYYY-MM-DD or DD/MM/YYYY"),
        Field("after", "Hangs from (a code like M05, or start; empty: a fixed date)"),
    ]
    screen.app.push_screen(FormModal("Add a milestone", fields, submit), closed)


def move(screen: CaseScreen, by: int) -> None:
    desk, milestone = writable_desk(screen), screen.current_milestone()
    if desk is None or milestone is None:
        return
    try:
        desk.cases.milestones.move(screen.case_id, milestone.code, by)
    except UserError as error:
        _failed(screen, error)
        return
    screen.select_milestone(milestone.code)
    screen.desk_app.refresh_data()


# ------------------------------------------------------------------ the case


def change_status(screen: CaseScreen) -> None:
    desk, case = writable_desk(screen), screen.case
    if desk is None or case is None:
        return

    def submit(values: Values) -> None:
        desk.cases.set_status(screen.case_id, values["status"], values["outcome"])

    def closed(values: Values | None) -> None:
        if values is not None:
            _saved(screen, f"{case.id} is now {CaseStatus(values['status']).label.lower()}")

    fields = [
        Field(
            "status", "Status", case.status.value, choices=[(s.value, s.label) for s in CaseStatus]
        ),
        Field("outcome", "Outcome for the evidence base (needed to end a case)", case.outcome),
    ]
    screen.app.push_screen(FormModal(f"Status of {case.id}", fields, submit), closed)


def eoi_step(screen: CaseScreen) -> None:
    desk, case = writable_desk(screen), screen.case
    if desk is None or case is None or case.challenge is None:
        return
    state = case.challenge.eoi.state
    allowed = sorted(TRANSITIONS[state], key=list(EoiState).index)
    if not allowed:
        screen.notify(f"The challenge is finished ({state.label.lower()}).")
        return
    previews: list[ChallengePreview] = []

    def submit(values: Values) -> None:
        expected = values["expected"].strip()
        held = values["held_until"].strip()
        agreed = values["agreed_on"].strip()
        previews[:] = [
            desk.cases.deadlines.preview_eoi(
                screen.case_id,
                values["step"],
                _date(values["on"], "date"),
                ground=values["ground"] or None,
                expected_decision_on=_date(expected, "decision date") if expected else None,
                held_until=_date(held, "held until") if held else None,
                agreed_on=_date(agreed, "agreed on") if agreed else None,
            )
        ]

    def apply(confirmed: bool | None) -> None:
        if not confirmed:
            screen.notify("Nothing recorded.")
            return
        try:
            desk.cases.deadlines.apply(previews[0])
        except UserError as error:
            _failed(screen, error)
            return
        _saved(screen, previews[0].summary)

    def chosen(values: Values | None) -> None:
        if values is None:
            return
        preview = previews[0]
        also = [f"Marks {code} done on {day:%d %b %Y}" for code, day in preview.done]
        also += [f"Skips {code}: {reason}" for code, reason in preview.skipped]
        title = f"EOI: {preview.challenge.eoi.state.label}"
        screen.app.push_screen(
            ReplanPreview(title, preview.changes, _titles(screen), also=also), apply
        )

    today = desk.core.today().isoformat()
    grounds = [("", "— (rejections only)")] + [
        (g.code, f"{g.code} {g.title}") for g in REJECTION_GROUNDS
    ]
    fields = [
        Field("step", "Next step", allowed[0].value, choices=[(s.value, s.label) for s in allowed]),
        Field("on", "On", today),
        Field("ground", "Rejection ground", "", choices=grounds),
        Field("expected", "Decision date the authority's notice gave (optional)"),
        Field("held_until", "Held until (held only: e.g. the current contract's end)"),
        Field("agreed_on", "Group agreed the modification on (default: the step's date)"),
    ]
    form = FormModal(f"Right to Challenge: EOI {state.label.lower()}", fields, submit)
    screen.app.push_screen(form, chosen)
