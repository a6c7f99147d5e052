"""`--demo`: a fresh temporary data directory filled from the bundled demo dataset.

Real data is never opened. The directory is removed when the process exits.
"""

from __future__ import annotations

import atexit
import shutil
import tempfile
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import orjson

from mspdesk import locations


def demo_data_dir() -> Path:
    """A new temporary data directory holding the demo records."""
    from mspdesk.desk import Desk
    from mspdesk.domain.referral import Referral

    folder = Path(tempfile.mkdtemp(prefix="mspdesk-demo-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    data = folder / "data"
    source = locations.content_dir() / "demo" / "referrals.json"
    with Desk.open(data, actor="demo") as desk:
        records, ids = recent(orjson.loads(source.read_bytes()), desk.core.today())
        referrals = [Referral.model_validate(record) for record in records]
        desk.referrals.add_validated(
            referrals, kind="demo.loaded", summary=f"Loaded {len(referrals)} demo referrals"
        )
        seed_demo_activity(desk, ids)
    return data


DEMO_SPAN_DAYS = 30


def recent(
    records: list[dict[str, Any]], today: date
) -> tuple[list[dict[str, Any]], dict[str, str]]:
    """The demo referrals moved into the last month, renumbered for their new year.

    The bundled file is dated 2012-13 (when the programme ran); an inbox where every
    referral is thirteen years old would show nothing but "overdue". Returns the moved
    records and a map from the file's references to the new ones.
    """
    dates = [date.fromisoformat(r["received"]) for r in records]
    first, last = min(dates), max(dates)
    span = max((last - first).days, 1)
    moved: list[dict[str, Any]] = []
    for record, received in sorted(zip(records, dates, strict=True), key=lambda p: p[1]):
        offset = round((received - first).days * (DEMO_SPAN_DAYS - 1) / span)
        new_received = today - timedelta(days=DEMO_SPAN_DAYS) + timedelta(days=offset)
        shift = new_received - received
        copy = dict(record, received=new_received.isoformat())
        if record.get("target_spin_out"):
            target = date.fromisoformat(record["target_spin_out"]) + shift
            copy["target_spin_out"] = target.isoformat()
        moved.append(copy)
    ids: dict[str, str] = {}
    per_year: dict[int, int] = {}
    for copy in moved:
        year = date.fromisoformat(copy["received"]).year
        per_year[year] = per_year.get(year, 0) + 1
        ids[copy["id"]] = copy["id"] = f"R-{year}-{per_year[year]:04d}"
    return moved, ids


def seed_demo_activity(desk: object, ids: dict[str, str] | None = None) -> None:
    """Cases, decisions and notes for the demo; `ids` maps the file's references to the
    loaded ones."""
    from mspdesk.desk import Desk

    if isinstance(desk, Desk) and hasattr(desk, "triage"):
        from mspdesk.demo_cases import seed_demo_cases

        seed_demo_cases(desk, ids or {})
