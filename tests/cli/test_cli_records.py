"""The headless CLI in-process: referral add, referrals list, note add, history, undo, doctor."""

from __future__ import annotations

import io
import json
import shutil
from pathlib import Path

import pytest

from mspdesk import __version__
from mspdesk.cli import main
from mspdesk.desk import Desk


@pytest.fixture(autouse=True)
def adviser(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MSPDESK_ADVISER", "cli-tester")


def run(capsys: pytest.CaptureFixture[str], data_dir: Path, *args: str) -> tuple[int, str, str]:
    """Run `mspdesk --data-dir DATA ARGS...`; returns (exit code, stdout, stderr)."""
    code = main(["--data-dir", str(data_dir), *args])
    out, err = capsys.readouterr()
    return code, out, err


def assert_one_line_error(err: str, *needles: str) -> None:
    assert err.startswith("mspdesk: ") and err.count("\n") == 1, err
    assert "Traceback" not in err
    for needle in needles:
        assert needle in err, err


def add(capsys: pytest.CaptureFixture[str], data_dir: Path, *args: str) -> str:
    code, out, err = run(capsys, data_dir, "referral", "add", *args)
    assert (code, err) == (0, ""), err
    return out.strip()


def every_file(directory: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(directory)): p.read_bytes()
        for p in sorted(directory.rglob("*"))
        if p.is_file() and p.name != "mspdesk.lock"
    }


# ------------------------------------------------------------------ referral add


def test_referral_add_prints_only_the_id(
    capsys: pytest.CaptureFixture[str], data_dir: Path
) -> None:
    code, out, err = run(
        capsys,
        data_dir,
        "referral",
        "add",
        "--org",
        "Kent Youth",
        "--parent-body",
        "Kent CC",
        "--received",
        "28/02/2013",
    )
    assert (code, out, err) == (0, "R-2013-0001\n", "")
    with Desk.open(data_dir, read_only=True) as desk:
        saved = desk.referrals.get("R-2013-0001")
    assert saved.organisation == "Kent Youth"
    assert saved.parent_body == "Kent CC"


def test_referral_add_takes_every_field(capsys: pytest.CaptureFixture[str], data_dir: Path) -> None:
    ref = add(
        capsys,
        data_dir,
        "--org",
        "Leeds Libraries",
        "--parent-body",
        "Leeds City Council",
        "--received",
        "2013-03-01",
        "--source",
        "LGA",
        "--parent-body-kind",
        "council",
        "--service-area",
        "Libraries",
        "--staff",
        "1,200",
        "--contract-value",
        "£1.2m",
        "--model",
        "employee-owned mutual",
        "--route",
        "right to challenge",
        "--stage",
        "exploring",
        "--target-date",
        "01/04/2014",
        "--region",
        "yorkshire",
        "--enquiry",
        "Keen to spin out.",
        "--contact-name",
        "Priya Patel",
        "--contact-role",
        "Head of Service",
        "--contact-email",
        "priya@example.org",
        "--contact-phone",
        "0113 496 0000",
        "--lawful-basis",
        "consent",
    )
    with Desk.open(data_dir, read_only=True) as desk:
        saved = desk.referrals.get(ref).model_dump(mode="json")
    assert saved["staff_in_scope"] == 1200
    assert saved["contract_value"] == 1_200_000
    assert saved["source"] == "lga" and saved["parent_body_kind"] == "local-authority"
    assert saved["proposed_model"] == "employee-owned"
    assert saved["route"] == "right-to-challenge"
    assert saved["target_spin_out"] == "2014-04-01"
    assert saved["region"] == "yorkshire-and-the-humber"
    assert saved["contact"] == {
        "name": "Priya Patel",
        "role": "Head of Service",
        "email": "priya@example.org",
        "phone": "0113 496 0000",
        "lawful_basis": "consent",
    }


def test_data_dir_after_the_subcommand_and_from_the_environment(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    after = tmp_path / "after"
    assert (
        main(["referral", "add", "--org", "A", "--parent-body", "B", "--data-dir", str(after)]) == 0
    )
    monkeypatch.setenv("MSPDESK_DATA_DIR", str(tmp_path / "env"))
    assert main(["referral", "add", "--org", "A", "--parent-body", "B"]) == 0
    capsys.readouterr()
    for directory in (after, tmp_path / "env"):
        with Desk.open(directory, read_only=True) as desk:
            assert desk.referrals.count() == 1


INVALID = [
    (["--staff", "lots"], "--staff"),
    (["--contract-value", "a fortune"], "--contract-value"),
    (["--received", "31/02/2013"], "--received"),
    (["--target-date", "soon"], "--target-date"),
    (["--contact-email", "not-an-email"], "contact.email"),
    (["--contact-phone", "ring me"], "contact.phone"),
    (["--source", "carrier pigeon"], "source"),
    (["--region", "Atlantis"], "region"),
    (["--org", "   "], "organisation"),
]


@pytest.mark.parametrize(("extra", "field"), INVALID, ids=[f for _, f in INVALID])
def test_invalid_input_is_one_line_naming_the_field(
    capsys: pytest.CaptureFixture[str], data_dir: Path, extra: list[str], field: str
) -> None:
    add(capsys, data_dir, "--org", "Existing", "--parent-body", "Council")
    before = every_file(data_dir)

    code, out, err = run(
        capsys, data_dir, "referral", "add", "--org", "X", "--parent-body", "Y", *extra
    )

    assert code != 0 and out == ""
    assert_one_line_error(err, field)
    assert every_file(data_dir) == before
    assert not (data_dir / "mspdesk.log").exists()  # a user mistake is not an "unexpected" error


# ------------------------------------------------------------------ referrals list


def test_referrals_list_prints_rows_newest_first(
    capsys: pytest.CaptureFixture[str], data_dir: Path
) -> None:
    old = add(
        capsys, data_dir, "--org", "Old One", "--parent-body", "Kent CC", "--received", "2012-05-01"
    )
    new = add(
        capsys,
        data_dir,
        "--org",
        "New One",
        "--parent-body",
        "Leeds CC",
        "--received",
        "2013-05-01",
    )

    code, out, err = run(capsys, data_dir, "referrals", "list")

    assert code == 0
    rows = [line.split("\t") for line in out.splitlines()]
    assert rows == [
        [new, "2013-05-01", "new", "New One", "Leeds CC"],
        [old, "2012-05-01", "new", "Old One", "Kent CC"],
    ]
    assert err == "2 referral(s)\n"


def test_referrals_list_json(capsys: pytest.CaptureFixture[str], data_dir: Path) -> None:
    ref = add(capsys, data_dir, "--org", "Kent Youth", "--parent-body", "Kent CC", "--staff", "40")
    code, out, _ = run(capsys, data_dir, "referrals", "list", "--json")
    assert code == 0
    rows = json.loads(out)
    assert [row["id"] for row in rows] == [ref]
    assert rows[0]["organisation"] == "Kent Youth" and rows[0]["staff_in_scope"] == 40
    assert rows[0]["contact"]["lawful_basis"] == "public-task"


def test_referrals_list_filters(capsys: pytest.CaptureFixture[str], data_dir: Path) -> None:
    kent = add(capsys, data_dir, "--org", "Kent Youth", "--parent-body", "Kent CC")
    add(capsys, data_dir, "--org", "Leeds Libraries", "--parent-body", "Leeds CC")
    _, out, _ = run(capsys, data_dir, "referrals", "list", "--json", "--search", "KENT youth")
    assert [row["id"] for row in json.loads(out)] == [kent]
    _, out, _ = run(capsys, data_dir, "referrals", "list", "--json", "--status", "accepted")
    assert json.loads(out) == []


def test_referrals_list_makes_control_characters_visible(
    capsys: pytest.CaptureFixture[str], data_dir: Path
) -> None:
    add(capsys, data_dir, "--org", "Evil\x1b[31mRed", "--parent-body", "Council")
    _, out, _ = run(capsys, data_dir, "referrals", "list")
    assert "\x1b" not in out and "Evil\\x1b[31mRed" in out


# ------------------------------------------------------------------ notes


def test_note_add_prints_only_the_note_id(
    capsys: pytest.CaptureFixture[str], data_dir: Path
) -> None:
    ref = add(capsys, data_dir, "--org", "Kent Youth", "--parent-body", "Kent CC")
    code, out, err = run(
        capsys, data_dir, "note", "add", ref, "Called the commissioner", "--kind", "call"
    )
    assert (code, out, err) == (0, "N-00001\n", "")
    with Desk.open(data_dir, read_only=True) as desk:
        [note] = desk.notes.for_subject(ref)
    assert (note.body, note.kind, note.adviser) == ("Called the commissioner", "call", "cli-tester")


def test_note_add_reads_standard_input(
    capsys: pytest.CaptureFixture[str], data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ref = add(capsys, data_dir, "--org", "Kent Youth", "--parent-body", "Kent CC")
    monkeypatch.setattr("sys.stdin", io.StringIO("Line one\nLine two\n"))
    code, out, _ = run(capsys, data_dir, "note", "add", ref, "-")
    assert code == 0
    with Desk.open(data_dir, read_only=True) as desk:
        assert desk.notes.get(out.strip()).body == "Line one\nLine two"


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["R-2013-0404", "text"], "R-2013-0404"),
        (["{ref}", ""], "body"),
        (["{ref}", "text", "--kind", "smoke signal"], "kind"),
    ],
    ids=["unknown record", "empty text", "unknown kind"],
)
def test_note_add_mistakes_are_one_line(
    capsys: pytest.CaptureFixture[str], data_dir: Path, args: list[str], needle: str
) -> None:
    ref = add(capsys, data_dir, "--org", "Kent Youth", "--parent-body", "Kent CC")
    code, out, err = run(capsys, data_dir, "note", "add", *(a.format(ref=ref) for a in args))
    assert code != 0 and out == ""
    assert_one_line_error(err, needle)
    assert not (data_dir / "mspdesk.log").exists()


# ------------------------------------------------------------------ history and undo


def test_history_shows_changes(capsys: pytest.CaptureFixture[str], data_dir: Path) -> None:
    ref = add(capsys, data_dir, "--org", "Kent Youth", "--parent-body", "Kent CC")
    with Desk.open(data_dir, actor="someone") as desk:
        desk.referrals.update(ref, {"stage": "exploring"})

    code, out, _ = run(capsys, data_dir, "history", ref)

    assert code == 0
    lines = out.splitlines()
    assert "cli-tester: Added referral" in lines[0]
    assert "someone: Changed stage" in lines[2]
    assert "    stage: Idea -> Exploring" in lines  # labels, never the stored codes


def test_history_of_an_unknown_record(capsys: pytest.CaptureFixture[str], data_dir: Path) -> None:
    add(capsys, data_dir, "--org", "Kent Youth", "--parent-body", "Kent CC")
    code, out, err = run(capsys, data_dir, "history", "R-2013-0404")
    assert code == 1 and out == ""
    assert "no history for R-2013-0404" in err


def test_undo_reverses_the_last_change(capsys: pytest.CaptureFixture[str], data_dir: Path) -> None:
    first = add(capsys, data_dir, "--org", "Kent Youth", "--parent-body", "Kent CC")
    add(capsys, data_dir, "--org", "Second", "--parent-body", "Kent CC")
    run(capsys, data_dir, "note", "add", first, "a note")

    code, out, _ = run(capsys, data_dir, "undo")
    assert code == 0 and out.startswith("Undid: Note N-00001")
    code, out, _ = run(capsys, data_dir, "undo")
    assert code == 0 and out.startswith("Undid: Added referral")

    _, out, _ = run(capsys, data_dir, "referrals", "list", "--json")
    assert [row["id"] for row in json.loads(out)] == [first]
    _, out, _ = run(capsys, data_dir, "history", first)
    added, note, undid = out.splitlines()[0], out.splitlines()[2], out.splitlines()[-1]
    assert "Added referral" in added and "(undone)" not in added
    assert "Note N-00001" in note and note.endswith("(undone)")
    assert "Undid: Note N-00001" in undid


def test_undo_with_nothing_to_undo(capsys: pytest.CaptureFixture[str], data_dir: Path) -> None:
    add(capsys, data_dir, "--org", "Kent Youth", "--parent-body", "Kent CC")
    run(capsys, data_dir, "undo")
    code, out, err = run(capsys, data_dir, "undo")
    assert code == 1 and out == ""
    assert_one_line_error(err, "nothing to undo")


# ------------------------------------------------------------------ doctor and version


def test_doctor_ok(capsys: pytest.CaptureFixture[str], data_dir: Path) -> None:
    add(capsys, data_dir, "--org", "Kent Youth", "--parent-body", "Kent CC")
    code, out, _ = run(capsys, data_dir, "doctor")
    assert code == 0
    assert out.splitlines()[-1] == "ok"
    assert "referrals: 1" in out


def test_doctor_on_a_corrupt_snapshot(capsys: pytest.CaptureFixture[str], data_dir: Path) -> None:
    ref = add(capsys, data_dir, "--org", "Kent Youth", "--parent-body", "Kent CC")
    with Desk.open(data_dir) as desk:
        desk.checkpoint()
        desk.referrals.update(ref, {"stage": "exploring"})
        desk.checkpoint()
    snapshot = data_dir / "snapshot.json"
    snapshot.write_bytes(snapshot.read_bytes()[:100])
    before = every_file(data_dir)

    code, out, _ = run(capsys, data_dir, "doctor")

    assert code == 1
    problems = [line for line in out.splitlines() if line.startswith("PROBLEM: ")]
    assert problems and "backups" in problems[0]
    assert out.splitlines()[-1] == "1 problem(s) found"
    assert every_file(data_dir) == before


def test_commands_on_a_corrupt_snapshot_fail_cleanly(
    capsys: pytest.CaptureFixture[str], data_dir: Path
) -> None:
    add(capsys, data_dir, "--org", "Kent Youth", "--parent-body", "Kent CC")
    with Desk.open(data_dir) as desk:
        desk.checkpoint()
    (data_dir / "snapshot.json").write_bytes(b"\x00" * 10)
    # With the journal kept in backups/ the desk recovers by itself; without it, it refuses.
    shutil.rmtree(data_dir / "backups")
    before = every_file(data_dir)
    for args in (["referrals", "list"], ["referral", "add", "--org", "A", "--parent-body", "B"]):
        code, out, err = run(capsys, data_dir, *args)
        assert code == 4 and out == ""
        assert_one_line_error(err, "snapshot.json", "untouched")
    assert every_file(data_dir) == before


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as raised:
        main(["--version"])
    assert raised.value.code == 0
    assert capsys.readouterr().out.strip() == f"mspdesk {__version__}"


def test_referral_add_with_staff_control(
    capsys: pytest.CaptureFixture[str], data_dir: Path
) -> None:
    code, out, _ = run(
        capsys, data_dir, "referral", "add", "--org", "Leisure Co-op", "--parent-body", "Anyshire",
        "--model", "multi-stakeholder", "--staff-votes", "60%", "--staff-board", "50",
    )  # fmt: skip
    assert code == 0
    code, shown, _ = run(capsys, data_dir, "referral", "show", out.strip(), "--json")
    record = json.loads(shown)
    assert record["staff_votes_percent"] == 60 and record["staff_board_percent"] == 50
    code, _, err = run(
        capsys, data_dir, "referral", "add", "--org", "A", "--parent-body", "B",
        "--staff-votes", "160",
    )  # fmt: skip
    assert code == 1 and "between 0% and 100%" in err


def test_redo_applies_again_what_undo_reversed(
    capsys: pytest.CaptureFixture[str], data_dir: Path
) -> None:
    code, out, _ = run(
        capsys, data_dir, "referral", "add", "--org", "Redo Co", "--parent-body", "P"
    )
    assert code == 0
    run(capsys, data_dir, "undo")
    code, out, _ = run(capsys, data_dir, "redo")
    assert code == 0 and out.startswith("Redid: ")
    code, out, _ = run(capsys, data_dir, "referrals", "list")
    assert "Redo Co" in out
    code, _, err = run(capsys, data_dir, "redo")
    assert code == 1 and "nothing to redo" in err
