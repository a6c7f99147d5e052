"""`mspdesk export case|notes|all|evidence` and `mspdesk import case` through the entry point,
with the desk's clock fixed on 14 Mar 2013; and in a real process, without Textual."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from clihelp import pin_clock, run

from mspdesk.cli import main
from mspdesk.desk import Desk

NOW = datetime(2013, 3, 14, 10, 30, tzinfo=UTC)


def fixed_clock() -> datetime:
    return NOW


@pytest.fixture
def data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Two cases (C-0001 with a contact, a note and a partner; C-0002 bare)."""
    path = tmp_path / "data"
    with Desk.open(path, clock=fixed_clock, actor="tester") as desk:
        first = desk.referrals.add(
            {"organisation": "Care Co", "parent_body": "Anyshire", "received": date(2013, 3, 1),
             "contact": {"name": "Ada Lovelace", "email": "ada@example.org",
                         "phone": "0161 496 0000"}},
        )  # fmt: skip
        desk.triage.decide(first.id, "accept", "ok")
        desk.notes.add("C-0001", "Met Ada at the depot.", kind="meeting", on=date(2013, 3, 5))
        desk.cases.add_person("C-0001", {"role": "lga-link", "name": "Bob Partner"})
        second = desk.referrals.add({"organisation": "Parks Co", "parent_body": "Anyshire"})
        desk.triage.decide(second.id, "accept", "ok")
        desk.notes.add("C-0002", "Old note.", on=date(2013, 1, 1))

    pin_clock(monkeypatch, fixed_clock)
    return path


@pytest.mark.parametrize(
    ("fmt", "starts"),
    [
        ("md", b"# C-0001 Care Co"),
        ("docx", b"PK"),
        ("json", b"{"),
        ("csv", b"\xef\xbb\xbfid,referral_id"),
        ("ics", b"BEGIN:VCALENDAR\r\n"),
    ],
)
def test_export_case_in_each_format(
    capsys: pytest.CaptureFixture[str], data: Path, tmp_path: Path, fmt: str, starts: bytes
) -> None:
    target = tmp_path / f"case.{fmt}"
    code, out, err = run(capsys, data, "export", "case", "c-0001", "--format", fmt,
                         "-o", str(target))  # fmt: skip
    assert (code, err) == (0, "")
    assert out == f"Exported C-0001 to {target}\n"
    assert target.read_bytes().startswith(starts)


def test_existing_file_needs_force(
    capsys: pytest.CaptureFixture[str], data: Path, tmp_path: Path
) -> None:
    target = tmp_path / "case.md"
    target.write_text("mine")
    code, out, err = run(capsys, data, "export", "case", "C-0001", "--format", "md",
                         "-o", str(target))  # fmt: skip
    assert code == 1 and out == ""
    assert err == f"mspdesk: {target} already exists; use --force to replace it\n"
    assert target.read_text() == "mine"
    code, _, _ = run(capsys, data, "export", "case", "C-0001", "--format", "md",
                     "-o", str(target), "--force")  # fmt: skip
    assert code == 0 and target.read_text().startswith("# C-0001")


def test_errors_are_one_line(
    capsys: pytest.CaptureFixture[str], data: Path, tmp_path: Path
) -> None:
    code, _, err = run(capsys, data, "export", "case", "C-0042", "--format", "md",
                       "-o", str(tmp_path / "x.md"))  # fmt: skip
    assert code == 1 and err.count("\n") == 1 and "no case C-0042" in err
    code, _, err = run(capsys, data, "export", "notes", "--since", "31/02/2013",
                       "-o", str(tmp_path / "n.csv"))  # fmt: skip
    assert code == 1 and err.startswith("mspdesk: invalid export: --since") and err.count("\n") == 1
    code, _, err = run(capsys, data, "export", "evidence", "--format", "csv",
                       "-o", str(tmp_path / "no" / "e.csv"))  # fmt: skip
    assert code == 5 and "does not exist" in err
    assert not list(tmp_path.glob("*.md")) and not list(tmp_path.glob("*.csv"))


def test_export_notes_since(capsys: pytest.CaptureFixture[str], data: Path, tmp_path: Path) -> None:
    csv_path, json_path = tmp_path / "notes.csv", tmp_path / "notes.json"
    code, out, _ = run(capsys, data, "export", "notes", "--since", "01/03/2013", "--format",
                       "csv", "-o", str(csv_path))  # fmt: skip
    assert code == 0 and out == f"Exported notes to {csv_path}\n"
    lines = csv_path.read_text(encoding="utf-8-sig").splitlines()
    assert len(lines) == 2 and "Met Ada at the depot." in lines[1]
    code, _, _ = run(capsys, data, "export", "notes", "--format", "json", "-o", str(json_path))
    assert code == 0
    assert [n["id"] for n in json.loads(json_path.read_text())["notes"]] == ["N-00002", "N-00001"]


def test_export_all_with_progress(
    capsys: pytest.CaptureFixture[str], data: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "everything"
    code, out, err = run(capsys, data, "export", "all", "-o", str(folder))
    assert code == 0
    assert err.splitlines() == [
        "[1/3] C-0001 Care Co",
        "[2/3] C-0002 Parks Co",
        "[3/3] cases, calendar, notes and evidence",
    ]
    assert out == f"Exported 2 cases in 6 formats, notes and evidence (22 files) to {folder}\n"
    assert {p.name for p in folder.iterdir()} >= {"C-0001.docx", "C-0002.ics", "evidence.json"}
    code, _, err = run(capsys, data, "export", "all", "-o", str(folder))
    assert code == 1 and "already exist; use --force" in err
    code, _, _ = run(capsys, data, "export", "all", "-o", str(folder), "--force")
    assert code == 0


def test_export_evidence(capsys: pytest.CaptureFixture[str], data: Path, tmp_path: Path) -> None:
    target = tmp_path / "evidence.json"
    code, out, _ = run(capsys, data, "export", "evidence", "--format", "json", "-o", str(target))
    assert code == 0 and out == f"Exported the anonymised evidence to {target}\n"
    text = target.read_text()
    for personal in ("Ada", "Lovelace", "ada@example.org", "0161 496 0000", "Bob Partner",
                     "Care Co", "Anyshire", "Met Ada", "R-2013-0001"):  # fmt: skip
        assert personal not in text
    assert len(json.loads(text)["records"]) == 2


def test_import_case_round_trip(
    capsys: pytest.CaptureFixture[str], data: Path, tmp_path: Path
) -> None:
    exported = tmp_path / "c1.json"
    assert run(capsys, data, "export", "case", "C-0001", "--format", "json",
               "-o", str(exported))[0] == 0  # fmt: skip
    empty = tmp_path / "empty"
    code, out, err = run(capsys, empty, "import", "case", str(exported))
    assert (code, err) == (0, "")
    assert out == "Imported case C-0001 (referral R-2013-0001, 1 notes)\n"
    again = tmp_path / "again.json"
    assert run(capsys, empty, "export", "case", "C-0001", "--format", "json",
               "-o", str(again))[0] == 0  # fmt: skip
    assert json.loads(again.read_text()) == json.loads(exported.read_text())
    code, _, err = run(capsys, empty, "import", "case", str(exported))
    assert code == 1 and "already on this desk" in err
    code, _, err = run(capsys, empty, "import", "case", str(tmp_path / "missing.json"))
    assert code == 2 and "there is no such file" in err


def test_import_referrals_is_still_there(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["import", "referrals", "--help"])
    assert "--dry-run" in capsys.readouterr().out


NO_TEXTUAL = textwrap.dedent(
    """
    import sys
    from mspdesk.cli import main

    code = main(sys.argv[1:])
    heavy = sorted(n for n in sys.modules if n.split(".")[0] in ("textual", "docx"))
    assert not heavy, f"imported: {heavy[:5]}"
    sys.exit(code)
    """
)


def test_exports_run_without_textual(data: Path, tmp_path: Path) -> None:
    target = tmp_path / "case.md"
    result = subprocess.run(
        [sys.executable, "-c", NO_TEXTUAL, "export", "case", "C-0001", "--format", "md",
         "-o", str(target), "--data-dir", str(data)],
        capture_output=True, text=True, timeout=120,
        env={**os.environ, "MSPDESK_ADVISER": "proc-tester"},
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert target.read_text().startswith("# C-0001 Care Co")


@pytest.mark.parametrize(
    ("argv", "starts"),
    [
        (("export", "case", "C-0001", "--format", "md"), b"# C-0001 Care Co"),
        (("export", "notes", "--format", "json"), b"{"),
        (("export", "evidence", "--format", "csv"), "\ufeffpseudonym".encode()),
    ],
)
def test_dash_writes_to_standard_output_and_no_file(
    capfdbinary: pytest.CaptureFixture[bytes],
    data: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    argv: tuple[str, ...],
    starts: bytes,
) -> None:
    monkeypatch.chdir(tmp_path)
    code = main([*argv, "-o", "-", "--data-dir", str(data)])
    out = capfdbinary.readouterr().out
    assert code == 0
    assert out.startswith(starts)
    assert not (tmp_path / "-").exists()


def test_dash_refuses_a_word_file_to_a_terminal(
    capsys: pytest.CaptureFixture[str], data: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys.stdout, "isatty", lambda: True)
    code, out, err = run(capsys, data, "export", "case", "C-0001", "--format", "docx", "-o", "-")
    assert code == 5
    assert "binary" in err
    assert out == ""


def test_a_reader_that_stops_early_is_not_an_error(tmp_path: Path) -> None:
    # `mspdesk referrals list --json | head -1`: the pipe closes long before the output ends
    # (far more than a pipe buffer of it), so the writer meets a broken pipe.
    path = tmp_path / "many"
    with Desk.open(path, actor="tester") as desk:
        for number in range(400):
            desk.referrals.add(
                {"organisation": f"Service {number} " + "x" * 200, "parent_body": "Anyshire"}
            )
    with subprocess.Popen(
        [sys.executable, "-m", "mspdesk", "referrals", "list", "--json", "--data-dir", str(path)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    ) as proc:
        assert proc.stdout is not None and proc.stderr is not None
        assert proc.stdout.read(1) == b"["
        proc.stdout.close()
        err = proc.stderr.read().decode()
        proc.wait(timeout=60)
    assert err == ""
    assert proc.returncode == 141


def test_excel_exports(capsys: pytest.CaptureFixture[str], data: Path, tmp_path: Path,
                       monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    import openpyxl

    for argv, name in [
        (["case", "C-0001"], "case.xlsx"),
        (["notes"], "notes.xlsx"),
        (["evidence"], "evidence.xlsx"),
    ]:
        target = tmp_path / name
        code, out, _ = run(capsys, data, "export", *argv, "--format", "xlsx", "-o", str(target))
        assert code == 0 and str(target) in out
        assert openpyxl.load_workbook(target).sheetnames
    monkeypatch.setattr(sys.stdout, "isatty", lambda: True)
    code, out, err = run(capsys, data, "export", "notes", "--format", "xlsx", "-o", "-")
    assert code == 5 and "an Excel file is binary" in err
