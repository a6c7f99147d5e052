"""Private, durable file primitives: user-only permissions, fsync, atomic replace."""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Callable, Iterable
from pathlib import Path

FILE_MODE = 0o600
DIR_MODE = 0o700


def private_dir(path: Path) -> Path:
    """Create `path` (and parents) as user-only, and tighten it if it already exists."""
    path.mkdir(mode=DIR_MODE, parents=True, exist_ok=True)
    if os.name == "posix" and (path.stat().st_mode & 0o777) != DIR_MODE:
        path.chmod(DIR_MODE)
    return path


def sync_to_disk(fd: int) -> None:
    """Flush `fd` to stable storage before a write is acknowledged.

    On macOS plain fsync only reaches the drive's cache; F_FULLFSYNC asks the drive to
    flush too (slower, but "saved" must mean saved).
    """
    if sys.platform == "darwin":  # pragma: no cover - exercised on macOS only
        import fcntl

        try:
            fcntl.fcntl(fd, fcntl.F_FULLFSYNC)
            return
        except OSError:
            pass  # Some file systems refuse it; fall back to fsync.
    os.fsync(fd)


def fsync_dir(path: Path) -> None:
    """Make a rename or create in `path` durable (a no-op where directories can't be opened)."""
    if os.name != "posix":
        return
    fd = os.open(path, os.O_RDONLY)
    try:
        sync_to_disk(fd)
    finally:
        os.close(fd)


def write_all(fd: int, data: bytes) -> None:
    """Write every byte of `data` to `fd` (os.write may write less than asked)."""
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]


def atomic_write(path: Path, data: bytes | Iterable[bytes]) -> None:
    """Replace `path` with `data` (bytes, or pieces written one after the other, so a big
    snapshot is never joined into one more copy) so that a crash leaves either the old or
    the new file."""
    tmp = path.with_name(f"{path.name}.tmp-{os.getpid()}")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, FILE_MODE)
    try:
        for piece in [data] if isinstance(data, bytes) else data:
            write_all(fd, piece)
        sync_to_disk(fd)
    except BaseException:
        os.close(fd)
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
    os.close(fd)
    os.replace(tmp, path)
    fsync_dir(path.parent)


def remove_stale_temp_files(directory: Path, is_ours: Callable[[str], bool]) -> list[Path]:
    """Delete temp files a killed process left behind, only those `is_ours` recognises by
    name (a folder may hold other programs' `*.tmp-*` files); returns what was removed."""
    removed = []
    for leftover in directory.glob("*.tmp-*"):
        if not is_ours(leftover.name) or not leftover.is_file() or leftover.is_symlink():
            continue
        with contextlib.suppress(OSError):
            leftover.unlink()
            removed.append(leftover)
    return removed
