"""Typed access to the desk app from screens, widgets and helpers, and the one place that
turns a desk error into a notification."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from textual.app import App

    from mspdesk.desk import Desk
    from mspdesk.tui.app import MspdeskApp

STILL_OPENING = "The data is still opening; try again in a moment."
READ_ONLY = "Nothing can be changed in a read-only desk."


def desk_app(app: App[Any]) -> MspdeskApp:
    """`app` as the desk's app (every screen of mspdesk runs inside one)."""
    from mspdesk.tui.app import MspdeskApp

    assert isinstance(app, MspdeskApp), f"{type(app).__name__} is not the desk's app"
    return app


def open_desk(app: App[Any]) -> Desk | None:
    """The open desk, or None while the data is still opening."""
    return desk_app(app).desk


def writable_desk(app: App[Any]) -> Desk | None:
    """The open desk, or None (with a message saying why) if nothing can be changed now."""
    desk = open_desk(app)
    if desk is None:
        app.notify(STILL_OPENING, severity="warning")
        return None
    if desk.read_only:
        app.notify(READ_ONLY, severity="warning")
        return None
    return desk


def records_changed(app: App[Any]) -> None:
    """Tell the screens that records changed (the one on screen reloads now)."""
    desk_app(app).refresh_data()


def report(app: App[Any], error: Exception, *, title: str = "Not saved") -> None:
    """Show a desk error to the adviser: its message as typed (never markup), as an error."""
    app.notify(str(error), title=title, severity="error", markup=False)
