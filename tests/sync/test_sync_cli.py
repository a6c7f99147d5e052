"""`mspdesk sync …` as a contract: names, options, exit codes, JSON."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from synchelp import bare_remote

sys.path.insert(0, str(Path(__file__).parents[1] / "cli"))
from clihelp import run


def files_of(folder: Path) -> dict[str, bytes]:
    return {str(p): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def test_an_unreachable_remote_is_exit_6_and_changes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = tmp_path / "data"
    assert run(capsys, data, "referral", "add", "--org", "A Mutual", "--parent-body", "P")[0] == 0
    remote = bare_remote(tmp_path)
    assert run(capsys, data, "sync", "init", str(remote))[0] == 0
    before = files_of(data)
    remote.rename(tmp_path / "gone.git")
    code, _out, err = run(capsys, data, "sync")
    assert code == 6
    assert "cannot reach the sync remote" in err
    after = files_of(data)
    changed = {p for p in after if after[p] != before.get(p)}
    # Only the note of the failure (state.json) and git's own FETCH_HEAD: no record.
    assert {Path(p).name for p in changed} <= {"state.json", "FETCH_HEAD", "mspdesk.lock"}
    code, _out, err = run(capsys, tmp_path / "other", "sync", "init", str(tmp_path / "none"))
    assert code == 6


def test_sync_before_init_says_how_to_start(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _out, err = run(capsys, tmp_path / "data", "sync")
    assert code == 1
    assert "mspdesk sync init REMOTE" in err


def test_status_clashes_and_resolve_speak_json_and_exit_codes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = tmp_path / "data"
    remote = bare_remote(tmp_path)
    assert run(capsys, data, "sync", "init", str(remote))[0] == 0
    code, out, _err = run(capsys, data, "sync")
    assert (code, out.split(";")[0]) == (0, "in: 0 change(s) from 0 desk(s)")
    code, out, _err = run(capsys, data, "sync", "status", "--json")
    status = json.loads(out)
    assert code == 0
    assert status["remote"] == str(remote)
    assert status["waiting"] == 0 and status["clashes"] == 0
    assert set(status) == {"desk", "code", "remote", "last_sync", "waiting", "clashes", "desks"}
    code, out, _err = run(capsys, data, "sync", "clashes", "--json")
    assert (code, json.loads(out)) == (0, [])
    code, _out, err = run(capsys, data, "sync", "resolve", "X-00000000", "--keep", "mine")
    assert code == 1 and "no clash X-00000000" in err
    with pytest.raises(SystemExit) as usage:
        run(capsys, data, "sync", "resolve", "X-1", "--keep", "both")
    assert usage.value.code == 2
