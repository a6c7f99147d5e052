"""Writing an export file: never over an existing file unless forced, and atomically.

The bytes go to a temporary file in the target's folder, are flushed to disk (fsync), and
only then take the target's name: a crash, a full disk or an error part-way leaves the
target as it was (absent, or the old file), never half written. Files are created 0600:
exports hold personal data about referral contacts.
"""

from __future__ import annotations

import contextlib
import os
import re
import secrets
import stat
from collections.abc import Iterable
from pathlib import Path

from mspdesk.domain.errors import UserError

FILE_MODE = 0o600
DIR_MODE = 0o700


class ExportError(UserError):
    """An export could not be written (nothing was written, or the old file was kept)."""

    exit_code = 5


class ExportExists(UserError):
    """The target file is there already and overwriting was not asked for."""


def check_target(path: Path, *, force: bool, data_dir: Path | None = None) -> Path:
    """`path` (with ~ expanded) if an export may be written there; raises otherwise.

    Only a regular file is ever replaced, and only with `force`: a device (/dev/null), a
    FIFO, a socket or a folder is refused either way, and so is any path inside the desk's
    own data folder `data_dir` (an export over journal.jsonl would empty the desk).
    """
    target = path.expanduser()
    refuse_inside(target, data_dir)
    if target.is_dir():
        raise ExportError(f"cannot export to {target}: it is a folder; give a file name")
    if not target.parent.is_dir():
        raise ExportError(f"cannot export to {target}: the folder {target.parent} does not exist")
    try:
        kind = target.stat().st_mode  # follows a link: what would be overwritten
    except FileNotFoundError:
        kind = None
    except OSError as error:
        raise _failed(target, error) from None
    if kind is not None and not stat.S_ISREG(kind):
        raise ExportError(
            f"cannot export to {target}: it is {_kind_name(kind)}, not a regular file; "
            "give the name of a new file (--force replaces only regular files)"
        )
    if not force and (target.exists() or target.is_symlink()):
        raise ExportExists(f"{target} already exists; use --force to replace it")
    return target


def refuse_inside(target: Path, data_dir: Path | None) -> None:
    """Raise if `target` (a file or folder to write) is in the data folder `data_dir`."""
    if data_dir is None:
        return
    home = data_dir.expanduser().resolve()
    where = target.parent.resolve() / target.name
    candidates = [where, where.resolve()] if where.is_symlink() else [where]
    if any(place == home or place.is_relative_to(home) for place in candidates):
        raise ExportError(
            f"cannot export to {target}: it is inside the desk's data folder {home}, whose "
            "files only mspdesk may write; choose a folder outside it"
        )


def _kind_name(mode: int) -> str:
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISDIR(mode):
        return "a folder"
    return "a special file"


def remove_leftovers(folder: Path, names: Iterable[str] | None = None) -> list[Path]:
    """Delete temporary files a killed export left in `folder` (for the files `names`, or
    any export's), only when the process that made them is gone; returns what went."""
    removed: list[Path] = []
    wanted = None if names is None else set(names)
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return removed
    for entry in entries:
        found = _TEMP_NAME.match(entry.name)
        if found is None or (wanted is not None and found["name"] not in wanted):
            continue
        if _alive(int(found["pid"])) or not entry.is_file(follow_symlinks=False):
            continue
        with contextlib.suppress(OSError):
            os.unlink(entry.path)
            removed.append(Path(entry.path))
    return removed


_TEMP_NAME = re.compile(r"^\.(?P<name>.+)\.(?P<pid>\d+)-[0-9a-f]{8}\.tmp$")


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # someone else's live process
    return True


def write_export(
    path: Path, data: bytes, *, force: bool = False, data_dir: Path | None = None
) -> Path:
    """Write `data` to `path` atomically (0600); returns the path written.

    Without `force` an existing file is never replaced, even one that appears while the
    export is being written. The temporary file sits beside the target and is removed on
    every failure. Raises ExportExists or ExportError.
    """
    target = check_target(path, force=force, data_dir=data_dir)
    remove_leftovers(target.parent, [target.name])
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


def private_folder(path: Path, data_dir: Path | None = None) -> Path:
    """`path` as a folder for exports, created user-only (0700) if it does not exist;
    never a folder inside the data folder `data_dir`."""
    folder = path.expanduser()
    refuse_inside(folder, data_dir)
    if folder.exists() and not folder.is_dir():
        raise ExportError(f"cannot export into {folder}: it is a file, not a folder")
    try:
        folder.mkdir(mode=DIR_MODE, parents=True, exist_ok=True)
    except OSError as error:
        raise ExportError(f"cannot create the folder {folder}: {error.strerror or error}") from None
    return folder


def _move_into_place(tmp: Path, target: Path, *, force: bool) -> None:
    if force:
        # Checked again at the last moment: never put a file where a device or FIFO is.
        with contextlib.suppress(FileNotFoundError):
            mode = target.stat().st_mode
            if not stat.S_ISREG(mode):
                raise ExportError(f"cannot export to {target}: it is {_kind_name(mode)}")
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
