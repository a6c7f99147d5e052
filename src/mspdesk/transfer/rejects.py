"""The rejects file: every row that could not be imported, exactly as it was, with why.

CSV rows keep their original text (and the file its encoding and line ends), with
a `reject_reason` column put first so a ragged row cannot push it out of line.
JSON rows are the original objects with a `reject_reason` field added. Fix the
rows in that file and import it again: the reason column is ignored then.
"""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Sequence
from pathlib import Path

from mspdesk.domain.errors import UserError
from mspdesk.transfer.columns import REJECT_REASON
from mspdesk.transfer.readers import Record, SourceTable
from mspdesk.transfer.xlsx_reader import row_text

MAX_NUMBERED = 999
FILE_MODE = 0o600
"""Rejected rows hold contact details; only the adviser should read them."""


class RejectsNotWritten(UserError):
    """The rejects file could not be created; nothing was imported."""


def default_rejects_path(table: SourceTable) -> Path:
    """<name>.rejects.csv (or .json) next to the imported file (CSV for Excel files)."""
    suffix = "json" if table.format == "json" else "csv"
    return table.path.with_name(f"{table.path.stem}.rejects.{suffix}")


def write_rejects(table: SourceTable, rejected: Sequence[tuple[Record, str]], path: Path) -> Path:
    """Write the rejected rows to `path`, or to `path` with -2, -3, ... before its suffix if
    a file is there already (an earlier rejects file is never overwritten). Returns where."""
    data = _json_bytes(rejected) if table.format == "json" else _csv_bytes(table, rejected)
    return _create_new(path, data)


def _csv_bytes(table: SourceTable, rejected: Sequence[tuple[Record, str]]) -> bytes:
    parts = [_quoted(REJECT_REASON), table.delimiter, table.header_text, table.newline]
    for record, reason in rejected:
        raw = row_text(record.cells) if table.format == "xlsx" else str(record.raw)
        if not raw.endswith(("\n", "\r")):
            raw += table.newline
        parts += [_quoted(reason), table.delimiter, raw]
    # The input's own encoding, so the rows stay byte for byte what they were.
    return "".join(parts).encode(table.encoding, errors="backslashreplace")


def _json_bytes(rejected: Sequence[tuple[Record, str]]) -> bytes:
    items = []
    for record, reason in rejected:
        original = record.raw if isinstance(record.raw, dict) else {"row": record.raw}
        items.append({**original, REJECT_REASON: reason})
    # A lone surrogate (the reason a row may be here) is written as its JSON escape \udXXX,
    # so the file is valid UTF-8 and reads back the same.
    text = json.dumps(items, ensure_ascii=False, indent=2) + "\n"
    return text.encode("utf-8", errors="backslashreplace")


def _quoted(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def _create_new(path: Path, data: bytes) -> Path:
    for number in range(1, MAX_NUMBERED + 1):
        candidate = path if number == 1 else path.with_name(f"{_stem(path)}-{number}{path.suffix}")
        try:
            fd = os.open(candidate, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
        except FileExistsError:
            continue
        except OSError as error:
            raise RejectsNotWritten(
                f"cannot write the rejects file {candidate}: {error.strerror or error}; "
                "nothing was imported (choose another place with --rejects PATH)"
            ) from None
        try:
            with os.fdopen(fd, "wb") as out:
                out.write(data)
                out.flush()
                os.fsync(out.fileno())
        except OSError as error:
            with contextlib.suppress(OSError):
                candidate.unlink()
            raise RejectsNotWritten(
                f"cannot write the rejects file {candidate}: {error.strerror or error}; "
                "nothing was imported"
            ) from None
        return candidate
    raise RejectsNotWritten(
        f"cannot write the rejects file: {path} and {MAX_NUMBERED - 1} numbered copies exist; "
        "tidy them up or choose another place with --rejects PATH"
    )


def _stem(path: Path) -> str:
    return path.name[: -len(path.suffix)] if path.suffix else path.name
