"""Social Value Act: the dated threshold table and whether the duty applies."""

from __future__ import annotations

from datetime import date

import pytest

from mspdesk.domain.choices import ParentBodyKind
from mspdesk.domain.errors import InvalidRecord
from mspdesk.domain.social_value import (
    ThresholdKind,
    ThresholdTable,
    authority_kind,
    parse_thresholds,
    regime_of,
    regime_on,
    social_value_check,
    threshold_on,
    thresholds_in_force,
)
from mspdesk.locations import content_dir

LA = ParentBodyKind.LOCAL_AUTHORITY
NHS = ParentBodyKind.NHS_BODY
CENTRAL = ParentBodyKind.CENTRAL_GOVERNMENT
OTHER = ParentBodyKind.OTHER_PUBLIC
TRUST = ParentBodyKind.NHS_TRUST
FT = ParentBodyKind.NHS_FOUNDATION_TRUST
ICB = ParentBodyKind.NHS_COMMISSIONER


@pytest.fixture(scope="module")
def table() -> ThresholdTable:
    text = (content_dir() / "thresholds.toml").read_text(encoding="utf-8")
    return parse_thresholds(text, "thresholds.toml")


def amount(table: ThresholdTable, day: date, kind: ThresholdKind) -> int | None:
    row = threshold_on(table, day, kind)
    assert row is not None
    return row.amount


# --- the shipped table ------------------------------------------------------------------------


# Every revision 2012-2026 (checked 2026-12-04 against the sources in thresholds.toml):
# (first day, kind, figure, figure the day before or None when nothing was in force).
REVISIONS = [
    (date(2012, 1, 1), ThresholdKind.CENTRAL, 113057, None),
    (date(2012, 1, 1), ThresholdKind.SUB_CENTRAL, 173934, None),
    (date(2012, 1, 1), ThresholdKind.WORKS, 4348350, None),
    (date(2012, 1, 1), ThresholdKind.LIGHT_TOUCH, 173934, None),
    (date(2014, 1, 1), ThresholdKind.CENTRAL, 111676, 113057),
    (date(2014, 1, 1), ThresholdKind.SUB_CENTRAL, 172514, 173934),
    (date(2014, 1, 1), ThresholdKind.WORKS, 4322012, 4348350),
    (date(2014, 1, 1), ThresholdKind.LIGHT_TOUCH, 172514, 173934),
    (date(2015, 2, 26), ThresholdKind.LIGHT_TOUCH, 625050, 172514),
    (date(2016, 1, 1), ThresholdKind.CENTRAL, 106047, 111676),
    (date(2016, 1, 1), ThresholdKind.SUB_CENTRAL, 164176, 172514),
    (date(2016, 1, 1), ThresholdKind.WORKS, 4104394, 4322012),
    (date(2016, 1, 1), ThresholdKind.LIGHT_TOUCH, 589148, 625050),
    (date(2018, 1, 1), ThresholdKind.CENTRAL, 118133, 106047),
    (date(2018, 1, 1), ThresholdKind.SUB_CENTRAL, 181302, 164176),
    (date(2018, 1, 1), ThresholdKind.WORKS, 4551413, 4104394),
    (date(2018, 1, 1), ThresholdKind.LIGHT_TOUCH, 615278, 589148),
    (date(2020, 1, 1), ThresholdKind.CENTRAL, 122976, 118133),
    (date(2020, 1, 1), ThresholdKind.SUB_CENTRAL, 189330, 181302),
    (date(2020, 1, 1), ThresholdKind.WORKS, 4733252, 4551413),
    (date(2020, 1, 1), ThresholdKind.LIGHT_TOUCH, 663540, 615278),
    (date(2022, 1, 1), ThresholdKind.CENTRAL, 138760, 122976),
    (date(2022, 1, 1), ThresholdKind.SUB_CENTRAL, 213477, 189330),
    (date(2022, 1, 1), ThresholdKind.WORKS, 5336937, 4733252),
    (date(2022, 1, 1), ThresholdKind.LIGHT_TOUCH, 663540, 663540),
    (date(2024, 1, 1), ThresholdKind.CENTRAL, 139688, 138760),
    (date(2024, 1, 1), ThresholdKind.SUB_CENTRAL, 214904, 213477),
    (date(2024, 1, 1), ThresholdKind.WORKS, 5372609, 5336937),
    (date(2024, 1, 1), ThresholdKind.LIGHT_TOUCH, 663540, 663540),
    (date(2026, 1, 1), ThresholdKind.CENTRAL, 135018, 139688),
    (date(2026, 1, 1), ThresholdKind.SUB_CENTRAL, 207720, 214904),
    (date(2026, 1, 1), ThresholdKind.WORKS, 5193000, 5372609),
    (date(2026, 1, 1), ThresholdKind.LIGHT_TOUCH, 663540, 663540),
]


@pytest.mark.parametrize(("first", "kind", "figure", "before"), REVISIONS)
def test_every_revision_on_its_boundary_day(
    table: ThresholdTable, first: date, kind: ThresholdKind, figure: int, before: int | None
) -> None:
    day_before = date.fromordinal(first.toordinal() - 1)
    if before is None:
        assert threshold_on(table, day_before, kind) is None
    else:
        assert amount(table, day_before, kind) == before
    row = threshold_on(table, first, kind)
    assert row is not None and row.starts == first and row.amount == figure
    assert amount(table, date.fromordinal(first.toordinal() + 1), kind) == figure


def test_the_table_holds_exactly_these_revisions(table: ThresholdTable) -> None:
    assert sorted((r.starts, r.kind.value, r.amount) for r in table.rows) == sorted(
        (first, kind.value, figure) for first, kind, figure, _ in REVISIONS
    )


def test_every_row_names_a_source_and_vat_basis(table: ThresholdTable) -> None:
    for row in table.rows:
        assert "read 2026-12-04" in row.source or row.starts.year == 2012, row
        expected = "including VAT" if row.starts >= date(2022, 1, 1) else "excluding VAT"
        assert row.vat_basis == expected, row


def test_figures_in_force_today_are_the_2026_ones(table: ThresholdTable) -> None:
    today = date(2026, 12, 4)
    rows = thresholds_in_force(table, today)
    assert [(r.kind, r.amount, r.starts) for r in rows] == [
        (ThresholdKind.CENTRAL, 135018, date(2026, 1, 1)),
        (ThresholdKind.SUB_CENTRAL, 207720, date(2026, 1, 1)),
        (ThresholdKind.WORKS, 5193000, date(2026, 1, 1)),
        (ThresholdKind.LIGHT_TOUCH, 663540, date(2026, 1, 1)),
    ]
    assert all("SI 2025/1200" in r.source or "PPN 023" in r.source for r in rows)
    assert {regime_of(r, today) for r in rows} == {"Procurement Act 2023"}


@pytest.mark.parametrize(
    ("day", "regime"),
    [
        (date(2015, 2, 25), "Public Contracts Regulations 2006"),
        (date(2015, 2, 26), "Public Contracts Regulations 2015"),
        (date(2025, 2, 23), "Public Contracts Regulations 2015"),
        (date(2025, 2, 24), "Procurement Act 2023"),
    ],
)
def test_regime_changes_on_its_first_day(day: date, regime: str) -> None:
    assert regime_on(day) == regime


def test_nothing_in_force_before_the_table_starts(table: ThresholdTable) -> None:
    assert threshold_on(table, date(2011, 12, 31), ThresholdKind.CENTRAL) is None


# --- parsing errors ---------------------------------------------------------------------------

ROW = """
[[threshold]]
from = 2012-01-01
kind = "central"
amount = 113057
vat_basis = "excluding VAT"
source = "S46"
"""


def test_parse_errors_name_the_line_and_field() -> None:
    text = ROW + ROW.replace("excluding VAT", "net")
    with pytest.raises(InvalidRecord, match=r"thresholds.toml: line 9, threshold\[2\].vat_basis"):
        parse_thresholds(text)


def test_missing_amount_must_be_flagged_unverified_with_a_note() -> None:
    text = ROW.replace("amount = 113057\n", "")
    with pytest.raises(InvalidRecord, match="unverified = true"):
        parse_thresholds(text)
    with pytest.raises(InvalidRecord, match="needs a note"):
        parse_thresholds(text + "unverified = true\n")
    assert parse_thresholds(text + 'unverified = true\nnote = "not found"\n').rows[0].unverified


def test_duplicate_rows_are_rejected() -> None:
    with pytest.raises(InvalidRecord, match="two central rows start on 2012-01-01"):
        parse_thresholds(ROW + ROW)


def test_toml_syntax_error_names_the_line() -> None:
    with pytest.raises(InvalidRecord, match="line 3"):
        parse_thresholds("[[threshold]]\nfrom = 2012-01-01\nkind = \n")


# --- which authority kind ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("parent", "day", "expected"),
    [
        (CENTRAL, date(2013, 6, 1), ThresholdKind.CENTRAL),
        (LA, date(2024, 6, 1), ThresholdKind.SUB_CENTRAL),
        (OTHER, date(2024, 6, 1), ThresholdKind.SUB_CENTRAL),
        (NHS, date(2021, 8, 15), ThresholdKind.SUB_CENTRAL),  # day before
        (NHS, date(2021, 8, 16), ThresholdKind.CENTRAL),  # on the day
        (NHS, date(2021, 8, 17), ThresholdKind.CENTRAL),  # day after
        (TRUST, date(2016, 6, 1), ThresholdKind.CENTRAL),  # trusts were listed already
        (FT, date(2021, 8, 15), ThresholdKind.SUB_CENTRAL),
        (FT, date(2021, 8, 16), ThresholdKind.CENTRAL),
        (ICB, date(2025, 6, 1), ThresholdKind.SUB_CENTRAL),
    ],
)
def test_authority_kind(parent: ParentBodyKind, day: date, expected: ThresholdKind) -> None:
    assert authority_kind(parent, day) is expected


# --- the check --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "applies"),
    [
        (date(2013, 1, 30), False),  # day before ss.1-2 came into force
        (date(2013, 1, 31), True),  # the day they did
        (date(2013, 2, 1), True),
    ],
)
def test_act_commencement_boundary(table: ThresholdTable, day: date, applies: bool) -> None:
    check = social_value_check(500_000, day, LA, table)
    assert check.applies is applies
    if not applies:
        assert "31 Jan 2013" in check.reason


@pytest.mark.parametrize(
    ("value", "applies"),
    [(173_933, False), (173_934, True), (173_935, True)],  # below / equal / above
)
def test_equal_to_the_threshold_applies(table: ThresholdTable, value: int, applies: bool) -> None:
    check = social_value_check(value, date(2013, 6, 1), LA, table)
    assert check.applies is applies
    assert check.threshold is not None and check.threshold.amount == 173934
    assert check.vat_basis == "excluding VAT"
    assert not check.unverified
    assert check.guidance == ("social-value-act", "procurement-thresholds")


def test_reasons_read_well(table: ThresholdTable) -> None:
    above = social_value_check(250_000, date(2024, 3, 1), LA, table)
    assert above.reason == (
        "Contract value £250,000 is at or above the £214,904 sub-central threshold in force "
        "on 1 Mar 2024 (including VAT): the authority must consider social value before "
        "procuring."
    )
    below = social_value_check(100_000, date(2024, 3, 1), LA, table)
    assert below.applies is False
    assert "below the £214,904" in below.reason


def test_nhs_body_uses_central_figure_from_august_2021(table: ThresholdTable) -> None:
    value = 150_000  # between the 2024 central (139,688) and sub-central (214,904) figures
    assert social_value_check(value, date(2024, 3, 1), NHS, table).applies is True
    assert social_value_check(value, date(2024, 3, 1), LA, table).applies is False
    assert social_value_check(value, date(2024, 3, 1), NHS, table).kind is ThresholdKind.CENTRAL


def test_unknown_value_cannot_be_checked(table: ThresholdTable) -> None:
    check = social_value_check(None, date(2013, 6, 1), LA, table)
    assert check.applies is None
    assert check.reason.startswith("Record the contract value")
    assert check.threshold is not None


def test_local_authority_today_the_2026_services_figure(table: ThresholdTable) -> None:
    today = date(2026, 12, 4)
    above = social_value_check(210_000, today, LA, table)
    below = social_value_check(200_000, today, LA, table)
    assert above.applies is True and below.applies is False
    assert above.threshold is not None and above.threshold.amount == 207720
    assert above.threshold.starts == date(2026, 1, 1)
    assert above.regime == "Procurement Act 2023" and not above.unverified
    assert "£207,720 sub-central threshold" in above.reason


def test_nhs_trust_health_care_in_2025_is_the_provider_selection_regime(
    table: ThresholdTable,
) -> None:
    check = social_value_check(5_000_000, date(2025, 6, 1), TRUST, table, health_care=True)
    assert check.applies is False
    assert check.regime == "Provider Selection Regime"
    assert check.threshold is None
    assert "Provider Selection Regime" in check.reason


def test_nhs_trust_non_health_service_uses_the_central_figure(table: ThresholdTable) -> None:
    check = social_value_check(140_000, date(2025, 6, 1), TRUST, table)
    assert check.applies is True
    assert check.kind is ThresholdKind.CENTRAL
    assert check.threshold is not None and check.threshold.amount == 139688
    assert check.regime == "Procurement Act 2023"


@pytest.mark.parametrize(("day", "psr"), [(date(2023, 12, 31), False), (date(2024, 1, 1), True)])
def test_psr_starts_on_1_january_2024(table: ThresholdTable, day: date, psr: bool) -> None:
    check = social_value_check(700_000, day, TRUST, table, health_care=True)
    assert (check.regime == "Provider Selection Regime") is psr
    if not psr:  # before the PSR a health service was a light-touch service
        assert check.kind is ThresholdKind.LIGHT_TOUCH and check.applies is True


def test_central_department_health_service_is_not_under_the_psr(table: ThresholdTable) -> None:
    check = social_value_check(700_000, date(2025, 6, 1), CENTRAL, table, health_care=True)
    assert check.regime == "Procurement Act 2023"
    assert check.kind is ThresholdKind.LIGHT_TOUCH and check.applies is True


def test_commissioner_classification_is_flagged_unverified(table: ThresholdTable) -> None:
    check = social_value_check(250_000, date(2025, 6, 1), ICB, table)
    assert check.applies is True and check.unverified
    assert "unverified" in check.reason


@pytest.mark.parametrize(("value", "applies"), [(663_539, False), (663_540, True), (663_541, True)])
def test_light_touch_boundary(table: ThresholdTable, value: int, applies: bool) -> None:
    check = social_value_check(value, date(2024, 6, 1), LA, table, light_touch=True)
    assert check.applies is applies
    assert check.kind is ThresholdKind.LIGHT_TOUCH
    assert check.vat_basis == "including VAT"
    assert not check.unverified


def test_part_b_services_before_pcr_2015_use_the_sub_central_figure(
    table: ThresholdTable,
) -> None:
    check = social_value_check(180_000, date(2014, 6, 1), CENTRAL, table, light_touch=True)
    assert check.applies is True
    assert check.kind is ThresholdKind.LIGHT_TOUCH
    assert check.threshold is not None and check.threshold.amount == 172514
    assert check.regime == "Public Contracts Regulations 2006 (Part B services)"


def test_2012_part_b_figure_is_an_inference_and_says_so(table: ThresholdTable) -> None:
    check = social_value_check(180_000, date(2013, 6, 1), LA, table, light_touch=True)
    assert check.applies is True and check.unverified


@pytest.mark.parametrize(
    ("day", "figure", "unverified"),
    [
        (date(2015, 6, 1), 172514, True),  # central body, PCR 2015 but old Part B rule
        (date(2016, 4, 18), 589148, False),  # light-touch rules reach central bodies
    ],
)
def test_central_light_touch_before_april_2016(
    table: ThresholdTable, day: date, figure: int, unverified: bool
) -> None:
    check = social_value_check(300_000, day, TRUST, table, light_touch=True)
    assert check.threshold is not None and check.threshold.amount == figure
    assert check.unverified is unverified
    assert check.kind is ThresholdKind.LIGHT_TOUCH
