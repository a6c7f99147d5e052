"""Writing the programme report as a CSV file the adviser chose.

The file appears whole or not at all: the rows go to a temporary file beside it, which is
flushed to disk and then linked (or, when replacing, renamed) into place. An existing file is
never replaced unless the caller says so.
"""

from __future__ import annotations

import contextlib
import csv
import io
import os
from collections.abc import Sequence
from pathlib import Path

from mspdesk.domain.errors import UserError

FILE_MODE = 0o600
"""The report names advisers; keep it to the adviser who wrote it, like the data directory."""
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


class ExportExists(UserError):
    """The chosen file is already there and replacing it was not asked for."""

    def __init__(self, path: Path) -> None:
        self.path = path
        super().__init__(f"{path} already exists; choose another name, or replace it")


class ExportFailed(UserError):
    """The file system refused the write (full, read-only, no permission)."""

    exit_code = 5


def write_report_csv(path: Path, rows: Sequence[Sequence[str]], *, replace: bool = False) -> Path:
    """Write `rows` to `path` as CSV (UTF-8 with a byte-order mark, so Excel shows "£").

    Returns the absolute path written. Raises ExportExists if `path` exists and `replace`
    is False, or UserError naming the path when it cannot be written.
    """
    target = path.expanduser().absolute()
    if target.is_dir():
        raise UserError(f"{target} is a folder; give a file name such as report.csv")
    folder = target.parent
    if not folder.is_dir():
        raise UserError(f"cannot write {target}: the folder {folder} does not exist")
    if target.exists() and not replace:
        raise ExportExists(target)
    data = _csv_bytes(rows)
    temporary = folder / f".{target.name}.tmp-{os.getpid()}"
    try:
        _write_synced(temporary, data)
        _move_into_place(temporary, target, replace=replace)
        _sync_folder(folder)
    except FileExistsError:
        raise ExportExists(target) from None
    except OSError as error:
        raise ExportFailed(f"cannot write {target}: {error.strerror or error}") from None
    finally:
        with contextlib.suppress(OSError):
            temporary.unlink()
    return target


def _csv_bytes(rows: Sequence[Sequence[str]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    for row in rows:
        writer.writerow([_inert(cell) for cell in row])
    return buffer.getvalue().encode("utf-8-sig")


def _inert(cell: str) -> str:
    """A cell a spreadsheet will not run as a formula (an adviser's name such as "=cmd|…"
    would be), leaving negative numbers alone."""
    if cell.startswith(FORMULA_STARTS) and not _is_number(cell):
        return "'" + cell
    return cell


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _write_synced(path: Path, data: bytes) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, FILE_MODE)
    with os.fdopen(fd, "wb") as out:
        out.write(data)
        out.flush()
        os.fsync(out.fileno())


def _move_into_place(temporary: Path, target: Path, *, replace: bool) -> None:
    if replace:
        os.replace(temporary, target)
        return
    try:
        # A hard link fails if the name is taken, even by a file created a moment ago.
        os.link(temporary, target)
    except FileExistsError:
        raise
    except OSError:
        # Some file systems have no hard links; check, then rename (a small race remains).
        if target.exists():
            raise FileExistsError(str(target)) from None
        os.replace(temporary, target)


def _sync_folder(folder: Path) -> None:
    if os.name != "posix":
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
