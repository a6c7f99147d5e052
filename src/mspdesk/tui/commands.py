"""Command palette entries (Ctrl+P): find a referral by name or reference."""

from __future__ import annotations

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
