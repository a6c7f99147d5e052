"""The bytes of files attached to cases, under `files/<case>/` in the data directory.

A file is written whole before its record is committed: to a temporary file, flushed to
disk, then linked into place (never over another file), folder flushed too. Files are
user-only (0600) in user-only folders (0700). Nothing here opens a file other than to read
or write its bytes.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import secrets
from pathlib import Path

from mspdesk.store.errors import StoreError, WriteFailed
from mspdesk.store.files import FILE_MODE, fsync_dir, private_dir, sync_to_disk, write_all

FILES_DIR = "files"


def attachment_path(directory: Path, stored_as: str) -> Path:
    """The absolute path of `stored_as` (files/<case>/<name>), refused if it would lead
    outside the data directory's files folder."""
    root = (directory / FILES_DIR).resolve()
    path = (directory / stored_as).resolve()
    if root not in path.parents:
        raise StoreError(f"{stored_as} is not inside {root}")
    return path


def stored_content_matches(directory: Path, stored_as: str, sha256: str) -> bool | None:
    """Whether the file at `stored_as` holds content with this hash (None: no such file)."""
    try:
        data = attachment_path(directory, stored_as).read_bytes()
    except FileNotFoundError:
        return None
    return hashlib.sha256(data).hexdigest() == sha256


def write_attachment(directory: Path, stored_as: str, data: bytes) -> Path:
    """Write `data` to `stored_as` durably (0600); raises WriteFailed, or StoreError if a
    file is there already."""
    target = attachment_path(directory, stored_as)
    try:
        private_dir(directory / FILES_DIR)
        private_dir(target.parent)
    except OSError as error:
        raise WriteFailed(f"cannot create {target.parent}: {error.strerror or error}") from None
    tmp = target.with_name(f".{target.name[:60]}.tmp-{os.getpid()}-{secrets.token_hex(4)}")
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
        try:
            write_all(fd, data)
            sync_to_disk(fd)
        finally:
            os.close(fd)
        try:
            os.link(tmp, target)
        except FileExistsError:
            raise StoreError(f"{target} exists already; nothing was replaced") from None
        fsync_dir(target.parent)
    except OSError as error:
        raise WriteFailed(
            f"cannot write {target}: {error.strerror or error}; nothing was attached"
        ) from None
    finally:
        with contextlib.suppress(OSError):
            tmp.unlink()
    return target


def read_attachment(directory: Path, stored_as: str, sha256: str) -> bytes:
    """The bytes of an attached file; StoreError if it is missing or no longer matches
    its hash (changed or damaged outside the desk)."""
    path = attachment_path(directory, stored_as)
    try:
        data = path.read_bytes()
    except OSError as error:
        reason = error.strerror or error
        raise StoreError(f"cannot read the attached file {path}: {reason}") from None
    if hashlib.sha256(data).hexdigest() != sha256:
        raise StoreError(f"the attached file {path} has changed since it was attached")
    return data
