"""The Reports screen's panels as styled text: figures, and bar charts drawn with blocks.

Pure functions from `Figures` to `Content`, so they are tested without a terminal. Every
label goes in as plain text (never markup): adviser names and unknown values come from data.
Styles name theme colours ($success, $warning, ...) so the charts follow the theme. Lines
stay within about 40 cells, so three panels sit side by side on a 140-column terminal.
"""

from __future__ import annotations

from collections.abc import Sequence

from textual.content import Content

from mspdesk.desk.reports import BudgetFigures, Figures, Tally
from mspdesk.domain.support import pounds

LABEL_WIDTH = 19
BAR_WIDTH = 14
WIDE_BAR_WIDTH = 34
EIGHTHS = " ▏▎▍▌▋▊▉"
IN_SCOPE_STYLE = "$success"
OUT_OF_SCOPE_STYLE = "$warning"
BAR_STYLE = "$primary"
TRACK_STYLE = "$text-muted 30%"
OVER_STYLE = "$error"
MUTED = "$text-muted"
ADVISERS_SHOWN = 6

# Short names: the bars need the room. Anything not listed shows its own label.
SHORT_LABELS = {
    "mis": "Info Service (MIS)",
    "lga": "LGA",
    "dclg": "MHCLG",
    "nhs": "NHS",
    "direct": "Direct",
    "employee-owned": "Employee-owned",
    "multi-stakeholder": "Multi-stakeholder",
    "community-coop": "Community co-op",
    "social-enterprise": "Social enterprise",
    "undecided": "Undecided",
    "accept": "Accepted",
    "signpost": "Signposted",
    "decline": "Declined",
    "refer": "Referred on",
}


def blocks(value: float, maximum: float, width: int = BAR_WIDTH) -> str:
    """A bar of `value` against `maximum` in `width` cells, to an eighth of a cell.

    A value above zero always shows at least a sliver, so "1" never looks like "0".
    """
    if maximum <= 0 or value <= 0:
        return ""
    eighths = max(1, round(min(value, maximum) / maximum * width * 8))
    full, part = divmod(eighths, 8)
    return "█" * full + (EIGHTHS[part] if part else "")


def bar_row(
    label: str, value: float, maximum: float, *, shown: str | None = None, style: str = BAR_STYLE
) -> Content:
    """`label  ██████▍·····  shown` on one line (`shown` defaults to the value)."""
    bar = blocks(value, maximum)
    return Content.assemble(
        _label(label),
        (bar, style),
        (_track(len(bar), BAR_WIDTH), TRACK_STYLE),
        f" {value:g}" if shown is None else f" {shown}",
    )


def tally_rows(tallies: Sequence[Tally], *, style: str = BAR_STYLE) -> list[Content]:
    """One bar per tally, scaled to the largest."""
    biggest = max((t.count for t in tallies), default=0)
    return [bar_row(_short(t.key, t.label), t.count, biggest, style=style) for t in tallies]


# ------------------------------------------------------------------ panels


def referrals_summary(figures: Figures) -> Content:
    return Content.assemble(
        (f"{figures.received}", "bold"),
        " received · ",
        (f"{figures.received_in_scope} in scope", IN_SCOPE_STYLE),
        " · ",
        (f"{figures.received_out_of_scope} out of scope", OUT_OF_SCOPE_STYLE),
    )


def sparkline_data(figures: Figures) -> list[int]:
    """Referrals per month for the Sparkline, each month after a zero.

    A Sparkline scales from its smallest value to its largest, so 1 and 2 would draw as
    nothing and full. The zeros pin the bottom to none, and draw a gap between months.
    """
    return [value for tally in figures.by_month for value in (0, tally.count)]


def months_caption(figures: Figures) -> Content:
    """What the sparkline spans, its busiest month and the latest."""
    months = figures.by_month
    if not months:
        return Content.styled("No referrals yet.", MUTED)
    busiest = max(months, key=lambda t: t.count)
    count = len(months)
    return Content.assemble(
        (f"{months[0].label} – {months[-1].label}, {count} month{'s' * (count != 1)}", MUTED),
        f"\nbusiest {busiest.label}: {busiest.count} · latest {months[-1].label}: "
        f"{months[-1].count}",
    )


def referral_breakdown(figures: Figures) -> Content:
    """By source, then by proposed model (in scope green, out of scope amber)."""
    lines = [Content.styled("By source", "bold"), *tally_rows(figures.by_source), Content("")]
    lines.append(Content.assemble(("By proposed model", "bold"), ("  received (accepted)", MUTED)))
    biggest = max((m.received for m in figures.models), default=0)
    for model in figures.models:
        lines.append(
            bar_row(
                _short(model.model, model.label),
                model.received,
                biggest,
                shown=f"{model.received} ({model.accepted})",
                style=IN_SCOPE_STYLE if model.in_scope else OUT_OF_SCOPE_STYLE,
            )
        )
    return Content("\n").join(lines)


def triage_panel(figures: Figures) -> Content:
    """Outcomes as stacked bars (in scope, then out of scope), conversion and timing."""
    lines = [
        Content.assemble(("█", IN_SCOPE_STYLE), " in scope: employee-owned, undecided"),
        Content.assemble(("█", OUT_OF_SCOPE_STYLE), " out of scope: co-operative and other"),
        Content(""),
        Content.styled("Latest decision on each referral", "bold"),
    ]
    biggest = max((o.total for o in figures.outcomes), default=0)
    for outcome in figures.outcomes:
        inside, outside = _stacked(outcome.in_scope, outcome.out_of_scope, biggest)
        lines.append(
            Content.assemble(
                _label(_short(outcome.decision, outcome.label)),
                (inside, IN_SCOPE_STYLE),
                (outside, OUT_OF_SCOPE_STYLE),
                (_track(len(inside) + len(outside), BAR_WIDTH), TRACK_STYLE),
                f" {outcome.in_scope} + {outcome.out_of_scope}",
            )
        )
    conversion, timing = figures.conversion, figures.timing
    waited = f"median {_days(timing.median_days_waiting)} old" if timing.waiting else ""
    lines += [
        Content(""),
        _fact("Accepted", f"{conversion.accepted} of {conversion.triaged}",
              _joined(_percent(conversion.accept_rate), "of triaged")),
        _fact("Became cases", f"{conversion.cases} of {conversion.received}",
              _joined(_percent(conversion.case_rate), "of referrals")),
        _fact("To first decision", _days(timing.median_days_to_decision),
              f"median of {timing.decided}" if timing.decided else ""),
        _fact("Waiting for triage", str(timing.waiting), waited),
    ]  # fmt: skip
    return Content("\n").join(lines)


def cases_panel(figures: Figures) -> Content:
    """Cases by stage and status, spin-outs, and overdue milestones by adviser."""
    overdue = figures.overdue
    lines: list[Content] = [
        _fact("Cases", str(figures.conversion.cases)),
        _fact("Spin-outs achieved", str(figures.spun_out)),
        Content(""),
        Content.styled("By stage", "bold"),
        *tally_rows(figures.cases_by_stage),
        Content(""),
        Content.styled("By status", "bold"),
        *tally_rows(figures.cases_by_status),
        Content(""),
        Content.assemble(
            ("Overdue milestones ", "bold"),
            (f"{overdue.milestones}", OVER_STYLE if overdue.milestones else "bold"),
            f" on {overdue.cases} active case{'' if overdue.cases == 1 else 's'}",
        ),
    ]
    lines += tally_rows(overdue.by_adviser[:ADVISERS_SHOWN], style=OVER_STYLE)
    hidden = overdue.by_adviser[ADVISERS_SHOWN:]
    if hidden:
        more = sum(t.count for t in hidden)
        lines.append(Content.styled(f"… {more} more for {len(hidden)} other advisers", MUTED))
    return Content("\n").join(lines)


def budget_panel(budget: BudgetFigures) -> Content:
    """Allocated against the programme total, spent against allocated, days, and warnings:
    each a caption line over a wide bar (red when over)."""
    lines = [
        *_budget_bar("Allocated", budget.allocated, budget.total,
                     f"{_pounds(budget.allocated)} of {_pounds(budget.total)}"),
        *_budget_bar("Spent", budget.spent, budget.allocated,
                     f"{_pounds(budget.spent)} of {_pounds(budget.allocated)}"),
        *_budget_bar("Days spent", budget.days_spent, budget.days_allocated,
                     f"{budget.days_spent:g} of {budget.days_allocated:g}"),
        _fact("Unallocated", _pounds(budget.unallocated)),
    ]  # fmt: skip
    if budget.packages:
        lines += [
            _fact("Packages committed", pounds(budget.committed_pence)),
            _fact("Packages invoiced", pounds(budget.invoiced_pence)),
            _fact("Headroom", pounds(budget.headroom_pence)),
        ]
    lines += [Content.styled(f"! {flag}", OVER_STYLE) for flag in budget.flags]
    return Content("\n").join(lines)


# ------------------------------------------------------------------ pieces


def _budget_bar(label: str, value: float, limit: float, shown: str) -> list[Content]:
    share = _percent(value / limit) if limit else ""
    caption = Content.assemble(
        f"{label}  ", (shown, "bold"), (f" ({share})" if share else "", MUTED)
    )
    bar = blocks(value, limit if limit else value, WIDE_BAR_WIDTH)
    style = OVER_STYLE if value > limit else BAR_STYLE
    return [
        caption,
        Content.assemble((bar, style), (_track(len(bar), WIDE_BAR_WIDTH), TRACK_STYLE)),
    ]


def _stacked(first: int, second: int, maximum: int) -> tuple[str, str]:
    """Two bars end to end in whole cells (eighths would leave a gap where they meet); a
    part above zero gets at least one cell."""
    if maximum <= 0:
        return "", ""
    total = round((first + second) / maximum * BAR_WIDTH)
    cells = max(1, round(first / maximum * BAR_WIDTH)) if first else 0
    rest = max(1, total - cells) if second else 0
    return "█" * cells, "█" * rest


def _fact(label: str, value: str, note: str = "") -> Content:
    return Content.assemble(_label(label), (value, "bold"), (f"  {note}" if note else "", MUTED))


def _short(key: str, label: str) -> str:
    return SHORT_LABELS.get(key, label)


def _label(text: str) -> str:
    """`text` padded to LABEL_WIDTH, clipped with "…" so one space always follows it."""
    room = LABEL_WIDTH - 1
    return (text if len(text) <= room else text[: room - 1] + "…").ljust(LABEL_WIDTH)


def _track(used: int, width: int) -> str:
    return "·" * max(0, width - used)


def _joined(*parts: str) -> str:
    return " ".join(parts) if all(parts) else ""


def _percent(share: float | None) -> str:
    return "" if share is None else f"{share * 100:.0f}%"


def _days(days: float | None) -> str:
    if days is None:
        return "–"
    return f"{days:g} day" if days == 1 else f"{days:g} days"


def _pounds(amount: float) -> str:
    return f"-£{-amount:,.0f}" if amount < 0 else f"£{amount:,.0f}"
