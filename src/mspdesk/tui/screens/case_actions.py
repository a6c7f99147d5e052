"""What the case's own keys do (its status, the next Right to Challenge step): each asks what
it needs in a dialog, saves through the desk and posts `Saved` (or `Refused` with the desk's
error), which the desk screen shows. The plan's keys are on its widget (MilestonePlan).

A Right to Challenge step shows a preview of every date that moves before anything is saved;
applying records one event, so Ctrl+Z undoes it.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from mspdesk.domain.case import CaseStatus
from mspdesk.domain.challenge import REJECTION_GROUNDS, TRANSITIONS, EoiState
from mspdesk.domain.errors import InvalidRecord, UserError
from mspdesk.domain.parsing import parse_date
from mspdesk.tui import access
from mspdesk.tui.desk_messages import Refused, Saved
from mspdesk.tui.screens.case_forms import Field, FormModal, ReplanPreview, Values

if TYPE_CHECKING:
    from mspdesk.desk import Desk
    from mspdesk.desk.deadlines import ChallengePreview
    from mspdesk.tui.screens.case import CaseScreen


def writable_desk(screen: CaseScreen) -> Desk | None:
    """The desk if changes can be saved now; otherwise None (and the adviser is told why)."""
    return access.writable_desk(screen.app) if screen.case is not None else None


def _saved(screen: CaseScreen, message: str) -> None:
    screen.post_message(Saved(message))


def _failed(screen: CaseScreen, error: UserError) -> None:
    screen.post_message(Refused(error))


def _date(text: str, field: str) -> date:
    try:
        return parse_date(text)
    except ValueError as error:
        raise InvalidRecord([(field, str(error))], "date") from None


def _titles(screen: CaseScreen) -> dict[str, str]:
    return {m.code: m.title for m in screen.case.milestones} if screen.case else {}


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
