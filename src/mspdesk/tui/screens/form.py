"""The base of every dialog with fields: Ctrl+S saves, Esc (or q off a text box) leaves and
asks before throwing typed work away, the buttons marked `form-save` / `form-cancel` do the
same, and the first empty field has the focus when it opens.

A form says what "changed" means (`changed`), how to save (`action_save`) and, if leaving
is more than a yes/no question, how to leave (`action_leave`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, ClassVar, TypeVar

from textual import on
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.screen import ModalScreen
from textual.widget import Widget
from textual.widgets import Button, Input, TextArea

from mspdesk.domain.errors import InvalidRecord, UserError

ResultT = TypeVar("ResultT")
T = TypeVar("T")


def form_buttons(
    prefix: str,
    *,
    save: str = "Save (Ctrl+S)",
    cancel: str = "Cancel (Esc)",
    container_id: str | None = None,
    container_classes: str = "",
) -> Horizontal:
    """The Save and Cancel buttons of a form (ids `{prefix}save` and `{prefix}cancel`)."""
    return Horizontal(
        Button(save, variant="primary", id=f"{prefix}save", classes="form-save"),
        Button(cancel, id=f"{prefix}cancel", classes="form-cancel"),
        id=container_id,
        classes=container_classes,
    )


class FormScreen(ModalScreen[ResultT]):
    """A dialog of fields. Subclasses set `discard_title` and implement `changed`/`action_save`."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", "Save", priority=True, tooltip="Check and save"),
        Binding("escape", "leave", "Cancel", tooltip="Close (asks if anything was typed)"),
        # Reaches here only off a text box: a stray q must not quit with the form half done.
        Binding("q", "leave", "Cancel", show=False),
    ]

    discard_title = "Discard what you typed?"
    discard_message = "What you typed has not been saved."
    discard_yes = "Discard"
    discard_no = "Keep editing"

    def changed(self) -> bool:
        """Whether anything was typed that leaving would lose."""
        return False

    def action_save(self) -> None:
        """Check and save; dismiss with the result once it is on disk."""

    def show_problems(self, problems: Sequence[tuple[str, str]]) -> None:
        """Show every problem at once, each beside its field ("" for the form as a whole)."""

    def problems_of(self, error: UserError) -> list[tuple[str, str]]:
        """Where a one-line desk error belongs: the form as a whole, unless a form knows."""
        return [("", str(error))]

    def attempt(self, save: Callable[[], T]) -> T | None:
        """Run `save`; a desk mistake is shown beside its field and None returned."""
        try:
            return save()
        except InvalidRecord as error:
            self.show_problems(error.problems)
        except UserError as error:
            self.show_problems(self.problems_of(error))
        return None

    def discarded(self) -> None:
        """Called when the adviser leaves and nothing is to be kept (forget drafts here)."""

    def action_leave(self) -> None:
        if not self.changed():
            self.discarded()
            self.dismiss(None)
            return
        from mspdesk.tui.screens.confirm import Confirm

        def chosen(discard: bool | None) -> None:
            if discard:
                self.discarded()
                self.dismiss(None)

        self.app.push_screen(
            Confirm(
                self.discard_title, self.discard_message, yes=self.discard_yes, no=self.discard_no
            ),
            chosen,
        )

    @on(Button.Pressed, ".form-save")
    def _save_pressed(self) -> None:
        self.action_save()

    @on(Button.Pressed, ".form-cancel")
    def _cancel_pressed(self) -> None:
        self.action_leave()

    def focus_first_empty(self, *, within: Widget | None = None) -> None:
        """Focus the first text field with nothing in it (else the first field)."""
        fields: list[Any] = [
            widget
            for widget in (within or self).query("Input, TextArea")
            if widget.focusable and isinstance(widget, Input | TextArea)
        ]
        for widget in fields:
            if not (widget.value if isinstance(widget, Input) else widget.text).strip():
                widget.focus()
                return
        if fields:
            fields[0].focus()
