"""The agenda for a fixed today: overdue, this week, the next N days, boundary days."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from mspdesk.desk import Desk
from mspdesk.desk.agenda import agenda

TODAY = date(2013, 3, 14)


def milestone(code: str, due: date | None, status: str = "open") -> dict[str, Any]:
    return {"code": code, "title": f"Step {code}", "due": due.isoformat() if due else None,
            "status": status}  # fmt: skip


def case(case_id: str, *milestones: dict[str, Any], **fields: Any) -> dict[str, Any]:
    record = {"id": case_id, "organisation": f"Org {case_id}", "adviser": "tester",
              "status": "active", "milestones": list(milestones)}  # fmt: skip
    return {**record, **fields}


def days(count: int) -> date:
    return TODAY + timedelta(days=count)


BOUNDARIES = case(
    "C-0001",
    milestone("A", days(-1)),  # overdue by 1
    milestone("B", days(0)),  # due today
    milestone("C", days(7)),  # last day of this week
    milestone("D", days(8)),  # first day after it
    milestone("E", days(30)),  # last day of the window
    milestone("F", days(31)),  # just outside
    milestone("G", days(-40), status="done"),  # closed: never on the agenda
    milestone("H", days(-3), status="skipped"),
    milestone("I", None),  # undated
)


def codes(items: list[Any]) -> list[str]:
    return [item.code for item in items]


def test_boundary_days_fall_in_the_right_bucket() -> None:
    result = agenda([BOUNDARIES], TODAY)
    assert codes(result.overdue) == ["A"]
    assert codes(result.this_week) == ["B", "C"]
    assert codes(result.later) == ["D", "E"]
    [late] = result.overdue
    assert (late.days, late.days_late, late.bucket, late.key) == (-1, 1, "overdue", "C-0001/A")
    assert [item.days for item in result.items] == [-1, 0, 7, 8, 30]
    assert result.counts() == {"overdue": 1, "this_week": 2, "later": 2}


def test_a_shorter_window_cuts_the_week_too() -> None:
    assert codes(agenda([BOUNDARIES], TODAY, days=7).items) == ["A", "B", "C"]
    assert codes(agenda([BOUNDARIES], TODAY, days=3).items) == ["A", "B"]
    assert codes(agenda([BOUNDARIES], TODAY, days=0).items) == ["A", "B"]
    assert codes(agenda([BOUNDARIES], TODAY, days=31).later) == ["D", "E", "F"]
    with pytest.raises(ValueError, match="days"):
        agenda([BOUNDARIES], TODAY, days=-1)


def test_the_next_day_everything_shifts_by_one() -> None:
    result = agenda([BOUNDARIES], days(1))
    assert codes(result.overdue) == ["A", "B"]
    assert [item.days_late for item in result.overdue] == [2, 1]
    assert codes(result.this_week) == ["C", "D"]
    assert codes(result.later) == ["E", "F"]


def test_only_active_cases_and_the_chosen_adviser() -> None:
    cases = [
        case("C-0001", milestone("M01", days(2))),
        case("C-0002", milestone("M01", days(1)), adviser="alex"),
        case("C-0003", milestone("M01", days(1)), status="paused"),
        case("C-0004", milestone("M01", days(-5)), status="closed"),
        case("C-0005"),
    ]
    result = agenda(cases, TODAY)
    assert [item.case_id for item in result.items] == ["C-0002", "C-0001"]  # soonest first
    assert [item.case_id for item in agenda(cases, TODAY, adviser="alex").items] == ["C-0002"]
    assert agenda(cases, TODAY, adviser="nobody").items == []


def test_items_sort_by_due_then_case_then_code() -> None:
    cases = [
        case("C-0002", milestone("M02", days(-2)), milestone("M01", days(-2))),
        case("C-0001", milestone("M09", days(-2)), milestone("M03", days(-9))),
    ]
    result = agenda(cases, TODAY)
    assert [item.key for item in result.overdue] == [
        "C-0001/M03",
        "C-0001/M09",
        "C-0002/M01",
        "C-0002/M02",
    ]


@pytest.fixture
def desk(tmp_path: Path) -> Iterator[Desk]:
    now = datetime(2013, 3, 14, 10, 30, tzinfo=UTC)
    opened = Desk.open(tmp_path / "data", clock=lambda: now, actor="tester")
    yield opened
    opened.close()


def test_agenda_through_the_desk_for_a_fixed_today(desk: Desk) -> None:
    referral = desk.referrals.add(
        {"organisation": "Care Co", "parent_body": "Anyshire", "received": date(2013, 3, 1)}
    )
    desk.triage.decide(referral.id, "accept", "ok")
    result = desk.cases.agenda()  # the desk's clock: 14 Mar 2013
    assert result.today == TODAY
    assert [(i.code, i.days) for i in result.items] == [("M01", 0), ("M02", 30)]
    tomorrow = desk.cases.agenda(days(1))
    assert [(i.code, i.bucket) for i in tomorrow.items] == [("M01", "overdue"), ("M02", "later")]
    assert desk.cases.agenda(days=29).items[-1].code == "M01"
    desk.cases.milestones.complete("C-0001", "M01")
    assert [i.code for i in desk.cases.agenda(days(1)).items] == ["M02"]
    assert desk.cases.agenda(adviser="someone-else").items == []


def test_the_agenda_reads_package_and_case_statuses_as_the_models_name_them() -> None:
    from mspdesk.desk import agenda as module
    from mspdesk.desk.support import OPEN_CASE
    from mspdesk.domain.support import PackageStatus

    assert PackageStatus.COMMITTED.value == module.COMMITTED
    assert module.OPEN_CASE == OPEN_CASE
