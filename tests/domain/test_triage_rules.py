"""The triage rubric, scoring, decisions and the triage service level."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import pytest

from mspdesk.domain.choices import Decision, ProposedModel, ReferOnTo, ReferralStatus
from mspdesk.domain.errors import InvalidRecord, UserError
from mspdesk.domain.triage import (
    Rubric,
    TriageDecision,
    is_in_scope,
    is_overdue_for_triage,
    make_decision,
    parse_rubric,
    parse_scores,
    score,
    status_after,
    suggested_band,
    suggested_revisit,
    triage_due,
    working_days_between,
)
from mspdesk.locations import content_dir

SHIPPED_TEXT = (content_dir() / "triage.toml").read_text(encoding="utf-8")
NOW = datetime(2013, 3, 4, 10, 30)

# The slugs planned in notes/guidance-slugs.md; the rubric must only point at these.
_PLANNED_PAGES = """
    support-programme-and-referral what-is-a-public-service-mutual programme-history
    community-right-to-challenge crtc-writing-an-eoi crtc-decisions-and-rejection-grounds
    crtc-timescales social-value-act procurement-thresholds contract-routes conflicts-of-interest
    mutuals-taskforce-recommendations nhs-right-to-request-and-provide legal-forms
    governance-and-staff-engagement multi-stakeholder-cooperatives tupe-and-staff-transfer pensions
    options-appraisal business-case-and-investment-readiness social-investment
    evidence-and-outcomes vat-and-tax subsidy-control going-live-and-after glossary
    """
KNOWN_PAGES = set(_PLANNED_PAGES.split())


def descriptors() -> str:
    return "\n".join(f'{n} = "score {n}"' for n in range(4))


def rubric_text(weights: dict[str, int], bands: str | None = None, extra: str = "") -> str:
    """A small rubric: one criterion per weight, bands at 65% and 40% unless given."""
    criteria = "\n".join(
        f'[[criteria]]\nkey = "{key}"\ntitle = "{key}"\nweight = {weight}\n'
        f'question = "?"\n{extra}\n[criteria.descriptors]\n{descriptors()}\n'
        for key, weight in weights.items()
    )
    bands = bands or (
        '[[bands]]\nkey = "promising"\ntitle = "P"\nmin_percent = 65\ndecision = "accept"\n'
        '[[bands]]\nkey = "potential"\ntitle = "Q"\nmin_percent = 40\ndecision = "signpost"\n'
        "revisit_after_days = 90\n"
        '[[bands]]\nkey = "not-ready"\ntitle = "R"\nmin_percent = 0\ndecision = "refer"\n'
    )
    return bands + "\n" + criteria


@pytest.fixture
def shipped() -> Rubric:
    return parse_rubric(SHIPPED_TEXT)


@pytest.fixture
def sixty() -> Rubric:
    # Weights 1, 3 and 16: maximum 60, so 65% is exactly 39 and 40% exactly 24.
    return parse_rubric(rubric_text({"a": 1, "b": 3, "c": 16}))


# --- the shipped rubric --------------------------------------------------------------------


def test_shipped_rubric_has_the_required_criteria(shipped: Rubric) -> None:
    keys = {criterion.key for criterion in shipped.criteria}
    assert keys >= {
        "scope", "leadership", "parent-support", "viability", "timescale", "evidence",
        "social-value",
    }  # fmt: skip
    for criterion in shipped.criteria:
        assert criterion.weight > 0
        assert criterion.question
        assert sorted(criterion.descriptors) == [0, 1, 2, 3]


def test_shipped_rubric_bands_suggest_the_right_decisions(shipped: Rubric) -> None:
    by_decision = {band.decision: band for band in shipped.bands}
    assert set(by_decision) == {Decision.ACCEPT, Decision.SIGNPOST, Decision.REFER}
    assert by_decision[Decision.SIGNPOST].revisit_after_days == 90
    assert set(by_decision[Decision.REFER].refer_to) == {
        ReferOnTo.LGA, ReferOnTo.DCLG, ReferOnTo.CO_OPERATIVES_UK,
    }  # fmt: skip
    assert shipped.bands[-1].min_percent == 0
    assert shipped.out_of_scope_band == "not-ready"
    assert shipped.service_level_working_days == 10


def test_shipped_rubric_draws_on_the_red_flags_and_says_it_is_a_synthesis(
    shipped: Rubric,
) -> None:
    words = " ".join(d for c in shipped.criteria for d in c.descriptors.values()).casefold()
    for flag in ("senior sponsor", "middle-management", "single contract", "mission lock"):
        assert flag in words.replace("one contract", "single contract"), flag
    header = SHIPPED_TEXT.split("name =")[0]
    assert "UNVERIFIED" in header and "synthesis" in header


def test_shipped_rubric_links_only_planned_guidance_pages(shipped: Rubric) -> None:
    linked = {page for c in shipped.criteria for page in c.guidance}
    linked |= {page for band in shipped.bands for page in band.guidance}
    assert linked and linked <= KNOWN_PAGES, linked - KNOWN_PAGES


def test_all_twos_on_the_shipped_rubric_is_promising(shipped: Rubric) -> None:
    result = score({c.key: 2 for c in shipped.criteria}, shipped)
    assert result.total * 3 == result.maximum * 2
    assert result.band.key == "promising"
    assert result.complete


# --- scoring -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("scores", "total", "band"),
    [
        ({"a": 3, "b": 3, "c": 3}, 60, "promising"),
        ({"a": 1, "b": 2, "c": 2}, 39, "promising"),  # exactly 65%
        ({"a": 0, "b": 2, "c": 2}, 38, "potential"),
        ({"a": 2, "b": 2, "c": 1}, 24, "potential"),  # exactly 40%
        ({"a": 1, "b": 2, "c": 1}, 23, "not-ready"),
        ({"a": 0, "b": 0, "c": 0}, 0, "not-ready"),
    ],
)
def test_bands_at_their_boundaries(
    sixty: Rubric, scores: dict[str, int], total: int, band: str
) -> None:
    result = score(scores, sixty)
    assert (result.total, result.maximum, result.band.key) == (total, 60, band)
    assert result.percent == round(100 * total / 60, 1)


def test_weighted_values_per_criterion(sixty: Rubric) -> None:
    result = score({"a": 2, "b": 1, "c": 3}, sixty)
    assert result.weighted == {"a": 2, "b": 3, "c": 48}


def test_missing_criteria_count_as_zero_and_are_listed(sixty: Rubric) -> None:
    result = score({"c": 3}, sixty)
    assert result.missing == ["a", "b"]
    assert not result.complete
    assert (result.total, result.band.key) == (48, "promising")
    empty = score({}, sixty)
    assert (empty.total, empty.band.key, empty.missing) == (0, "not-ready", ["a", "b", "c"])


@pytest.mark.parametrize(
    ("scores", "field"),
    [
        ({"a": 1, "nope": 2}, "scores.nope"),
        ({"a": 4}, "scores.a"),
        ({"b": -1}, "scores.b"),
        ({"c": True}, "scores.c"),
    ],
)
def test_unknown_criteria_and_out_of_range_scores_are_named(
    sixty: Rubric, scores: dict[str, int], field: str
) -> None:
    with pytest.raises(InvalidRecord) as caught:
        score(scores, sixty)
    assert [problem[0] for problem in caught.value.problems] == [field]
    assert field in str(caught.value)


def test_a_zero_on_a_capping_criterion_holds_the_band_down() -> None:
    text = rubric_text({"a": 1, "b": 3, "c": 16})
    text = text.replace('key = "a"\n', 'key = "a"\ncap_if_zero = "potential"\n')
    rubric = parse_rubric(text.replace('key = "b"\n', 'key = "b"\ncap_if_zero = "not-ready"\n'))
    assert score({"a": 3, "b": 3, "c": 3}, rubric).band.key == "promising"
    capped = score({"a": 0, "b": 3, "c": 3}, rubric)
    assert (capped.total, capped.band.key, capped.capped_by) == (57, "potential", "a")
    both = score({"a": 0, "b": 0, "c": 3}, rubric)
    assert (both.band.key, both.capped_by) == ("not-ready", "b")
    # Already in the lowest band: nothing was pulled down.
    assert score({"a": 0, "b": 0, "c": 0}, rubric).capped_by is None


def test_parse_scores_reads_cli_pairs(sixty: Rubric) -> None:
    assert parse_scores(["a=1", " c = 3 "], sixty) == {"a": 1, "c": 3}
    for bad, field in (("a", "score"), ("a=x", "scores.a"), ("z=1", "scores.z")):
        with pytest.raises(InvalidRecord) as caught:
            parse_scores([bad], sixty)
        assert caught.value.problems[0][0] == field
    with pytest.raises(InvalidRecord, match="given twice"):
        parse_scores(["a=1", "a=2"], sixty)


# --- a broken or wrong rubric file ---------------------------------------------------------


def test_broken_toml_names_the_line() -> None:
    lines = SHIPPED_TEXT.splitlines()
    target = next(n for n, line in enumerate(lines) if line.startswith("weight ="))
    lines[target] = "weight = = 3"
    with pytest.raises(UserError) as caught:
        parse_rubric("\n".join(lines))
    message = str(caught.value)
    assert message.startswith(f"triage.toml line {target + 1}, column ")
    assert "\n" not in message


def test_unterminated_string_is_reported_without_a_traceback() -> None:
    with pytest.raises(UserError, match=r"^triage\.toml: Unterminated string"):
        parse_rubric('name = "promising')


@pytest.mark.parametrize(
    ("old", "new", "field", "words"),
    [
        ('key = "a"\ntitle = "a"\nweight = 1', 'key = "a"\ntitle = "a"\nweight = 0',
         "criteria.a.weight", "greater than 0"),
        ('key = "b"\ntitle = "b"\nweight = 3', 'key = "b"\ntitle = "b"\nweight = -2',
         "criteria.b.weight", "greater than 0"),
        ('key = "c"', 'key = "a"', "criteria", "duplicate key 'a'"),
        ('key = "potential"', 'key = "promising"', "bands", "duplicate key 'promising'"),
        ('decision = "signpost"', 'decision = "ponder"', "bands.potential.decision", "ponder"),
        ("revisit_after_days = 90", "", "bands.potential.revisit_after_days", "required"),
        ("min_percent = 0", "min_percent = 5", "bands", "min_percent = 0"),
    ],
)  # fmt: skip
def test_semantic_errors_name_the_field(old: str, new: str, field: str, words: str) -> None:
    text = rubric_text({"a": 1, "b": 3, "c": 16})
    assert old in text
    with pytest.raises(InvalidRecord) as caught:
        parse_rubric(text.replace(old, new, 1))
    assert caught.value.problems[0][0] == field
    assert words in caught.value.problems[0][1]
    assert str(caught.value).startswith("invalid triage.toml: ")


def test_missing_or_extra_descriptor_is_named() -> None:
    text = rubric_text({"a": 1, "b": 2})
    missing = text.replace('3 = "score 3"', "", 1)
    with pytest.raises(InvalidRecord, match=r"criteria\.a\.descriptors: missing .* score 3"):
        parse_rubric(missing)
    extra = text.replace('3 = "score 3"', '3 = "score 3"\n4 = "four"', 1)
    with pytest.raises(InvalidRecord, match=r"criteria\.a\.descriptors: .*remove '4'"):
        parse_rubric(extra)


def test_unknown_band_references_are_named() -> None:
    capped = rubric_text({"a": 1}, extra='cap_if_zero = "maybe"')
    with pytest.raises(InvalidRecord, match=r"a\.cap_if_zero: unknown band 'maybe'"):
        parse_rubric(capped)
    out_of_scope = 'out_of_scope_band = "elsewhere"\n' + rubric_text({"a": 1})
    with pytest.raises(InvalidRecord, match=r"out_of_scope_band: unknown band 'elsewhere'"):
        parse_rubric(out_of_scope)


def test_editing_the_toml_changes_the_rubric() -> None:
    edited = SHIPPED_TEXT.replace(
        "service_level_working_days = 10", "service_level_working_days = 5"
    )
    assert parse_rubric(edited).service_level_working_days == 5


# --- decisions -----------------------------------------------------------------------------


def decide(rubric: Rubric, **changes: Any) -> TriageDecision:
    fields: dict[str, Any] = {
        "referral_id": "R-2013-0042",
        "decision": Decision.ACCEPT,
        "reason": "Strong sponsor and business case",
        "adviser": "sam",
        "decided_at": NOW,
        "in_scope": True,
        "rubric": rubric,
    }
    fields.update(changes)
    return make_decision(**fields)


def problem_fields(error: InvalidRecord) -> list[str]:
    return [field for field, _ in error.problems]


def test_a_scored_accept_records_total_percent_and_band(sixty: Rubric) -> None:
    made = decide(sixty, scores={"a": 1, "b": 2, "c": 2})
    assert (made.score_total, made.score_percent, made.band) == (39, 65.0, "promising")
    assert made.scored and made.status == ReferralStatus.ACCEPTED


def test_an_unscored_decline_is_allowed(sixty: Rubric) -> None:
    made = decide(sixty, decision="decline", reason="Out of scope: private firm")
    assert (made.scores, made.score_total, made.score_percent, made.band) == ({}, None, None, None)
    assert made.decision == Decision.DECLINE


def test_partial_scores_are_refused(sixty: Rubric) -> None:
    with pytest.raises(InvalidRecord, match="score every criterion or none; missing b, c"):
        decide(sixty, scores={"a": 2})


@pytest.mark.parametrize("reason", ["", "   "])
def test_reason_is_required(sixty: Rubric, reason: str) -> None:
    with pytest.raises(InvalidRecord) as caught:
        decide(sixty, reason=reason)
    assert problem_fields(caught.value) == ["reason"]


def test_signpost_needs_a_later_revisit_date(sixty: Rubric) -> None:
    with pytest.raises(InvalidRecord) as caught:
        decide(sixty, decision=Decision.SIGNPOST)
    assert problem_fields(caught.value) == ["revisit_on"]
    with pytest.raises(InvalidRecord, match="revisit_on: must be after the decision date"):
        decide(sixty, decision=Decision.SIGNPOST, revisit_on=NOW.date())
    made = decide(
        sixty,
        decision="signpost",
        revisit_on=date(2013, 6, 2),
        signpost_pages=["options-appraisal"],
    )
    assert made.status == ReferralStatus.SIGNPOSTED
    with pytest.raises(InvalidRecord, match="signpost_pages: not a guidance page slug"):
        decide(sixty, signpost_pages=["Options Appraisal.md"])


def test_refer_needs_where_to(sixty: Rubric) -> None:
    with pytest.raises(InvalidRecord) as caught:
        decide(sixty, decision=Decision.REFER)
    assert problem_fields(caught.value) == ["refer_to"]
    made = decide(sixty, decision="Refer on", refer_to="Co-operatives UK")
    assert made.refer_to == ReferOnTo.CO_OPERATIVES_UK
    assert made.status == ReferralStatus.REFERRED_ON
    with pytest.raises(InvalidRecord) as other:
        decide(sixty, decision=Decision.REFER, refer_to=ReferOnTo.OTHER)
    assert problem_fields(other.value) == ["refer_to_other"]
    assert (
        decide(sixty, decision="refer", refer_to="other", refer_to_other="Locality").refer_to_other
        == "Locality"
    )


def test_refer_to_is_refused_on_other_decisions(sixty: Rubric) -> None:
    with pytest.raises(InvalidRecord) as caught:
        decide(sixty, refer_to=ReferOnTo.LGA)
    assert problem_fields(caught.value) == ["refer_to"]


def test_bad_reference_and_decision_are_named(sixty: Rubric) -> None:
    with pytest.raises(InvalidRecord) as caught:
        decide(sixty, referral_id="42", decision="maybe")
    assert set(problem_fields(caught.value)) == {"referral_id", "decision"}


def test_decision_model_checks_scores_travel_together() -> None:
    base = {
        "referral_id": "R-2013-0001", "decision": "decline", "reason": "r", "adviser": "a",
        "decided_at": NOW, "in_scope": False,
    }  # fmt: skip
    with pytest.raises(Exception, match="score_total"):
        TriageDecision.model_validate({**base, "scores": {"a": 1}})
    with pytest.raises(Exception, match="must be empty when nothing was scored"):
        TriageDecision.model_validate({**base, "band": "promising"})


def test_status_after_each_decision() -> None:
    assert [status_after(d) for d in Decision] == [
        ReferralStatus.ACCEPTED, ReferralStatus.SIGNPOSTED, ReferralStatus.DECLINED,
        ReferralStatus.REFERRED_ON,
    ]  # fmt: skip


def test_out_of_scope_models_suggest_referring_on(shipped: Rubric) -> None:
    assert is_in_scope(ProposedModel.EMPLOYEE_OWNED)
    assert not is_in_scope(ProposedModel.COMMUNITY_COOP)
    top = score({c.key: 3 for c in shipped.criteria}, shipped)
    suggested = suggested_band(shipped, top, in_scope=False)
    assert suggested is not None and suggested.decision == Decision.REFER
    assert suggested_band(shipped, top, in_scope=True) == top.band
    assert suggested_band(shipped, None, in_scope=True) is None
    potential = shipped.band("potential")
    assert suggested_revisit(potential, date(2013, 3, 4)) == date(2013, 6, 2)
    assert suggested_revisit(shipped.band("promising"), date(2013, 3, 4)) is None


# --- the triage service level --------------------------------------------------------------

FRIDAY = date(2013, 3, 8)
MONDAY = date(2013, 3, 11)


def test_working_days_skip_weekends() -> None:
    assert working_days_between(FRIDAY, MONDAY) == 1
    assert working_days_between(FRIDAY, date(2013, 3, 9)) == 0  # Saturday
    assert working_days_between(MONDAY, date(2013, 3, 18)) == 5
    assert working_days_between(MONDAY, MONDAY) == 0
    assert working_days_between(MONDAY, FRIDAY) == -1


def test_working_days_skip_english_bank_holidays_unless_told_not_to() -> None:
    maundy_thursday, tuesday_after_easter = date(2013, 3, 28), date(2013, 4, 2)
    assert working_days_between(maundy_thursday, tuesday_after_easter) == 1
    assert working_days_between(maundy_thursday, tuesday_after_easter, holidays=()) == 3


def test_triage_due_ten_working_days_later() -> None:
    assert triage_due(MONDAY, 10) == date(2013, 3, 25)
    assert triage_due(date(2013, 3, 9), 1) == MONDAY  # received on a Saturday
    # Christmas 2012: 25 and 26 December (Tue, Wed) and 1 January 2013 are skipped.
    assert triage_due(date(2012, 12, 20), 10) == date(2013, 1, 8)
    assert triage_due(date(2012, 12, 20), 10, holidays=()) == date(2013, 1, 3)


def test_overdue_starts_the_day_after_the_due_date() -> None:
    due = triage_due(MONDAY, 10)
    assert not is_overdue_for_triage(MONDAY, due, 10)
    assert is_overdue_for_triage(MONDAY, date(2013, 3, 26), 10)
    friday_due = triage_due(date(2013, 3, 1), 5)
    assert friday_due == FRIDAY
    assert is_overdue_for_triage(date(2013, 3, 1), date(2013, 3, 9), 5)  # the Saturday after
