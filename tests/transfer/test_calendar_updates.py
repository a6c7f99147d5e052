"""Calendars that stay right, read with the `icalendar` package: UIDs unique across desks,
SEQUENCE and LAST-MODIFIED that rise when a date moves or a milestone is done, done
milestones cancelled rather than dropped, the organisation in the title, a reminder."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import icalendar
import pytest

from mspdesk.desk import Desk
from mspdesk.transfer.document_settings import DocumentSettings
from mspdesk.transfer.exporters import case_bytes


class Clock:
    """A clock the test moves on, so each change has its own time."""

    def __init__(self) -> None:
        self.now = datetime(2013, 1, 7, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        self.now += timedelta(minutes=1)
        return self.now


def make_desk(path: Path, clock: Clock, organisation: str) -> None:
    with Desk.open(path, clock=clock, actor="tester") as desk:
        referral = desk.referrals.add({"organisation": organisation, "parent_body": "Council"})
        desk.triage.decide(referral.id, "accept", "Promising")


def events(desk: Desk, settings: DocumentSettings | None = None) -> dict[str, Any]:
    """Milestone code -> its VEVENT, from C-0001's calendar."""
    calendar = icalendar.Calendar.from_ical(case_bytes(desk, "C-0001", "ics", settings=settings))
    found = {}
    for event in calendar.walk("VEVENT"):
        code = str(event["UID"]).split(".")[0].removeprefix("C-0001-")
        found[code] = event
    return found


@pytest.fixture
def clock() -> Clock:
    return Clock()


def test_two_desks_give_different_uids(tmp_path: Path, clock: Clock) -> None:
    make_desk(tmp_path / "one", clock, "Play Mutual")
    make_desk(tmp_path / "two", clock, "Care Mutual")
    with Desk.open(tmp_path / "one", clock=clock) as one, Desk.open(tmp_path / "two") as two:
        first, second = events(one), events(two)
        assert one.desk_id() != two.desk_id()
        assert one.desk_id() == one.desk_id()  # made once, then kept
    assert set(first) == set(second)  # the same pathway on both desks
    uids_one = {str(e["UID"]) for e in first.values()}
    uids_two = {str(e["UID"]) for e in second.values()}
    assert not uids_one & uids_two
    assert (tmp_path / "one" / "desk.id").stat().st_mode & 0o777 == 0o600
    # The organisation is in every title.
    assert all(str(e["SUMMARY"]).startswith("Play Mutual (C-0001) ") for e in first.values())


def test_uid_is_stable_from_one_export_to_the_next(tmp_path: Path, clock: Clock) -> None:
    make_desk(tmp_path / "data", clock, "Play Mutual")
    with Desk.open(tmp_path / "data", clock=clock) as desk:
        before = {code: str(e["UID"]) for code, e in events(desk).items()}
    with Desk.open(tmp_path / "data", clock=clock, read_only=True) as desk:
        after = {code: str(e["UID"]) for code, e in events(desk).items()}
    assert before == after


def test_done_milestone_is_cancelled_with_a_higher_sequence(tmp_path: Path, clock: Clock) -> None:
    make_desk(tmp_path / "data", clock, "Play Mutual")
    with Desk.open(tmp_path / "data", clock=clock) as desk:
        first = events(desk)
        assert str(first["M01"]["STATUS"]) == "CONFIRMED"
        desk.cases.milestones.complete("C-0001", "M01", on=date(2013, 1, 10))
        second = events(desk)
    assert str(second["M01"]["STATUS"]) == "CANCELLED"  # still there, not dropped
    assert int(second["M01"]["SEQUENCE"]) > int(first["M01"]["SEQUENCE"])
    assert second["M01"]["LAST-MODIFIED"].dt > first["M01"]["LAST-MODIFIED"].dt
    assert set(second) == set(first)


def test_moved_date_raises_sequence_and_undo_keeps_it_rising(tmp_path: Path, clock: Clock) -> None:
    make_desk(tmp_path / "data", clock, "Play Mutual")
    with Desk.open(tmp_path / "data", clock=clock) as desk:
        before = events(desk)
        case = desk.cases.get("C-0001")
        due = next(m.due for m in case.milestones if m.code == "M02")
        assert due is not None
        changes = desk.cases.milestones.preview_reschedule("C-0001", {"M02": due + timedelta(7)})
        desk.cases.milestones.apply_reschedule("C-0001", changes)
        moved = events(desk)
        desk.undo()
        undone = events(desk)
    assert moved["M02"]["DTSTART"].dt == due + timedelta(7)
    assert int(moved["M02"]["SEQUENCE"]) > int(before["M02"]["SEQUENCE"])
    assert moved["M02"]["LAST-MODIFIED"].dt > before["M02"]["LAST-MODIFIED"].dt
    # Milestones that did not move keep their sequence.
    assert int(moved["M01"]["SEQUENCE"]) == int(before["M01"]["SEQUENCE"])
    # Undo moves the date back: a new change, so the sequence rises again.
    assert undone["M02"]["DTSTART"].dt == due
    assert int(undone["M02"]["SEQUENCE"]) > int(moved["M02"]["SEQUENCE"])


def test_reminder_from_settings(tmp_path: Path, clock: Clock) -> None:
    make_desk(tmp_path / "data", clock, "Play Mutual")
    with Desk.open(tmp_path / "data", clock=clock) as desk:
        desk.cases.milestones.complete("C-0001", "M01", on=date(2013, 1, 10))
        plain = events(desk)
        reminded = events(desk, DocumentSettings(reminder_days=2))
    assert not any(e.walk("VALARM") for e in plain.values())
    (alarm,) = reminded["M02"].walk("VALARM")
    assert alarm["TRIGGER"].dt == -timedelta(hours=2 * 24 - 9)  # 09:00 two days before
    assert str(alarm["ACTION"]) == "DISPLAY"
    assert not reminded["M01"].walk("VALARM")  # done: no reminder for a cancelled event
