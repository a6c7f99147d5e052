"""Sync in the TUI: "Sync now" and "Sync clashes…" in Ctrl+P, the status in the title, and
a background sync every `sync_every` minutes when that setting is given."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from mspdesk.tui.access import desk_app, open_desk, writable_desk
from mspdesk.tui.command_list import CommandList, Entry

if TYPE_CHECKING:
    from textual.app import App

    from mspdesk.desk import Desk


def status_words(desk: Desk) -> str:
    """The sync part of the title: nothing for a desk that does not sync."""
    if not desk.sync.configured():
        return ""
    status = desk.sync.status()
    parts = [f"sync {status.last_sync[11:16]}" if status.last_sync else "never synced"]
    if status.waiting:
        parts.append(f"{status.waiting} to send")
    if status.clashes:
        parts.append(f"{status.clashes} clash(es)")
    return " · ".join(parts)


def show_status(app: App[Any], failed: str = "") -> None:
    """Put the sync status in the title (beside the data folder)."""
    desk = open_desk(app)
    if desk is None or not desk.sync.configured():
        return  # a desk that does not sync keeps its title as it is
    base = str(desk_app(app).data_dir)
    words = "sync failed" if failed else status_words(desk)
    app.sub_title = f"{base} — {words}" if words else base


def sync_now(app: App[Any], *, quiet: bool = False) -> None:
    """Sync in a worker; the title and the screens follow when it is done."""
    desk = writable_desk(app) if not quiet else open_desk(app)
    if desk is None or desk.read_only or not desk.sync.configured():
        if not quiet and desk is not None and not desk.sync.configured():
            app.notify("This desk does not sync: run `mspdesk sync init REMOTE`.", markup=False)
        return
    app.run_worker(
        lambda: _sync_worker(app, desk, quiet), thread=True, group="sync", exclusive=True
    )


def _sync_worker(app: App[Any], desk: Desk, quiet: bool) -> None:
    from mspdesk.domain.errors import UserError

    try:
        report = desk.sync.run()
    except UserError as error:
        message = str(error)
        app.call_from_thread(_after_failure, app, message, quiet)
        return
    came = sum(report.came_in.values())
    words = f"{came} change(s) in, {report.went_out} out"
    if report.clashes:
        words += f"; {len(report.clashes)} new clash(es): Ctrl+K"
    app.call_from_thread(_after_sync, app, words, quiet and not came and not report.clashes)


def _after_sync(app: App[Any], words: str, quiet: bool) -> None:
    desk_app(app).refresh_data()
    show_status(app)
    if not quiet:
        app.notify(words, title="Synced", markup=False)


def _after_failure(app: App[Any], message: str, quiet: bool) -> None:
    show_status(app, failed=message)
    if not quiet:
        app.notify(message, title="Sync failed", severity="error", markup=False)


def start_background_sync(app: App[Any]) -> None:
    """Sync every `sync_every` minutes (config), quietly, if the desk syncs."""
    from mspdesk.config import quiet_get

    show_status(app)
    every = quiet_get("sync_every")
    try:
        minutes = float(every) if every else 0.0
    except ValueError:
        minutes = 0.0
    if minutes > 0:
        app.set_interval(minutes * 60, lambda: sync_now(app, quiet=True))


class SyncCommands(CommandList):
    """'Sync now' and 'Sync clashes…'."""

    def commands(self) -> Iterator[Entry]:
        from mspdesk.tui.screens.clashes import COMMAND, HELP, open_clashes

        yield "Sync now", "Pull the other desks' changes and push this desk's", self._sync
        yield COMMAND, HELP, lambda: open_clashes(self.app)

    def _sync(self) -> None:
        sync_now(self.app)
