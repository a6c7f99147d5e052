"""The calendar export, checked with a tiny RFC 5545 reader: CRLF line ends, lines of at
most 75 octets, folding that never splits a character, TEXT escaping that reads back."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from export_data import fill_case, fixed_desk

from mspdesk.domain.milestone import Milestone
from mspdesk.transfer.exporters import case_bytes
from mspdesk.transfer.exporters.ics import CalendarItem, escape_text, fold, milestones_ics

STAMP = datetime(2013, 3, 14, 10, 30, tzinfo=UTC)


def physical_lines(data: bytes) -> list[bytes]:
    """The file's lines; every one must end in CRLF, none may hold a bare CR or LF."""
    assert data.endswith(b"\r\n")
    lines = data[:-2].split(b"\r\n")
    for line in lines:
        assert b"\n" not in line and b"\r" not in line
        assert len(line) <= 75, line
    return lines


def unfold(lines: list[bytes]) -> list[str]:
    logical: list[bytes] = []
    for line in lines:
        if line.startswith(b" "):
            logical[-1] += line[1:]
        else:
            logical.append(line)
    return [line.decode("utf-8") for line in logical]  # a split character would fail here


def unescape(value: str) -> str:
    out, chars = [], iter(value)
    for char in chars:
        if char != "\\":
            assert char not in ",;", f"unescaped {char!r} in {value!r}"
            out.append(char)
            continue
        following = next(chars)
        out.append("\n" if following in "nN" else following)
        assert following in "\\;,nN", f"bad escape \\{following}"
    return "".join(out)


def parse(data: bytes) -> list[dict[str, str]]:
    """The VEVENTs of a calendar as {property (with parameters): value}."""
    lines = unfold(physical_lines(data))
    assert lines[0] == "BEGIN:VCALENDAR" and lines[-1] == "END:VCALENDAR"
    assert "VERSION:2.0" in lines and any(line.startswith("PRODID:") for line in lines)
    events: list[dict[str, str]] = []
    current: dict[str, str] | None = None
    for line in lines[1:-1]:
        name, _, value = line.partition(":")
        if line == "BEGIN:VEVENT":
            current = {}
        elif line == "END:VEVENT":
            assert current is not None
            events.append(current)
            current = None
        elif current is not None:
            current[name] = value
    assert current is None
    return events


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("ics") / "data"
    fill_case(path)
    return path


def test_a_case_calendar(data: Path) -> None:
    with fixed_desk(data, read_only=True) as desk:
        calendar = case_bytes(desk, "C-0001", "ics")
        case = desk.cases.get("C-0001")
        desk_id = desk.desk_id()
    events = parse(calendar)
    assert sorted(e["UID"] for e in events) == sorted(
        f"C-0001-{m.code}.{desk_id}@mspdesk.invalid" for m in case.ordered_milestones
    )
    status = {e["UID"].split(".")[0]: e["STATUS"] for e in events}
    assert status["C-0001-M01"] == "CANCELLED"  # done
    assert status["C-0001-LA01"] == "CANCELLED"  # skipped
    assert status["C-0001-M02"] == "CONFIRMED"
    m02 = next(e for e in events if e["UID"].startswith("C-0001-M02."))
    assert m02["DTSTART;VALUE=DATE"] == "20130209"
    assert m02["DTEND;VALUE=DATE"] == "20130210"
    assert m02["DTSTAMP"] == "20130314T103000Z"
    assert unescape(m02["SUMMARY"]).endswith(
        "*Friends* (C-0001) M02: Senior sponsor and council agreement to explore"
    )
    assert unescape(m02["SUMMARY"]).startswith("# Kids | [First]")
    description = unescape(m02["DESCRIPTION"]).split("\n")
    assert description[0].startswith("Case C-0001: # Kids | [First]")
    assert description[2].startswith("Done when: Named senior sponsor; cabinet")
    # Soonest first.
    starts = [e["DTSTART;VALUE=DATE"] for e in events]
    assert starts == sorted(starts)


def test_escaping_and_folding_read_back() -> None:
    title = "Räte, Öl; back\\slash\nnew line" + " ünïcödé" * 20
    item = CalendarItem(
        "C-0042",
        "Café; Co, \\ Ltd",
        Milestone(code="X01", title=title.replace("\n", " "), due=date(2013, 4, 1),
                  done_when="line one\nline two, with; marks"),
    )  # fmt: skip
    events = parse(milestones_ics([item], STAMP, "Mine, all; mine", "0123456789abcdef"))
    (event,) = events
    assert unescape(event["SUMMARY"]) == "Café; Co, \\ Ltd (C-0042) X01: " + title.replace(
        "\n", " "
    )
    assert unescape(event["DESCRIPTION"]).split("\n")[:4] == [
        "Case C-0042: Café; Co, \\ Ltd",
        "Milestone X01",
        "Done when: line one",
        "line two, with; marks",
    ]


def test_fold_never_splits_a_character() -> None:
    line = "SUMMARY:" + "€" * 100  # three octets each
    folded = fold(line)
    pieces = folded.split("\r\n")
    assert all(len(piece.encode("utf-8")) <= 75 for piece in pieces)
    assert "".join(p[1:] if i else p for i, p in enumerate(pieces)) == line
    assert fold("short") == "short"


def test_escape_text() -> None:
    assert escape_text("a,b;c\\d\ne\r\nf\x1bg") == "a\\,b\\;c\\\\d\\ne\\nfg"


def test_all_cases_calendar_cancels_ended_cases(data: Path, tmp_path: Path) -> None:
    from mspdesk.transfer.exporters import export_all

    with fixed_desk(data) as desk:
        referral = desk.referrals.add({"organisation": "Second", "parent_body": "Council"})
        desk.triage.decide(referral.id, "accept", "ok")
        desk.cases.set_status("C-0002", "withdrawn", "Staff voted against")
        export_all(desk, tmp_path / "out")
    events = parse((tmp_path / "out" / "calendar.ics").read_bytes())
    active = [e for e in events if e["UID"].startswith("C-0001-")]
    ended = [e for e in events if e["UID"].startswith("C-0002-")]
    assert active and any(e["STATUS"] == "CONFIRMED" for e in active)
    # A withdrawn case's events stay in the file, cancelled, so calendars drop them.
    assert ended and all(e["STATUS"] == "CANCELLED" for e in ended)
    assert all(int(e["SEQUENCE"]) >= 1 for e in ended)
    withdrawn = parse((tmp_path / "out" / "C-0002.ics").read_bytes())
    assert withdrawn and all(e["STATUS"] == "CANCELLED" for e in withdrawn)
