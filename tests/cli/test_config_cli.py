"""`mspdesk config get|set` and `mspdesk case assign`: the adviser's name, recorded on every
change, and a case handed to another adviser."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from mspdesk import config
from mspdesk.cli import main
from mspdesk.desk import Desk


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_set_then_get_each_setting(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    code, out, _ = run(capsys, "config", "set", "adviser", "Sam Okafor")
    assert code == 0 and "adviser = Sam Okafor" in out
    run(capsys, "config", "set", "export_folder", "~/exports")
    code, out, _ = run(capsys, "config", "get", "adviser")
    assert (code, out) == (0, "Sam Okafor\n")
    code, out, _ = run(capsys, "config", "get")
    assert "adviser = Sam Okafor" in out and "export_folder = ~/exports" in out
    path = config.config_file()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    # Without a value the setting goes.
    run(capsys, "config", "set", "export_folder")
    code, out, err = run(capsys, "config", "get", "export_folder")
    assert code == 1 and out == "" and "not set" in err


def test_a_setting_that_does_not_exist(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "config", "set", "colour", "red")
    assert code == 1 and "no setting 'colour'" in err and "adviser" in err


def test_the_adviser_in_the_config_is_recorded_on_every_change(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, data_dir: Path
) -> None:
    monkeypatch.delenv("MSPDESK_ADVISER", raising=False)
    run(capsys, "config", "set", "adviser", "sam")
    code, out, _ = run(
        capsys, "--data-dir", str(data_dir), "referral", "add", "--org", "A", "--parent-body", "B"
    )
    assert code == 0
    reference = out.strip().split()[-1] if out.strip() else ""
    with Desk.open(data_dir, read_only=True) as desk:
        assert desk.actor == "sam"
        [row] = desk.referrals.rows()
        [entry] = desk.history(str(row["id"]))
        assert entry.actor == "sam", reference


def test_case_assign_hands_a_case_to_another_adviser(
    capsys: pytest.CaptureFixture[str], data_dir: Path
) -> None:
    with Desk.open(data_dir, actor="tester") as desk:
        referral = desk.referrals.add({"organisation": "Assign Co", "parent_body": "P"})
        desk.triage.decide(referral.id, "accept", "Promising")
        case_id = desk.referrals.get(referral.id).case_id
    assert case_id is not None
    code, out, _ = run(capsys, "--data-dir", str(data_dir), "case", "assign", case_id, "alex")
    assert code == 0 and "now held by alex" in out
    with Desk.open(data_dir, read_only=True) as desk:
        assert desk.cases.get(case_id).adviser == "alex"
    code, _, err = run(capsys, "--data-dir", str(data_dir), "case", "assign", "C-9999", "alex")
    assert code == 1 and "C-9999" in err
    assert os.environ.get("MSPDESK_CONFIG")  # the settings file is the test's own


def test_history_says_lists_and_records_in_words(
    capsys: pytest.CaptureFixture[str], data_dir: Path
) -> None:
    with Desk.open(data_dir, actor="tester") as desk:
        referral = desk.referrals.add({"organisation": "Words Co", "parent_body": "P"})
        desk.triage.decide(referral.id, "accept", "Promising")
        case_id = desk.referrals.get(referral.id).case_id
        assert case_id is not None
        desk.cases.add_person(case_id, {"role": "mutual-ambassador", "name": "Jo Hart"})
    code, out, _ = run(capsys, "--data-dir", str(data_dir), "history", case_id)
    assert code == 0
    assert "{" not in out and "[" not in out  # never a raw structure
    assert "record created" in out and "people:" in out and "entries" in out
