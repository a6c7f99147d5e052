"""English bank holidays and working-day arithmetic."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from mspdesk.domain.workdays import (
    add_working_days,
    easter_sunday,
    english_bank_holidays,
    is_working_day,
    working_days_between,
)


def test_2012_with_the_diamond_jubilee() -> None:
    assert sorted(english_bank_holidays(2012)) == [
        date(2012, 1, 2), date(2012, 4, 6), date(2012, 4, 9), date(2012, 5, 7),
        date(2012, 6, 4), date(2012, 6, 5), date(2012, 8, 27), date(2012, 12, 25),
        date(2012, 12, 26),
    ]  # fmt: skip


def test_2013_standing_rules_only() -> None:
    assert sorted(english_bank_holidays(2013)) == [
        date(2013, 1, 1), date(2013, 3, 29), date(2013, 4, 1), date(2013, 5, 6),
        date(2013, 5, 27), date(2013, 8, 26), date(2013, 12, 25), date(2013, 12, 26),
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("year", "present", "absent"),
    [
        (2011, date(2011, 4, 29), None),  # royal wedding
        (2020, date(2020, 5, 8), date(2020, 5, 4)),  # early May moved for VE Day
        (2022, date(2022, 9, 19), date(2022, 5, 30)),  # state funeral; spring moved to June
        (2023, date(2023, 5, 8), None),  # coronation
    ],
)
def test_one_off_changes(year: int, present: date, absent: date | None) -> None:
    days = english_bank_holidays(year)
    assert present in days
    assert absent is None or absent not in days


@pytest.mark.parametrize(
    ("year", "substitutes"),
    [
        (2010, {date(2010, 12, 27), date(2010, 12, 28)}),  # Christmas on a Saturday
        (2016, {date(2016, 12, 26), date(2016, 12, 27)}),  # Christmas on a Sunday
        (2020, {date(2020, 12, 25), date(2020, 12, 28)}),  # Boxing Day on a Saturday
        (2011, {date(2011, 1, 3)}),  # New Year's Day on a Saturday
    ],
)
def test_weekend_substitutes(year: int, substitutes: set[date]) -> None:
    assert substitutes <= english_bank_holidays(year)
    assert all(day.weekday() < 5 for day in english_bank_holidays(year))


def test_easter() -> None:
    assert easter_sunday(2013) == date(2013, 3, 31)
    assert easter_sunday(2019) == date(2019, 4, 21)
    assert easter_sunday(2011) == date(2011, 4, 24)


def test_fast_count_matches_a_day_by_day_walk() -> None:
    start = date(2011, 12, 20)
    for span in range(0, 400, 7):
        for shift in range(7):
            first = start + timedelta(days=shift)
            last = first + timedelta(days=span + shift)
            walked = sum(
                is_working_day(first + timedelta(days=n)) for n in range(1, (last - first).days + 1)
            )
            assert working_days_between(first, last) == walked, (first, last)


def test_add_then_count_round_trips() -> None:
    start = date(2012, 5, 31)
    for days in range(0, 40):
        assert working_days_between(start, add_working_days(start, days)) == days
    with pytest.raises(ValueError):
        add_working_days(start, -1)
