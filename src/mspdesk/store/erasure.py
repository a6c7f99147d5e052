"""Erasure: personal data removed from every copy the desk keeps, crash-safely.

A plan (made by the desk, see desk/erasure.py) names the records to scrub, the fields to
blank in them and the personal strings ("secrets") to take out wherever they appear in
those records' current state, in every earlier value kept for history and undo, in the
summaries of the events, and in every other file in the data folder (drafts, set-aside
journal tails, pre-migration copies).

Order (a kill -9 at any moment leaves the erasure finishable, never half-forgotten):

1. The plan is written atomically to `erasure-pending.json` before anything changes.
   It holds the secrets, so it is itself personal data; it is deleted as the last step.
2. Loose files (drafts, rejected/, pre-migration copies, logs, the notes search index)
   are scrubbed or removed
   first, while the structured files still hold the secrets (a re-run can re-read them).
3. The in-memory state is scrubbed and the tombstone event is committed (once).
4. A checkpoint writes a scrubbed snapshot and moves the journal into backups/.
5. Every backup snapshot and journal segment is rewritten scrubbed (atomically each).
6. The plan file is removed.

Opening the desk for writing with `erasure-pending.json` present finishes the erasure
(steps 2-6 are idempotent); a read-only open scrubs its in-memory view only.
"""

from __future__ import annotations

import contextlib
import gzip
import os
import re
from pathlib import Path
from typing import Any

import orjson

from mspdesk.inbox_head import HEAD_NAME as INBOX_HEAD_NAME
from mspdesk.store.files import atomic_write, fsync_dir
from mspdesk.store.journal import read_journal
from mspdesk.store.notes_file import remove_notes_file
from mspdesk.store.snapshot import (
    BACKUP_DIR,
    Snapshot,
    encode,
    generations,
    read_snapshot_file,
)

PENDING_NAME = "erasure-pending.json"
ERASED = "[erased]"
EMPTY_WHEN_ERASED = frozenset({"email", "phone", "role"})
"""Fields that must stay valid when erased: blanked to "" rather than "[erased]"."""

_STRUCTURED = re.compile(r"^(snapshot\.json|journal\.jsonl|snapshot-\d+\.json|journal-\d+\.jsonl)$")
_UNTOUCHED = frozenset(
    {PENDING_NAME, "journal.ack", "mspdesk.lock", "mspdesk-data.txt", "evidence.key"}
)


class Scrubber:
    """Applies one erasure plan to records, events and raw bytes."""

    def __init__(self, plan: dict[str, Any]) -> None:
        self.plan = plan
        self.keys: dict[str, list[str]] = plan["keys"]
        self.summaries: dict[str, str] = plan.get("summaries", {})
        self.hide: set[str] = set(plan.get("hide", ()))
        """Records (notes) left in place but marked deleted, so no list shows them."""
        secrets = sorted({s.strip() for s in plan["secrets"] if s and s.strip()}, key=len)
        self.secrets = [s.casefold() for s in secrets]
        self._pattern = _words(secrets)
        # Other records' event summaries lose only names, emails and phones: a line of an
        # erased note ("Budget agreed") must not blank the same words in unrelated history.
        self._identities = _words(plan.get("identities", secrets))
        raw: set[bytes] = set()
        for secret in secrets:
            raw.add(secret.encode())
            raw.add(orjson.dumps(secret)[1:-1])
        self._bytes = (
            re.compile(b"|".join(re.escape(r) for r in sorted(raw, key=len, reverse=True)), re.I)
            if raw
            else None
        )

    # ----------------------------------------------------------------- values

    def text(self, value: str, name: str = "") -> str:
        if self._pattern is None:
            return value
        if value.strip().casefold() in self.secrets:
            return "" if name in EMPTY_WHEN_ERASED else ERASED
        return self._pattern.sub(ERASED, value)

    def _summary(self, value: str, erased_record: bool) -> str:
        if erased_record:
            return self.text(value)
        return value if self._identities is None else self._identities.sub(ERASED, value)

    def value(self, value: Any, name: str = "") -> Any:
        if isinstance(value, str):
            return self.text(value, name)
        if isinstance(value, dict):
            return {k: self.value(v, k) for k, v in value.items()}
        if isinstance(value, list):
            return [self.value(v, name) for v in value]
        return value

    def record(self, key: str, record: dict[str, Any] | None) -> dict[str, Any] | None:
        """A record (or a patch's fields) of an erased key, scrubbed."""
        if record is None or key not in self.keys:
            return record
        scrubbed: dict[str, Any] = self.value(record)
        for path in self.keys[key]:
            _blank(scrubbed, path.split("."))
        if key in self.hide and "deleted" in scrubbed:
            scrubbed["deleted"] = True
        return scrubbed

    def event(self, event: dict[str, Any]) -> dict[str, Any]:
        """An event with the erased records' values and the secrets taken out."""
        out = dict(event)
        touched = {event.get("subject"), *(op.get("key") for op in event.get("ops", []))}
        summary = str(event.get("summary", ""))
        for key, replacement in self.summaries.items():
            if key in touched:
                summary = replacement
        out["summary"] = self._summary(summary, any(key in self.keys for key in touched))
        ops = []
        for op in event.get("ops", []):
            if op.get("key") in self.keys:
                op = dict(op)
                for part in ("data", "prior"):
                    if isinstance(op.get(part), dict):
                        op[part] = self.record(op["key"], op[part])
            ops.append(op)
        out["ops"] = ops
        return out

    def raw(self, data: bytes) -> bytes:
        """Bytes of a file we cannot parse with every secret replaced."""
        if self._bytes is None:
            return data
        return self._bytes.sub(ERASED.encode(), data)

    def holds_secret(self, data: bytes) -> bool:
        return self._bytes is not None and self._bytes.search(data) is not None


def _words(texts: list[str]) -> re.Pattern[str] | None:
    """Any of `texts` as whole words (longest first), ignoring case."""
    texts = sorted({t.strip() for t in texts if t and t.strip()}, key=len, reverse=True)
    if not texts:
        return None
    return re.compile("|".join(rf"(?<!\w){re.escape(t)}(?!\w)" for t in texts), re.IGNORECASE)


def _blank(record: dict[str, Any], path: list[str]) -> None:
    head, rest = path[0], path[1:]
    if head not in record:
        return
    if rest:
        if isinstance(record[head], dict):
            record[head] = dict(record[head])
            _blank(record[head], rest)
        return
    if isinstance(record[head], str):
        record[head] = "" if head in EMPTY_WHEN_ERASED or head == "enquiry" else ERASED


# --------------------------------------------------------------------- files


def write_pending(directory: Path, plan: dict[str, Any]) -> None:
    atomic_write(directory / PENDING_NAME, orjson.dumps(plan))


def read_pending(directory: Path) -> dict[str, Any] | None:
    try:
        plan = orjson.loads((directory / PENDING_NAME).read_bytes())
    except FileNotFoundError:
        return None
    except orjson.JSONDecodeError:
        # atomic_write never leaves a partial file; a garbled one is damage.
        return None
    return plan if isinstance(plan, dict) and "keys" in plan else None


def clear_pending(directory: Path) -> None:
    with contextlib.suppress(FileNotFoundError):
        (directory / PENDING_NAME).unlink()
    fsync_dir(directory)


def remove_attached_files(directory: Path, plan: dict[str, Any]) -> None:
    """Delete the attached files of the erased records (`plan["files"]`: files/<case>/<name>
    paths). A document about a person is theirs as a whole: it goes, not a patched copy."""
    for stored_as in plan.get("files", ()):
        path = directory / stored_as
        parts = Path(stored_as).parts
        if len(parts) != 3 or parts[0] != "files" or ".." in parts:
            continue
        with contextlib.suppress(FileNotFoundError):
            path.unlink()
            fsync_dir(path.parent)


def scrub_loose_files(directory: Path, scrubber: Scrubber) -> None:
    """Every file that is not the snapshot, journal or their backups: drafts of the erased
    records are deleted; any other file holding a secret is rewritten without it. The
    notes search index holds every note's words: it is deleted (the desk rebuilds it)."""
    remove_notes_file(directory)
    git_dir = directory / "sync" / "git"
    for path in sorted(directory.rglob("*")):
        if not path.is_file() or path.is_symlink() or path.is_relative_to(git_dir):
            # The sync repository's objects are compressed: sync scrubs them with git.
            continue
        name = path.name
        if name in _UNTOUCHED or (
            _STRUCTURED.match(name) and path.parent in (directory, directory / BACKUP_DIR)
        ):
            continue
        if name == INBOX_HEAD_NAME and path.parent == directory:
            path.unlink()  # the cached inbox rows: rewritten at the next close
            fsync_dir(directory)
            continue
        if path.parent.name == "drafts" and any(key in name for key in scrubber.keys):
            path.unlink()
            fsync_dir(path.parent)
            continue
        data = path.read_bytes()
        compressed = name.endswith(".gz")
        if compressed:
            with contextlib.suppress(OSError, EOFError):
                data = gzip.decompress(data)
        if not scrubber.holds_secret(data):
            continue
        if path.parent.name == "drafts":
            path.unlink()
            fsync_dir(path.parent)
            continue
        cleaned = scrubber.raw(data)
        atomic_write(path, gzip.compress(cleaned, mtime=0) if compressed else cleaned)


def scrub_backups(directory: Path, scrubber: Scrubber) -> None:
    """Rewrite every backup snapshot and journal segment with the erasure applied."""
    snapshots, segments = generations(directory)
    for _seq, path in snapshots:
        raw = path.read_bytes()
        _rewrite(path, raw, _scrub_snapshot_bytes(raw, path, directory, scrubber))
    for segment in segments:
        raw = segment.read_bytes()
        _rewrite(segment, raw, _scrub_journal_bytes(raw, segment, scrubber))


def _rewrite(path: Path, raw: bytes, new: bytes) -> None:
    if new != raw:
        atomic_write(path, new)


def _scrub_snapshot_bytes(raw: bytes, path: Path, directory: Path, scrubber: Scrubber) -> bytes:
    try:
        snapshot = read_snapshot_file(path, directory)
        tables = None if snapshot is None else snapshot.all_tables()
    except Exception:  # damaged: keep it, but without the secrets
        return scrubber.raw(raw)
    if snapshot is None or tables is None:
        return raw
    return encode(Snapshot(snapshot.seq, snapshot.schema_version, scrub_tables(tables, scrubber)))


def _scrub_journal_bytes(raw: bytes, path: Path, scrubber: Scrubber) -> bytes:
    try:
        found = read_journal(path)
    except Exception:
        return scrubber.raw(raw)
    lines = [orjson.dumps(scrubber.event(e)) + b"\n" for e in found.events]
    return b"".join(lines) + scrubber.raw(found.torn_tail)


def scrub_tables(
    tables: dict[str, dict[str, Any]], scrubber: Scrubber, events_table: str = "events"
) -> dict[str, dict[str, Any]]:
    """The tables with the plan applied (the records of erased keys and every event)."""
    out: dict[str, dict[str, Any]] = {}
    for name, rows in tables.items():
        if name == events_table:
            out[name] = {k: scrubber.event(e) for k, e in rows.items()}
        else:
            changed = {k: scrubber.record(k, rows[k]) for k in scrubber.keys if k in rows}
            out[name] = {**rows, **changed} if changed else rows
    return out


def is_pending(directory: Path) -> bool:
    return os.path.exists(directory / PENDING_NAME)
