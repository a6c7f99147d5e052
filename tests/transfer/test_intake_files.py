"""Import files as they come: bad values in one row, huge files, Excel workbooks."""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path

import pytest
from openpyxl import Workbook

from mspdesk.cli import main
from mspdesk.desk import Desk
from mspdesk.transfer import Outcome, UnreadableFile, apply_import, plan_import, readers


def run(capsys: pytest.CaptureFixture[str], data: Path, *argv: str) -> tuple[int, str, str]:
    code = main([*argv, "--data-dir", str(data)])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_a_json_lone_surrogate_rejects_that_row_only(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MSPDESK_ADVISER", "tester")
    path = tmp_path / "s.json"
    # json.dumps writes a lone surrogate as the escape \ud800, which json.loads reads back.
    items = [
        {"organisation": "Before", "parent_body": "P", "reference": "MIS-1"},
        {"organisation": "Half \ud800 char", "parent_body": "P", "reference": "MIS-2"},
        {"organisation": "After", "parent_body": "P", "reference": "MIS-3", "note": "x\udfff"},
        {"organisation": "Last", "parent_body": "P", "reference": "MIS-4"},
    ]
    path.write_text(json.dumps(items), encoding="utf-8")
    data = tmp_path / "data"

    code, out, err = run(capsys, data, "import", "referrals", str(path))

    assert code == 0, err
    assert "4 rows read = 2 added + 0 updated + 0 unchanged" in out and "2 rejected" in out
    assert "item 2: Half" in out and "lone surrogate" in out
    assert "item 3: After" in out
    with Desk.open(data, read_only=True) as desk:
        assert sorted(r["source_ref"] for r in desk.referrals.rows()) == ["MIS-1", "MIS-4"]
    rejects = json.loads((tmp_path / "s.rejects.json").read_text(encoding="utf-8"))
    assert [item["reference"] for item in rejects] == ["MIS-2", "MIS-3"]


def test_a_nul_and_an_oversize_value_reject_their_rows_and_the_rest_import(
    desk: Desk, tmp_path: Path
) -> None:
    huge = "x" * (readers.FIELD_LIMIT + 10)
    path = tmp_path / "bad.csv"
    path.write_bytes(
        (
            "Ref,Organisation,Parent body\r\n"
            "M1,One,P\r\n"
            "M2,Tw\x00o,P\r\n"
            f"M3,Three,{huge}\r\n"
            "M4,Four,P\r\n"
        ).encode()
    )

    plan = plan_import(path, desk)

    assert [(r.row, r.outcome) for r in plan.rows] == [
        (2, Outcome.ADDED),
        (3, Outcome.REJECTED),
        (4, Outcome.REJECTED),
        (5, Outcome.ADDED),
    ]
    assert "NUL" in plan.rows[1].reason
    assert f"longer than {readers.FIELD_LIMIT:,} characters" in plan.rows[2].reason
    result = apply_import(plan, desk)
    assert result.rejects_path is not None
    assert result.rejects_path.read_bytes().count(b"\r\n") == 3


def test_unknown_columns_are_kept_as_source_fields(desk: Desk, tmp_path: Path) -> None:
    path = tmp_path / "extra.csv"
    path.write_text(
        "MIS reference,Organisation,Parent body,Team lead,Funding stream\nMIS-9,A,P,Sam,ESF\n",
        encoding="utf-8",
    )
    plan = plan_import(path, desk)
    result = apply_import(plan, desk)

    [added] = result.added_ids
    referral = desk.referrals.get(added)
    assert referral.source_ref == "MIS-9"
    assert referral.source_fields == {"Team lead": "Sam", "Funding stream": "ESF"}
    assert any("kept on each referral as source fields" in note for note in plan.notes)


def test_a_file_over_the_size_limit_is_refused_before_it_is_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "big.csv"
    path.write_text("Organisation,Parent body\n" + "A,P\n" * 100, encoding="utf-8")
    monkeypatch.setattr(readers, "MAX_BYTES", 100)
    opened: list[Path] = []
    real_open = Path.open
    monkeypatch.setattr(
        Path, "open", lambda self, *a, **k: opened.append(self) or real_open(self, *a, **k)
    )

    with pytest.raises(UnreadableFile, match="more than the 0 MB an import file may be"):
        readers.read_table(path)
    assert opened == []


def write_workbook(path: Path, rows: list[list[object]], *, sheet: str = "Referrals") -> Path:
    book = Workbook()
    first = book.active
    assert first is not None
    first.title = "Notes"
    first.append(["This workbook lists referrals"])
    data = book.create_sheet(sheet)
    for row in rows:
        data.append(row)
    book.move_sheet(sheet, offset=-1)  # the referrals sheet first
    book.save(path)
    return path


def test_an_excel_workbook_is_read_with_real_dates_and_numbers(desk: Desk, tmp_path: Path) -> None:
    path = write_workbook(
        tmp_path / "mis.xlsx",
        [
            ["MIS export, week 12"],
            [
                "Reference",
                "Organisation",
                "Parent body",
                "Date received",
                "Contract value",
                "Staff",
                "Enquiry ID no",
            ],
            [
                "MIS-2013-0006",
                "Café Mutual",
                "Leeds City Council",
                datetime(2013, 2, 28),
                4_600_000,
                40.0,
                77,
            ],
            [None, None, None, None],
            ["MIS-2013-0007", "Other", "P", date(2013, 3, 1), "1.2m", "12", None],
            ["MIS-2013-0008", "", "P", datetime(2013, 3, 1), 1, 1, None],
        ],
    )

    plan = plan_import(path, desk)
    result = apply_import(plan, desk)

    assert plan.format == "xlsx" and plan.encoding == "sheet 'Referrals'"
    assert [(r.row, r.outcome) for r in plan.rows] == [
        (3, Outcome.ADDED),
        (5, Outcome.ADDED),
        (6, Outcome.REJECTED),
    ]
    assert plan.blank_rows == 1
    first = desk.referrals.get(result.added_ids[0])
    assert first.received == date(2013, 2, 28) and first.contract_value == 4_600_000
    assert first.staff_in_scope == 40 and first.source_ref == "MIS-2013-0006"
    assert first.source_fields == {"Enquiry ID no": "77"}
    assert result.rejects_path == tmp_path / "mis.rejects.csv"
    rejected = result.rejects_path.read_text(encoding="utf-8-sig").splitlines()
    assert rejected[0].startswith('"reject_reason",Reference,Organisation')
    assert "MIS-2013-0008,,P,2013-03-01,1,1" in rejected[1]


def test_excel_sheet_by_name_and_a_missing_sheet(desk: Desk, tmp_path: Path) -> None:
    path = write_workbook(
        tmp_path / "two.xlsx",
        [["Organisation", "Parent body"], ["A", "P"]],
        sheet="Week 12",
    )
    assert plan_import(path, desk, sheet="Week 12").counts[Outcome.ADDED] == 1
    with pytest.raises(UnreadableFile, match="no header row"):
        plan_import(path, desk, sheet="Notes")
    with pytest.raises(UnreadableFile, match="there is no sheet 'Nope'"):
        plan_import(path, desk, sheet="Nope")


def test_csv_and_xlsx_of_the_same_rows_give_the_same_referrals(
    data_dir: Path, tmp_path: Path
) -> None:
    header = ["Reference", "Organisation", "Parent body", "Date received", "Contract value"]
    rows = [
        [f"MIS-{n}", f"Service {n}", f"Council {n % 7}", date(2013, 1, n % 28 + 1), 1000 * n]
        for n in range(1, 60)
    ]
    csv_path = tmp_path / "same.csv"
    csv_path.write_text(
        ",".join(header)
        + "\n"
        + "".join(f"{r[0]},{r[1]},{r[2]},{r[3]:%d/%m/%Y},{r[4]}\n" for r in rows),
        encoding="utf-8",
    )
    xlsx_path = write_workbook(tmp_path / "same.xlsx", [header, *rows])

    def imported(path: Path, where: Path) -> list[dict[str, object]]:
        with Desk.open(where, actor="tester") as desk:
            apply_import(plan_import(path, desk), desk)
            drop = {"created_at", "updated_at"}
            return [{k: v for k, v in r.items() if k not in drop} for r in desk.referrals.rows()]

    assert imported(csv_path, tmp_path / "a") == imported(xlsx_path, tmp_path / "b")
