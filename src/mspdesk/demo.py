"""`--demo`: a fresh temporary data directory filled from the bundled demo dataset.

Real data is never opened. The directory is removed when the process exits.
"""

from __future__ import annotations

import atexit
import shutil
import tempfile
from pathlib import Path

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
    records = orjson.loads(source.read_bytes())
    with Desk.open(data, actor="demo") as desk:
        referrals = [Referral.model_validate(record) for record in records]
        desk.referrals.add_validated(
            referrals, kind="demo.loaded", summary=f"Loaded {len(referrals)} demo referrals"
        )
        seed_demo_activity(desk)
    return data


def seed_demo_activity(desk: object) -> None:
    """Cases, decisions and notes for the demo, added as later features land."""
    from mspdesk.desk import Desk

    if isinstance(desk, Desk) and hasattr(desk, "triage"):
        from mspdesk.demo_cases import seed_demo_cases

        seed_demo_cases(desk)
