"""Referral intake any screen can offer: add one by hand, change one, import a file.

Screens (and the command palette) call these with the app; `done` gets the reference to
select once the lists have reloaded.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mspdesk.tui.access import records_changed, report, writable_desk

if TYPE_CHECKING:
    from textual.app import App

    from mspdesk.domain.referral import Referral
    from mspdesk.transfer import ImportResult

Selected = Callable[[str], None]
"""Called with the reference of the referral just saved (or the first one imported)."""

NEW_COMMAND = "New referral…"
NEW_HELP = "Type in a referral by hand (form with checks by the field)"
IMPORT_COMMAND = "Import referrals…"
IMPORT_HELP = "Bring referrals in from a CSV, Excel or JSON file: preview first, then import"


_writable_desk = writable_desk
_refresh = records_changed


def new_referral(app: App[Any], select: Selected | None = None) -> None:
    """Open the referral form for a new referral; on save, notify and reload the lists."""
    from mspdesk.tui.screens.referral_form import ReferralForm

    desk = _writable_desk(app)
    if desk is None:
        return

    def saved(referral: Referral | None) -> None:
        if referral is None:
            return
        app.notify(
            f"Added referral {referral.id}: {referral.organisation}. Ctrl+Z undoes it.",
            title="Referral saved",
            markup=False,
        )
        if referral.possible_duplicate_of:
            app.notify(
                f"{referral.id} has the same organisation and parent body as "
                f"{referral.possible_duplicate_of}: saved and marked a possible duplicate "
                "(F9 to review).",
                title="Possible duplicate",
                severity="warning",
                timeout=10,
                markup=False,
            )
        if select is not None:
            select(referral.id)
        _refresh(app)

    app.push_screen(ReferralForm(desk=desk), saved)


def edit_referral(app: App[Any], referral_id: str, select: Selected | None = None) -> None:
    """Open the referral form on `referral_id`; on save, notify and reload the lists."""
    from mspdesk.domain.errors import UserError
    from mspdesk.tui.screens.referral_form import ReferralForm

    desk = _writable_desk(app)
    if desk is None:
        return
    try:
        existing = desk.referrals.get(referral_id)
    except UserError as error:
        report(app, error, title="Cannot change it")
        return

    def saved(referral: Referral | None) -> None:
        if referral is None:
            return
        changed = referral != existing
        message = f"Saved {referral.id}." if changed else f"No change to {referral.id}."
        app.notify(message, title="Referral", markup=False)
        if changed:
            if select is not None:
                select(referral.id)
            _refresh(app)

    app.push_screen(ReferralForm(existing, desk=desk), saved)


def import_referrals(
    app: App[Any], select: Selected | None = None, *, start: Path | None = None
) -> None:
    """Open the import dialog (file picker, preview, import); reload the lists after it."""
    from mspdesk.tui.screens.import_dialog import ImportDialog

    desk = _writable_desk(app)
    if desk is None:
        return

    def closed(result: ImportResult | None) -> None:
        if result is not None and (result.added_ids or result.updated_ids):
            count, changed = len(result.added_ids), len(result.updated_ids)
            app.notify(
                f"Imported {count:,} referral{'s' if count != 1 else ''}, "
                f"updated {changed:,}. Ctrl+Z undoes the whole import.",
                title="Import",
                markup=False,
            )
            if select is not None:
                select((result.added_ids or result.updated_ids)[0])
        # Also after a cancel.
        _refresh(app)

    app.push_screen(ImportDialog(desk, start=start), closed)
