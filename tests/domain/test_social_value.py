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
    social_value_check,
    threshold_on,
)
from mspdesk.locations import content_dir

LA = ParentBodyKind.LOCAL_AUTHORITY
NHS = ParentBodyKind.NHS_BODY
CENTRAL = ParentBodyKind.CENTRAL_GOVERNMENT
OTHER = ParentBodyKind.OTHER_PUBLIC


@pytest.fixture(scope="module")
def table() -> ThresholdTable:
    text = (content_dir() / "thresholds.toml").read_text(encoding="utf-8")
    return parse_thresholds(text, "thresholds.toml")


def amount(table: ThresholdTable, day: date, kind: ThresholdKind) -> int | None:
    row = threshold_on(table, day, kind)
    assert row is not None
    return row.amount


# --- the shipped table ------------------------------------------------------------------------


def test_shipped_figures_from_the_brief(table: ThresholdTable) -> None:
    assert amount(table, date(2012, 1, 1), ThresholdKind.CENTRAL) == 113057
    assert amount(table, date(2012, 1, 1), ThresholdKind.SUB_CENTRAL) == 173934
    assert amount(table, date(2012, 1, 1), ThresholdKind.WORKS) == 4348350
    assert amount(table, date(2014, 1, 1), ThresholdKind.SUB_CENTRAL) == 172514
    assert amount(table, date(2022, 6, 1), ThresholdKind.SUB_CENTRAL) == 213477
    assert amount(table, date(2024, 1, 1), ThresholdKind.CENTRAL) == 139688
    assert amount(table, date(2024, 1, 1), ThresholdKind.SUB_CENTRAL) == 214904
    assert amount(table, date(2024, 1, 1), ThresholdKind.WORKS) == 5372609
    assert amount(table, date(2024, 1, 1), ThresholdKind.LIGHT_TOUCH) == 663540


def test_every_row_names_a_source_and_vat_basis(table: ThresholdTable) -> None:
    for row in table.rows:
        assert row.source
        expected = "including VAT" if row.starts >= date(2022, 1, 1) else "excluding VAT"
        assert row.vat_basis == expected, row


def test_2014_central_figure_is_absent_and_marked_unverified(table: ThresholdTable) -> None:
    row = threshold_on(table, date(2014, 1, 1), ThresholdKind.CENTRAL)
    assert row is not None
    assert row.amount is None
    assert row.unverified
    assert "not found" in row.note


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2013, 12, 31), 173934),  # day before the 2014 revision
        (date(2014, 1, 1), 172514),  # on it
        (date(2014, 1, 2), 172514),  # day after
        (date(2023, 12, 31), 213477),
        (date(2024, 1, 1), 214904),
    ],
)
def test_threshold_changes_on_its_first_day(
    table: ThresholdTable, day: date, expected: int
) -> None:
    assert amount(table, day, ThresholdKind.SUB_CENTRAL) == expected


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


def test_unverified_figure_gives_no_answer(table: ThresholdTable) -> None:
    check = social_value_check(10_000_000, date(2014, 6, 1), CENTRAL, table)
    assert check.applies is None
    assert check.unverified
    assert "not in our sources" in check.reason


@pytest.mark.parametrize(("value", "applies"), [(663_539, False), (663_540, True), (663_541, True)])
def test_light_touch_boundary(table: ThresholdTable, value: int, applies: bool) -> None:
    check = social_value_check(value, date(2024, 6, 1), LA, table, light_touch=True)
    assert check.applies is applies
    assert check.kind is ThresholdKind.LIGHT_TOUCH
    assert check.vat_basis == "including VAT"
    assert not check.unverified


def test_light_touch_before_any_light_touch_figure_falls_back_unverified(
    table: ThresholdTable,
) -> None:
    check = social_value_check(180_000, date(2013, 6, 1), LA, table, light_touch=True)
    assert check.applies is True
    assert check.kind is ThresholdKind.SUB_CENTRAL
    assert check.unverified
    assert "no light-touch figure" in check.reason


def test_light_touch_gap_years_are_unverified(table: ThresholdTable) -> None:
    check = social_value_check(1_000_000, date(2018, 6, 1), LA, table, light_touch=True)
    assert check.applies is None
    assert check.unverified
