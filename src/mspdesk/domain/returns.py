"""The quarterly return: the figures the programme gave its sponsoring department.

Pure: computed from stored record dicts for one calendar quarter (2013Q1 is January to
March 2013, as the evidence export counts quarters). Every figure carries the ids of the
records that make it, so a return can be checked back to the desk. Money is integer pence.

- referrals received in the quarter, in scope and out of scope; referrals triaged (first
  decision) in the quarter;
- the pipeline: cases open at the quarter's end, by stage;
- cases approved (opened) in the quarter, and spin-outs in the quarter;
- live mutuals at the quarter's end (spun out by then and still trading as their check-ins
  say), survival at one, three and five years, staff transferred and the contract value now
  run by mutuals;
- support spend committed and invoiced, by provider and by kind, in the quarter and to its
  end, the SME share of it, and the programme's headroom at the quarter's end.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from mspdesk.domain.aftercare import CHECKIN_YEARS, Monitoring, add_months
from mspdesk.domain.choices import IN_SCOPE_MODELS, ProposedModel
from mspdesk.domain.support import decimal_pounds, package_value, pounds

Record = Mapping[str, Any]
_QUARTER = re.compile(r"^(\d{4})-?[Qq]([1-4])$")
_IN_SCOPE = frozenset(m.value for m in IN_SCOPE_MODELS)


@dataclass(frozen=True)
class Quarter:
    year: int
    number: int

    @property
    def start(self) -> date:
        return date(self.year, 3 * self.number - 2, 1)

    @property
    def end(self) -> date:
        return date.fromordinal(add_months(self.start, 3).toordinal() - 1)

    def __str__(self) -> str:
        return f"{self.year}Q{self.number}"

    def holds(self, text: str | None) -> bool:
        """Whether the ISO date (or timestamp) `text` falls in this quarter."""
        return bool(text) and self.start.isoformat() <= str(text)[:10] <= self.end.isoformat()


def parse_quarter(text: str) -> Quarter:
    """'2013Q1' (or '2013-Q1'); ValueError says what was expected."""
    match = _QUARTER.match(text.strip())
    if not match:
        raise ValueError(f"{text!r} is not a quarter (use 2013Q1 for January to March 2013)")
    return Quarter(int(match.group(1)), int(match.group(2)))


@dataclass
class Count:
    """A count and the ids of the records counted."""

    ids: list[str] = field(default_factory=list)

    @property
    def value(self) -> int:
        return len(self.ids)

    def as_json(self) -> dict[str, Any]:
        return {"value": self.value, "records": sorted(self.ids)}


@dataclass
class Sum:
    """A sum (pence or people or pounds) and the ids of the records that make it."""

    value: int = 0
    ids: list[str] = field(default_factory=list)

    def add(self, record_id: str, amount: int) -> None:
        self.value += amount
        self.ids.append(record_id)

    def as_json(self, *, money: bool = False) -> dict[str, Any]:
        shown: dict[str, Any] = {"value": self.value, "records": sorted(self.ids)}
        if money:
            shown = {"pence": self.value, "pounds": decimal_pounds(self.value), **shown}
            del shown["value"]
        return shown


@dataclass
class Spend:
    """Committed and invoiced pence, in the quarter and to its end."""

    committed_in_quarter: Sum = field(default_factory=Sum)
    committed_to_date: Sum = field(default_factory=Sum)
    invoiced_in_quarter: Sum = field(default_factory=Sum)
    invoiced_to_date: Sum = field(default_factory=Sum)

    def as_json(self) -> dict[str, Any]:
        return {
            name: getattr(self, name).as_json(money=True)
            for name in (
                "committed_in_quarter",
                "committed_to_date",
                "invoiced_in_quarter",
                "invoiced_to_date",
            )
        }


@dataclass
class Returns:
    """One quarter's return."""

    quarter: Quarter
    received: Count = field(default_factory=Count)
    received_in_scope: Count = field(default_factory=Count)
    received_out_of_scope: Count = field(default_factory=Count)
    triaged: Count = field(default_factory=Count)
    pipeline: dict[str, Count] = field(default_factory=dict)
    approved: Count = field(default_factory=Count)
    spin_outs: Count = field(default_factory=Count)
    live_mutuals: Count = field(default_factory=Count)
    survival: dict[int, tuple[Count, Count]] = field(default_factory=dict)
    """Years → (spun out at least that long before the quarter's end, of those trading)."""
    staff_transferred: Sum = field(default_factory=Sum)
    contract_value_run: Sum = field(default_factory=Sum)
    """Whole pounds of contracts run by live mutuals."""
    spend: Spend = field(default_factory=Spend)
    by_provider: dict[str, Spend] = field(default_factory=dict)
    by_kind: dict[str, Spend] = field(default_factory=dict)
    sme_committed_to_date: Sum = field(default_factory=Sum)
    programme_total: int = 0
    """Pence."""

    @property
    def headroom(self) -> int:
        """The programme total less everything committed by the quarter's end, in pence."""
        return self.programme_total - self.spend.committed_to_date.value

    @property
    def sme_share(self) -> str | None:
        """SME providers' share of spend committed to date, as a percentage to one place."""
        return percent(self.sme_committed_to_date.value, self.spend.committed_to_date.value)


def percent(part: int, whole: int) -> str | None:
    if not whole:
        return None
    share = (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"), ROUND_HALF_UP)
    return str(share)


def quarterly_returns(
    quarter: Quarter,
    *,
    referrals: Iterable[Record],
    decisions: Iterable[tuple[str, Record]],
    cases: Iterable[Record],
    monitoring: Iterable[Record],
    packages: Iterable[Record],
    providers: Iterable[Record],
    programme_total: int,
) -> Returns:
    """The return for `quarter` from stored dicts; `programme_total` in pence."""
    result = Returns(quarter, programme_total=programme_total)
    end = quarter.end.isoformat()
    for referral in referrals:
        if not quarter.holds(referral.get("received")):
            continue
        result.received.ids.append(referral["id"])
        model = referral.get("proposed_model") or ProposedModel.UNDECIDED.value
        target = result.received_in_scope if model in _IN_SCOPE else result.received_out_of_scope
        target.ids.append(referral["id"])

    first: dict[str, str] = {}
    for key, decision in decisions:
        referral_id = key.rpartition("/")[0] or str(decision.get("referral_id", ""))
        at = str(decision.get("decided_at") or "")
        if at and (referral_id not in first or at < first[referral_id]):
            first[referral_id] = at
    result.triaged.ids.extend(r for r, at in first.items() if quarter.holds(at))

    for case in cases:
        opened = str(case.get("opened_on") or "")
        ended = case.get("ended_on")
        if quarter.holds(opened):
            result.approved.ids.append(case["id"])
        if case.get("status") == "spun-out" and quarter.holds(ended):
            result.spin_outs.ids.append(case["id"])
        if opened and opened <= end and (not ended or str(ended) > end):
            stage = str(case.get("stage") or "idea")
            result.pipeline.setdefault(stage, Count()).ids.append(case["id"])

    for years in CHECKIN_YEARS:
        result.survival[years] = (Count(), Count())
    for record in monitoring:
        mutual = Monitoring.model_validate(record)
        if mutual.spun_out_on > quarter.end:
            continue
        if mutual.staff:
            result.staff_transferred.add(mutual.case_id, mutual.staff)
        trading = mutual.trading_on(quarter.end)
        if trading:
            result.live_mutuals.ids.append(mutual.case_id)
            if mutual.contract_value:
                result.contract_value_run.add(mutual.case_id, mutual.contract_value)
        for years, (old_enough, surviving) in result.survival.items():
            if add_months(mutual.spun_out_on, 12 * years) <= quarter.end:
                old_enough.ids.append(mutual.case_id)
                if trading:
                    surviving.ids.append(mutual.case_id)

    sme = {str(p["id"]) for p in providers if p.get("sme")}
    for package in packages:
        committed_on = str(package.get("committed_on") or "")
        if not committed_on or committed_on > end:
            continue
        value = package_value(Decimal(str(package["days"])), int(package["rate"]))
        spends = (
            result.spend,
            result.by_provider.setdefault(str(package["provider_id"]), Spend()),
            result.by_kind.setdefault(str(package["kind"]), Spend()),
        )
        invoiced_on = str(package.get("invoiced_on") or "")
        amount = int(package.get("invoice_amount") or 0)
        for spend in spends:
            spend.committed_to_date.add(package["id"], value)
            if quarter.holds(committed_on):
                spend.committed_in_quarter.add(package["id"], value)
            if invoiced_on and invoiced_on <= end:
                spend.invoiced_to_date.add(package["id"], amount)
                if quarter.holds(invoiced_on):
                    spend.invoiced_in_quarter.add(package["id"], amount)
        if package["provider_id"] in sme:
            result.sme_committed_to_date.add(package["id"], value)
    return result


def returns_json(result: Returns) -> dict[str, Any]:
    """The return as a JSON-ready dict: each figure with the ids of its records."""
    return {
        "quarter": str(result.quarter),
        "from": result.quarter.start.isoformat(),
        "to": result.quarter.end.isoformat(),
        "referrals": {
            "received": result.received.as_json(),
            "in_scope": result.received_in_scope.as_json(),
            "out_of_scope": result.received_out_of_scope.as_json(),
            "triaged": result.triaged.as_json(),
        },
        "pipeline": {stage: count.as_json() for stage, count in sorted(result.pipeline.items())},
        "cases_approved": result.approved.as_json(),
        "spin_outs": result.spin_outs.as_json(),
        "live_mutuals": result.live_mutuals.as_json(),
        "survival": {
            f"{years}_year": {
                "spun_out": old.as_json(),
                "trading": alive.as_json(),
                "percent": percent(alive.value, old.value),
            }
            for years, (old, alive) in sorted(result.survival.items())
        },
        "staff_transferred": result.staff_transferred.as_json(),
        "contract_value_run_by_mutuals": result.contract_value_run.as_json(),
        "spend": result.spend.as_json(),
        "spend_by_provider": {k: v.as_json() for k, v in sorted(result.by_provider.items())},
        "spend_by_kind": {k: v.as_json() for k, v in sorted(result.by_kind.items())},
        "sme": {
            "committed_to_date": result.sme_committed_to_date.as_json(money=True),
            "percent": result.sme_share,
        },
        "programme": {
            "total": {
                "pence": result.programme_total,
                "pounds": decimal_pounds(result.programme_total),
            },
            "headroom": {"pence": result.headroom, "pounds": decimal_pounds(result.headroom)},
        },
    }


def returns_rows(result: Returns, names: Mapping[str, str]) -> list[list[str]]:
    """(section, figure, value) rows for CSV and spreadsheets; money as pounds to the penny,
    `names` gives provider names by id."""
    rows: list[list[str]] = [["section", "figure", "value"]]

    def add(section: str, label: str, value: object) -> None:
        rows.append([section, label, "" if value is None else str(value)])

    add("Quarter", "Quarter", result.quarter)
    add("Quarter", "From", result.quarter.start.isoformat())
    add("Quarter", "To", result.quarter.end.isoformat())
    add("Referrals", "Received", result.received.value)
    add("Referrals", "In scope", result.received_in_scope.value)
    add("Referrals", "Out of scope", result.received_out_of_scope.value)
    add("Referrals", "Triaged", result.triaged.value)
    for stage, count in sorted(result.pipeline.items()):
        add("Pipeline at quarter end", stage, count.value)
    add("Cases", "Approved", result.approved.value)
    add("Cases", "Spin-outs", result.spin_outs.value)
    add("Mutuals", "Live at quarter end", result.live_mutuals.value)
    for years, (old, alive) in sorted(result.survival.items()):
        add("Mutuals", f"{years}-year survival (trading of spun out)", f"{alive.value}/{old.value}")
    add("Mutuals", "Staff transferred", result.staff_transferred.value)
    add("Mutuals", "Contract value run by mutuals (£)", result.contract_value_run.value)
    for label, name in (
        ("Committed in quarter (£)", "committed_in_quarter"),
        ("Committed to date (£)", "committed_to_date"),
        ("Invoiced in quarter (£)", "invoiced_in_quarter"),
        ("Invoiced to date (£)", "invoiced_to_date"),
    ):
        add("Spend", label, decimal_pounds(getattr(result.spend, name).value))
        for provider, spend in sorted(result.by_provider.items()):
            add(
                "Spend by provider",
                f"{names.get(provider, provider)}: {label}",
                decimal_pounds(getattr(spend, name).value),
            )
        for kind, spend in sorted(result.by_kind.items()):
            add("Spend by kind", f"{kind}: {label}", decimal_pounds(getattr(spend, name).value))
    add("Spend", "SME share of committed to date (%)", result.sme_share)
    add("Programme", "Total (£)", decimal_pounds(result.programme_total))
    add("Programme", "Headroom at quarter end (£)", decimal_pounds(result.headroom))
    return rows


def returns_lines(result: Returns, names: Mapping[str, str]) -> list[str]:
    """The return as readable text, one figure a line (`names`: provider names by id)."""
    q = result.quarter
    lines = [f"Quarterly return {q} ({q.start:%d %b %Y} to {q.end:%d %b %Y})", ""]

    def row(label: str, value: object, note: str = "") -> None:
        lines.append(f"  {label:<44}{value!s:>16}  {note}".rstrip())

    row("Referrals received", result.received.value)
    row("  in scope", result.received_in_scope.value)
    row("  out of scope", result.received_out_of_scope.value)
    row("Referrals triaged", result.triaged.value)
    lines.append("  Pipeline at quarter end (cases by stage)")
    for stage, count in sorted(result.pipeline.items()):
        row(f"    {stage}", count.value)
    row("Cases approved", result.approved.value)
    row("Spin-outs", result.spin_outs.value)
    row("Live mutuals at quarter end", result.live_mutuals.value)
    for years, (old, alive) in sorted(result.survival.items()):
        row(f"  trading after {years} year{'s' if years > 1 else ''}", f"{alive.value}/{old.value}")
    row("Staff transferred", result.staff_transferred.value)
    row("Contract value run by mutuals", f"£{result.contract_value_run.value:,}")
    spend = result.spend
    row("Spend committed in quarter", pounds(spend.committed_in_quarter.value))
    row("Spend committed to date", pounds(spend.committed_to_date.value))
    row("Invoiced in quarter", pounds(spend.invoiced_in_quarter.value))
    row("Invoiced to date", pounds(spend.invoiced_to_date.value))
    for title, groups, label in (
        ("By provider (committed / invoiced to date)", result.by_provider, names),
        ("By kind (committed / invoiced to date)", result.by_kind, dict[str, str]()),
    ):
        lines.append(f"  {title}")
        for key, part in sorted(groups.items()):
            row(
                f"    {label.get(key, key)}",
                pounds(part.committed_to_date.value),
                pounds(part.invoiced_to_date.value),
            )
    share = result.sme_share
    row("SME share of committed", "-" if share is None else f"{share}%")
    row("Programme total", pounds(result.programme_total))
    row("Headroom at quarter end", pounds(result.headroom))
    return lines
