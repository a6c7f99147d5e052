"""Possible duplicates: referrals added while another had the same organisation and parent
body. An adviser keeps both (the mark goes, with a reason) or merges one into the other."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from mspdesk.desk.core import DeskCore
from mspdesk.desk.referrals import MERGED
from mspdesk.desk.referrals import TABLE as REFERRALS
from mspdesk.domain.errors import InvalidRecord, NotFound, UserError
from mspdesk.domain.events import Op
from mspdesk.domain.referral import Referral

NOTES = "notes"
DECISIONS = "decisions"


@dataclass(frozen=True)
class PossibleDuplicate:
    """A marked referral, side by side with the one it looks like."""

    referral: Referral
    match: Referral | None
    """None if the referral it was marked against is no longer on the desk (undone)."""


class Duplicates:
    """The possible-duplicates queue and what an adviser decides about each."""

    def __init__(self, core: DeskCore) -> None:
        self._core = core

    def queue(self) -> list[PossibleDuplicate]:
        """Every referral marked a possible duplicate (merged ones aside), oldest first."""
        table = self._core.store.table(REFERRALS)
        marked = [
            row
            for row in table.values()
            if row.get("possible_duplicate_of") and row.get("status") != MERGED
        ]
        marked.sort(key=lambda row: (row["received"], row["id"]))
        found = []
        for row in marked:
            other = table.get(row["possible_duplicate_of"])
            match = Referral.model_validate(other) if other is not None else None
            found.append(PossibleDuplicate(Referral.model_validate(row), match))
        return found

    def count(self) -> int:
        return sum(
            1
            for row in self._core.store.table(REFERRALS).values()
            if row.get("possible_duplicate_of") and row.get("status") != MERGED
        )

    def keep(self, referral_id: str, reason: str) -> Referral:
        """Keep `referral_id` apart from the referral it looks like: the mark goes and the
        reason stays on it. One undoable change."""
        current = self._get(referral_id)
        reason = reason.strip()
        if not reason:
            raise InvalidRecord([("reason", "say why both are kept (e.g. two teams)")], "referral")
        if not current.get("possible_duplicate_of"):
            raise UserError(f"{referral_id} is not marked a possible duplicate")
        other = current["possible_duplicate_of"]
        patch = self._patch(
            current, {"possible_duplicate_of": None, "duplicate_reason": reason[:300]}
        )
        self._core.commit(
            "referral.kept-apart",
            referral_id,
            [patch],
            f"Kept {referral_id} apart from {other}: {reason}",
        )
        return self._referral(referral_id)

    def merge(self, referral_id: str, into: str) -> Referral:
        """Merge `referral_id` into `into`: its notes, triage decisions and source reference
        go onto `into`; it is closed as merged, pointing at `into`. One undoable change.
        Returns the referral that stays."""
        if referral_id == into:
            raise UserError("a referral cannot be merged into itself")
        other = self._get(referral_id)
        survivor = self._get(into)
        for row in (other, survivor):
            if row.get("status") == MERGED:
                raise UserError(f"{row['id']} is already merged into {row.get('merged_into')}")
        if other.get("case_id"):
            raise UserError(
                f"{referral_id} has a case ({other['case_id']}): keep that one, "
                f"merge the other way (duplicates merge {into} --into {referral_id})"
            )
        ops = [*self._move_notes(referral_id, into), *self._move_decisions(referral_id, into)]
        refs = [*survivor.get("merged_source_refs", ())]
        for ref in (other.get("source_ref"), *other.get("merged_source_refs", ())):
            if ref and ref not in refs and ref != survivor.get("source_ref"):
                refs.append(ref)
        kept_fields = {
            **(other.get("source_fields") or {}),
            **(survivor.get("source_fields") or {}),
        }
        survivor_changes: dict[str, Any] = {
            "merged_source_refs": refs,
            "source_fields": kept_fields,
        }
        if survivor.get("possible_duplicate_of") == referral_id:
            survivor_changes["possible_duplicate_of"] = None
        ops.append(self._patch(survivor, survivor_changes))
        ops.append(
            self._patch(
                other,
                {"status": MERGED, "merged_into": into, "possible_duplicate_of": None},
            )
        )
        # Others marked against the merged one now look like the one that stays.
        for row in self._core.store.table(REFERRALS).values():
            if row.get("possible_duplicate_of") == referral_id and row["id"] != into:
                ops.append(self._patch(row, {"possible_duplicate_of": into}))
        self._core.commit(
            "referrals.merged",
            into,
            ops,
            f"Merged {referral_id} ({other['organisation']}) into {into}",
        )
        return self._referral(into)

    # ------------------------------------------------------------------ helpers

    def _get(self, referral_id: str) -> dict[str, Any]:
        row = self._core.store.get(REFERRALS, referral_id)
        if row is None:
            raise NotFound(f"no referral {referral_id}")
        return row

    def _referral(self, referral_id: str) -> Referral:
        return Referral.model_validate(self._get(referral_id))

    def _patch(self, current: dict[str, Any], changes: dict[str, Any]) -> Op:
        merged = {**current, **changes, "updated_at": self._core.now()}
        after = Referral.model_validate(merged).model_dump(mode="json")
        delta = {k: v for k, v in after.items() if current.get(k) != v}
        prior = {k: current.get(k) for k in delta}
        return Op(table=REFERRALS, key=current["id"], kind="patch", data=delta, prior=prior)

    def _move_notes(self, source: str, target: str) -> list[Op]:
        ops = []
        for key, note in self._core.store.table(NOTES).items():
            if note.get("subject") == source:
                ops.append(
                    Op(
                        table=NOTES,
                        key=key,
                        kind="patch",
                        data={"subject": target},
                        prior={"subject": source},
                    )
                )
        return ops

    def _move_decisions(self, source: str, target: str) -> list[Op]:
        """Triage decisions are keyed `<referral>/<n>`: each moves to the next free number
        on the referral that stays (numbers never reused, undone ones included)."""
        prefix = f"{source}/"
        moving = sorted(
            (int(key.rsplit("/", 1)[1]), key, record)
            for key, record in self._core.store.table(DECISIONS).items()
            if key.startswith(prefix)
        )
        if not moving:
            return []
        number = highest_decision_number(self._core, target)
        ops = []
        for _, key, record in moving:
            number += 1
            new_key = f"{target}/{number}"
            ops.append(Op(table=DECISIONS, key=key, kind="delete", prior=record))
            ops.append(
                Op(table=DECISIONS, key=new_key, kind="put", data={**record, "referral_id": target})
            )
        return ops


def highest_decision_number(core: DeskCore, referral_id: str) -> int:
    """The highest `<referral>/<n>` decision number ever used on `referral_id`."""
    prefix = f"{referral_id}/"
    numbers = [
        int(key.rsplit("/", 1)[1])
        for key in core.store.touched_keys()
        if key.startswith(prefix) and key.rsplit("/", 1)[1].isdigit()
    ]
    return max(numbers, default=0)
