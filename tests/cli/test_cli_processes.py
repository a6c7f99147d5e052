"""The CLI as real processes: headless commands never import textual; a second instance is
refused with a clear message and loses nothing."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from mspdesk import __version__
from mspdesk.desk import Desk

NO_TEXTUAL = textwrap.dedent(
    """
    import sys
    from mspdesk.cli import main

    code = main(sys.argv[1:])
    leaked = sorted(name for name in sys.modules if name.split(".")[0] == "textual")
    assert not leaked, f"textual was imported: {leaked[:5]}"
    sys.exit(code)
    """
)


def mspdesk(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    """`python -m mspdesk ARGS...` in a fresh interpreter."""
    return subprocess.run(
        [sys.executable, "-m", "mspdesk", *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "MSPDESK_ADVISER": "proc-tester"},
    )


def headless(*args: str) -> subprocess.CompletedProcess[str]:
    """Run mspdesk.cli.main(ARGS) in a fresh interpreter that fails if textual got imported."""
    return subprocess.run(
        [sys.executable, "-c", NO_TEXTUAL, *args],
        capture_output=True,
        text=True,
        timeout=120,
    )


def every_file(directory: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(directory)): p.read_bytes()
        for p in sorted(directory.rglob("*"))
        if p.is_file() and p.name != "mspdesk.lock"
    }


@pytest.fixture
def referral_id(data_dir: Path) -> str:
    with Desk.open(data_dir, actor="setup") as desk:
        return desk.referrals.add({"organisation": "Kent Youth", "parent_body": "Kent CC"}).id


def test_version_from_python_dash_m() -> None:
    result = mspdesk("--version")
    assert (result.returncode, result.stdout.strip()) == (0, f"mspdesk {__version__}")


def test_referral_add_and_list_as_processes(data_dir: Path) -> None:
    added = mspdesk(
        "--data-dir",
        str(data_dir),
        "referral",
        "add",
        "--org",
        "Leeds Libraries",
        "--parent-body",
        "Leeds CC",
        "--received",
        "2013-02-01",
    )
    assert (added.returncode, added.stdout, added.stderr) == (0, "R-2013-0001\n", "")
    listed = mspdesk("--data-dir", str(data_dir), "referrals", "list", "--json")
    assert listed.returncode == 0
    assert [row["id"] for row in json.loads(listed.stdout)] == ["R-2013-0001"]


@pytest.mark.parametrize(
    "args",
    [
        ["referrals", "list"],
        ["referrals", "list", "--json"],
        ["note", "add", "{ref}", "A note from a script"],
        ["referral", "add", "--org", "Another", "--parent-body", "Council"],
        ["history", "{ref}"],
        ["doctor"],
    ],
    ids=lambda args: " ".join(args[:2]),
)
def test_headless_commands_never_import_textual(
    data_dir: Path, referral_id: str, args: list[str]
) -> None:
    result = headless("--data-dir", str(data_dir), *(a.format(ref=referral_id) for a in args))
    assert result.returncode == 0, result.stderr
    assert "textual was imported" not in result.stderr


def test_invalid_input_from_a_process_is_one_line_without_traceback(data_dir: Path) -> None:
    result = mspdesk(
        "--data-dir",
        str(data_dir),
        "referral",
        "add",
        "--org",
        "X",
        "--parent-body",
        "Y",
        "--staff",
        "many",
    )
    assert result.returncode != 0 and result.stdout == ""
    assert result.stderr.count("\n") == 1 and "--staff" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    "args",
    [
        ["referral", "add", "--org", "Second instance", "--parent-body", "Council"],
        ["note", "add", "{ref}", "from a second instance"],
        ["undo"],
    ],
    ids=["referral add", "note add", "undo"],
)
def test_second_instance_is_refused_and_nothing_is_lost(
    data_dir: Path, referral_id: str, args: list[str]
) -> None:
    with Desk.open(data_dir, actor="first") as first:
        first.notes.add(referral_id, "written by the first instance")
        before = every_file(data_dir)

        result = mspdesk("--data-dir", str(data_dir), *(a.format(ref=referral_id) for a in args))

        assert result.returncode == 3, result.stderr
        assert result.stdout == ""
        err = result.stderr
        assert err.startswith("mspdesk: another mspdesk is using") and err.count("\n") == 1
        assert f"pid {os.getpid()}" in err and "Traceback" not in err
        assert every_file(data_dir) == before
        # The first instance carries on as if nothing happened.
        first.notes.add(referral_id, "still writing")
    with Desk.open(data_dir, read_only=True) as desk:
        bodies = [note.body for note in desk.notes.for_subject(referral_id)]
        assert bodies == ["written by the first instance", "still writing"]
        assert desk.referrals.count() == 1


def test_listing_works_beside_a_writer(data_dir: Path, referral_id: str) -> None:
    with Desk.open(data_dir, actor="first") as first:
        first.referrals.add({"organisation": "Added while open", "parent_body": "Council"})
        result = mspdesk("--data-dir", str(data_dir), "referrals", "list", "--json")
        assert result.returncode == 0, result.stderr
        organisations = {row["organisation"] for row in json.loads(result.stdout)}
        assert organisations == {"Kent Youth", "Added while open"}
