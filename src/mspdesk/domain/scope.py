"""Is a referral within the programme's remit? Scope follows measured staff control.

The Cabinet Office defines a public service mutual as an organisation that has left the
public sector, continues to deliver public services, and in which employee control plays a
significant role in its operation (lawinsider.com "Public Service Mutual definition", quoting
the Cabinet Office wording; read 2026-12-04). The legal form and the model's label do not
decide it: a multi-stakeholder co-operative whose staff hold a large share of the votes and
seats can meet it, an "employee-owned" label with token staff votes does not.

The definition gives no figure, so the desk uses this measurable rule (documented on the
"what-is-a-public-service-mutual" guidance page):

- staff control is *significant* when staff hold at least 25% of the members' votes and at
  least 25% of the board seats. 25% is the staff share the Cabinet Office (Francis Maude)
  accepted for a "mutual joint venture" (thirdsector.co.uk, "Spin-outs with only 25 per cent
  staff ownership 'should not be called mutuals'", brief S66; Co-operatives UK and SEUK
  argued for more than 50%, so the figure is contested). A quarter of the votes is enough to
  block a special resolution (which needs 75%), so staff cannot be overruled on the articles,
  the asset lock or a sale; a quarter of the seats gives them a real voice in running it.
- where only one of the two shares is recorded, that one decides;
- where neither is recorded, the proposed model is the hint: employee-owned or undecided are
  in scope, the others out (the programme's rule before measured shares were recorded).

Leaving the public sector and delivering public services are what every referral to the
programme is about, so only staff control is measured here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from mspdesk.domain.choices import IN_SCOPE_MODELS, ProposedModel

SIGNIFICANT_SHARE = 25.0
"""Percent of votes (and of board seats) at which staff control counts as significant."""


@dataclass(frozen=True)
class Scope:
    """Whether a referral is in scope, and on what basis."""

    in_scope: bool
    measured: bool
    """True when recorded staff shares decided it, False when the model label did."""
    reason: str


def staff_control_scope(
    model: ProposedModel | str | None, votes_percent: Any, board_percent: Any
) -> Scope:
    """Scope from the staff's share of votes and board seats, the model label as a hint.

    `votes_percent` and `board_percent` are numbers 0-100 or None (plain stored values are
    accepted so the desk can call this on raw rows)."""
    votes = _share(votes_percent)
    board = _share(board_percent)
    shares = [(name, share) for name, share in (("votes", votes), ("board seats", board))]
    measured = [(name, share) for name, share in shares if share is not None]
    if measured:
        short = [f"{share:g}% of {name}" for name, share in measured if share < SIGNIFICANT_SHARE]
        held = " and ".join(f"{share:g}% of the {name}" for name, share in measured)
        if short:
            return Scope(
                False,
                True,
                f"Staff hold {held}: below the {SIGNIFICANT_SHARE:g}% that makes staff control "
                "significant, so out of scope whatever the model's label.",
            )
        return Scope(
            True,
            True,
            f"Staff hold {held}: significant staff control, so in scope whatever the "
            "model's label.",
        )
    inside = model in IN_SCOPE_MODELS
    label = ProposedModel(model).label if model in tuple(ProposedModel) else "no model"
    return Scope(
        inside,
        False,
        f"No staff shares recorded; going by the proposed model ({label}): "
        + ("in scope." if inside else "out of scope until staff control is measured."),
    )


def in_scope(model: ProposedModel | str | None, votes_percent: Any, board_percent: Any) -> bool:
    """Whether a referral is within the programme's remit (see `staff_control_scope`)."""
    return staff_control_scope(model, votes_percent, board_percent).in_scope


def _share(value: Any) -> float | None:
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value)
    return None
