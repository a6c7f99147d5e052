"""Cases: opened when triage accepts a referral. Pathways and milestones come later."""

from __future__ import annotations

from typing import Any

from mspdesk.desk.core import DeskCore
from mspdesk.domain.case import CASE_ID, Case, case_id
from mspdesk.domain.errors import NotFound
from mspdesk.domain.events import Op
from mspdesk.domain.referral import Referral
from mspdesk.domain.validation import validated

TABLE = "cases"


class Cases:
    """The case records, through the journal."""

    def __init__(self, core: DeskCore) -> None:
        self._core = core

    def open_for(self, referral: Referral) -> tuple[Case, Op]:
        """A new case for an accepted `referral` and the op that stores it (not committed).

        The caller commits the op together with the referral's change, so accepting a
        referral and opening its case are one event (and one undo).
        """
        moment = self._core.now()
        case = validated(
            Case,
            {
                "id": self.next_id(),
                "referral_id": referral.id,
                "organisation": referral.organisation,
                "parent_body": referral.parent_body,
                "route": referral.route,
                "proposed_model": referral.proposed_model,
                "adviser": self._core.actor,
                "opened_on": self._core.today(),
                "created_at": moment,
                "updated_at": moment,
            },
            "case",
        )
        op = Op(table=TABLE, key=case.id, kind="put", data=case.model_dump(mode="json"))
        return case, op

    def next_id(self) -> str:
        """The next free case id (one above the highest in use)."""
        numbers = (int(key[2:]) for key in self._core.store.table(TABLE) if CASE_ID.match(key))
        return case_id(max(numbers, default=0) + 1)

    def get(self, case_id_: str) -> Case:
        """One case, validated; NotFound if there is none with that id."""
        record = self._core.store.get(TABLE, case_id_)
        if record is None:
            raise NotFound(f"no case {case_id_}")
        return Case.model_validate(record)

    def rows(self) -> list[dict[str, Any]]:
        """Every case as a plain JSON-shaped dict, newest first. Do not mutate them."""
        table = self._core.store.table(TABLE)
        return sorted(table.values(), key=lambda r: (r["opened_on"], r["id"]), reverse=True)
