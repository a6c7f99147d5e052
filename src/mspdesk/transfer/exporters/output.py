"""Writing an export file: never over an existing file unless forced, and atomically.

The bytes go to a temporary file in the target's folder, are flushed to disk (fsync), and
only then take the target's name: a crash, a full disk or an error part-way leaves the
target as it was (absent, or the old file), never half written. Files are created 0600:
exports hold personal data about referral contacts.
"""

from __future__ import annotations

import contextlib
import os
import secrets
from pathlib import Path

from mspdesk.domain.errors import UserError

FILE_MODE = 0o600
DIR_MODE = 0o700


class ExportError(UserError):
    """An export could not be written (nothing was written, or the old file was kept)."""

    exit_code = 5


class ExportExists(UserError):
    """The target file is there already and overwriting was not asked for."""


def check_target(path: Path, *, force: bool) -> Path:
    """`path` (with ~ expanded) if an export may be written there; raises otherwise."""
    target = path.expanduser()
    if target.is_dir():
        raise ExportError(f"cannot export to {target}: it is a folder; give a file name")
    if not target.parent.is_dir():
        raise ExportError(f"cannot export to {target}: the folder {target.parent} does not exist")
    if not force and (target.exists() or target.is_symlink()):
        raise ExportExists(f"{target} already exists; use --force to replace it")
    return target


def write_export(path: Path, data: bytes, *, force: bool = False) -> Path:
    """Write `data` to `path` atomically (0600); returns the path written.

    Without `force` an existing file is never replaced, even one that appears while the
    export is being written. Raises ExportExists or ExportError.
    """
    target = check_target(path, force=force)
    tmp = target.with_name(f".{target.name}.{os.getpid()}-{secrets.token_hex(4)}.tmp")
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
    except OSError as error:
        raise _failed(target, error) from None
    try:
        try:
            _write_all(fd, data)
            os.fsync(fd)
        finally:
            os.close(fd)
        _move_into_place(tmp, target, force=force)
        _fsync_dir(target.parent)
    except OSError as error:
        raise _failed(target, error) from None
    finally:
        with contextlib.suppress(OSError):
            tmp.unlink()
    return target


def private_folder(path: Path) -> Path:
    """`path` as a folder for exports, created user-only (0700) if it does not exist."""
    folder = path.expanduser()
    if folder.exists() and not folder.is_dir():
        raise ExportError(f"cannot export into {folder}: it is a file, not a folder")
    try:
        folder.mkdir(mode=DIR_MODE, parents=True, exist_ok=True)
    except OSError as error:
        raise ExportError(f"cannot create the folder {folder}: {error.strerror or error}") from None
    return folder


def _move_into_place(tmp: Path, target: Path, *, force: bool) -> None:
    if force:
        os.replace(tmp, target)
        return
    try:
        os.link(tmp, target)  # fails, atomically, if the target exists by now
    except FileExistsError:
        raise ExportExists(f"{target} already exists; use --force to replace it") from None
    except OSError:
        # A file system without hard links (some network and FAT drives): check, then rename.
        if target.exists():
            raise ExportExists(f"{target} already exists; use --force to replace it") from None
        os.replace(tmp, target)


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]


def _fsync_dir(folder: Path) -> None:
    if os.name != "posix":
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _failed(target: Path, error: OSError) -> ExportError:
    return ExportError(
        f"cannot write {target}: {error.strerror or error}; the file was left as it was"
    )
