"""Conflicts of interest: per case, the authority's roles and the declared conflicts; across
cases, the register."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from mspdesk.desk.core import DeskCore
from mspdesk.domain.case import Case
from mspdesk.domain.conflicts import (
    AuthorityRole,
    ConflictEntry,
    next_conflict_id,
    review_state,
    role_warnings,
)
from mspdesk.domain.errors import InvalidRecord, NotFound, UserError
from mspdesk.domain.validation import validated

if TYPE_CHECKING:
    from mspdesk.desk.cases import Cases

EDITABLE = frozenset({"roles", "conflict", "mitigation", "review_on"})


@dataclass(frozen=True)
class RegisterRow:
    """One declared conflict in the register across cases."""

    case_id: str
    organisation: str
    parent_body: str
    entry_id: str
    roles: tuple[str, ...]
    conflict: str
    mitigation: str
    review_on: date | None
    resolved_on: date | None
    review: str
    """"overdue", "soon", "ok" or "" (no review date, or resolved)."""

    @property
    def key(self) -> str:
        return f"{self.case_id}/{self.entry_id}"


class Conflicts:
    """The conflicts-of-interest register."""

    def __init__(self, core: DeskCore, cases: Cases) -> None:
        self._core = core
        self._cases = cases

    def set_roles(self, case_id: str, roles: Iterable[AuthorityRole | str]) -> Case:
        """Record which roles the parent authority holds: incubator, commissioner, regulator."""
        case = self._cases.get(case_id)
        parsed = [_role(role) for role in roles]
        names = ", ".join(role.label.lower() for role in parsed) or "none"
        summary = f"{case.id} authority roles: {names}"
        return self._cases.save(case, {"authority_roles": parsed}, "conflict.roles", summary)

    def declare(
        self,
        case_id: str,
        conflict: str,
        *,
        roles: Iterable[AuthorityRole | str] = (),
        mitigation: str = "",
        review_on: date | None = None,
    ) -> ConflictEntry:
        """Add a declared conflict with its mitigation and review date; returns the entry."""
        case = self._cases.get(case_id)
        entry = validated(
            ConflictEntry,
            {
                "id": next_conflict_id(case.conflicts),
                "roles": tuple(_role(role) for role in roles),
                "conflict": conflict,
                "mitigation": mitigation,
                "declared_on": self._core.today(),
                "declared_by": self._core.actor,
                "review_on": review_on,
            },
            "conflict",
        )
        # A role named in a conflict is one the authority holds.
        held = list(dict.fromkeys([*case.authority_roles, *entry.roles]))
        summary = f"{case.id} conflict {entry.id} declared: {entry.conflict[:60]}"
        values = {"conflicts": [*case.conflicts, entry], "authority_roles": held}
        self._cases.save(case, values, "conflict.declared", summary)
        return entry

    def update(self, case_id: str, entry_id: str, changes: Mapping[str, Any]) -> ConflictEntry:
        """Change an entry's roles, text, mitigation or review date."""
        bad = sorted(set(changes) - EDITABLE)
        if bad:
            raise InvalidRecord([(name, "cannot be changed here") for name in bad], "conflict")
        case, entry = self._find(case_id, entry_id)
        values = dict(changes)
        if "roles" in values:
            values["roles"] = tuple(_role(role) for role in values["roles"])
        updated = validated(ConflictEntry, {**entry.model_dump(), **values}, "conflict")
        return self._replace(case, updated, f"{case.id} conflict {entry.id} updated")

    def resolve(self, case_id: str, entry_id: str, on: date | None = None) -> ConflictEntry:
        """Mark a conflict resolved (no longer live) on `on` (default today)."""
        case, entry = self._find(case_id, entry_id)
        if entry.resolved_on is not None:
            raise UserError(f"{case.id} {entry.id} was already resolved on {entry.resolved_on}")
        updated = entry.model_copy(update={"resolved_on": on or self._core.today()})
        return self._replace(case, updated, f"{case.id} conflict {entry.id} resolved")

    def warnings(self, case: Case, today: date | None = None) -> list[str]:
        """Several roles with nothing declared, reviews due or overdue, missing mitigation."""
        return role_warnings(case.authority_roles, case.conflicts, today or self._core.today())

    def register(
        self, today: date | None = None, *, include_resolved: bool = False
    ) -> list[RegisterRow]:
        """Every declared conflict across cases, reviews most urgent first."""
        day = today or self._core.today()
        rows = []
        for record in self._cases.rows():
            for raw in record.get("conflicts") or ():
                resolved = raw.get("resolved_on")
                if resolved and not include_resolved:
                    continue
                review = date.fromisoformat(raw["review_on"]) if raw.get("review_on") else None
                rows.append(
                    RegisterRow(
                        case_id=record["id"],
                        organisation=record.get("organisation", ""),
                        parent_body=record.get("parent_body", ""),
                        entry_id=raw["id"],
                        roles=tuple(raw.get("roles") or ()),
                        conflict=raw.get("conflict", ""),
                        mitigation=raw.get("mitigation", ""),
                        review_on=review,
                        resolved_on=date.fromisoformat(resolved) if resolved else None,
                        review=review_state(review, bool(resolved), day),
                    )
                )
        rows.sort(key=lambda row: (row.review_on is None, row.review_on or day, row.key))
        return rows

    def _find(self, case_id: str, entry_id: str) -> tuple[Case, ConflictEntry]:
        case = self._cases.get(case_id)
        wanted = entry_id.strip().upper()
        for entry in case.conflicts:
            if entry.id == wanted:
                return case, entry
        raise NotFound(f"{case.id} has no conflict {entry_id}")

    def _replace(self, case: Case, updated: ConflictEntry, summary: str) -> ConflictEntry:
        entries = [updated if e.id == updated.id else e for e in case.conflicts]
        self._cases.save(case, {"conflicts": entries}, "conflict.updated", summary)
        return updated


def _role(role: AuthorityRole | str) -> AuthorityRole:
    if isinstance(role, AuthorityRole):
        return role
    try:
        return AuthorityRole.parse(role)
    except ValueError as error:
        raise InvalidRecord([("roles", str(error))], "conflict") from None
