"""Providers, support packages and life after spin-out, through the journal.

Every change is one event (history and undo work as for any record). Money is pence.
A case's remaining budget is its allocation less what its packages commit; the programme's
headroom is its total (programme.toml) less what every package commits.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from mspdesk.domain.aftercare import Monitoring
from mspdesk.domain.case import Case, CaseStatus
from mspdesk.domain.choices import ParentBodyKind
from mspdesk.domain.errors import InvalidRecord, NotFound, UserError
from mspdesk.domain.events import Op, changed_fields
from mspdesk.domain.references import PACKAGES as PACKAGE_SERIES
from mspdesk.domain.references import PROVIDERS as PROVIDER_SERIES
from mspdesk.domain.references import Series
from mspdesk.domain.returns import Quarter, Returns, quarterly_returns
from mspdesk.domain.support import (
    Money,
    Package,
    PackageKind,
    PackageStatus,
    Provider,
    Rollup,
    headroom,
    next_status,
    pounds,
    roll_up,
)
from mspdesk.domain.validation import validated

if TYPE_CHECKING:
    from mspdesk.desk.cases import Cases
    from mspdesk.desk.core import DeskCore

PROVIDERS = "providers"
PACKAGES = "packages"
MONITORING = "monitoring"
CASES = "cases"
OPEN_CASE = frozenset(
    {CaseStatus.ACTIVE.value, CaseStatus.PAUSED.value, CaseStatus.AWAITING_BOARD.value}
)
"""Cases that may take packages (proposed ones go to the Board with the papers)."""


@dataclass(frozen=True)
class CaseMoney:
    """One case's packages against its allocation, in pence."""

    case_id: str
    allocated: int
    money: Money

    @property
    def remaining(self) -> int:
        return headroom(self.allocated, self.money.committed)


@dataclass(frozen=True)
class ProgrammeMoney:
    """Every package against the programme total, in pence."""

    total: int
    money: Money

    @property
    def headroom(self) -> int:
        return headroom(self.total, self.money.committed)


class Support:
    """Providers, packages and monitoring."""

    def __init__(self, core: DeskCore, cases: Cases) -> None:
        self._core = core
        self._cases = cases

    # ------------------------------------------------------------------ providers

    def add_provider(
        self,
        name: str,
        lots: Iterable[str],
        *,
        day_rate: int | None = None,
        sme: bool = False,
        contact: str = "",
        conflicts: str = "",
    ) -> Provider:
        """Add a provider to the roster (day rate in pence); returns it once durable."""
        wanted = name.strip().casefold()
        for record in self._core.store.table(PROVIDERS).values():
            if str(record.get("name", "")).casefold() == wanted:
                raise UserError(f"{record['id']} is already {record['name']}")
        provider = validated(
            Provider,
            {
                "id": self._next_id(PROVIDERS, PROVIDER_SERIES),
                "name": name,
                "lots": tuple(lot.strip() for lot in lots if lot.strip()),
                "day_rate": day_rate,
                "sme": sme,
                "contact": contact,
                "conflicts": conflicts,
                "added_on": self._core.today(),
            },
            "provider",
        )
        data = provider.model_dump(mode="json")
        self._core.commit(
            "provider.added",
            provider.id,
            [Op(table=PROVIDERS, key=provider.id, kind="put", data=data)],
            f"Provider {provider.id}: {provider.name}",
        )
        return provider

    def providers(self) -> list[Provider]:
        return sorted(
            (Provider.model_validate(r) for r in self._core.store.table(PROVIDERS).values()),
            key=lambda p: p.id,
        )

    def provider(self, provider_id: str) -> Provider:
        record = self._core.store.get(PROVIDERS, provider_id.strip().upper())
        if record is None:
            raise NotFound(f"no provider {provider_id} (see `mspdesk providers list`)")
        return Provider.model_validate(record)

    # ------------------------------------------------------------------ packages

    def add_package(
        self,
        case_id: str,
        *,
        provider_id: str,
        kind: PackageKind | str,
        days: Decimal,
        rate: int,
        deliverable: str,
        due: date,
        over_budget: str = "",
    ) -> Package:
        """Commit a package of `days` at `rate` pence a day to a case; returns it once
        durable. Refused when it would take the case past its remaining budget, unless
        `over_budget` says why."""
        case = self._cases.get(case_id)
        if case.status.value not in OPEN_CASE:
            raise UserError(f"{case.id} is {case.status.label.lower()}: no new packages")
        provider = self.provider(provider_id)
        package = validated(
            Package,
            {
                "id": self._next_id(PACKAGES, PACKAGE_SERIES),
                "case_id": case.id,
                "provider_id": provider.id,
                "kind": kind,
                "days": days,
                "rate": rate,
                "deliverable": deliverable,
                "due": due,
                "committed_on": self._core.today(),
                "over_budget": over_budget.strip(),
            },
            "package",
        )
        before = self.case_money(case)
        if package.value > before.remaining and not package.over_budget:
            raise InvalidRecord(
                [
                    (
                        "--over-budget",
                        f"{pounds(package.value)} is over {case.id}'s remaining budget "
                        f"{pounds(before.remaining)} (allocated {pounds(before.allocated)}, "
                        f"committed {pounds(before.money.committed)}); give a reason to "
                        "commit it anyway",
                    )
                ],
                "package",
            )
        data = package.model_dump(mode="json")
        summary = (
            f"Package {package.id} on {case.id}: {package.days} days {package.kind.label} "
            f"from {provider.name} at {pounds(package.rate)} = {pounds(package.value)}"
        )
        if package.over_budget:
            summary += f" (over budget: {package.over_budget[:60]})"
        self._core.commit(
            "package.added",
            case.id,
            [Op(table=PACKAGES, key=package.id, kind="put", data=data)],
            summary,
        )
        return package

    def deliver(self, package_id: str, on: date | None = None) -> Package:
        return self._step(package_id, PackageStatus.DELIVERED, {"delivered_on": on})

    def sign_off(self, package_id: str, on: date | None = None) -> Package:
        return self._step(package_id, PackageStatus.SIGNED_OFF, {"signed_off_on": on})

    def invoice(self, package_id: str, amount: int, on: date | None = None) -> Package:
        """Record the provider's invoice (pence) for a signed-off package."""
        if amount <= 0:
            raise InvalidRecord([("--amount", "an invoice is more than £0")], "package")
        return self._step(
            package_id, PackageStatus.INVOICED, {"invoiced_on": on, "invoice_amount": amount}
        )

    def _step(self, package_id: str, target: PackageStatus, fields: dict[str, Any]) -> Package:
        package = self.package(package_id)
        try:
            next_status(package, target)
        except ValueError as error:
            raise UserError(str(error)) from None
        day_field = next(name for name in fields if name.endswith("_on"))
        changes = {**fields, "status": target, day_field: fields[day_field] or self._core.today()}
        before = package.model_dump(mode="json")
        updated = validated(Package, {**before, **changes}, "package")
        if updated.__dict__[day_field] < package.committed_on:
            raise InvalidRecord(
                [("--on", f"before the package was committed ({package.committed_on})")],
                "package",
            )
        after = updated.model_dump(mode="json")
        delta = changed_fields(before, after)
        prior = {name: before.get(name) for name in delta}
        summary = f"Package {package.id} on {package.case_id} {target.label.lower()}"
        if target is PackageStatus.INVOICED:
            summary += f": {pounds(fields['invoice_amount'])}"
        self._core.commit(
            f"package.{target.value}",
            package.case_id,
            [Op(table=PACKAGES, key=package.id, kind="patch", data=delta, prior=prior)],
            summary,
        )
        return updated

    def package(self, package_id: str) -> Package:
        record = self._core.store.get(PACKAGES, package_id.strip().upper())
        if record is None:
            raise NotFound(f"no package {package_id} (see `mspdesk packages list`)")
        return Package.model_validate(record)

    def packages(self, case_id: str | None = None) -> list[Package]:
        """Packages (on one case), oldest first."""
        wanted = None if case_id is None else case_id.strip().upper()
        if wanted is not None and not self._cases.exists(wanted):
            raise NotFound(f"no case {case_id} (see `mspdesk cases list`)")
        rows = self._core.store.table(PACKAGES).values()
        return sorted(
            (
                Package.model_validate(r)
                for r in rows
                if wanted is None or r.get("case_id") == wanted
            ),
            key=lambda p: p.id,
        )

    # ------------------------------------------------------------------ money

    def rollup(self) -> Rollup:
        return roll_up(self._core.store.table(PACKAGES).values())

    def case_money(self, case: Case | str) -> CaseMoney:
        found = case if isinstance(case, Case) else self._cases.get(case)
        money = Money()
        for record in self._core.store.table(PACKAGES).values():
            if record.get("case_id") == found.id:
                money.add(record)
        return CaseMoney(found.id, found.budget.amount_allocated * 100, money)

    def programme_money(self) -> ProgrammeMoney:
        total = self._cases.budget.programme().total_budget * 100
        return ProgrammeMoney(total, self.rollup().total)

    # ------------------------------------------------------------------ after spin-out

    def spun_out(
        self,
        case_id: str,
        on: date,
        *,
        contract_end: date | None = None,
        contract_value: int | None = None,
        staff: int | None = None,
        lgps: bool | None = None,
        outcome: str = "",
    ) -> Monitoring:
        """Record a spin-out: the case ends as spun out and moves to monitoring (one
        event, one undo). `lgps` defaults to yes for a council's staff."""
        case = self._cases.get(case_id)
        if case.status is CaseStatus.SPUN_OUT or self._core.store.get(MONITORING, case.id):
            raise UserError(f"{case.id} has already spun out")
        if on < case.opened_on:
            raise InvalidRecord([("--on", f"before the case opened ({case.opened_on})")], "case")
        if contract_end is not None and contract_end <= on:
            raise InvalidRecord([("--contract-end", "after the spin-out date")], "spin-out")
        value = contract_value if contract_value is not None else case.contract_value
        monitoring = validated(
            Monitoring,
            {
                "case_id": case.id,
                "spun_out_on": on,
                "contract_end": contract_end,
                "contract_value": value,
                "staff": staff,
                "lgps": case.parent_body_kind is ParentBodyKind.LOCAL_AUTHORITY
                if lgps is None
                else lgps,
            },
            "spin-out",
        )
        before = case.model_dump(mode="json")
        merged = {
            **before,
            "status": CaseStatus.SPUN_OUT,
            "ended_on": on,
            "outcome": outcome.strip() or case.outcome or f"Spun out on {on.isoformat()}",
            "updated_at": self._core.now(),
        }
        after = validated(Case, merged, "case").model_dump(mode="json")
        delta = changed_fields(before, after)
        ops = [
            Op(
                table=CASES,
                key=case.id,
                kind="patch",
                data=delta,
                prior={name: before.get(name) for name in delta},
            ),
            Op(
                table=MONITORING,
                key=case.id,
                kind="put",
                data=monitoring.model_dump(mode="json"),
            ),
        ]
        self._core.commit(
            "case.spun-out", case.id, ops, f"{case.id} spun out on {on}; monitoring starts"
        )
        return monitoring

    def checkin(self, case_id: str, year: int, fields: dict[str, Any]) -> Monitoring:
        """Record the year-`year` check-in (replacing one already recorded)."""
        current = self.monitoring_for(case_id)
        checkin = {**fields, "year": year, "on": fields.get("on") or self._core.today()}
        others = [c.model_dump(mode="json") for c in current.checkins if c.year != year]
        before = current.model_dump(mode="json")
        updated = validated(
            Monitoring,
            {**before, "checkins": sorted([*others, checkin], key=lambda c: c["year"])},
            "check-in",
        )
        after = updated.model_dump(mode="json")
        self._core.commit(
            "monitoring.checkin",
            current.case_id,
            [
                Op(
                    table=MONITORING,
                    key=current.case_id,
                    kind="patch",
                    data={"checkins": after["checkins"]},
                    prior={"checkins": before["checkins"]},
                )
            ],
            f"{current.case_id} {year}-year check-in: "
            + ("trading" if updated.trading_on(checkin["on"]) else "not trading"),
        )
        return updated

    def monitoring_for(self, case_id: str) -> Monitoring:
        record = self._core.store.get(MONITORING, case_id.strip().upper())
        if record is None:
            raise NotFound(f"{case_id} is not under monitoring (see `mspdesk monitoring`)")
        return Monitoring.model_validate(record)

    def monitoring(self) -> list[Monitoring]:
        return sorted(
            (Monitoring.model_validate(r) for r in self._core.store.table(MONITORING).values()),
            key=lambda m: (m.spun_out_on, m.case_id),
        )

    # ------------------------------------------------------------------ returns

    def returns(self, quarter: Quarter) -> Returns:
        """The quarterly return for `quarter` (see domain/returns.py)."""
        store = self._core.store
        return quarterly_returns(
            quarter,
            referrals=list(store.table("referrals").values()),
            decisions=list(store.table("decisions").items()),
            cases=list(store.table(CASES).values()),
            monitoring=list(store.table(MONITORING).values()),
            packages=list(store.table(PACKAGES).values()),
            providers=list(store.table(PROVIDERS).values()),
            programme_total=self._cases.budget.programme().total_budget * 100,
        )

    # ------------------------------------------------------------------ agenda

    def dated(self) -> list[tuple[date, str, str, str]]:
        """(due, case id, code, title) for the agenda: deliverables not yet delivered on
        open cases, and what monitoring waits on (desk/agenda.py, read without models)."""
        from mspdesk.desk.agenda import dated_items

        return dated_items(self._core.store)

    # ------------------------------------------------------------------ ids

    def _next_id(self, table: str, series: Series) -> str:
        store = self._core.store
        return series.next((*store.table(table), *store.touched_keys()), self._core.code)
