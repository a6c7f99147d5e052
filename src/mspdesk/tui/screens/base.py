"""The base of every desk screen: typed access to the app and desk, and reloading when
records change.

When something is saved the app publishes `records_changed`. The screen on show reloads at
once; the others are only marked stale and reload when next shown, so a change never makes
every screen in every mode rebuild its rows. A row loader running in a worker takes a token
with `load_token()` and hands its result over with `deliver`: a result overtaken by a later
reload is dropped, never drawn over the newer one.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

from textual import on
from textual.screen import ModalScreen, Screen

from mspdesk.domain.errors import UserError
from mspdesk.tui.access import desk_app, report
from mspdesk.tui.desk_messages import Refused, Saved

if TYPE_CHECKING:
    from mspdesk.desk import Desk
    from mspdesk.tui.app import MspdeskApp


T = TypeVar("T")


class DeskScreen(Screen[None]):
    """A screen of the desk. Subclasses put their loading in `reload`."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._stale = False
        self._token = 0

    @property
    def desk_app(self) -> MspdeskApp:
        return desk_app(self.app)

    @property
    def desk(self) -> Desk | None:
        return self.desk_app.desk

    def reload(self) -> None:
        """Read the records again and redraw (subclasses)."""

    # ------------------------------------------------------------------ when

    def on_mount(self) -> None:
        app = self.desk_app
        self.watch(app, "desk_ready", self._desk_ready, init=True)
        app.records_changed.subscribe(self, self._records_changed)

    def _desk_ready(self, ready: bool) -> None:
        if ready:
            self._stale = False
            self.reload()

    def _records_changed(self, _: object) -> None:
        if self.is_current:
            self._stale = False
            self.reload()
        else:
            self._stale = True

    def on_screen_resume(self) -> None:
        if self._stale and self.desk is not None:
            self._stale = False
            self.reload()

    # ------------------------------------------------------------- changes

    @on(Saved)
    def _saved(self, event: Saved) -> None:
        event.stop()
        if event.summary:
            self.notify(event.summary, title="Saved", markup=False)
        if event.select is not None:
            self.keep_selected(event.select)
        self.desk_app.refresh_data()

    @on(Refused)
    def _refused(self, event: Refused) -> None:
        event.stop()
        report(self.app, event.error, title=event.title)

    def keep_selected(self, key: str) -> None:
        """After a change: keep the cursor on row `key` when the rows reload (subclasses)."""

    # ------------------------------------------------------------- workers

    def load_in_background(
        self,
        fetch: Callable[[Desk], T],
        show: Callable[[T], None],
        *,
        failed: Callable[[UserError], None] | None = None,
    ) -> None:
        """Run `fetch(desk)` in a thread, then `show(result)` on the UI thread, unless a
        newer load began meanwhile. A desk error goes to `failed` (default: a notification)."""
        desk = self.desk
        if desk is None:
            return
        token = self.load_token()

        def work() -> None:
            try:
                result = fetch(desk)
            except UserError as error:
                self.deliver(
                    token, failed or (lambda e: report(self.app, e, title="Cannot show")), error
                )
                return
            self.deliver(token, show, result)

        self.run_worker(work, thread=True, exclusive=True, group="desk-screen-load")

    def _cannot_show(self, error: UserError) -> None:
        report(self.app, error, title="Cannot show")

    def load_token(self) -> int:
        """A token for one load; only the newest load's result is shown."""
        self._token += 1
        return self._token

    def deliver(self, token: int, show: Callable[..., None], *args: Any) -> None:
        """From a worker thread: `show(*args)` on the UI thread, unless a newer load began."""

        def shown() -> None:
            if token == self._token and self.is_attached:
                show(*args)

        self.app.call_from_thread(shown)


class DeskModal(DeskScreen, ModalScreen[None]):
    """A desk screen shown as a dialog over the one beneath (it reloads the same way)."""
