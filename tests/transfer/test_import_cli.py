"""`mspdesk import referrals` through the real entry point: summary, exit codes, dry run."""

from __future__ import annotations

from pathlib import Path

import pytest
from importfiles import EXISTING, MARKUP_NAME, REJECTED_ROWS, write_messy

from mspdesk.cli import main
from mspdesk.desk import Desk


@pytest.fixture
def data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("MSPDESK_ADVISER", "tester")
    path = tmp_path / "data"
    with Desk.open(path, actor="tester") as desk:
        desk.referrals.add(EXISTING)
    return path


def run(capsys: pytest.CaptureFixture[str], data: Path, *argv: str) -> tuple[int, str, str]:
    code = main(["import", "referrals", *argv, "--data-dir", str(data)])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def journal(data: Path) -> bytes:
    return (data / "journal.jsonl").read_bytes()


def test_import_prints_every_duplicate_and_rejection_then_the_counts(
    capsys: pytest.CaptureFixture[str], data: Path, tmp_path: Path
) -> None:
    messy = write_messy(tmp_path / "referrals.csv", "cp1252")
    code, out, err = run(capsys, data, str(messy.path))

    assert code == 0, err
    assert "CSV, Windows-1252, comma-separated" in out
    assert "row 4: Café Mutual / Leeds City Council: same programme reference as R-2013-0001" in out
    same_name = "same organisation and parent body as R-2012-0001"
    assert f"row 12: HARBOUR leisure / Hull  City Council: R-2013-0006: {same_name}" in out
    assert "row 7: Nowhere Care / (no parent body)" in out
    assert "      staff_in_scope (column 'No. of staff'): 'many' is not a whole number" in out
    assert (
        "10 rows read (1 blank skipped) = 4 added + 0 updated + 1 unchanged"
        " + 2 possible duplicates (added and marked) + 3 rejected"
    ) in out
    assert f"Rejected rows written to {tmp_path / 'referrals.rejects.csv'}" in out
    with Desk.open(data, read_only=True) as desk:
        assert desk.referrals.count() == 7
        assert desk.referrals.get("R-2013-0002").organisation == MARKUP_NAME


def test_a_dry_run_shows_a_row_s_changes_to_an_earlier_row_as_the_import_does(
    capsys: pytest.CaptureFixture[str], data: Path, tmp_path: Path
) -> None:
    path = tmp_path / "twice.csv"
    path.write_text(
        "Ref,Organisation,Parent body,Date received\r\n"
        "MIS-1,Old Name,P,01/02/2013\r\n"
        "MIS-1,New Name,P,01/02/2013\r\n",
        encoding="utf-8",
    )
    change = "(row 2 of this file): organisation: Old Name → New Name"

    _, dry, _ = run(capsys, data, str(path), "--dry-run")
    _, done, _ = run(capsys, data, str(path))

    assert change in dry and change in done
    assert "= 1 would be added + 1 updated" in dry and "= 1 added + 1 updated" in done


def test_a_second_import_adds_nothing(
    capsys: pytest.CaptureFixture[str], data: Path, tmp_path: Path
) -> None:
    messy = write_messy(tmp_path / "referrals.csv")
    run(capsys, data, str(messy.path))
    before = journal(data)

    code, out, _ = run(capsys, data, str(messy.path))

    assert code == 0
    assert "= 0 added + 0 updated + 7 unchanged + 0 possible duplicates" in out
    assert journal(data) == before
    assert "referrals.rejects-2.csv" in out


def test_dry_run_saves_nothing_and_writes_no_rejects(
    capsys: pytest.CaptureFixture[str], data: Path, tmp_path: Path
) -> None:
    messy = write_messy(tmp_path / "referrals.csv")
    before = journal(data)

    code, out, _ = run(capsys, data, str(messy.path), "--dry-run")

    assert code == 0
    assert "4 would be added + 0 updated + 1 unchanged + 2 possible duplicates" in out
    assert "Rejected rows would be written to" in out and "Dry run: nothing was saved." in out
    assert journal(data) == before
    assert not (tmp_path / "referrals.rejects.csv").exists()


def test_dry_run_without_any_data_yet_creates_nothing(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    messy = write_messy(tmp_path / "referrals.csv")
    fresh = tmp_path / "fresh"

    code, out, _ = run(capsys, fresh, str(messy.path), "--dry-run")

    assert code == 0 and "5 would be added" in out  # row 12 is new on an empty desk
    assert not fresh.exists()


def test_rejects_go_where_asked_and_are_never_overwritten(
    capsys: pytest.CaptureFixture[str], data: Path, tmp_path: Path
) -> None:
    messy = write_messy(tmp_path / "referrals.csv")
    target = tmp_path / "out" / "bad.csv"
    target.parent.mkdir()
    target.write_text("keep me", encoding="utf-8")

    code, out, _ = run(capsys, data, str(messy.path), "--rejects", str(target))

    assert code == 0
    assert target.read_text(encoding="utf-8") == "keep me"
    written = tmp_path / "out" / "bad-2.csv"
    assert f"Rejected rows written to {written}" in out
    assert written.read_bytes().count(b"\r\n") == 1 + len(REJECTED_ROWS)


def test_terminal_escapes_in_names_are_printed_harmlessly(
    capsys: pytest.CaptureFixture[str], data: Path, tmp_path: Path
) -> None:
    path = tmp_path / "esc.csv"
    path.write_bytes(b"Organisation,Parent body\n\x1b[2JWiper,\n")

    code, out, _ = run(capsys, data, str(path))

    assert code == 0
    assert "\x1b" not in out
    assert "row 2: \\x1b[2JWiper / (no parent body)" in out


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("missing.csv", None, "there is no such file"),
        ("binary.csv", b"\x7fELF\x02\x01\x01\x00\x00\x00", "binary file"),
        ("notes.txt", b"Dear adviser,\nplease find attached\n", "no header row"),
        ("list.json", b'{"not": "a list"}', "must be a list"),
    ],
)
def test_files_that_cannot_be_read_exit_2_with_one_line(
    capsys: pytest.CaptureFixture[str],
    data: Path,
    tmp_path: Path,
    name: str,
    content: bytes | None,
    message: str,
) -> None:
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content)
    before = journal(data)

    code, out, err = run(capsys, data, str(path))

    assert code == 2
    assert out == ""
    assert err.startswith("mspdesk: cannot import ") and message in err
    assert err.count("\n") == 1
    assert journal(data) == before


def test_a_folder_exits_2(capsys: pytest.CaptureFixture[str], data: Path, tmp_path: Path) -> None:
    code, _, err = run(capsys, data, str(tmp_path))
    assert code == 2 and "it is a folder" in err


def test_help_says_how_rows_are_numbered(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["import", "referrals", "--help"])
    out = capsys.readouterr().out
    assert "the header is row 1, so the\nfirst data row is row 2" in out
    assert "--dry-run" in out and "--rejects PATH" in out
