"""Exports write regular files only: a device, FIFO, socket or a path inside the data folder
is refused with --force or without; the temporary file is removed on every failure; a killed
`export all` is cleaned up on the next run."""

from __future__ import annotations

import errno
import os
import socket
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from export_data import fill_case

from cli_inprocess import mspdesk_in_process
from mspdesk.transfer.exporters import ExportError, write_export
from mspdesk.transfer.exporters import output as output_module
from mspdesk.transfer.exporters.output import check_target, remove_leftovers

posix_only = pytest.mark.skipif(os.name != "posix", reason="FIFOs and sockets")


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("targets") / "data"
    fill_case(path)
    return path


def mspdesk(data: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """`mspdesk` in this process (tests/cli_inprocess.py): what it says and leaves behind."""
    return mspdesk_in_process(data, *args)


def files_of(folder: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(folder)): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and p.name != "mspdesk.lock"
    }


@posix_only
@pytest.mark.parametrize("force", [(), ("--force",)])
def test_export_to_a_fifo_is_refused_and_the_fifo_untouched(
    data: Path, tmp_path: Path, force: tuple[str, ...]
) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo, 0o644)
    result = mspdesk(data, "export", "case", "C-0001", "--format", "md", "-o", str(fifo), *force)
    assert result.returncode == 5, result.stderr
    assert "named pipe (FIFO), not a regular file" in result.stderr
    assert stat.S_ISFIFO(fifo.lstat().st_mode) and stat.S_IMODE(fifo.lstat().st_mode) == 0o644
    assert [p.name for p in tmp_path.iterdir()] == ["pipe"]


@posix_only
def test_a_socket_and_a_device_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "s.sock"
    server = socket.socket(socket.AF_UNIX)
    try:
        server.bind(str(path))
        with pytest.raises(ExportError, match="a socket"):
            write_export(path, b"x", force=True)
    finally:
        server.close()
    # check_target never writes, so asking about /dev/null is safe even as root.
    with pytest.raises(ExportError, match="a device"):
        check_target(Path(os.devnull), force=True)
    assert stat.S_ISCHR(Path(os.devnull).stat().st_mode)


@pytest.mark.parametrize("name", ["journal.jsonl", "snapshot.json", "backups/new.md", "x.md"])
def test_export_into_the_data_folder_is_refused(data: Path, name: str) -> None:
    before = files_of(data)
    target = data / name
    result = mspdesk(data, "export", "notes", "-o", str(target), "--force")
    assert result.returncode == 5, result.stderr
    assert "inside the desk's data folder" in result.stderr
    assert files_of(data) == before
    doctor = mspdesk(data, "doctor")
    assert doctor.returncode == 0, doctor.stdout


def test_a_link_into_the_data_folder_is_refused(data: Path, tmp_path: Path) -> None:
    link = tmp_path / "innocent.csv"
    link.symlink_to(data / "journal.jsonl")
    before = files_of(data)
    result = mspdesk(data, "export", "notes", "-o", str(link), "--force")
    assert result.returncode == 5 and "inside the desk's data folder" in result.stderr
    assert files_of(data) == before and link.is_symlink()
    all_into = mspdesk(data, "export", "all", "-o", str(data / "exports"))
    assert all_into.returncode == 5 and "inside the desk's data folder" in all_into.stderr
    assert not (data / "exports").exists()


@pytest.mark.parametrize("failing", ["write", "fsync", "replace"])
def test_temp_file_removed_on_every_failure(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, failing: str
) -> None:
    target = tmp_path / "out.csv"
    target.write_bytes(b"old")

    def disk_full(*args: object, **kwargs: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    if failing == "write":
        monkeypatch.setattr(output_module, "_write_all", disk_full)
    else:
        monkeypatch.setattr(output_module.os, failing, disk_full)
    with pytest.raises(ExportError, match="No space left on device"):
        write_export(target, b"new", force=True)
    monkeypatch.undo()
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["out.csv"]


def dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def test_export_all_cleans_up_what_a_killed_run_left(data: Path, tmp_path: Path) -> None:
    folder = tmp_path / "out"
    folder.mkdir()
    pid = dead_pid()
    leftovers = [
        folder / f".C-0001.md.{pid}-0123abcd.tmp",
        folder / f".notes.csv.{pid}-deadbeef.tmp",
    ]
    for path in leftovers:
        path.write_bytes(b"personal data from a killed export")
    stranger = folder / ".other.txt.1-0123abcd.tmp"  # not a file export all writes
    stranger.write_bytes(b"keep")
    result = mspdesk(data, "export", "all", "-o", str(folder))
    assert result.returncode == 0, result.stderr
    assert not any(path.exists() for path in leftovers)
    assert stranger.read_bytes() == b"keep"
    assert not [p for p in folder.iterdir() if p.name.endswith(".tmp") and p != stranger]


def test_leftovers_of_a_live_process_are_kept(tmp_path: Path) -> None:
    mine = tmp_path / f".a.md.{os.getppid()}-0123abcd.tmp"
    mine.write_bytes(b"being written")
    assert remove_leftovers(tmp_path) == []
    assert mine.exists()
