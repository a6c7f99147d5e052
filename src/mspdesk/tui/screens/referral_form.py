"""The referral form: add a referral by hand, or change one, with problems shown by the field.

Every value stays as typed until it is saved: a date or amount that cannot be read, or a
problem the desk finds, is shown under its field and the cursor goes to the first one;
nothing is cleared. Ctrl+S saves through the desk (journaled like every change); Esc asks
before throwing typed text away.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import on
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Input, Label, Select, Static, TextArea

from mspdesk.domain.errors import InvalidRecord, UserError
from mspdesk.domain.referral import EDITABLE_FIELDS, Referral
from mspdesk.tui.access import open_desk
from mspdesk.tui.referral_fields import (
    BY_NAME,
    ENQUIRY,
    FIELDS,
    OPEN_STATUSES,
    SECTIONS,
    FormField,
    initial_text,
    place_of,
    read_form,
)
from mspdesk.tui.screens.form import FormScreen, form_buttons
from mspdesk.tui.widgets.key_bar import KeyBar
from mspdesk.tui.widgets.record_table import printable

if TYPE_CHECKING:
    from textual.app import ComposeResult
    from textual.timer import Timer
    from textual.widget import Widget

    from mspdesk.desk import Desk

INTAKE_CSS = Path(__file__).parent.parent / "intake.tcss"
GENERAL = "rform-general-error"


DRAFT_INTERVAL = 0.8
"""Seconds after the last change before what is typed is kept as a draft."""


def referral_draft_key(referral_id: str | None) -> str:
    """The draft of a new referral, or of changes to `referral_id`."""
    return f"referral-{referral_id}" if referral_id else "referral-new"


class ReferralForm(FormScreen[Referral | None]):
    """A new referral, or `existing` to change; dismisses with the saved referral or None."""

    CSS_PATH = INTAKE_CSS

    def __init__(self, existing: Referral | None = None, *, desk: Desk | None = None) -> None:
        super().__init__()
        self.existing = existing
        self._desk = desk
        self._initial: dict[str, str] = {}
        self._draft_timer: Timer | None = None

    @property
    def desk(self) -> Desk:
        """The desk given, else the app's open desk."""
        desk: Desk | None = self._desk or open_desk(self.app)
        if desk is None:
            raise UserError("the data is still opening; try again in a moment")
        return desk

    @property
    def status_editable(self) -> bool:
        """New and waiting referrals only: a decision is changed by triage, with a reason."""
        return self.existing is None or self.existing.status in OPEN_STATUSES

    # ------------------------------------------------------------------ layout

    def compose(self) -> ComposeResult:
        self._initial = initial_text(self.existing, self.desk.core.today())
        with Vertical(id="rform-dialog"):
            yield Static(self._title(), id="rform-title")
            with VerticalScroll(id="rform-body", can_focus=False):
                with Horizontal(id="rform-columns"):
                    for column in (0, 1):
                        with Vertical(classes="rform-column"):
                            for _, title, fields in (s for s in SECTIONS if s[0] == column):
                                yield Static(Text(title, style="bold"), classes="rform-section")
                                for field in fields:
                                    yield from self._compose_field(field)
                yield Static(Text(ENQUIRY.label, style="bold"), classes="rform-section")
                yield TextArea(
                    self._initial[ENQUIRY.name],
                    soft_wrap=True,
                    show_line_numbers=False,
                    tab_behavior="focus",
                    id=ENQUIRY.widget_id,
                )
                yield Static(id=ENQUIRY.error_id, classes="rform-error")
            yield Static(id=GENERAL, classes="rform-error")
            yield form_buttons("rform-", container_id="rform-buttons")
        yield KeyBar()

    def _title(self) -> Text:
        if self.existing is None:
            return Text("New referral", style="bold")
        title = Text(f"Change referral {self.existing.id}  ", style="bold")
        title.append(printable(self.existing.organisation))
        return title

    def _compose_field(self, field: FormField) -> ComposeResult:
        with Horizontal(classes="rform-row"):
            yield Label(field.label, classes="rform-label")
            yield self._field_widget(field)
        yield Static(id=field.error_id, classes="rform-error")

    def _field_widget(self, field: FormField) -> Widget:
        value = self._initial[field.name]
        if field.kind == "reference" and self.existing is not None:
            return Static(Text(self.existing.id), id=field.widget_id, classes="rform-fixed")
        if field.kind == "status" and not self.status_editable:
            assert self.existing is not None
            shown = Text(f"{self.existing.status.label} (changed by triage)")
            return Static(shown, id=field.widget_id, classes="rform-fixed")
        if field.choice is not None:
            members = OPEN_STATUSES if field.kind == "status" else tuple(field.choice)
            return Select[str](
                [(Text(member.label), member.value) for member in members],
                prompt="Not given",
                allow_blank=field.optional_choice,
                value=value or Select.NULL,
                compact=True,
                id=field.widget_id,
            )
        # Not selected on focus: going back to a field to fix it must not invite retyping it.
        return Input(
            value,
            placeholder=field.placeholder,
            compact=True,
            select_on_focus=False,
            id=field.widget_id,
        )

    def on_mount(self) -> None:
        for box in self.query(".rform-error").results(Static):
            box.display = False
        # The organisation, new or old: the first thing to type (the reference is optional
        # and the received date is filled in; typing must never land in it).
        self.query_one("#rform-organisation").focus()
        self._offer_draft()

    # ------------------------------------------------------------------ drafts

    @property
    def draft_key(self) -> str:
        """Where what is typed is kept until it is saved (beside the note drafts)."""
        return referral_draft_key(self.existing.id if self.existing else None)

    def _offer_draft(self) -> None:
        """What was typed before a crash (or a kill) comes back, saying so."""
        draft = self.desk.notes.load_draft(self.draft_key)
        fields = draft.get("fields") if draft else None
        if not isinstance(fields, dict):
            return
        for field in FIELDS:
            value = fields.get(field.name)
            if not isinstance(value, str):
                continue
            widget = self.query_one(f"#{field.widget_id}")
            if isinstance(widget, Input):
                widget.value = value
            elif isinstance(widget, TextArea):
                widget.text = value
            elif isinstance(widget, Select) and value:
                widget.value = value
        self.notify(
            "What you typed before the desk closed is back. Esc discards it.",
            title="Draft referral",
            timeout=8,
        )

    def _keep_draft(self) -> None:
        if self.is_attached and self.changed():
            payload = {"kind": "referral", "fields": self.typed()}
            self.desk.notes.save_draft(self.draft_key, payload)

    def discarded(self) -> None:
        self.desk.notes.discard_draft(self.draft_key)

    # ------------------------------------------------------------------ reading

    def typed(self) -> dict[str, str]:
        """What each editable field holds now, as text."""
        values: dict[str, str] = {}
        for field in FIELDS:
            widget = self.query_one(f"#{field.widget_id}")
            if isinstance(widget, Input):
                values[field.name] = widget.value
            elif isinstance(widget, TextArea):
                values[field.name] = widget.text
            elif isinstance(widget, Select):
                chosen = widget.value
                values[field.name] = chosen if isinstance(chosen, str) else ""
        return values

    def changed(self) -> bool:
        """Whether anything differs from what the form opened with."""
        return any(text != self._initial.get(name, "") for name, text in self.typed().items())

    # ------------------------------------------------------------------ saving

    def action_save(self) -> None:
        self._clear_problems()
        fields, problems = read_form(self.typed())
        unread = {name for name, _ in problems}
        # Everything the desk would refuse, found now so all problems show at once.
        problems += [p for p in self._check(fields) if p[0] not in unread]
        if problems:
            self.show_problems(problems)
            return
        saved = self.attempt(lambda: self._save(fields))
        if saved is None:
            return
        self.desk.notes.discard_draft(self.draft_key)
        self.dismiss(saved)

    def _check(self, fields: dict[str, Any]) -> list[tuple[str, str]]:
        desk = self.desk
        problems: list[tuple[str, str]] = []
        if self.existing is None:
            reference = fields.get("id")
            if reference and desk.referrals.exists(reference):
                problems.append(("id", f"{reference} is already on the desk; leave it blank"))
            data = fields
        else:
            kept = self.existing.model_dump(include=set(EDITABLE_FIELDS))
            data = {**kept, **fields, "id": self.existing.id}
        try:
            desk.referrals.draft(data)
        except InvalidRecord as error:
            problems += error.problems
        return problems

    def _save(self, fields: dict[str, Any]) -> Referral:
        if self.desk.read_only:
            raise UserError("this desk is open read-only; the referral cannot be saved")
        if self.existing is None:
            return self.desk.referrals.add(fields)
        return self.desk.referrals.update(self.existing.id, fields)

    # ------------------------------------------------------------------ problems

    def _clear_problems(self) -> None:
        for box in self.query(".rform-error").results(Static):
            box.update("")
            box.display = False
        for widget in self.query(".rform-bad"):
            widget.remove_class("rform-bad")

    def show_problems(self, problems: Sequence[tuple[str, str]]) -> None:
        """Each problem under its field; the cursor goes to the first field with one."""
        found: dict[str, list[str]] = {}
        for name, message in problems:
            place = place_of(name)
            shown = message if place is not None or not name else f"{name}: {message}"
            found.setdefault(place or "", []).append(shown)
        for place, messages in found.items():
            box_id = BY_NAME[place].error_id if place else GENERAL
            box = self.query_one(f"#{box_id}", Static)
            box.update(Text("; ".join(messages)))
            box.display = True
        bad = [field for field in FIELDS if field.name in found]
        for field in bad:
            self.query_one(f"#{field.widget_id}").add_class("rform-bad")
        if bad:
            first = self.query_one(f"#{bad[0].widget_id}")
            if first.focusable:
                first.focus()
            self.query_one(f"#{bad[0].error_id}").scroll_visible(animate=False)
        self.notify("Not saved: see the messages in red.", severity="error", timeout=4)

    @on(Input.Changed)
    @on(Select.Changed)
    @on(TextArea.Changed)
    def _edited(self, event: Input.Changed | Select.Changed | TextArea.Changed) -> None:
        """A field the adviser has changed no longer shows its old problem; what is typed
        is kept as a draft soon after typing stops."""
        if self._draft_timer is not None:
            self._draft_timer.stop()
        self._draft_timer = self.set_timer(DRAFT_INTERVAL, self._keep_draft)
        widget = event.control
        if widget is None or not widget.has_class("rform-bad"):
            return
        widget.remove_class("rform-bad")
        error = self.query_one(f"#{widget.id}-error", Static)
        error.update("")
        error.display = False

    # ------------------------------------------------------------------ leaving

    @property
    def discard_title(self) -> str:  # type: ignore[override]
        return f"Discard {'this referral' if self.existing is None else 'these changes'}?"
