"""Case screen keys for the people, conflicts and budget tabs and reassigning: each asks in
a form, saves through the desk (mistakes shown beside their fields) and posts `Saved`, which
the desk screen shows."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from mspdesk.domain.conflicts import AuthorityRole
from mspdesk.domain.errors import InvalidRecord
from mspdesk.domain.parsing import parse_date, parse_money
from mspdesk.domain.people import PersonRole
from mspdesk.tui.desk_messages import Saved
from mspdesk.tui.screens.case_actions import writable_desk
from mspdesk.tui.screens.case_forms import Field, FormModal, Values

if TYPE_CHECKING:
    from mspdesk.tui.screens.case import CaseScreen


def _done(screen: CaseScreen, message: str) -> None:
    screen.post_message(Saved(message))


def add_person(screen: CaseScreen) -> None:
    """Add a person or partner: a Mutual Ambassador, a parent-body contact, an LGA link..."""
    desk = writable_desk(screen)
    if desk is None:
        return
    names: list[str] = []

    def submit(values: Values) -> None:
        person = desk.cases.add_person(screen.case_id, values)
        names[:] = [f"{person.role.label} {person.name}"]

    roles = [(role.value, role.label) for role in PersonRole]
    fields = [
        Field("role", "Role", PersonRole.MUTUAL_AMBASSADOR.value, choices=roles),
        Field("name", "Name"),
        Field("organisation", "Organisation"),
        Field("email", "Email"),
        Field("phone", "Phone"),
        Field("note", "Note"),
    ]

    def closed(values: Values | None) -> None:
        if values is not None:
            _done(screen, f"Added {names[0]}")

    screen.app.push_screen(FormModal("Add a person or partner", fields, submit), closed)


def declare_conflict(screen: CaseScreen) -> None:
    """Declare a conflict of interest with the roles it involves, mitigation and review date."""
    desk = writable_desk(screen)
    if desk is None:
        return

    def submit(values: Values) -> None:
        roles = [part for part in values["roles"].replace(",", " ").split() if part]
        review = values["review"].strip()
        desk.cases.conflicts.declare(
            screen.case_id,
            values["conflict"],
            roles=roles,
            mitigation=values["mitigation"],
            review_on=_date(review, "review date") if review else None,
        )

    role_names = ", ".join(role.value for role in AuthorityRole)
    fields = [
        Field("roles", f"The authority's roles involved ({role_names})"),
        Field("conflict", "The conflict"),
        Field("mitigation", "Mitigation"),
        Field("review", "Review by (date)", placeholder="YYYY-MM-DD or DD/MM/YYYY"),
    ]

    def closed(values: Values | None) -> None:
        if values is not None:
            _done(screen, "Conflict declared")

    screen.app.push_screen(FormModal("Declare a conflict of interest", fields, submit), closed)


def set_budget(screen: CaseScreen) -> None:
    """Set the support days and pounds allocated to and spent on the case."""
    desk, case = writable_desk(screen), screen.case
    if desk is None or case is None:
        return
    budget = case.budget

    def submit(values: Values) -> None:
        desk.cases.budget.set(
            screen.case_id,
            days_allocated=_number(values["days_allocated"], "days allocated"),
            days_spent=_number(values["days_spent"], "days spent"),
            amount_allocated=_pounds(values["amount_allocated"], "amount allocated"),
            amount_spent=_pounds(values["amount_spent"], "amount spent"),
        )

    fields = [
        Field("days_allocated", "Support days allocated", f"{budget.days_allocated:g}"),
        Field("days_spent", "Support days spent", f"{budget.days_spent:g}"),
        Field("amount_allocated", "Amount allocated (£)", str(budget.amount_allocated)),
        Field("amount_spent", "Amount spent (£)", str(budget.amount_spent)),
    ]

    def closed(values: Values | None) -> None:
        if values is not None:
            _done(screen, "Budget saved")

    screen.app.push_screen(FormModal(f"Support budget for {case.id}", fields, submit), closed)


def _date(text: str, field: str) -> date:
    try:
        return parse_date(text)
    except ValueError as error:
        raise InvalidRecord([(field, str(error))], "date") from None


def _number(text: str, field: str) -> float:
    try:
        return float(text.strip() or "0")
    except ValueError:
        raise InvalidRecord([(field, f"{text!r} is not a number of days")], "budget") from None


def _pounds(text: str, field: str) -> int:
    try:
        return int(parse_money(text)) if text.strip() else 0
    except ValueError as error:
        raise InvalidRecord([(field, str(error))], "budget") from None


def assign(screen: CaseScreen) -> None:
    """Hand the case to another adviser (recorded, undoable, shown on cases and agenda)."""
    desk = writable_desk(screen)
    if desk is None or screen.case is None:
        return
    case_id = screen.case_id

    def submit(values: Values) -> None:
        desk.cases.set_adviser(case_id, values["adviser"])

    def closed(values: Values | None) -> None:
        if values is not None:
            _done(screen, f"{case_id} is now held by {values['adviser'].strip()}")

    fields = [Field("adviser", "Adviser", screen.case.adviser, placeholder="e.g. alex")]
    explain = "The adviser who takes the case on. Ctrl+Z gives it back."
    screen.app.push_screen(
        FormModal(f"Reassign {case_id}", fields, submit, explain=explain), closed
    )
