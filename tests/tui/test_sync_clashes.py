"""The Clashes dialog (Ctrl+K): lists a clash with this desk's and the other desk's value;
`m` keeps mine, the field takes it and the clash leaves the list. The title shows the sync
status of a desk that syncs."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from textual.widgets import DataTable

from mspdesk.desk import Desk
from mspdesk.domain.events import Op
from mspdesk.tui.app import MspdeskApp
from mspdesk.tui.screens.clashes import ClashesModal


def desk_with_a_clash(data: Path, remote: Path) -> str:
    """A desk that syncs, holding a case whose status clashes with another desk's."""
    with Desk.open(data, actor="tester") as desk:
        desk.sync.init(str(remote))
        referral = desk.referrals.add({"organisation": "Kestondale Mutual", "parent_body": "P"})
        desk.triage.decide(referral.id, "accept", "promising")
        case = desk.referrals.get(referral.id).case_id
        assert case is not None
        desk.cases.set_status(case, "paused")
        sides = [
            {"event": "e1", "origin": "0" * 16, "actor": "bob", "at": "", "value": "active"},
            {"event": "e2", "origin": desk.desk_id(), "actor": "ann", "at": "", "value": "paused"},
        ]
        clash = {
            "id": "X-0000abcd",
            "table": "cases",
            "record": case,
            "field": "status",
            "sides": sides,
            "provisional": "paused",
            "status": "open",
        }
        op = Op(table="clashes", key="X-0000abcd", kind="put", data=clash)
        desk.core.record("test", case, [op], "a clash")
    return case


async def test_clashes_dialog_keeps_mine(tmp_path: Path) -> None:
    remote = tmp_path / "remote.git"
    subprocess.run(["git", "init", "-q", "--bare", str(remote)], check=True)
    data = tmp_path / "data"
    case = desk_with_a_clash(data, remote)
    app = MspdeskApp(data)
    async with app.run_test(size=(120, 40)) as pilot:
        for _ in range(2):
            await pilot.pause()
            await app.workers.wait_for_complete()
        assert "never synced" in app.sub_title and "1 clash(es)" in app.sub_title
        await pilot.press("ctrl+k")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, ClashesModal)
        assert dialog.query_one(DataTable).row_count == 1
        await pilot.press("m")
        await pilot.pause()
        assert dialog.query_one(DataTable).row_count == 0
        assert app.desk is not None
        assert app.desk.cases.get(case).status.value == "paused"
        assert app.desk.sync.clashes() == []


@pytest.mark.slow
async def test_sync_now_brings_another_desks_referral_and_updates_the_title(
    tmp_path: Path,
) -> None:
    from mspdesk.tui.sync_actions import sync_now

    remote = tmp_path / "remote.git"
    subprocess.run(["git", "init", "-q", "--bare", str(remote)], check=True)
    with Desk.open(tmp_path / "other", actor="bob") as other:
        other.sync.init(str(remote))
        made = other.referrals.add(
            {"organisation": "Eastmere Mutual", "parent_body": "P", "received": "2026-02-02"}
        ).id
        other.sync.run()
    data = tmp_path / "data"
    with Desk.open(data, actor="ann") as desk:
        desk.sync.init(str(remote))
    app = MspdeskApp(data)
    async with app.run_test(size=(120, 40)) as pilot:
        for _ in range(2):
            await pilot.pause()
            await app.workers.wait_for_complete()
        assert "never synced" in app.sub_title
        sync_now(app)
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.desk is not None and app.desk.referrals.exists(made)
        assert "sync " in app.sub_title and "never synced" not in app.sub_title
