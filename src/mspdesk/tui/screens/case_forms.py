"""Small dialogs for case work: a form of a few fields, and the re-plan preview.

`FormModal` runs the desk call itself (through `submit`) so a mistake is shown under the
form and nothing typed is lost; it dismisses with the values only once the change is saved.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

from rich.table import Table
from rich.text import Text
from textual import on
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Select, Static

from mspdesk.domain.errors import UserError
from mspdesk.domain.milestone import Change
from mspdesk.tui.case_rows import short_date
from mspdesk.tui.screens.form import FormScreen, form_buttons

if TYPE_CHECKING:
    from textual.app import ComposeResult

Values = dict[str, str]
Submit = Callable[[Values], None]
"""Saves the values through the desk; raises UserError to keep the form open."""


@dataclass(frozen=True)
class Field:
    """One field of a form: a text box, or a choice when `choices` (value, label) is given."""

    name: str
    label: str
    value: str = ""
    placeholder: str = ""
    choices: Sequence[tuple[str, str]] = ()


class FormModal(FormScreen[Values | None]):
    """A titled form; Enter on the last field or Ctrl+S saves, Escape leaves (asking first
    when something was typed). Each mistake shows under its field, all at once."""

    def __init__(
        self, title: str, fields: Sequence[Field], submit: Submit, *, explain: str = ""
    ) -> None:
        super().__init__()
        self._initial: Values = {}
        self.form_title = title
        self.fields = list(fields)
        self.submit = submit
        self.explain = explain

    def compose(self) -> ComposeResult:
        with Vertical(id="case-form", classes="case-dialog"):
            yield Label(Text(self.form_title, style="bold"), classes="case-dialog-title")
            # Save stays on screen however short the terminal: the fields scroll above it.
            yield form_buttons(
                "", save="Save", cancel="Cancel", container_classes="case-dialog-buttons"
            )
            with VerticalScroll(classes="case-dialog-fields", can_focus=False):
                yield from self._compose_fields()

    def _compose_fields(self) -> ComposeResult:
        if self.explain:
            yield Static(Text(self.explain), classes="case-dialog-explain")
        for field in self.fields:
            yield Label(Text(field.label), classes="case-form-label")
            if field.choices:
                options = [(Text(label), value) for value, label in field.choices]
                yield Select(
                    options,
                    value=field.value or field.choices[0][0],
                    allow_blank=False,
                    id=f"field-{field.name}",
                )
            else:
                yield Input(
                    value=field.value, placeholder=field.placeholder, id=f"field-{field.name}"
                )
            yield Static("", id=f"field-{field.name}-error", classes="case-field-error")
        yield Static("", id="case-form-error")

    def on_mount(self) -> None:
        for box in self.query(".case-field-error"):
            box.display = False
        self._initial = self.values()
        first = self.query_one(f"#field-{self.fields[0].name}")
        if isinstance(first, Select):
            first.focus()
        else:
            self.focus_first_empty()

    def changed(self) -> bool:
        return self.values() != self._initial

    def values(self) -> Values:
        found: Values = {}
        for field in self.fields:
            widget = self.query_one(f"#field-{field.name}")
            if isinstance(widget, Select):
                found[field.name] = str(widget.value)
            elif isinstance(widget, Input):
                found[field.name] = widget.value
        return found

    @on(Input.Submitted)
    def _next_or_save(self, event: Input.Submitted) -> None:
        inputs = list(self.query(Input))
        index = inputs.index(event.input)
        if index + 1 < len(inputs):
            inputs[index + 1].focus()
        else:
            self.action_save()

    def action_save(self) -> None:
        values = self.values()

        def save() -> Values:
            self.submit(values)
            return values

        if self.attempt(save) is not None:
            self.dismiss(values)

    def problems_of(self, error: UserError) -> list[tuple[str, str]]:
        return [(self._field_named_in(str(error)), str(error))]

    def _field_named_in(self, message: str) -> str:
        """The form field a one-line desk message is about, or "" if it names none."""
        lowered = message.casefold()
        for field in self.fields:
            if field.name.casefold() in lowered or field.label.casefold() in lowered:
                return field.name
        return ""

    def show_problems(self, problems: Sequence[tuple[str, str]]) -> None:
        """Every problem under its field at once; the first field with one gets the focus."""
        names = [field.name for field in self.fields]
        beside: dict[str, list[str]] = {}
        general: list[str] = []
        for where, message in problems:
            name = where.split(".")[-1]
            (beside.setdefault(name, []) if name in names else general).append(message)
        for name in names:
            text = "; ".join(beside.get(name, []))
            box = self.query_one(f"#field-{name}-error", Static)
            box.update(Text(text))
            box.display = bool(text)
        self.query_one("#case-form-error", Static).update(Text("; ".join(general)))
        for name in names:
            if name in beside:
                self.query_one(f"#field-{name}").focus()
                break


class ReplanPreview(ModalScreen[bool]):
    """The dates a change would move, old -> new; Enter or y applies, Escape or n cancels."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter,y", "apply", "Apply", priority=True, tooltip="Apply as one undoable step"),
        Binding("escape,n", "cancel", "Cancel", tooltip="Leave the dates as they are"),
    ]

    def __init__(
        self,
        title: str,
        changes: Sequence[Change],
        titles: Mapping[str, str],
        *,
        also: Sequence[str] = (),
    ) -> None:
        super().__init__()
        self.preview_title = title
        self.changes = list(changes)
        self.titles = dict(titles)
        self.also = list(also)

    def compose(self) -> ComposeResult:
        with Vertical(id="replan-dialog", classes="case-dialog"):
            yield Label(Text(self.preview_title, style="bold"), classes="case-dialog-title")
            for line in self.also:
                yield Static(Text(line), classes="case-dialog-explain")
            count = len(self.changes)
            moved = f"{count} date{'s' if count != 1 else ''} move" if count else "No dates move"
            yield Static(Text(f"{moved}. Ctrl+Z undoes the whole step."), id="replan-count")
            with VerticalScroll(id="replan-list"):
                yield Static(self._table(), id="replan-table")
            with Horizontal(classes="case-dialog-buttons"):
                yield Button("Apply", variant="primary", id="apply")
                yield Button("Cancel", id="cancel")

    def _table(self) -> Table:
        table = Table(box=None, expand=True, header_style="bold", pad_edge=False)
        table.add_column("Code", no_wrap=True)
        table.add_column("Milestone", ratio=1)
        table.add_column("Old", no_wrap=True)
        table.add_column("New", no_wrap=True)
        table.add_column("Moves", justify="right", no_wrap=True)
        for change in self.changes:
            shift = ""
            if change.old_due and change.new_due:
                days = (change.new_due - change.old_due).days
                shift = f"{days:+d} d"
            table.add_row(
                Text(change.code),
                Text(self.titles.get(change.code, "")),
                Text(short_date(change.old_due)),
                Text("→ " + short_date(change.new_due)),
                Text(shift),
            )
        return table

    @on(Button.Pressed, "#apply")
    def action_apply(self) -> None:
        self.dismiss(True)

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(False)
