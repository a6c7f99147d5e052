"""The fault suite: full disk, read-only file system and folder, permission denied, a folder
where a file should be, impossible dates. Each gives the documented exit code and a clear
message (never "unexpected error"), loses nothing acknowledged, and changes no file outside
the data directory. A real small tmpfs is used where the machine allows mounting one; an
injected OSError otherwise (and always for what root would bypass)."""

from __future__ import annotations

import contextlib
import errno
import json
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from storehelp import file_bytes

from cli_inprocess import mspdesk_in_process
from mspdesk.cli import main
from mspdesk.desk import Desk
from mspdesk.store import journal as journal_module
from mspdesk.store import lock as lock_module
from mspdesk.store.journal import JOURNAL_NAME
from mspdesk.store.lock import LOCK_NAME
from mspdesk.store.snapshot import SNAPSHOT_NAME


def mspdesk(data: Path, *args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """`mspdesk` in this process (tests/cli_inprocess.py): what it says and leaves behind."""
    return mspdesk_in_process(data, *args, env={"MSPDESK_ADVISER": "fault-tester"}, cwd=cwd)


def run(capsys: pytest.CaptureFixture[str], data: Path, *argv: str) -> tuple[int, str, str]:
    code = main([*argv, "--data-dir", str(data)])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def clear(err: str) -> None:
    """One plain line, not a crash."""
    assert err.startswith("mspdesk: ") and "unexpected" not in err and "Traceback" not in err


@pytest.fixture
def filled(tmp_path: Path) -> tuple[Path, list[str]]:
    data = tmp_path / "data"
    with Desk.open(data, actor="t") as desk:
        refs = [
            desk.referrals.add({"organisation": f"Org {n}", "parent_body": "P"}).id
            for n in range(3)
        ]
    return data, refs


def assert_all_there(data: Path, refs: list[str]) -> None:
    with Desk.open(data, read_only=True) as desk:
        ids = {row["id"] for row in desk.referrals.rows()}
    assert set(refs) <= ids, f"acknowledged referrals lost: {set(refs) - ids}"


# ------------------------------------------------------------------ a real small file system


@contextlib.contextmanager
def tmpfs(where: Path, size: str) -> Iterator[Path]:
    where.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size},mode=0755", "tmpfs", str(where)],
        capture_output=True,
    )
    if mounted.returncode != 0:
        pytest.skip("cannot mount a tmpfs here; the injected faults below cover it")
    try:
        yield where
    finally:
        subprocess.run(["umount", "-l", str(where)], check=False)


def fill_up(folder: Path) -> Path:
    filler = folder / "filler"
    with contextlib.suppress(OSError), filler.open("wb") as handle:
        while True:
            handle.write(b"\0" * 4096)
            handle.flush()
    return filler


@pytest.mark.skipif(os.name != "posix" or os.geteuid() != 0, reason="needs mount (root)")
def test_full_disk_on_a_real_small_file_system(tmp_path: Path) -> None:
    with tmpfs(tmp_path / "mnt", "512k") as mnt:
        data = mnt / "data"
        refs = []
        for n in range(3):
            added = mspdesk(data, "referral", "add", "--org", f"Org {n}", "--parent-body", "P")
            assert added.returncode == 0, added.stderr
            refs.append(added.stdout.strip())
        outside = mnt / "someone-elses.txt"
        outside.write_text("untouched")
        filler = fill_up(mnt)
        before = file_bytes(data)
        result = mspdesk(data, "referral", "add", "--org", "Too much", "--parent-body", "P")
        assert result.returncode == 5, result.stderr
        clear(result.stderr)
        assert "No space left on device" in result.stderr and result.stdout == ""
        assert file_bytes(data) == before
        listed = mspdesk(data, "referrals", "list")  # reading needs no space
        assert listed.returncode == 0 and all(ref in listed.stdout for ref in refs)
        assert mspdesk(data, "doctor").returncode == 0
        filler.unlink()
        again = mspdesk(data, "referral", "add", "--org", "Room now", "--parent-body", "P")
        assert again.returncode == 0, again.stderr
        assert_all_there(data, [*refs, again.stdout.strip()])
        assert outside.read_text() == "untouched"


@pytest.mark.skipif(os.name != "posix" or os.geteuid() != 0, reason="needs mount (root)")
def test_read_only_file_system_opens_read_only(tmp_path: Path) -> None:
    with tmpfs(tmp_path / "mnt", "1m") as mnt:
        data = mnt / "data"
        added = mspdesk(data, "referral", "add", "--org", "Kept", "--parent-body", "P")
        assert added.returncode == 0
        remount = subprocess.run(["mount", "-o", "remount,ro", str(mnt)], capture_output=True)
        if remount.returncode != 0:
            pytest.skip("cannot remount read-only here")
        result = mspdesk(data, "referral", "add", "--org", "New", "--parent-body", "P")
        assert result.returncode == 3, result.stderr
        clear(result.stderr.splitlines()[-1])
        assert "read-only" in result.stderr
        listed = mspdesk(data, "referrals", "list")
        assert listed.returncode == 0 and added.stdout.strip() in listed.stdout
        doctor = mspdesk(data, "doctor")
        assert "Traceback" not in doctor.stdout + doctor.stderr


# ------------------------------------------------------------------ injected faults


def test_full_disk_while_taking_the_lock(
    capsys: pytest.CaptureFixture[str],
    filled: tuple[Path, list[str]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    data, refs = filled

    def no_space(fd: int, data: bytes) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(lock_module, "write_all", no_space)
    code, out, err = run(capsys, data, "referral", "add", "--org", "X", "--parent-body", "P")
    assert (code, out) == (5, "")
    clear(err)
    assert "cannot take the lock" in err and "disk is full" in err
    monkeypatch.undo()
    # The failed open let the lock go: the next command works and nothing was lost.
    code, out, err = run(capsys, data, "referral", "add", "--org", "Y", "--parent-body", "P")
    assert code == 0, err
    assert_all_there(data, refs)


def test_full_disk_when_the_lock_file_cannot_be_created(
    capsys: pytest.CaptureFixture[str],
    filled: tuple[Path, list[str]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    data, refs = filled
    (data / LOCK_NAME).unlink()
    real_open = os.open

    def no_inodes(path: str | Path, *args: object, **kwargs: object) -> int:
        if Path(path).name == LOCK_NAME:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return real_open(path, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(lock_module.os, "open", no_inodes)
    code, _, err = run(capsys, data, "referral", "add", "--org", "X", "--parent-body", "P")
    assert code == 5 and "disk is full" in err
    clear(err)
    monkeypatch.undo()
    assert_all_there(data, refs)


def test_full_disk_while_appending(
    capsys: pytest.CaptureFixture[str],
    filled: tuple[Path, list[str]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    data, refs = filled
    before = (data / JOURNAL_NAME).read_bytes()

    def no_space(fd: int) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(journal_module, "sync_to_disk", no_space)
    code, out, err = run(capsys, data, "referral", "add", "--org", "X", "--parent-body", "P")
    assert (code, out) == (5, "")
    clear(err)
    assert "not saved" in err and "No space left" in err
    monkeypatch.undo()
    assert (data / JOURNAL_NAME).read_bytes() == before
    assert_all_there(data, refs)


@pytest.mark.parametrize("name", [JOURNAL_NAME, SNAPSHOT_NAME])
def test_permission_denied_reading_a_desk_file(
    capsys: pytest.CaptureFixture[str],
    filled: tuple[Path, list[str]],
    monkeypatch: pytest.MonkeyPatch,
    name: str,
) -> None:
    data, _ = filled
    with Desk.open(data) as desk:
        desk.core.store.checkpoint()
    real, real_open = Path.read_bytes, Path.open

    def denied(self: Path) -> bytes:
        if self.name == name:
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(self))
        return real(self)

    def denied_open(self: Path, *args: Any, **kwargs: Any) -> Any:
        if self.name == name:  # the snapshot is opened and mapped, not read whole
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(self))
        return real_open(self, *args, **kwargs)

    before = file_bytes(data)
    monkeypatch.setattr(Path, "read_bytes", denied)
    monkeypatch.setattr(Path, "open", denied_open)
    for argv in (("referrals", "list"), ("referral", "add", "--org", "X", "--parent-body", "P")):
        code, out, err = run(capsys, data, *argv)
        assert (code, out) == (2, ""), err
        clear(err)
        assert "Permission denied" in err and name in err
    code, out, _ = run(capsys, data, "doctor")
    assert code == 1 and "Permission denied" in out
    monkeypatch.undo()
    assert file_bytes(data) == before


def test_permission_denied_on_the_folder(
    capsys: pytest.CaptureFixture[str],
    filled: tuple[Path, list[str]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    data, _ = filled
    from mspdesk.store import folder as folder_module

    def denied(path: object) -> object:
        raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(path))

    monkeypatch.setattr(folder_module.os, "scandir", denied)
    code, out, err = run(capsys, data, "referrals", "list")
    assert (code, out) == (2, "")
    clear(err)
    assert "cannot read the data folder" in err and "Permission denied" in err


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root bypasses modes")
def test_permission_denied_for_real(filled: tuple[Path, list[str]]) -> None:
    data, _ = filled
    (data / JOURNAL_NAME).chmod(0)
    try:
        result = mspdesk(data, "referrals", "list")
        assert result.returncode == 2 and "Permission denied" in result.stderr
    finally:
        (data / JOURNAL_NAME).chmod(0o600)


@pytest.mark.parametrize("name", [JOURNAL_NAME, LOCK_NAME, SNAPSHOT_NAME])
def test_a_folder_where_a_desk_file_should_be(filled: tuple[Path, list[str]], name: str) -> None:
    data, _ = filled
    path = data / name
    if path.exists():
        path.unlink()
    path.mkdir()
    (path / "inside").write_text("x")
    before = file_bytes(data)
    write = mspdesk(data, "referral", "add", "--org", "X", "--parent-body", "P")
    if name == LOCK_NAME:
        assert write.returncode == 4, write.stderr
    else:
        assert write.returncode == 4, write.stderr
        assert mspdesk(data, "referrals", "list").returncode == 4
    clear(write.stderr)
    assert "a folder is where a file should be" in write.stderr and name in write.stderr
    doctor = mspdesk(data, "doctor")
    assert doctor.returncode in (0, 1) and "Traceback" not in doctor.stdout + doctor.stderr
    assert file_bytes(data) == before


def test_dates_outside_1900_to_2100_are_bad_input(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    data = tmp_path / "data"
    with Desk.open(data, actor="t") as desk:
        referral = desk.referrals.add({"organisation": "Org", "parent_body": "P"})
        desk.triage.decide(referral.id, "accept", "ok")
    before = file_bytes(data)
    for day in ("9999-12-01", "01/12/1899"):
        code, out, err = run(capsys, data, "milestone", "done", "C-0001", "M01", "--on", day)
        assert (code, out) == (1, "")
        clear(err)
        assert "outside the years 1900-2100" in err
    assert file_bytes(data) == before
    # An exported case carrying such a date is refused on import, nothing saved.
    exported = tmp_path / "case.json"
    code, _, err = run(
        capsys, data, "export", "case", "C-0001", "--format", "json", "-o", str(exported)
    )
    assert code == 0, err
    document = json.loads(exported.read_text(encoding="utf-8"))
    document["case"]["opened_on"] = "9999-12-01"
    exported.write_text(json.dumps(document), encoding="utf-8")
    other = tmp_path / "other"
    code, out, err = run(capsys, other, "import", "case", str(exported))
    assert code == 1 and "9999-12-01 is outside the years 1900-2100" in err, err
    clear(err)
    with Desk.open(other, read_only=True) as desk:
        assert desk.cases.rows() == []


def test_a_snapshot_that_cannot_be_written_at_close_is_a_warning_on_stderr(
    capsys: pytest.CaptureFixture[str],
    filled: tuple[Path, list[str]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from mspdesk.store import tinystore

    data, refs = filled

    def no_space(*args: object) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(tinystore, "CHECKPOINT_ON_CLOSE", 1)
    monkeypatch.setattr(tinystore, "write_snapshot", no_space)
    code, out, err = run(capsys, data, "referral", "add", "--org", "X", "--parent-body", "P")
    assert code == 0 and out.startswith("R-")  # the change itself is safe in the journal
    assert "mspdesk: warning: could not write a snapshot" in err
    monkeypatch.undo()
    assert_all_there(data, [*refs, out.strip()])
