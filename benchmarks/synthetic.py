"""Synthetic referrals for benchmarks: realistic shape (~1 KB each), deterministic."""

from __future__ import annotations

import random
import uuid
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from mspdesk.domain.choices import ProposedModel, Region, Route, Source, Stage

AREAS = [
    "Adult social care",
    "Children's services",
    "Libraries",
    "Leisure",
    "Youth services",
    "Community health",
    "Careers advice",
    "Parks",
    "Housing repairs",
    "School support",
]
PLACES = [
    "Eastmere",
    "Fenwold",
    "Harrowgate Vale",
    "Copperbridge",
    "Ormsgate",
    "Quillfield",
    "Stavenham",
    "Larkhithe",
    "Millbeck",
    "Tidewell",
    "Wyvern Heath",
    "Kestondale",
]


def referral(number: int, rng: random.Random) -> dict[str, Any]:
    """One referral record in its stored (JSON) shape."""
    received = date(2012, 7, 1) + timedelta(days=rng.randrange(600))
    place = rng.choice(PLACES)
    area = rng.choice(AREAS)
    return {
        "id": f"R-{received.year}-{number:06d}",
        "received": received.isoformat(),
        "source": rng.choice(list(Source)).value,
        "organisation": f"{place} {area} Mutual {number}",
        "parent_body": f"{place} Borough Council",
        "parent_body_kind": "local-authority",
        "service_area": area,
        "staff_in_scope": rng.randrange(5, 900),
        "contract_value": rng.randrange(80_000, 40_000_000),
        "proposed_model": rng.choice(list(ProposedModel)).value,
        "route": rng.choice(list(Route)).value,
        "stage": rng.choice(list(Stage)).value,
        "target_spin_out": (received + timedelta(days=400)).isoformat(),
        "region": rng.choice(list(Region)).value,
        "contact": {
            "name": f"Contact {number}",
            "role": "Service manager",
            "email": f"contact{number}@example.org",
            "phone": "01632 960000",
            "lawful_basis": "public-task",
        },
        "enquiry": " ".join(rng.choice(PLACES + AREAS) for _ in range(40)),
        "status": "new",
        "case_id": None,
        "revisit_on": None,
        "created_at": "2013-01-01T00:00:00+00:00",
        "updated_at": "2013-01-01T00:00:00+00:00",
    }


def fill(directory: Path, count: int, seed: int = 7) -> list[str]:
    """A data directory holding `count` referrals, checkpointed; returns their ids."""
    from mspdesk.store import Store

    rng = random.Random(seed)
    ids = []
    with Store.open(directory) as store:
        batch: list[dict[str, Any]] = []
        for number in range(1, count + 1):
            record = referral(number, rng)
            ids.append(record["id"])
            batch.append({"table": "referrals", "key": record["id"], "kind": "put", "data": record})
            if len(batch) == 1000 or number == count:
                store.commit(
                    {
                        "id": uuid.uuid4().hex,
                        "at": "2013-01-01T00:00:00.000+00:00",
                        "actor": "bench",
                        "device": "bench",
                        "kind": "referrals.imported",
                        "subject": f"{len(batch)} referrals",
                        "summary": "synthetic",
                        "ops": batch,
                    }
                )
                batch = []
        store.checkpoint()
    return ids
