"""Run `mspdesk` in this process, answering like `subprocess.run(..., text=True)`.

For tests of what a command says and leaves behind, not of how a process behaves: starting
Python and importing the desk costs about 0.3 s of CPU a call, this a few milliseconds.
Tests of process behaviour (kills, pipes, what gets imported) keep real subprocesses.
"""

from __future__ import annotations

import contextlib
import io
import os
import subprocess
import sys
from collections.abc import Iterator, Mapping
from pathlib import Path

from mspdesk.cli import main


def mspdesk_in_process(
    data: Path,
    *args: str,
    env: Mapping[str, str] | None = None,
    cwd: Path | None = None,
) -> subprocess.CompletedProcess[str]:
    """`mspdesk --data-dir DATA ARGS` run here: exit code, stdout and stderr as text."""
    argv = ["--data-dir", str(data), *args]
    out, err = _text_stream(), _text_stream()
    with _environment(env or {}), _working_dir(cwd):
        saved = sys.stdout, sys.stderr
        sys.stdout, sys.stderr = out, err
        try:
            code = main(argv)
        except SystemExit as exit_:  # argparse refusing the arguments
            code = exit_.code if isinstance(exit_.code, int) else 2
        finally:
            sys.stdout, sys.stderr = saved
    return subprocess.CompletedProcess(
        ["mspdesk", *argv], code, stdout=_read(out), stderr=_read(err)
    )


def _text_stream() -> io.TextIOWrapper:
    """Like a pipe: text with a byte buffer under it (binary exports write to the buffer)."""
    return io.TextIOWrapper(io.BytesIO(), encoding="utf-8", newline="", write_through=True)


def _read(stream: io.TextIOWrapper) -> str:
    stream.flush()
    buffer = stream.buffer
    assert isinstance(buffer, io.BytesIO)
    return buffer.getvalue().decode("utf-8", errors="replace")


@contextlib.contextmanager
def _environment(env: Mapping[str, str]) -> Iterator[None]:
    saved = {name: os.environ.get(name) for name in env}
    os.environ.update(env)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


@contextlib.contextmanager
def _working_dir(cwd: Path | None) -> Iterator[None]:
    if cwd is None:
        yield
        return
    with contextlib.chdir(cwd):
        yield
