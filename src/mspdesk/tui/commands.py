"""Command palette entries (Ctrl+P): find a referral by name or reference; new referral and
import referrals."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from functools import partial

from mspdesk.tui.access import open_desk
from mspdesk.tui.command_list import CommandList, Entry


class DeskCommands(CommandList):
    """'Find referral…': every referral, matched on reference and organisation."""

    def finder(self) -> Entry:
        return "Find referral…", "Type a reference or organisation name here", self._focus_filter

    def found(self) -> Iterator[Entry]:
        desk = open_desk(self.app)
        for record in desk.referrals.rows() if desk is not None else ():
            key = str(record["id"])
            help_text = f"{record['parent_body']} — {record['status']}"
            yield (
                f"Find referral {key} {record['organisation']}",
                help_text,
                partial(self._open, key),
            )

    def commands(self) -> Iterator[Entry]:
        for command, action, help_text in self._intake_commands():
            yield command, help_text, action

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
