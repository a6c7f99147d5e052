"""Support budget per case, and the programme's total from programme.toml.

The data directory's programme.toml wins over the shipped default (content/programme.toml).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from mspdesk import locations
from mspdesk.desk.core import DeskCore
from mspdesk.domain.budget import (
    CaseBudget,
    Programme,
    ProgrammeSummary,
    budget_warnings,
    parse_programme,
    summarise,
)
from mspdesk.domain.case import Case
from mspdesk.domain.errors import InvalidRecord, UserError
from mspdesk.domain.validation import validated

if TYPE_CHECKING:
    from pathlib import Path

    from mspdesk.desk.cases import Cases

CONFIG_NAME = "programme.toml"


class Budgets:
    """Days and pounds allocated to and spent on each case."""

    def __init__(self, core: DeskCore, cases: Cases) -> None:
        self._core = core
        self._cases = cases
        self._programme: tuple[Path, float, Programme] | None = None

    def config_path(self) -> Path:
        """The programme.toml in use: the data directory's, else the shipped default."""
        own = self._core.store.directory / CONFIG_NAME
        return own if own.is_file() else locations.content_dir() / CONFIG_NAME

    def programme(self) -> Programme:
        """The programme settings, re-read when the file changes."""
        path = self.config_path()
        try:
            stamp = path.stat().st_mtime
            if self._programme and self._programme[:2] == (path, stamp):
                return self._programme[2]
            text = path.read_text(encoding="utf-8")
        except OSError as error:
            raise UserError(f"cannot read {path}: {error.strerror}") from None
        programme = parse_programme(text, str(path))
        self._programme = (path, stamp, programme)
        return programme

    def set(self, case_id: str, **amounts: Any) -> Case:
        """Set any of days_allocated, days_spent, amount_allocated, amount_spent (pounds)."""
        unknown = sorted(set(amounts) - set(CaseBudget.model_fields))
        if unknown:
            raise InvalidRecord([(name, "not a budget field") for name in unknown], "budget")
        case = self._cases.get(case_id)
        budget = validated(CaseBudget, {**case.budget.model_dump(), **amounts}, "budget")
        summary = f"{case.id} budget: {_describe(budget)}"
        return self._cases.save(case, {"budget": budget}, "budget.set", summary)

    def spend(self, case_id: str, *, days: float = 0, amount: int = 0) -> Case:
        """Add `days` and `amount` (pounds) to what the case has spent."""
        if days < 0 or amount < 0:
            raise InvalidRecord([("spend", "record spending as positive numbers")], "budget")
        case = self._cases.get(case_id)
        budget = case.budget
        return self.set(
            case.id,
            days_spent=budget.days_spent + days,
            amount_spent=budget.amount_spent + amount,
        )

    def warnings(self, case: Case) -> list[tuple[str, str]]:
        """(level, message) for overspend ("overdue") and nearly-spent ("soon") budgets."""
        return budget_warnings(case.budget, self.programme().warn_at_percent)

    def summary(self) -> ProgrammeSummary:
        """Allocated and spent across every case, against the programme total."""
        rows = self._cases.rows()
        return summarise(((r["id"], r.get("budget")) for r in rows), self.programme())


def _describe(budget: CaseBudget) -> str:
    return (
        f"{budget.days_spent:g}/{budget.days_allocated:g} days, "
        f"£{budget.amount_spent:,}/£{budget.amount_allocated:,}"
    )
