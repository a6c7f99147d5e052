"""The Reports screen's bars and panels as text, without a terminal."""

from __future__ import annotations

from datetime import date

from mspdesk.desk.reports import compute_figures
from mspdesk.domain.budget import Programme
from mspdesk.tui import report_panels
from mspdesk.tui.report_panels import BAR_WIDTH, LABEL_WIDTH, bar_row, blocks


def test_blocks_scale_to_an_eighth_of_a_cell() -> None:
    assert blocks(10, 10, 4) == "████"
    assert blocks(5, 10, 4) == "██"
    assert blocks(1, 16, 4) == "▎"  # a quarter of a cell: 2 eighths
    assert blocks(1, 1000, 4) == "▏"  # tiny but not nothing
    assert blocks(0, 10, 4) == "" and blocks(3, 0, 4) == ""
    assert blocks(30, 10, 4) == "████"  # over the maximum: full, never longer


def test_a_bar_row_pads_clips_and_keeps_the_value_in_line() -> None:
    row = bar_row("Options appraisal and more", 3, 6).plain
    assert row.startswith("Options appraisal…")
    assert len(row) == LABEL_WIDTH + BAR_WIDTH + len(" 3")
    assert row[LABEL_WIDTH : LABEL_WIDTH + 7] == "███████"
    assert row.endswith("······· 3")


def test_stacked_outcome_bars_meet_without_a_gap() -> None:
    assert report_panels._stacked(2, 1, 3) == ("█" * 9, "█" * 5)
    assert report_panels._stacked(0, 1, 30) == ("", "█")  # at least one cell for a count
    assert report_panels._stacked(0, 0, 0) == ("", "")


def test_panels_of_an_empty_desk_say_so_rather_than_fail() -> None:
    figures = compute_figures([], [], [], Programme(), date(2013, 3, 14))
    assert report_panels.sparkline_data(figures) == []
    assert report_panels.months_caption(figures).plain == "No referrals yet."
    budget = report_panels.budget_panel(figures.budget).plain
    assert "Allocated  £0 of £10,000,000 (0%)" in budget
    assert "Spent  £0 of £0\n" in budget  # no share of nothing
    assert "Overdue milestones 0 on 0 active cases" in report_panels.cases_panel(figures).plain


def test_many_advisers_are_summed_after_the_first_six() -> None:
    cases = [
        {"id": f"C-{n:04d}", "adviser": f"adviser{n}", "status": "active",
         "milestones": [{"code": "M01", "due": "2013-01-01", "status": "open"}] * n}
        for n in range(1, 9)
    ]  # fmt: skip
    figures = compute_figures([], [], cases, Programme(), date(2013, 3, 14))
    text = report_panels.cases_panel(figures).plain
    assert text.splitlines()[-1] == "… 3 more for 2 other advisers"
    assert "adviser8" in text and "adviser2 " not in text
