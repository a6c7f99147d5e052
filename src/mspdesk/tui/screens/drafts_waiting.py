"""The start-up notice of drafts waiting: notes and triages left unsaved (a crash, a kill,
a laptop lid), each reopened where it was with Enter."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import on
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, OptionList, Static
from textual.widgets.option_list import Option

if TYPE_CHECKING:
    from textual.app import ComposeResult

    from mspdesk.desk import Desk


def describe(desk: Desk, key: str) -> str | None:
    """What the draft `key` is, in words; None for a draft of something no longer there."""
    kind, _, rest = key.partition("-")
    try:
        if kind == "new":
            return f"A new note on {rest} ({_name(desk, rest)})"
        if kind == "edit":
            note = desk.notes.get(rest)
            return f"Changes to note {rest} on {note.subject} ({_name(desk, note.subject)})"
        if kind == "triage":
            return f"A triage of {rest} ({_name(desk, rest)}), with its scores"
        if kind == "referral":
            if rest == "new":
                return "A new referral, not yet saved"
            return f"Changes to referral {rest} ({_name(desk, rest)})"
    except Exception:  # a draft of a record since removed: nothing to reopen
        return None
    return None


def _name(desk: Desk, subject: str) -> str:
    if desk.cases.exists(subject):
        return desk.cases.get(subject).organisation
    return desk.referrals.get(subject).organisation


class DraftsWaiting(ModalScreen[str | None]):
    """Lists the drafts waiting; dismisses with the key of the one to reopen, or None."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "Later", tooltip="Leave the drafts for now (they are kept)"),
    ]

    def __init__(self, drafts: list[tuple[str, str]]) -> None:
        super().__init__()
        self.drafts = drafts

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            count = len(self.drafts)
            title = f"{count} draft{'s' if count != 1 else ''} waiting"
            yield Label(Text(title, style="bold"), id="dialog-title")
            yield Static(
                Text("Work not yet saved when the desk last closed. Enter reopens one where "
                     "it was; Esc leaves them for later (they are kept).")
            )  # fmt: skip
            yield OptionList(
                *(Option(Text(words), id=key) for key, words in self.drafts), id="drafts-list"
            )

    def on_mount(self) -> None:
        self.query_one(OptionList).focus()

    @on(OptionList.OptionSelected)
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_close(self) -> None:
        self.dismiss(None)
