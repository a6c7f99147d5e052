"""`mspdesk note add|edit|delete|show` and `mspdesk notes list|search` through the entry point."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from clihelp import run

from mspdesk.desk import Desk

CLICK_ME = "[@click=app.quit]x\x1b[31m"


@pytest.fixture
def data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("MSPDESK_ADVISER", "tester")
    path = tmp_path / "data"
    with Desk.open(path, actor="tester") as desk:
        received = date(2013, 2, 1)
        kent = desk.referrals.add(
            {"organisation": "Kent Youth", "parent_body": "Kent CC", "received": received}
        ).id
        leeds = desk.referrals.add(
            {"organisation": "Leeds", "parent_body": "Leeds CC", "received": received}
        ).id
        desk.notes.add(kent, "Board agreed the budget", kind="meeting", on=date(2013, 3, 1))
        desk.notes.add(leeds, "Budget still open\nsecond line", on=date(2013, 3, 2))
    return path


def test_note_add_is_unchanged(capsys: pytest.CaptureFixture[str], data: Path) -> None:
    code, out, err = run(
        capsys, data, "note", "add", "R-2013-0001", "Rang the clerk", "--kind", "call"
    )
    assert (code, out, err) == (0, "N-00003\n", "")


def test_edit_text_kind_date_and_tags_then_show_versions(
    capsys: pytest.CaptureFixture[str], data: Path
) -> None:
    argv = ["note", "edit", "N-00001", "--text", "Board agreed it all", "--kind", "decision"]
    code, out, err = run(capsys, data, *argv, "--date", "02/03/2013", "--tags", "board, budget")
    assert (code, out, err) == (0, "N-00001\n", "")
    with Desk.open(data, read_only=True) as desk:
        note = desk.notes.get("N-00001")
    assert (note.body, note.kind.value, note.on) == (
        "Board agreed it all",
        "decision",
        date(2013, 3, 2),
    )
    assert note.tags == ("board", "budget")

    code, out, _ = run(capsys, data, "note", "show", "N-00001", "--versions")
    assert code == 0
    assert out.index("Board agreed the budget") < out.index("Board agreed it all")
    code, out, _ = run(capsys, data, "note", "show", "N-00001", "--versions", "--json")
    versions = json.loads(out)
    assert [v["change"] for v in versions] == ["note.added", "note.edited"]
    assert [v["note"]["body"] for v in versions] == [
        "Board agreed the budget",
        "Board agreed it all",
    ]


def test_edit_reads_standard_input(
    capsys: pytest.CaptureFixture[str], data: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO("From a file\nwith two lines\n"))
    code, _, _ = run(capsys, data, "note", "edit", "N-00002", "--text", "-")
    assert code == 0
    with Desk.open(data, read_only=True) as desk:
        assert desk.notes.get("N-00002").body == "From a file\nwith two lines"


def test_edit_problems_name_the_option(capsys: pytest.CaptureFixture[str], data: Path) -> None:
    code, out, err = run(capsys, data, "note", "edit", "N-00001", "--date", "31/02/2013")
    assert (code, out) == (1, "") and "--date" in err and "is not a date" in err
    code, _, err = run(capsys, data, "note", "edit", "N-00001")
    assert code == 1 and "--text, --kind, --date or --tags" in err
    code, _, err = run(capsys, data, "note", "edit", "N-00001", "--kind", "fax")
    assert code == 1 and "kind" in err
    code, _, err = run(capsys, data, "note", "edit", "N-00099", "--text", "x")
    assert code == 1 and "no note N-00099" in err
    assert "Traceback" not in err


def test_an_edit_that_changes_nothing_says_so(
    capsys: pytest.CaptureFixture[str], data: Path
) -> None:
    code, out, err = run(capsys, data, "note", "edit", "N-00001", "--kind", "meeting")
    assert (code, out, err) == (0, "N-00001\n", "N-00001: nothing changed\n")


def test_delete_then_undo(capsys: pytest.CaptureFixture[str], data: Path) -> None:
    code, out, _ = run(capsys, data, "note", "delete", "N-00001")
    assert code == 0 and "Deleted note N-00001 on R-2013-0001" in out
    code, out, err = run(capsys, data, "notes", "list", "R-2013-0001")
    assert (code, out) == (0, "") and "0 note(s)" in err
    code, _, err = run(capsys, data, "note", "delete", "N-00001")
    assert code == 1 and "already deleted" in err
    code, out, _ = run(capsys, data, "undo")
    assert code == 0 and "Deleted note N-00001" in out
    code, out, _ = run(capsys, data, "notes", "list", "R-2013-0001")
    assert out.startswith("N-00001\t2013-03-01\tmeeting\ttester\tBoard agreed the budget")


def test_list_json_and_unknown_subject(capsys: pytest.CaptureFixture[str], data: Path) -> None:
    code, out, _ = run(capsys, data, "notes", "list", "R-2013-0002", "--json")
    [note] = json.loads(out)
    assert code == 0 and note["body"] == "Budget still open\nsecond line"
    code, out, err = run(capsys, data, "notes", "list", "R-2013-0404")
    assert (code, out) == (1, "") and "no referral or case R-2013-0404" in err


def test_search_text_and_json(capsys: pytest.CaptureFixture[str], data: Path) -> None:
    code, out, err = run(capsys, data, "notes", "search", "budg")
    assert code == 0 and "2 note(s)" in err
    lines = out.splitlines()
    assert [line.split("\t")[3] for line in lines] == ["N-00002", "N-00001"]  # newest first
    assert lines[0].split("\t")[:3] == ["2013-03-02", "other", "R-2013-0002"]

    code, out, _ = run(capsys, data, "notes", "search", "board BUDGET", "--json")
    [hit] = json.loads(out)
    assert hit["note_id"] == "N-00001" and hit["subject_title"] == "Kent Youth"
    assert [hit["snippet"][a:b] for a, b in hit["spans"]] == ["Board", "budget"]

    code, out, err = run(capsys, data, "notes", "search", "budget", "--limit", "1")
    assert len(out.splitlines()) == 1 and "--limit shows more" in err


def test_control_characters_are_shown_not_sent(
    capsys: pytest.CaptureFixture[str], data: Path
) -> None:
    run(capsys, data, "note", "add", "R-2013-0001", CLICK_ME)
    code, out, _ = run(capsys, data, "notes", "search", "click")
    assert code == 0 and "\x1b" not in out and "\\x1b[31m" in out


def test_notes_commands_do_not_import_textual(data: Path) -> None:
    code = (
        "import sys; from mspdesk.cli import main; "
        f"main(['notes', 'search', 'budget', '--data-dir', {str(data)!r}]); "
        "assert 'textual' not in sys.modules, 'textual was imported'"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env={**os.environ}
    )
    assert result.returncode == 0, result.stderr


def test_search_answers_alike_from_the_saved_index_the_store_and_a_locked_desk(
    capsys: pytest.CaptureFixture[str], data: Path
) -> None:
    index = data / "notes-index.bin"
    code, out, err = run(capsys, data, "notes", "search", "budget", "--json")  # writes it
    assert index.is_file() and "building the notes search index" in err
    assert run(capsys, data, "notes", "search", "budget", "--json") == (code, out, "")  # from it
    index.unlink()
    with Desk.open(data, actor="tester"):  # another desk holds the lock: read-only
        assert run(capsys, data, "notes", "search", "budget", "--json") == (code, out, "")
    assert not index.exists()


@pytest.mark.parametrize("damage", ["garbage", "block"])
def test_a_damaged_index_is_ignored_rebuilt_and_said_so(
    capsys: pytest.CaptureFixture[str], data: Path, damage: str
) -> None:
    index = data / "notes-index.bin"
    truth = run(capsys, data, "notes", "search", "budget")
    good = index.read_bytes()
    if damage == "garbage":
        index.write_bytes(b"not an index")
    else:  # a flipped byte in the notes' records: noticed only when that block is read
        at = good.rindex(b"Board")  # in the records (the tokens are lowercase)
        index.write_bytes(good[:at] + b"Bored" + good[at + 5 :])
    code, out, err = run(capsys, data, "notes", "search", "budget")
    assert (code, out) == truth[:2] and "Bored" not in out
    assert "notes-index.bin) is damaged or from another version: ignored, and rebuilt" in err
    assert err.endswith("2 note(s)\n")
    assert index.read_bytes() == good
    assert run(capsys, data, "notes", "search", "budget") == (code, out, "2 note(s)\n")


def test_a_search_from_the_saved_index_imports_no_models(
    capsys: pytest.CaptureFixture[str], data: Path
) -> None:
    run(capsys, data, "notes", "search", "budget")  # writes the index
    code = (
        "import sys; from mspdesk.cli import main; "
        f"main(['notes', 'search', 'budget', '--data-dir', {str(data)!r}]); "
        "assert 'pydantic' not in sys.modules, 'pydantic was imported'"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert "2 note(s)" in result.stderr
