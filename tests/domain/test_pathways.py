"""Pathway templates, planning, re-planning and days late."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest

from mspdesk.domain.choices import ProposedModel, Route
from mspdesk.domain.errors import InvalidRecord, NotFound, UserError
from mspdesk.domain.milestone import (
    Change,
    Milestone,
    MilestoneStatus,
    apply_changes,
    complete,
    days_late,
    days_until_due,
    next_custom_code,
    plan,
    reopen,
    reorder,
    replan,
    skip,
)
from mspdesk.domain.pathways import Pathway, parse_pathway, pathway_for
from mspdesk.locations import content_dir

PATHWAY_DIR = content_dir() / "pathways"
SHIPPED = sorted(PATHWAY_DIR.glob("*.toml"))

# From notes/guidance-slugs.md: every page a pathway may link to.
GUIDANCE_SLUGS = {
    "support-programme-and-referral",
    "what-is-a-public-service-mutual",
    "programme-history",
    "community-right-to-challenge",
    "crtc-writing-an-eoi",
    "crtc-decisions-and-rejection-grounds",
    "crtc-timescales",
    "social-value-act",
    "procurement-thresholds",
    "contract-routes",
    "conflicts-of-interest",
    "mutuals-taskforce-recommendations",
    "nhs-right-to-request-and-provide",
    "legal-forms",
    "governance-and-staff-engagement",
    "multi-stakeholder-cooperatives",
    "tupe-and-staff-transfer",
    "pensions",
    "options-appraisal",
    "business-case-and-investment-readiness",
    "social-investment",
    "evidence-and-outcomes",
    "vat-and-tax",
    "subsidy-control",
    "going-live-and-after",
    "glossary",
}

START = date(2013, 4, 1)


def shipped() -> dict[str, Pathway]:
    return {
        path.stem: parse_pathway(path.read_text(encoding="utf-8"), path.name) for path in SHIPPED
    }


def small_pathway(body: str, key: str = "tiny") -> str:
    return f'key = "{key}"\ntitle = "Tiny"\nroute = "commissioner-led"\n' + body


TINY = small_pathway(
    """
[[milestone]]
code = "M01"
title = "Start"
after = "start"
offset_days = 0

[[milestone]]
code = "M10"
title = "TUPE information"
after = "M15"
offset_days = -28

[[milestone]]
code = "M03"
title = "Options"
after = "M01"
offset_days = 10

[[milestone]]
code = "M05"
title = "Business case"
after = "M03"
offset_days = 20

[[milestone]]
code = "M15"
title = "Transfer"
after = "M05"
offset_days = 100
"""
)


def tiny() -> Pathway:
    return parse_pathway(TINY, "tiny.toml")


def by_code(milestones: list[Milestone]) -> dict[str, Milestone]:
    return {m.code: m for m in milestones}


# --- shipped content -------------------------------------------------------------------------


def test_the_four_route_pathways_ship() -> None:
    assert {path.stem for path in SHIPPED} >= {
        "council-spin-out",
        "nhs-right-to-provide",
        "right-to-challenge-bid",
        "multi-stakeholder-coop",
    }


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
def test_shipped_pathway_parses_and_plans(path: Path) -> None:
    pathway = parse_pathway(path.read_text(encoding="utf-8"), path.name)
    codes = [m.code for m in pathway.milestones]
    assert codes[0] == "M01"
    for required in ("M03", "M05", "M10", "M15", "M16"):
        assert required in codes, required
    planned = by_code(plan(pathway, START))
    assert all(m.due is not None for m in planned.values())
    # TUPE information is due 28 days before transfer, whatever comes before it in the list.
    assert pathway.template("M10").after == "M15"
    assert planned["M10"].due == planned["M15"].due - timedelta(days=28)  # type: ignore[operator]
    for template in pathway.milestones:
        assert template.done_when, f"{template.code} has no done_when"
        assert template.guidance, f"{template.code} links no guidance"
        assert set(template.guidance) <= GUIDANCE_SLUGS, template.code


def test_crtc_pathway_has_the_challenge_steps_in_order() -> None:
    pathway = shipped()["right-to-challenge-bid"]
    planned = by_code(plan(pathway, START))
    steps = ["C02", "C03", "C04", "C05", "C06"]
    dues = [planned[code].due for code in steps]
    assert dues == sorted(dues)  # type: ignore[type-var]
    assert planned["C04"].due == planned["C03"].due + timedelta(days=30)  # type: ignore[operator]


def test_pathway_for_picks_by_model_then_route() -> None:
    pathways = list(shipped().values())
    msc = ProposedModel.MULTI_STAKEHOLDER
    eo = ProposedModel.EMPLOYEE_OWNED
    assert pathway_for(Route.RIGHT_TO_PROVIDE, msc, pathways).key == "multi-stakeholder-coop"
    assert pathway_for(Route.RIGHT_TO_CHALLENGE, msc, pathways).key == "multi-stakeholder-coop"
    assert pathway_for(Route.COMMISSIONER_LED, eo, pathways).key == "council-spin-out"
    assert pathway_for(Route.RIGHT_TO_PROVIDE, eo, pathways).key == "nhs-right-to-provide"
    assert pathway_for(Route.RIGHT_TO_CHALLENGE, eo, pathways).key == "right-to-challenge-bid"
    assert pathway_for(Route.OTHER, ProposedModel.UNDECIDED, pathways).key == "council-spin-out"


def test_pathway_for_without_a_match_is_not_found() -> None:
    with pytest.raises(NotFound, match="right-to-provide"):
        pathway_for(Route.RIGHT_TO_PROVIDE, ProposedModel.EMPLOYEE_OWNED, [tiny()])


# --- parsing errors ---------------------------------------------------------------------------


def test_syntax_error_names_file_and_line() -> None:
    with pytest.raises(InvalidRecord, match=r"pathway broken\.toml.*line 3"):
        parse_pathway('key = "broken"\ntitle = "x"\nroute = \n', "broken.toml")


def test_bad_field_names_the_line_of_its_milestone() -> None:
    text = TINY.replace("offset_days = 10\n", 'offset_days = "ten"\n')
    with pytest.raises(InvalidRecord) as caught:
        parse_pathway(text, "tiny.toml")
    message = str(caught.value)
    line = text.splitlines().index("[[milestone]]", 15) + 1
    assert "tiny.toml" in message
    assert f"line {line}, milestone[3].offset_days" in message


def test_unknown_route_is_rejected() -> None:
    with pytest.raises(InvalidRecord, match="route"):
        parse_pathway(TINY.replace("commissioner-led", "freehold"), "tiny.toml")


def test_unknown_after_code_is_rejected() -> None:
    text = TINY.replace('after = "M03"', 'after = "M99"')
    with pytest.raises(InvalidRecord, match=r"line \d+, milestone M05: after 'M99'"):
        parse_pathway(text, "tiny.toml")


def test_duplicate_code_is_rejected_at_the_duplicate() -> None:
    text = TINY.replace('code = "M03"', 'code = "M01"')
    last_header = [i for i, line in enumerate(text.splitlines(), 1) if line == "[[milestone]]"][2]
    with pytest.raises(InvalidRecord, match=rf"line {last_header}, milestone M01: duplicate"):
        parse_pathway(text, "tiny.toml")


def test_cycle_is_rejected() -> None:
    # M15 -> M05 -> M03 -> M15 ...
    text = TINY.replace('after = "M01"\noffset_days = 10', 'after = "M15"\noffset_days = 10')
    with pytest.raises(InvalidRecord, match="loop: M15 -> M05 -> M03 -> M15"):
        parse_pathway(text, "tiny.toml")


def test_self_dependency_is_rejected() -> None:
    text = TINY.replace('after = "M01"', 'after = "M03"')
    with pytest.raises(InvalidRecord, match="loop: M03 -> M03"):
        parse_pathway(text, "tiny.toml")


def test_key_must_match_file_name() -> None:
    with pytest.raises(InvalidRecord, match="must match the file name 'other'"):
        parse_pathway(TINY, "other.toml")


def test_unknown_field_is_rejected() -> None:
    with pytest.raises(InvalidRecord, match="milestone"):
        parse_pathway(TINY.replace('title = "Options"', 'titel = "Options"'), "tiny.toml")


# --- planning ---------------------------------------------------------------------------------


def test_plan_dates_follow_offsets() -> None:
    planned = by_code(plan(tiny(), START))
    assert planned["M01"].due == START
    assert planned["M03"].due == date(2013, 4, 11)
    assert planned["M05"].due == date(2013, 5, 1)
    assert planned["M15"].due == date(2013, 8, 9)
    # Negative offset: 28 days before the transfer it hangs from, though listed before it.
    assert planned["M10"].due == date(2013, 7, 12)
    assert [m.position for m in plan(tiny(), START)] == [0, 1, 2, 3, 4]
    assert all(m.status is MilestoneStatus.OPEN for m in planned.values())


def test_replan_moving_the_start_moves_everything_transitively() -> None:
    milestones = plan(tiny(), START)
    changes = replan(milestones, START + timedelta(days=7), {})
    assert [c.code for c in changes] == ["M01", "M10", "M03", "M05", "M15"]
    assert all(c.new_due == c.old_due + timedelta(days=7) for c in changes)  # type: ignore[operator]
    assert milestones == plan(tiny(), START)  # replan did not mutate


def test_replan_a_milestone_moves_only_its_dependents() -> None:
    milestones = plan(tiny(), START)
    changes = {c.code: c for c in replan(milestones, START, {"M05": date(2013, 5, 11)})}
    assert set(changes) == {"M05", "M15", "M10"}
    assert changes["M15"].new_due == date(2013, 8, 19)
    assert changes["M10"].new_due == date(2013, 7, 22)  # still 28 days before transfer
    assert changes["M05"].new_offset_days == 30  # the adjustment is kept as the offset


def test_moving_the_transfer_moves_tupe_information() -> None:
    milestones = plan(tiny(), START)
    changes = replan(milestones, START, {"M15": date(2013, 9, 2)})
    assert [(c.code, c.old_due, c.new_due) for c in changes] == [
        ("M10", date(2013, 7, 12), date(2013, 8, 5)),
        ("M15", date(2013, 8, 9), date(2013, 9, 2)),
    ]


def test_rescheduled_date_survives_a_later_start_move() -> None:
    milestones = plan(tiny(), START)
    moved = apply_changes(milestones, replan(milestones, START, {"M05": date(2013, 5, 11)}))
    later = by_code(apply_changes(moved, replan(moved, START + timedelta(days=1), {})))
    assert later["M05"].due == date(2013, 5, 12)
    assert later["M15"].due == date(2013, 8, 20)


def test_done_milestone_keeps_its_dates_and_dependents_hang_from_done_date() -> None:
    milestones = plan(tiny(), START)
    m03 = by_code(milestones)["M03"]
    finished_late = [complete(m03, date(2013, 4, 16)) if m.code == "M03" else m for m in milestones]
    changes = {c.code: c for c in replan(finished_late, START, {})}
    assert "M03" not in changes
    assert changes["M05"].new_due == date(2013, 5, 6)  # done 16 Apr + 20
    assert changes["M15"].new_due == date(2013, 8, 14)
    assert changes["M10"].new_due == date(2013, 7, 17)
    # A start move now leaves the done milestone and its chain alone.
    applied = apply_changes(finished_late, changes.values())
    after_start_move = replan(applied, START + timedelta(days=30), {})
    assert [c.code for c in after_start_move] == ["M01"]
    assert by_code(applied)["M03"].due == date(2013, 4, 11)  # its own due date is kept


def test_replan_is_idempotent_after_applying() -> None:
    milestones = plan(tiny(), START)
    m03 = complete(by_code(milestones)["M03"], date(2013, 4, 20))
    state = [m03 if m.code == "M03" else m for m in milestones]
    state = apply_changes(state, replan(state, START, {}))
    assert replan(state, START, {}) == []


def test_correcting_a_done_date_previews_the_knock_on() -> None:
    milestones = [
        complete(m, date(2013, 4, 11)) if m.code == "M03" else m for m in plan(tiny(), START)
    ]
    changes = {c.code: c for c in replan(milestones, START, {"M03": date(2013, 4, 13)})}
    assert "M03" not in changes
    assert changes["M05"].new_due == date(2013, 5, 3)


def test_skipped_milestone_does_not_freeze_its_dependents() -> None:
    milestones = [
        skip(m, "Options already appraised by the council") if m.code == "M03" else m
        for m in plan(tiny(), START)
    ]
    changes = {c.code: c for c in replan(milestones, START + timedelta(days=3), {})}
    assert "M03" not in changes  # skipped keeps its date
    assert changes["M05"].new_due == date(2013, 5, 4)


def test_fixed_date_milestone_is_not_moved() -> None:
    milestones = plan(tiny(), START)
    fixed = [m.with_changes(after=None) if m.code == "M05" else m for m in milestones]
    changes = replan(fixed, START + timedelta(days=5), {})
    assert [c.code for c in changes] == ["M01", "M03"]


def test_replan_unknown_code_is_not_found() -> None:
    with pytest.raises(NotFound, match="M42"):
        replan(plan(tiny(), START), START, {"M42": START})


def test_replan_rejects_a_cycle_made_on_the_case() -> None:
    milestones = [
        m.with_changes(after="M05") if m.code == "M03" else m for m in plan(tiny(), START)
    ]
    with pytest.raises(InvalidRecord, match="loop"):
        replan(milestones, START, {})


def test_apply_changes_refuses_a_stale_preview() -> None:
    milestones = plan(tiny(), START)
    changes = replan(milestones, START, {"M05": date(2013, 6, 1)})
    moved = apply_changes(milestones, changes)
    with pytest.raises(UserError, match="changed since the preview"):
        apply_changes(moved, changes)


def test_change_inverse_undoes_it() -> None:
    milestones = plan(tiny(), START)
    changes = replan(milestones, START, {"M05": date(2013, 6, 1)})
    moved = apply_changes(milestones, changes)
    undone = apply_changes(moved, [c.inverse() for c in reversed(changes)])
    assert undone == milestones


def test_days_late_boundaries() -> None:
    milestone = Milestone(code="M05", title="OBC", due=date(2013, 5, 1))
    assert days_late(milestone, date(2013, 4, 30)) == 0
    assert days_late(milestone, date(2013, 5, 1)) == 0
    assert days_late(milestone, date(2013, 5, 2)) == 1
    assert days_until_due(milestone, date(2013, 4, 30)) == 1
    assert days_until_due(milestone, date(2013, 5, 1)) == 0
    assert days_until_due(milestone, date(2013, 5, 2)) == -1
    done = complete(milestone, date(2013, 5, 9))
    assert days_late(done, date(2013, 6, 1)) == 0
    assert days_until_due(done, date(2013, 6, 1)) is None
    assert days_late(Milestone(code="X01", title="Undated"), date(2013, 6, 1)) == 0


def test_status_rules() -> None:
    milestone = Milestone(code="M05", title="OBC", due=date(2013, 5, 1))
    with pytest.raises(InvalidRecord, match="say why"):
        skip(milestone, "  ")
    with pytest.raises(ValueError, match="done_on"):
        Milestone(code="M05", title="OBC", status="done")
    skipped = skip(milestone, "Not needed")
    assert reopen(skipped) == milestone
    assert reopen(complete(milestone, date(2013, 5, 2))) == milestone


def test_reorder_and_custom_codes() -> None:
    milestones = plan(tiny(), START)
    moved = reorder(milestones, "M15", 0)
    assert [m.code for m in sorted(moved, key=lambda m: m.position)] == [
        "M15",
        "M01",
        "M10",
        "M03",
        "M05",
    ]
    assert [m.position for m in sorted(moved, key=lambda m: m.position)] == [0, 1, 2, 3, 4]
    assert next_custom_code(milestones) == "X01"
    extra = Milestone(code="X01", title="Extra", position=5)
    assert next_custom_code([*milestones, extra]) == "X02"


def test_added_milestone_gets_a_date_from_replan() -> None:
    milestones = plan(tiny(), START)
    added = Milestone(code="X01", title="Site visit", after="M03", offset_days=5, position=5)
    changes = replan([*milestones, added], START, {})
    assert changes == [
        Change(
            code="X01",
            old_due=None,
            new_due=date(2013, 4, 16),
            old_offset_days=5,
            new_offset_days=5,
        )
    ]
