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
    """Desk `number` of the test, as its adviser opens it. Its references cannot collide
    with another desk's once it has a desk code (claimed at `sync init`)."""
    return Desk.open(folder, actor=actor)


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
