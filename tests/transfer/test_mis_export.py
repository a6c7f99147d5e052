"""An export shaped like the Information Service's own, through `mspdesk import referrals`.

The file is generated here from a list of referrals (not hand-tuned to the importer): its
`Reference` column holds the service's references (MIS-2013-0006), dates are UK style,
money like `4.6m`, lines end CRLF; it has three exact repeats, three bad rows, rows that
share an organisation and parent body but have distinct references, and a column the
desk has no field for. It is written both as Windows-1252 and as UTF-8 with a BOM.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest

from mspdesk.cli import main
from mspdesk.desk import Desk

HEADER = [
    "Reference",
    "Organisation",
    "Parent body",
    "Date received",
    "Contract value",
    "Staff",
    "Area office",
]


@dataclass(frozen=True)
class Row:
    ref: str
    organisation: str
    parent: str
    received: date
    value: str
    staff: str = ""
    office: str = ""

    def cells(self) -> list[str]:
        return [
            self.ref,
            self.organisation,
            self.parent,
            self.received.strftime("%d/%m/%Y"),
            self.value,
            self.staff,
            self.office,
        ]


VALID = [
    Row(
        "MIS-2013-0001",
        "Café Society Youth Service",
        "Anytown Borough Council",
        date(2013, 1, 7),
        "4.6m",
        "40",
        "Leeds",
    ),
    Row(
        "MIS-2013-0002",
        "Riverside Libraries",
        "Shire County Council",
        date(2013, 1, 14),
        "£1,200,000",
        "25",
    ),
    Row(
        "MIS-2013-0003",
        "Community Nursing Team",
        "Northfield NHS Trust",
        date(2013, 2, 1),
        "250k",
        "120",
        "York",
    ),
    Row(
        "MIS-2013-0004",
        "Leisure Trust Staff",
        "Eastport City Council",
        date(2013, 2, 28),
        "£900,000",
        "60",
    ),
    Row("MIS-2013-0005", "Adult Learning", "Westby Council", date(2013, 3, 3), "1.5m", "12"),
    Row("MIS-2013-0006", "Careers Advice", "Shire County Council", date(2013, 3, 14), "£300,000"),
    # Distinct references, same organisation and parent body (a team referred twice, or two
    # teams with one service name), written differently: added, and marked.
    Row(
        "MIS-2013-0007",
        "Adult Social Care Team",
        "Anytown Borough Council",
        date(2013, 3, 20),
        "2m",
    ),
    Row(
        "MIS-2013-0008",
        "adult social-care team",
        "Anytown  Borough Council.",
        date(2013, 4, 2),
        "2m",
    ),
    Row(
        "MIS-2013-0009", "ADULT SOCIAL CARE TEAM", "anytown borough council", date(2013, 4, 9), "3m"
    ),
]
MARKED = {"MIS-2013-0008", "MIS-2013-0009"}
REPEATED = [VALID[0], VALID[1], VALID[2]]
BAD = [
    Row("MIS-2013-0020", "", "Shire County Council", date(2013, 1, 9), "1m"),  # no organisation
    Row("MIS-2013-0021", "Parks Team", "Westby Council", date(2013, 1, 9), "lots"),  # money
    Row("MIS-2013-0022", "Meals Service", "", date(2013, 1, 9), "1m", "many"),  # two problems
]


def export_text(rows: list[Row]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(HEADER)
    for row in rows:
        writer.writerow(row.cells())
    return out.getvalue()


def file_rows() -> list[Row]:
    """Valid rows, with the repeats and the bad rows among them."""
    return [
        *VALID[:4],
        REPEATED[0],
        BAD[0],
        *VALID[4:7],
        REPEATED[1],
        BAD[1],
        *VALID[7:],
        BAD[2],
        REPEATED[2],
    ]


def write_export(path: Path, encoding: str, rows: list[Row]) -> Path:
    path.write_bytes(export_text(rows).encode(encoding))
    return path


@pytest.fixture
def data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("MSPDESK_ADVISER", "tester")
    return tmp_path / "data"


def run(capsys: pytest.CaptureFixture[str], data: Path, *argv: str) -> tuple[int, str, str]:
    code = main([*argv, "--data-dir", str(data)])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def listed(capsys: pytest.CaptureFixture[str], data: Path) -> list[dict[str, object]]:
    code, out, err = run(capsys, data, "referrals", "list", "--json")
    assert code == 0, err
    rows: list[dict[str, object]] = json.loads(out)
    return rows


@pytest.mark.parametrize("encoding", ["cp1252", "utf-8-sig"])
def test_an_information_service_export_imports_every_reference_once(
    capsys: pytest.CaptureFixture[str], data: Path, tmp_path: Path, encoding: str
) -> None:
    path = write_export(tmp_path / "mis-export.csv", encoding, file_rows())
    if encoding == "utf-8-sig":
        assert path.read_bytes().startswith(b"\xef\xbb\xbf")

    code, out, err = run(capsys, data, "import", "referrals", str(path))

    assert code == 0, err
    total = len(file_rows())
    added = len(VALID) - len(MARKED)
    assert (
        f"{total} rows read = {added} added + 0 updated + {len(REPEATED)} unchanged + "
        f"{len(MARKED)} possible duplicates (added and marked) + {len(BAD)} rejected"
    ) in out
    assert added + len(REPEATED) + len(MARKED) + len(BAD) == total

    rows = listed(capsys, data)
    by_ref = {row["source_ref"]: row for row in rows}
    assert len(rows) == len(VALID)  # every valid distinct reference once, repeats once
    assert set(by_ref) == {row.ref for row in VALID}
    assert all(str(row["id"]).startswith("R-2013-") for row in rows)  # the desk's own
    first = by_ref["MIS-2013-0001"]
    assert first["organisation"] == "Café Society Youth Service"
    assert first["contract_value"] == 4_600_000 and first["received"] == "2013-01-07"
    assert first["source_fields"] == {"Area office": "Leeds"}
    assert not any("ï»¿" in key or "\ufeff" in key for row in rows for key in row["source_fields"])  # type: ignore[attr-defined]
    assert by_ref["MIS-2013-0004"]["received"] == "2013-02-28"
    same = by_ref["MIS-2013-0007"]["id"]
    assert {ref: by_ref[ref]["possible_duplicate_of"] for ref in MARKED} == dict.fromkeys(
        MARKED, same
    )
    assert by_ref["MIS-2013-0007"]["possible_duplicate_of"] is None

    rejects = tmp_path / "mis-export.rejects.csv"
    written = rejects.read_bytes().decode(encoding)
    for bad in BAD:
        assert written.count(bad.ref) == 1
    assert len(written.splitlines()) == 1 + len(BAD)
    assert "contract_value: 'lots'" in written

    # The source reference is searchable.
    code, out, _ = run(capsys, data, "referrals", "list", "--search", "mis-2013-0005")
    assert code == 0 and out.count("\n") == 1 and "Adult Learning" in out

    # Importing it again adds nothing: every valid row is unchanged.
    journal = (data / "journal.jsonl").read_bytes()
    code, out, _ = run(capsys, data, "import", "referrals", str(path))
    assert code == 0
    assert (
        f"{total} rows read = 0 added + 0 updated + {total - len(BAD)} unchanged + "
        f"0 possible duplicates (added and marked) + {len(BAD)} rejected"
    ) in out
    assert (data / "journal.jsonl").read_bytes() == journal
    assert len(listed(capsys, data)) == len(VALID)

    # Again with two fields changed: two updates, shown old -> new, saved as one change.
    changed = [
        Row(**{**r.__dict__, "value": "5m"}) if r.ref == "MIS-2013-0004" else r for r in file_rows()
    ]
    changed = [
        Row(**{**r.__dict__, "staff": "15"}) if r.ref == "MIS-2013-0005" else r for r in changed
    ]
    write_export(path, encoding, changed)
    code, out, _ = run(capsys, data, "import", "referrals", str(path))
    assert code == 0
    assert f"= 0 added + 2 updated + {total - len(BAD) - 2} unchanged" in out
    assert "contract_value: 900000 → 5000000" in out and "staff_in_scope: 12 → 15" in out
    rows = {row["source_ref"]: row for row in listed(capsys, data)}
    assert rows["MIS-2013-0004"]["contract_value"] == 5_000_000
    assert rows["MIS-2013-0005"]["staff_in_scope"] == 15
    assert len(rows) == len(VALID)

    code, out, _ = run(capsys, data, "undo")
    assert code == 0 and "2 updated" in out
    rows = {row["source_ref"]: row for row in listed(capsys, data)}
    assert rows["MIS-2013-0004"]["contract_value"] == 900_000
    assert rows["MIS-2013-0005"]["staff_in_scope"] == 12


def test_the_whole_import_is_one_undo(
    capsys: pytest.CaptureFixture[str], data: Path, tmp_path: Path
) -> None:
    path = write_export(tmp_path / "mis.csv", "utf-8-sig", file_rows())
    run(capsys, data, "import", "referrals", str(path))

    code, out, _ = run(capsys, data, "undo")

    assert code == 0 and f"{len(VALID)} added" in out
    assert listed(capsys, data) == []


def test_a_reference_holding_a_programme_reference_is_the_desk_s_own(
    capsys: pytest.CaptureFixture[str], data: Path, tmp_path: Path
) -> None:
    with Desk.open(data, actor="tester") as desk:
        desk.referrals.add({"organisation": "A", "parent_body": "P", "received": "2013-01-01"})
    path = tmp_path / "own.csv"
    path.write_text(
        "Reference,Organisation,Parent body,Date received\r\n"
        "R-2013-0001,A,P,01/01/2013\r\n"
        "R-2013-0001,A,P,02/01/2013\r\n",
        encoding="utf-8",
    )

    code, out, _ = run(capsys, data, "import", "referrals", str(path))

    assert code == 0
    assert "2 rows read = 0 added + 1 updated + 1 unchanged" in out
    assert "same programme reference as R-2013-0001" in out
    [row] = listed(capsys, data)
    assert row["source_ref"] == "" and row["received"] == "2013-01-02"


def test_an_import_killed_while_saving_leaves_nothing_and_the_rerun_does_it_all(
    capsys: pytest.CaptureFixture[str], data: Path, tmp_path: Path
) -> None:
    with Desk.open(data, actor="tester") as desk:
        desk.referrals.add({"organisation": "Before", "parent_body": "P"})
    journal = data / "journal.jsonl"
    ack = data / "journal.ack"
    before = journal.read_bytes()
    ack_before = ack.read_bytes()
    path = write_export(tmp_path / "mis.csv", "utf-8-sig", file_rows())
    run(capsys, data, "import", "referrals", str(path))
    whole = journal.read_bytes()
    assert whole.startswith(before) and whole.count(b"\n") == before.count(b"\n") + 1
    # As if killed half-way through writing the import's one journal line.
    journal.write_bytes(whole[: len(before) + (len(whole) - len(before)) // 2])
    # journal.ack is rewritten only after the fsync, so such a kill leaves the old one.
    ack.write_bytes(ack_before)

    code, out, err = run(capsys, data, "import", "referrals", str(path))

    assert code == 0
    assert "nothing of it was saved, so this import saves every row again" in err
    assert f"= {len(VALID) - len(MARKED)} added + 0 updated + {len(REPEATED)} unchanged" in out
    rows = listed(capsys, data)
    assert len(rows) == 1 + len(VALID)
    assert len({row["source_ref"] for row in rows}) == 1 + len(VALID)

    # Run once more: the source references make it a no-op, never a second record.
    code, out, _ = run(capsys, data, "import", "referrals", str(path))
    assert "= 0 added + 0 updated" in out and len(listed(capsys, data)) == 1 + len(VALID)


def test_the_case_file_and_json_export_carry_the_source_reference_and_fields(
    capsys: pytest.CaptureFixture[str], data: Path, tmp_path: Path
) -> None:
    from mspdesk.transfer.exporters.casefile import case_file
    from mspdesk.transfer.exporters.markdown import case_markdown

    path = write_export(tmp_path / "mis.csv", "utf-8-sig", VALID[:1])
    run(capsys, data, "import", "referrals", str(path))
    with Desk.open(data, actor="tester") as desk:
        [row] = desk.referrals.rows()
        desk.triage.decide(row["id"], "accept", "promising")
        case_id = desk.referrals.get(row["id"]).case_id
        assert case_id is not None
        text = case_markdown(case_file(desk, case_id))
    assert "MIS-2013-0001" in text and "Source reference" in text
    assert "From the source: Area office" in text and "Leeds" in text

    target = tmp_path / "case.json"
    code, _, err = run(
        capsys, data, "export", "case", case_id, "--format", "json", "-o", str(target)
    )
    assert code == 0, err
    exported = target.read_text(encoding="utf-8")
    assert '"source_ref": "MIS-2013-0001"' in exported or '"source_ref":"MIS-2013-0001"' in exported
    assert "Area office" in exported


def test_a_big_file_is_streamed_and_planned_as_it_is_applied(
    data: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Over KEEP_ROWS a plan keeps nothing to save (the apply reads the file again) and
    lists at most LISTED_ROWS outcomes; the counts are the same as for a small file."""
    from mspdesk.transfer import Outcome, apply_import, importers, plan_import

    path = write_export(tmp_path / "mis.csv", "cp1252", file_rows())
    with Desk.open(data, actor="tester") as desk:
        small = plan_import(path, desk)
        monkeypatch.setattr(importers, "KEEP_ROWS", 3)
        monkeypatch.setattr(importers, "LISTED_ROWS", 4)
        big = plan_import(path, desk)
        assert big.decided is None and small.decided is not None
        assert big.counts == small.counts
        assert (
            len(big.rows) == 4 and big.unlisted == len(file_rows()) - 4 - big.counts[Outcome.ADDED]
        )
        result = apply_import(big, desk)
        assert result.plan.counts == small.counts
        assert len(result.added_ids) == len(VALID) and desk.referrals.count() == len(VALID)
        again = plan_import(path, desk)
        assert again.counts[Outcome.UNCHANGED] == len(file_rows()) - len(BAD)
