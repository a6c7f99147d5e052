"""Importing referrals: every row accounted for, rejects verbatim, nothing dropped on a name."""

from __future__ import annotations

import json
import stat
from datetime import date
from pathlib import Path

import pytest
from importfiles import (
    ADDED_ROWS,
    ESCAPE_NOTE,
    EXISTING,
    MARKUP_NAME,
    POSSIBLE_DUPLICATE_ROWS,
    REJECTED_ROWS,
    UNCHANGED_ROWS,
    Written,
    big_csv,
    write_csv,
    write_messy,
)

from mspdesk.desk import Desk
from mspdesk.domain.choices import ProposedModel
from mspdesk.transfer import (
    Outcome,
    RejectsNotWritten,
    apply_import,
    plan_import,
)

VARIANTS = [("utf-8-sig", "\r\n"), ("cp1252", "\r\n"), ("utf-8", "\n"), ("cp1252", "\n")]
VARIANT_IDS = ["bom-crlf", "windows1252-crlf", "utf8-lf", "windows1252-lf"]


@pytest.fixture(params=VARIANTS, ids=VARIANT_IDS)
def messy(request: pytest.FixtureRequest, tmp_path: Path) -> Written:
    encoding, newline = request.param
    return write_messy(tmp_path / "referrals.csv", encoding, newline)


@pytest.fixture
def seeded(desk: Desk) -> Desk:
    desk.referrals.add(EXISTING)
    return desk


def journal_bytes(desk: Desk) -> bytes:
    path = desk.directory / "journal.jsonl"
    return path.read_bytes() if path.exists() else b""


def test_every_row_of_a_messy_csv_has_exactly_one_outcome(messy: Written, seeded: Desk) -> None:
    plan = plan_import(messy.path, seeded)

    assert plan.total == 10 and plan.blank_rows == 1
    assert len(plan.rows) == plan.total == sum(plan.counts.values())
    assert [r.row for r in plan.added] == ADDED_ROWS
    assert {r.row: r.reference for r in plan.unchanged} == UNCHANGED_ROWS
    assert {r.row: r.duplicate_of for r in plan.possible_duplicates} == POSSIBLE_DUPLICATE_ROWS
    assert {r.row: [p.field for p in r.problems] for r in plan.rejected} == REJECTED_ROWS
    assert plan.delimiter == "," and plan.columns["parent_body"] == "Council/Trust"


def test_applying_saves_added_rows_exactly_as_given(messy: Written, seeded: Desk) -> None:
    result = apply_import(plan_import(messy.path, seeded), seeded)

    assert result.added_ids == tuple(f"R-2013-{n:04d}" for n in range(1, 7))
    assert seeded.referrals.count() == 7
    first = seeded.referrals.get("R-2013-0001")
    assert first.organisation == "Café Mutual" and first.contract_value == 1_200_000
    assert first.staff_in_scope == 40 and first.received == date(2013, 2, 1)
    assert first.contact.email == "jo@example.org"
    marked = seeded.referrals.get("R-2013-0002")
    assert marked.organisation == MARKUP_NAME  # markup is text, kept intact
    assert marked.enquiry == f"Line one{messy.newline}Line two, with a comma"
    assert marked.contract_value == 1_200_000 and marked.staff_in_scope == 12
    coop = seeded.referrals.get("R-2013-0004")
    assert coop.organisation == "Tea & Sympathy £ Co-op" and coop.enquiry == "Café — note"
    assert coop.proposed_model is ProposedModel.COMMUNITY_COOP and coop.contract_value == 250_000
    assert seeded.referrals.get("R-2013-0005").enquiry == ESCAPE_NOTE


def test_name_matches_are_added_and_marked_not_dropped(messy: Written, seeded: Desk) -> None:
    before = seeded.referrals.get("R-2012-0001")
    plan = plan_import(messy.path, seeded)
    apply_import(plan, seeded)

    assert plan.unchanged[0].matched_on == "programme reference"
    assert plan.unchanged[0].earlier_row == 2
    by_row = {r.row: r for r in plan.possible_duplicates}
    assert by_row[5].earlier_row == 2
    assert by_row[12].reason == "same organisation and parent body as R-2012-0001"
    assert seeded.referrals.get("R-2012-0001") == before
    assert seeded.referrals.get("R-2013-0006").possible_duplicate_of == "R-2012-0001"
    assert seeded.referrals.get("R-2013-0003").possible_duplicate_of == "R-2013-0001"
    assert seeded.referrals.get("R-2013-0001").possible_duplicate_of is None


def test_rejects_file_holds_rejected_rows_verbatim(messy: Written, seeded: Desk) -> None:
    result = apply_import(plan_import(messy.path, seeded), seeded)

    assert result.rejects_path == messy.path.with_name("referrals.rejects.csv")
    data = result.rejects_path.read_bytes()
    assert stat.S_IMODE(result.rejects_path.stat().st_mode) == 0o600
    assert data.startswith(b"\xef\xbb\xbf") == (messy.encoding == "utf-8-sig")
    lines = data.split(messy.newline.encode())
    header_row = messy.data.split(messy.newline.encode())[0].removeprefix(b"\xef\xbb\xbf")
    assert lines[0].removeprefix(b"\xef\xbb\xbf") == b'"reject_reason",' + header_row
    for row in REJECTED_ROWS:
        original = messy.row_bytes(row)
        assert data.count(b"," + original) == 1, row
    assert data.count(messy.newline.encode()) == 1 + len(REJECTED_ROWS)
    text = data.decode(messy.encoding)
    assert "received (column 'Date received'): '31/02/2013' is not a date" in text


def test_the_rejects_file_can_be_imported_again_once_fixed(messy: Written, seeded: Desk) -> None:
    result = apply_import(plan_import(messy.path, seeded), seeded)
    assert result.rejects_path is not None
    fixed = result.rejects_path.read_bytes().replace(b"bad-ref", b"R-2013-0900")

    again = result.rejects_path.with_name("fixed.csv")
    again.write_bytes(fixed)
    plan = plan_import(again, seeded)

    assert plan.notes == ()  # the reject_reason column is recognised and left out quietly
    assert [r.row for r in plan.added] == [4]
    assert [r.reference for r in plan.added] == ["R-2013-0900"]
    assert [r.row for r in plan.rejected] == [2, 3]


def test_importing_the_same_file_twice_adds_nothing(messy: Written, seeded: Desk) -> None:
    apply_import(plan_import(messy.path, seeded), seeded)
    count = seeded.referrals.count()

    second = apply_import(plan_import(messy.path, seeded), seeded)

    assert second.added_ids == () and second.batches == 0
    assert seeded.referrals.count() == count
    assert len(second.plan.unchanged) == 7 and second.plan.counts[Outcome.REJECTED] == 3
    assert second.rejects_path == messy.path.with_name("referrals.rejects-2.csv")
    assert messy.path.with_name("referrals.rejects.csv").exists()


def test_planning_saves_nothing(messy: Written, seeded: Desk) -> None:
    journal = journal_bytes(seeded)
    plan = plan_import(messy.path, seeded)

    assert len(plan.added) == len(ADDED_ROWS)
    assert journal_bytes(seeded) == journal
    assert seeded.referrals.count() == 1
    assert not messy.path.with_name("referrals.rejects.csv").exists()


def test_auto_references_skip_every_reference_the_file_uses(desk: Desk, tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "refs.csv",
        [
            "ref,organisation,parent body,received",
            ",A,P,2013-01-01",
            "R-2013-0007,B,P,2013-01-02",
            ",C,P,2012-05-01",
            "R-2013-0009,D,,2013-01-03",  # rejected, but its reference stays reserved
            ",E,P,2013-01-04",
        ],
    )
    plan = plan_import(path, desk)

    assert [r.reference for r in plan.added] == [
        "R-2013-0010",
        "R-2013-0007",
        "R-2012-0001",
        "R-2013-0011",
    ]


def test_a_missing_received_column_dates_rows_today(desk: Desk, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "nodate.csv", ["Organisation,Parent body", "A,P"])
    plan = plan_import(path, desk)
    result = apply_import(plan, desk)

    assert desk.referrals.get(result.added_ids[0]).received == date(2013, 3, 14)
    assert result.added_ids[0] == "R-2013-0001"
    assert any("date-received" in note for note in plan.notes)


def test_a_blank_received_date_is_a_rejection(desk: Desk, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "blank.csv", ["Organisation,Parent body,Received", "A,P,"])

    [row] = plan_import(path, desk).rejected
    assert str(row.problems[0]) == "received: a date is required"


def test_decisions_cannot_be_imported_as_statuses(desk: Desk, tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "status.csv",
        ["Organisation,Parent body,Status", "A,P,Awaiting", "B,P,accepted", "C,P,"],
    )
    plan = plan_import(path, desk)

    assert [r.row for r in plan.added] == [2, 4]
    assert "decisions are recorded through triage" in plan.rejected[0].reason


def test_placeholders_in_optional_fields_read_as_blank(desk: Desk, tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "tbc.csv",
        ["Organisation,Parent body,Contract value,Staff,Email,Region", "A,P,TBC,n/a,-,unknown"],
    )
    [added] = apply_import(plan_import(path, desk), desk).added_ids
    referral = desk.referrals.get(added)

    assert referral.contract_value is None and referral.staff_in_scope is None
    assert referral.contact.email == "" and referral.region is None


def test_a_row_with_more_values_than_the_header_is_rejected(desk: Desk, tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "ragged.csv",
        ["Organisation,Parent body,Contract value", "A,P,£1,200,000", "B,P,", "C,P,1,,"],
    )
    plan = plan_import(path, desk)

    assert [r.row for r in plan.added] == [3, 4]  # trailing empty values are harmless
    assert "has 5 values but the header has 3 columns" in plan.rejected[0].reason


def test_the_desk_changing_after_the_preview_is_caught(desk: Desk, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "race.csv", ["Organisation,Parent body,Received", "A,P,2013-01-01"])
    plan = plan_import(path, desk)
    desk.referrals.add({"organisation": "A", "parent_body": "P", "received": "2013-01-01"})

    result = apply_import(plan, desk)

    assert result.added_ids == () and desk.referrals.count() == 1
    assert [r.reference for r in result.plan.unchanged] == ["R-2013-0001"]


def test_progress_is_reported_while_checking_and_saving(desk: Desk, tmp_path: Path) -> None:
    path = big_csv(tmp_path / "progress.csv", 1_250)
    checking: list[tuple[int, int]] = []
    saving: list[tuple[int, int]] = []

    plan = plan_import(path, desk, progress=lambda done, total: checking.append((done, total)))
    apply_import(plan, desk, progress=lambda done, total: saving.append((done, total)))

    assert checking[0] == (100, 0) and checking[-1] == (1_250, 1_250)
    assert [done for done, _ in checking] == sorted(done for done, _ in checking)
    assert saving == [(0, 1_250), (1_250, 1_250)]


def test_an_unwritable_rejects_file_saves_nothing(desk: Desk, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "r.csv", ["Organisation,Parent body", "A,P", ",P"])
    plan = plan_import(path, desk)

    with pytest.raises(RejectsNotWritten, match="nothing was imported"):
        apply_import(plan, desk, rejects=tmp_path / "no" / "such" / "dir.csv")
    assert desk.referrals.count() == 0


def test_ten_thousand_rows_import_as_one_change(data_dir: Path, tmp_path: Path) -> None:
    path = big_csv(tmp_path / "big.csv", 10_000)
    with Desk.open(data_dir, actor="tester") as desk:
        result = apply_import(plan_import(path, desk), desk)
        assert len(result.added_ids) == 10_000
        assert result.batches == 1
        assert result.rejects_path is None

    with Desk.open(data_dir, actor="tester") as reopened:
        assert reopened.referrals.count() == 10_000
        assert reopened.referrals.get("R-2012-10000").organisation == "Service 9999 Mutual"
        assert reopened.can_undo() == "Imported big.csv: 10,000 added, 0 updated"
        reopened.undo()
        assert reopened.referrals.count() == 0


# ---------------------------------------------------------------------------- JSON


def test_json_list_with_nested_contact_and_numbers(desk: Desk, tmp_path: Path) -> None:
    items = [
        {
            "Programme reference": "R-2013-0005",
            "organisation": "Json Care",
            "parent_body": "Leeds City Council",
            "received": "14/02/2013",
            "contract_value": 1200000,
            "staff_in_scope": 40.0,
            "contact": {"name": "Jo", "email": "jo@example.org", "phone": 1134960000},
            "created_at": "2013-02-14T10:00:00+00:00",
        },
        {
            "organisation": "Bad Json",
            "parent_body": "X",
            "received": 20130214,
            "staff_in_scope": [1],
        },
        {"organisation": "NUL\x00name", "parent_body": "X", "received": "2013-02-14"},
        {
            "organisation": "json care",
            "parent_body": "LEEDS CITY COUNCIL",
            "received": "2013-02-14",
        },
    ]
    path = tmp_path / "referrals.json"
    path.write_text(json.dumps({"referrals": items}), encoding="utf-8")

    plan = plan_import(path, desk)
    result = apply_import(plan, desk)

    assert [(r.where, r.outcome) for r in plan.rows] == [
        ("item 1", Outcome.ADDED),
        ("item 2", Outcome.REJECTED),
        ("item 3", Outcome.REJECTED),
        ("item 4", Outcome.POSSIBLE_DUPLICATE),
    ]
    saved = desk.referrals.get("R-2013-0005")
    assert saved.contract_value == 1_200_000 and saved.staff_in_scope == 40
    assert saved.contact.phone == "1134960000"
    assert saved.created_at is not None
    assert saved.created_at.date() == date(2013, 3, 14)  # set by the desk, not the file
    assert [p.field for p in plan.rejected[0].problems] == ["received", "staff_in_scope"]
    assert "NUL" in plan.rejected[1].reason
    assert result.rejects_path == tmp_path / "referrals.rejects.json"
    written = json.loads(result.rejects_path.read_text(encoding="utf-8"))
    assert [{k: v for k, v in item.items() if k != "reject_reason"} for item in written] == items[
        1:3
    ]
    assert all(item["reject_reason"] for item in written)


def test_an_undone_import_never_has_its_references_issued_again(desk: Desk, tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "undo.csv",
        ["Organisation,Parent body,Received", "A,P,2013-01-01", "B,P,2013-01-02"],
    )
    first = apply_import(plan_import(path, desk), desk)
    assert first.added_ids == ("R-2013-0001", "R-2013-0002")
    desk.undo()
    assert desk.referrals.count() == 0

    again = apply_import(plan_import(path, desk), desk)

    assert again.added_ids == ("R-2013-0003", "R-2013-0004")
