"""Desks that sync through one bare git remote in a temp folder."""

from __future__ import annotations

import subprocess
from datetime import date
from pathlib import Path
from typing import Any

from mspdesk.desk import Desk

SKIPPED_TABLES = {"events"}


def bare_remote(tmp_path: Path) -> Path:
    remote = tmp_path / "remote.git"
    subprocess.run(["git", "init", "-q", "--bare", str(remote)], check=True)
    return remote


def open_desk(folder: Path, actor: str, number: int) -> Desk:
    """A desk whose new references do not collide with another desk's.

    Until desk codes (i19ids) are merged, each desk numbers its referrals, notes and cases
    from its own thousand (desk 1 from 1001, desk 2 from 2001, ...).
    """
    desk = Desk.open(folder, actor=actor)
    offset = number * 1000

    def own(numbers: list[int], size: int = 1000) -> int:
        return max([n for n in numbers if offset <= n < offset + size], default=offset)

    referrals = [k.split("-") for k in desk.core.store.table("referrals")]
    desk.referrals._highest = {
        year: own([int(n) for _r, y, n in referrals if int(y) == year])
        for year in range(2000, 2031)
    }
    notes = [int(k[2:]) for k in desk.core.store.table("notes")]
    desk.notes._highest = max([n for n in notes if n // 10_000 == number], default=offset * 10)
    cases = desk.cases

    def next_case() -> str:
        numbers = [int(k[2:]) for k in desk.core.store.table("cases")]
        own = [n for n in numbers if offset <= n < offset + 1000]
        return f"C-{max(own, default=offset) + 1:04d}"

    cases.next_id = next_case  # type: ignore[method-assign]
    return desk


def sync(folder: Path, actor: str, number: int) -> Any:
    with open_desk(folder, actor, number) as desk:
        return desk.sync.run()


def add_referral(desk: Desk, org: str, **more: Any) -> str:
    fields = {
        "organisation": org,
        "parent_body": "Eastmere Borough Council",
        "received": date(2026, 3, 2),
        **more,
    }
    return desk.referrals.add(fields).id


def tables(folder: Path) -> dict[str, dict[str, Any]]:
    """Every record of a desk (not its history), read fresh from disk."""
    with Desk.open(folder, read_only=True) as desk:
        store = desk.core.store
        return {
            name: dict(store.table(name))
            for name in sorted(getattr(store, "table_names", lambda: store.tables)())
            if name not in SKIPPED_TABLES and store.table(name)
        }
