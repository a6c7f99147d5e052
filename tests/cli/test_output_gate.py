"""The output gate, end to end: a name carrying an OSC 52 clipboard write, a CSI colour, a
C1 control and a right-to-left override never reaches the terminal raw from any command."""

from __future__ import annotations

import json
import os
import pty
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from cli_inprocess import mspdesk_in_process
from mspdesk.cli.gate import json_text, terminal_bytes, visible
from mspdesk.desk import Desk

HOSTILE = "Evil\x1b]52;c;SGVsbG8=\x07Clip\x1b[31mRed\u202eRLO\x9bC1\u2028Org"
RAW = ("\x1b", "\x07", "\u202e", "\x9b", "\u2028")


def mspdesk(data: Path, *args: str) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "mspdesk", "--data-dir", str(data), *args],
        capture_output=True,
        timeout=120,
        env={**os.environ, "MSPDESK_ADVISER": "gate-tester"},
    )


def mspdesk_here(data: Path, *args: str) -> subprocess.CompletedProcess[bytes]:
    """The same command in this process (the gate wraps sys.stdout there too): for the many
    listings; `mspdesk` (a real process) proves the gate end to end."""
    result = mspdesk_in_process(data, *args, env={"MSPDESK_ADVISER": "gate-tester"})
    return subprocess.CompletedProcess(
        result.args, result.returncode, result.stdout.encode(), result.stderr.encode()
    )


def assert_clean(raw: bytes) -> str:
    text = raw.decode("utf-8")
    leaked = [ch for ch in RAW if ch in text]
    assert not leaked, f"raw control characters reached the output: {leaked!r} in {text!r}"
    return text


@pytest.fixture(scope="module")
def hostile_desk(tmp_path_factory: pytest.TempPathFactory) -> Path:
    data = tmp_path_factory.mktemp("gate") / "data"
    with Desk.open(data, actor=f"adv{HOSTILE}") as desk:
        referral = desk.referrals.add(
            {"organisation": HOSTILE, "parent_body": HOSTILE, "received": date(2013, 3, 1)}
        )
        desk.triage.decide(referral.id, "accept", f"reason {HOSTILE}")
        desk.notes.add(referral.id, f"note {HOSTILE}")
    return data


@pytest.mark.parametrize(
    "argv",
    [
        ("cases", "list"),
        ("agenda", "--days", "3650"),
        ("referrals", "list"),
        ("referral", "show", "R-2013-0001"),
        ("notes", "list", "R-2013-0001"),
        ("history", "R-2013-0001"),
    ],
)
def test_listings_show_controls_visibly(hostile_desk: Path, argv: tuple[str, ...]) -> None:
    result = mspdesk_here(hostile_desk, *argv)
    assert result.returncode == 0, result.stderr
    out = assert_clean(result.stdout)
    assert_clean(result.stderr)
    assert "\\x1b]52;c;SGVsbG8=\\x07Clip\\x1b[31mRed\\u202eRLO\\x9bC1" in out


@pytest.mark.parametrize(
    "argv",
    [
        ("cases", "list", "--json"),
        ("agenda", "--days", "3650", "--json"),
        ("referrals", "list", "--json"),
        ("referral", "show", "R-2013-0001", "--json"),
    ],
)
def test_json_escapes_controls_and_reads_back(hostile_desk: Path, argv: tuple[str, ...]) -> None:
    result = mspdesk_here(hostile_desk, *argv)
    assert result.returncode == 0, result.stderr
    out = assert_clean(result.stdout)
    assert "\\u202e" in out and "\\u009b" in out and "\\u001b" in out
    assert any(HOSTILE in text for text in strings(json.loads(out)))


def test_a_listing_in_a_real_process_is_gated(hostile_desk: Path) -> None:
    result = mspdesk(hostile_desk, "referrals", "list")
    assert result.returncode == 0, result.stderr
    assert "\\x1b]52;c;SGVsbG8=\\x07Clip" in assert_clean(result.stdout)


def strings(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        value = list(value.values())
    if isinstance(value, list):
        return [text for item in value for text in strings(item)]
    return []


def test_error_messages_echo_arguments_visibly(hostile_desk: Path) -> None:
    result = mspdesk(hostile_desk, "referral", "show", HOSTILE)
    assert result.returncode != 0
    assert_clean(result.stdout)
    err = assert_clean(result.stderr)
    assert "\\x1b]52" in err
    result = mspdesk(hostile_desk, "milestone", "done", "C-0001", "M01", "--on", HOSTILE)
    assert result.returncode == 1
    assert "\\u202e" in assert_clean(result.stderr)


def test_argparse_errors_go_through_the_gate(hostile_desk: Path) -> None:
    result = mspdesk(hostile_desk, "export", "case", "C-0001", "--format", HOSTILE, "-o", "x")
    assert result.returncode == 2
    assert "\\x1b[31m" in assert_clean(result.stderr)


def on_a_terminal(data: Path, *args: str) -> bytes:
    """Run mspdesk with stdout on a pseudo-terminal; returns what the terminal received."""
    master, slave = pty.openpty()
    process = subprocess.Popen(
        [sys.executable, "-m", "mspdesk", "--data-dir", str(data), *args],
        stdout=slave,
        stderr=subprocess.PIPE,
        env={**os.environ, "MSPDESK_ADVISER": "gate-tester"},
    )
    os.close(slave)
    chunks = []
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:  # EIO: the child closed the terminal
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(master)
    assert process.wait(timeout=120) == 0, process.stderr.read() if process.stderr else ""
    return b"".join(chunks)


@pytest.mark.parametrize(
    "argv",
    [
        ("export", "case", "C-0001", "--format", "md", "-o", "-"),
        ("export", "case", "C-0001", "--format", "json", "-o", "-"),
        ("export", "case", "C-0001", "--format", "csv", "-o", "-"),
        ("export", "notes", "-o", "-"),
    ],
)
def test_stdout_export_to_a_terminal_is_gated(hostile_desk: Path, argv: tuple[str, ...]) -> None:
    seen = on_a_terminal(hostile_desk, *argv).replace(b"\r\n", b"\n")
    text = assert_clean(seen)
    assert "\\u202e" in text or "\\\\u202e" in text or "u202e" in text


def test_stdout_export_into_a_pipe_keeps_the_exact_bytes(
    hostile_desk: Path, tmp_path: Path
) -> None:
    piped = mspdesk(hostile_desk, "export", "case", "C-0001", "--format", "md", "-o", "-")
    written = mspdesk(
        hostile_desk, "export", "case", "C-0001", "--format", "md", "-o", str(tmp_path / "c.md")
    )
    assert piped.returncode == written.returncode == 0
    assert (
        piped.stdout.split(b"Exported:")[0]
        == (tmp_path / "c.md").read_bytes().split(b"Exported:")[0]
    )


def test_visible_and_json_text_units() -> None:
    assert visible("a\tb\nc") == "a\tb\nc"
    assert visible("a\tb", keep="") == "a\\x09b"
    assert visible("x\x1b[2Jy\u202ez\U000e0001") == "x\\x1b[2Jy\\u202ez\\U000e0001"
    assert visible("café £5 日本 👍") == "café £5 日本 👍"
    doc = json.dumps({"k": "a\x9b\u202e\U000e0001"}, ensure_ascii=False)
    escaped = json_text(doc)
    assert json.loads(escaped) == json.loads(doc) and escaped.isascii()
    assert terminal_bytes(b"ok\x1b]52;c;x\x07\r\n\xff") == b"ok\\x1b]52;c;x\\x07\n\xef\xbf\xbd"
