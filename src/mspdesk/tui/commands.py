"""Command palette entries (Ctrl+P): find a referral by name or reference; new referral and
import referrals."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider

MAX_HITS = 20


class DeskCommands(Provider):
    """'Find referral…': every referral, matched on reference and organisation."""

    async def search(self, query: str) -> Hits:
        from mspdesk.tui.app import MspdeskApp

        app = self.app
        if not isinstance(app, MspdeskApp) or app.desk is None:
            return
        matcher = self.matcher(query)
        for command, action, help_text in self._intake_commands():
            score = matcher.match(command)
            if score > 0:
                yield Hit(score, matcher.highlight(command), action, help=help_text)
        shown = 0
        for record in app.desk.referrals.rows():
            text = f"Find referral {record['id']} {record['organisation']}"
            score = matcher.match(text)
            if score > 0:
                yield Hit(
                    score,
                    matcher.highlight(text),
                    partial(self._open, str(record["id"])),
                    help=f"{record['parent_body']} — {record['status']}",
                )
                shown += 1
                if shown >= MAX_HITS:
                    break

    async def discover(self) -> Hits:
        yield DiscoveryHit(
            "Find referral…", self._focus_filter, help="Type a reference or organisation name here"
        )
        for command, action, help_text in self._intake_commands():
            yield DiscoveryHit(command, action, help=help_text)

    def _intake_commands(self) -> list[tuple[str, Callable[[], None], str]]:
        from mspdesk.tui import intake_actions as intake

        return [
            (
                intake.NEW_COMMAND,
                partial(intake.new_referral, self.app, self._select),
                intake.NEW_HELP,
            ),
            (
                intake.IMPORT_COMMAND,
                partial(intake.import_referrals, self.app, self._select),
                intake.IMPORT_HELP,
            ),
        ]

    def _select(self, key: str) -> None:
        """Select a referral just saved, in whichever list is showing when it reloads."""
        from mspdesk.tui.screens.inbox import InboxScreen
        from mspdesk.tui.screens.referrals import ReferralsScreen

        screen = self.app.screen
        if isinstance(screen, ReferralsScreen | InboxScreen):
            screen.select_when_loaded(key)

    def _open(self, key: str) -> None:
        from mspdesk.tui.screens.referrals import ReferralsScreen

        self.app.switch_mode("referrals")
        screen = self.app.screen
        if isinstance(screen, ReferralsScreen):
            screen.jump_to(key)

    def _focus_filter(self) -> None:
        from mspdesk.tui.screens.referrals import ReferralsScreen

        screen = self.app.screen
        if isinstance(screen, ReferralsScreen):
            screen.action_filter()
