"""The support package form: provider, kind, days, day rate, deliverable, due date and (when
over the case's remaining budget) the reason. Mistakes show beside each field; Ctrl+S saves
once everything reads; Escape cancels (asking first if anything was typed). Reached from the
command palette ("Add support package") on a case."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual.containers import Vertical
from textual.widgets import Input, Label, Select, Static

from mspdesk.domain.errors import UserError
from mspdesk.domain.parsing import parse_date
from mspdesk.domain.support import Package, PackageKind, parse_days, parse_pence, pounds
from mspdesk.tui.screens.form import FormScreen

if TYPE_CHECKING:
    from textual.app import ComposeResult

    from mspdesk.desk import Desk

FIELDS = (
    ("days", "Days", "e.g. 5 or 2.5"),
    ("rate", "Day rate", "e.g. £600"),
    ("deliverable", "Deliverable", "what the provider delivers"),
    ("due", "Due", "e.g. 2013-04-30 or 30/04/2013"),
    ("over_budget", "Over budget because", "only if it is over the case's remaining budget"),
)


class PackageForm(FormScreen[Package | None]):
    """Commit a package to `case_id`; dismisses with the saved package (None if cancelled)."""

    DEFAULT_CSS = """
    PackageForm #dialog { max-height: 100%; overflow-y: auto; }
    PackageForm .field-error { display: none; color: $error; }
    PackageForm Label { margin-top: 0; }
    """

    discard_title = "Discard this package?"

    def __init__(self, desk: Desk, case_id: str) -> None:
        super().__init__()
        self.desk = desk
        self.case_id = case_id

    def compose(self) -> ComposeResult:
        money = self.desk.support.case_money(self.case_id)
        providers = self.desk.support.providers()
        with Vertical(id="dialog"):
            yield Label(Text(f"Support package for {self.case_id}"), id="dialog-title")
            yield Static(
                Text(
                    f"Allocated {pounds(money.allocated)}, committed "
                    f"{pounds(money.money.committed)}, remaining {pounds(money.remaining)}"
                ),
                id="package-money",
            )
            yield Select(
                [(Text(f"{p.id} {p.name}"), p.id) for p in providers],
                prompt="Provider",
                id="package-provider",
            )
            yield Static("", id="error-provider", classes="field-error")
            yield Select(
                [(Text(k.label), k.value) for k in PackageKind], prompt="Kind", id="package-kind"
            )
            yield Static("", id="error-kind", classes="field-error")
            for name, label, hint in FIELDS:
                yield Label(label)
                yield Input(placeholder=hint, id=f"package-{name}")
                yield Static("", id=f"error-{name}", classes="field-error")

    def on_mount(self) -> None:
        self.focus_first_empty()

    def changed(self) -> bool:
        chosen = any(
            isinstance(self.query_one(f"#package-{name}", Select).value, str)
            for name in ("provider", "kind")
        )
        return chosen or any(
            self.query_one(f"#package-{name}", Input).value.strip() for name, _, _ in FIELDS
        )

    def values(self) -> tuple[dict[str, Any], dict[str, str]]:
        """What reads from the form, and a message per field that does not."""
        found: dict[str, Any] = {}
        errors: dict[str, str] = {}
        provider = self.query_one("#package-provider", Select).value
        kind = self.query_one("#package-kind", Select).value
        if not isinstance(provider, str):
            errors["provider"] = "choose a provider"
        else:
            found["provider_id"] = provider
        if not isinstance(kind, str):
            errors["kind"] = "choose a kind"
        else:
            found["kind"] = kind
        parsers = {"days": parse_days, "rate": parse_pence, "due": parse_date}
        for name, _, _ in FIELDS:
            text = self.query_one(f"#package-{name}", Input).value
            if name in parsers:
                try:
                    found[name] = parsers[name](text)
                except ValueError as error:
                    errors[name] = str(error)
            elif name == "deliverable" and not text.strip():
                errors[name] = "say what is delivered"
            else:
                found[name] = text
        return found, errors

    def show_errors(self, errors: dict[str, str]) -> None:
        for widget in self.query(".field-error"):
            name = (widget.id or "").removeprefix("error-")
            message = errors.get(name, "")
            assert isinstance(widget, Static)
            widget.update(Text(message, style="red") if message else Text(""))
            widget.display = bool(message)

    def action_save(self) -> None:
        found, errors = self.values()
        self.show_errors(errors)
        if errors:
            return
        due: date = found["due"]
        package = self.attempt(
            lambda: self.desk.support.add_package(
                self.case_id,
                provider_id=found["provider_id"],
                kind=found["kind"],
                days=found["days"],
                rate=found["rate"],
                deliverable=found["deliverable"],
                due=due,
                over_budget=found["over_budget"],
            )
        )
        if package is not None:
            self.dismiss(package)

    def show_problems(self, problems: Sequence[tuple[str, str]]) -> None:
        """A desk mistake beside its field (the deliverable's, if it names none)."""
        named = {field.lstrip("-").replace("-", "_"): text for field, text in problems}
        self.show_errors({(name or "deliverable"): text for name, text in named.items()})

    def problems_of(self, error: UserError) -> list[tuple[str, str]]:
        return [("deliverable", str(error))]
