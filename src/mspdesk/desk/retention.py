"""Records past their retention period, and holds (extensions) with a reason.

Rules come from `retention.toml` in the data folder if there is one (see README), else
the defaults in domain/retention.py.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from pydantic import ValidationError

from mspdesk.desk.core import DeskCore
from mspdesk.desk.privacy import erased_keys
from mspdesk.domain.errors import InvalidRecord, NotFound, UserError
from mspdesk.domain.events import Op
from mspdesk.domain.retention import ENDED_CASES, NOT_TAKEN_ON, RetentionRules, years_after
from mspdesk.domain.toml_text import load_toml
from mspdesk.domain.validation import problems_of

CONFIG_NAME = "retention.toml"
HOLDS = "retention_holds"


@dataclass(frozen=True)
class PastRetention:
    id: str
    kind: str  # "referral" or "case"
    what: str  # organisation and status
    ended_on: date
    keep_until: date
    held_until: date | None
    hold_reason: str


def rules(directory: Path) -> RetentionRules:
    path = directory / CONFIG_NAME
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return RetentionRules()
    except OSError as error:
        raise UserError(f"cannot read {path}: {error.strerror or error}") from None
    document = load_toml(text, str(path))
    try:
        return RetentionRules.model_validate(document.get("retention", {}))
    except ValidationError as error:
        raise InvalidRecord(problems_of(error), str(path)) from None


def past_retention(core: DeskCore, today: date | None = None) -> list[PastRetention]:
    """Referrals not taken on and ended cases whose retention period is over (held ones
    included, with the date they are held until, if that is still to come)."""
    today = today or core.today()
    settings = rules(core.store.directory)
    store = core.store
    erased = erased_keys(core)
    holds = store.table(HOLDS)
    decided: dict[str, date] = {}
    for record in store.table("decisions").values():
        referral = record.get("referral_id")
        at = datetime.fromisoformat(record["decided_at"]).date()
        if referral and (referral not in decided or at > decided[referral]):
            decided[referral] = at
    found: list[PastRetention] = []
    for key, row in store.table("referrals").items():
        status = row.get("status")
        if status not in NOT_TAKEN_ON or key in erased or key not in decided:
            continue
        keep = years_after(decided[key], settings.declined_referral_years)
        what = f"{row.get('organisation', '')} ({status})"
        found.append(_item(key, "referral", what, decided[key], keep, holds))
    for key, row in store.table("cases").items():
        if row.get("status") not in ENDED_CASES or not row.get("ended_on") or key in erased:
            continue
        ended = date.fromisoformat(row["ended_on"])
        keep = years_after(ended, settings.ended_case_years)
        what = f"{row.get('organisation', '')} ({row.get('status')})"
        found.append(_item(key, "case", what, ended, keep, holds))
    due = [
        item
        for item in found
        if item.keep_until <= today and (item.held_until is None or item.held_until <= today)
    ]
    return sorted(due, key=lambda item: (item.keep_until, item.id))


def _item(
    key: str, kind: str, what: str, ended: date, keep: date, holds: dict[str, dict[str, str]]
) -> PastRetention:
    hold = holds.get(key)
    held = date.fromisoformat(hold["until"]) if hold else None
    return PastRetention(key, kind, what, ended, keep, held, hold["reason"] if hold else "")


def extend(core: DeskCore, key: str, until: date, reason: str) -> None:
    """Keep `key` until `until`, for `reason` (recorded; undoable)."""
    if not reason.strip():
        raise InvalidRecord([("--reason", "say why the data is kept longer")], "extension")
    if until <= core.today():
        raise InvalidRecord([("--until", "must be a date still to come")], "extension")
    if core.store.get("referrals", key) is None and core.store.get("cases", key) is None:
        raise NotFound(f"no referral or case {key}")
    prior = core.store.get(HOLDS, key)
    data = {"until": until.isoformat(), "reason": reason.strip(), "by": core.actor}
    op = Op(table=HOLDS, key=key, kind="put", data=data, prior=prior)
    core.commit("retention-extend", key, [op], f"Retention of {key} extended to {until}")
