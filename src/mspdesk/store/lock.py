"""One writer per data directory, held for the whole session.

Two processes that each keep the data in memory lose about half of each
other's updates even with per-write locks (storage-measurements.md, s.7),
so the lock is taken at open and released at close.
"""

from __future__ import annotations

import contextlib
import errno
import functools
import json
import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, Concatenate, ParamSpec, Protocol, TypeVar

from mspdesk.store.errors import StoreLocked, os_error
from mspdesk.store.files import FILE_MODE, write_all

LOCK_NAME = "mspdesk.lock"


class WriterLock:
    """An exclusive, non-blocking OS lock on `<data>/mspdesk.lock`."""

    def __init__(self, directory: Path) -> None:
        self.path = directory / LOCK_NAME
        self._fd: int | None = None

    def acquire(self) -> None:
        """Take the lock or raise StoreLocked naming the holder."""
        try:
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, FILE_MODE)
        except OSError as error:
            raise os_error(error, f"cannot take the lock {self.path}") from None
        try:
            _lock(fd)
        except OSError as error:
            os.close(fd)
            if error.errno not in (errno.EAGAIN, errno.EACCES, errno.EWOULDBLOCK):
                raise os_error(error, f"cannot take the lock {self.path}") from None
            raise StoreLocked(
                f"another mspdesk is using {self.path.parent} ({self.holder()}); "
                "close it first, or open this one read-only"
            ) from None
        try:
            os.ftruncate(fd, 0)
            import socket  # a writer's only: a reading command never imports it

            owner = {"pid": os.getpid(), "host": socket.gethostname(), "since": time.time()}
            write_all(fd, json.dumps(owner).encode())
        except OSError as error:
            # A disk too full for these few bytes cannot take any change either: say so now.
            with contextlib.suppress(OSError):
                _unlock(fd)
            os.close(fd)
            raise os_error(error, f"cannot take the lock {self.path}") from None
        self._fd = fd

    def holder(self) -> str:
        """A description of whoever holds the lock, from the lock file."""
        try:
            owner = json.loads(self.path.read_text(encoding="utf-8") or "{}")
            since = time.strftime("%Y-%m-%d %H:%M", time.localtime(float(owner["since"])))
            return f"pid {owner['pid']} on {owner['host']}, since {since}"
        except (OSError, ValueError, KeyError, TypeError):
            return "holder unknown"

    def in_use(self) -> bool:
        """Whether a live process holds the lock now. A crashed holder's pid stays in the
        file, but the OS lock died with it. Takes nothing and writes nothing."""
        try:
            fd = os.open(self.path, os.O_RDONLY)
        except FileNotFoundError:
            return False
        except OSError as error:
            raise os_error(error, f"cannot read the lock {self.path}", reading=True) from None
        try:
            if os.name != "posix":  # pragma: no cover - Windows locks need a writable fd
                return os.fstat(fd).st_size > 0
            try:
                _lock(fd)
            except OSError:
                return True
            _unlock(fd)
            return False
        finally:
            os.close(fd)

    def release(self) -> None:
        """Give the lock up (also happens when the process dies)."""
        if self._fd is None:
            return
        with contextlib.suppress(OSError):
            os.ftruncate(self._fd, 0)
            _unlock(self._fd)
        os.close(self._fd)
        self._fd = None

    @property
    def held(self) -> bool:
        return self._fd is not None


if os.name == "posix":
    import fcntl

    def _lock(fd: int) -> None:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)

    def _unlock(fd: int) -> None:
        fcntl.flock(fd, fcntl.LOCK_UN)

else:  # pragma: no cover - Windows
    import msvcrt

    def _lock(fd: int) -> None:
        msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)  # type: ignore[attr-defined]

    def _unlock(fd: int) -> None:
        msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)  # type: ignore[attr-defined]


class _HasWriteLock(Protocol):
    @property
    def _write_lock(self) -> contextlib.AbstractContextManager[Any]: ...


S = TypeVar("S", bound=_HasWriteLock)
P = ParamSpec("P")
R = TypeVar("R")


def serialised(
    method: Callable[Concatenate[S, P], R],
) -> Callable[Concatenate[S, P], R]:
    """One writer at a time within the process too: an import saving from a worker thread
    must not interleave its journal line and seq with a change made on the UI thread."""

    @functools.wraps(method)
    def locked(self: S, /, *args: P.args, **kwargs: P.kwargs) -> R:
        with self._write_lock:
            return method(self, *args, **kwargs)

    return locked
