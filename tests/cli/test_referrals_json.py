"""`mspdesk referrals list --json` writes each referral's stored JSON, one a line, newest
first, without parsing the table (issue 17): the same JSON value as the rows the desk
holds, filtered or not, controls escaped, and read-only commands start without pydantic."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from cli_inprocess import mspdesk_in_process
from mspdesk.desk import Desk

HOSTILE = "Bidi\u202eRLO\x9bC1 Zoë"


@pytest.fixture(scope="module")
def desk_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Referrals in the snapshot (read without parsing) and some changed since (journal)."""
    data = tmp_path_factory.mktemp("listing") / "data"
    with Desk.open(data, actor="tester") as desk:
        for n, received in enumerate(["2013-05-01", "2012-01-09", "2013-05-01", "2014-02-02"]):
            desk.referrals.add(
                {
                    "organisation": f"{HOSTILE} {n}" if n == 1 else f"Org {n}",
                    "parent_body": f"Council {n}",
                    "received": date.fromisoformat(received),
                    "source_ref": f"IS-{n}",
                }
            )
        desk.checkpoint()
        first = desk.referral_rows.rows()[-1]["id"]
        desk.referrals.update(first, {"region": "london"})
        desk.referrals.add({"organisation": "Late", "parent_body": "Kent CC"})
    return data


def stored_rows(data: Path) -> list[dict[str, object]]:
    with Desk.open(data, read_only=True) as desk:
        return desk.referral_rows.rows()


def test_a_real_process_writes_every_record_newest_first(desk_dir: Path) -> None:
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "mspdesk",
            "--data-dir",
            str(desk_dir),
            "referrals",
            "list",
            "--json",
        ],
        capture_output=True,
        timeout=60,
        env={**os.environ, "MSPDESK_ADVISER": "tester"},
    )
    assert result.returncode == 0, result.stderr
    text = result.stdout.decode()
    assert json.loads(text) == stored_rows(desk_dir)
    lines = text.split("\n")
    assert lines[0] == "[" and lines[-2:] == ["]", ""]
    assert [json.loads(line.rstrip(",")) for line in lines[1:-2]] == stored_rows(desk_dir)
    assert "\u202e" not in text and "\x9b" not in text and "\\u202e" in text and "Zoë" in text


@pytest.mark.parametrize(
    "options",
    [(), ("--status", "new"), ("--search", "org"), ("--source-ref", "is-2"), ("--status", "gone")],
)
def test_filtered_or_not_the_listing_has_one_shape(
    desk_dir: Path, options: tuple[str, ...]
) -> None:
    listed = mspdesk_in_process(desk_dir, "referrals", "list", "--json", *options)
    assert listed.returncode == 0, listed.stderr
    with Desk.open(desk_dir, read_only=True) as desk:
        if "--source-ref" in options:
            expected = [r for r in desk.referral_rows.rows() if r.get("source_ref") == "IS-2"]
        else:
            status = options[1] if options[:1] == ("--status",) else None
            text = options[1] if options[:1] == ("--search",) else ""
            expected = desk.referral_rows.select(status=status, text=text)
    assert json.loads(listed.stdout) == expected
    if expected:
        body = listed.stdout.split("\n")[1:-2]
        assert [json.loads(line.rstrip(",")) for line in body] == expected
    else:
        assert listed.stdout == "[]\n"


@pytest.mark.parametrize("command", [("referrals", "list", "--json"), ("agenda", "--json")])
def test_reading_commands_start_without_the_models(
    desk_dir: Path, command: tuple[str, ...]
) -> None:
    code = (
        "import sys; from mspdesk.cli import main; "
        f"code = main(['--data-dir', {str(desk_dir)!r}, *{list(command)!r}]); "
        "sys.exit(3 if 'pydantic' in sys.modules else code)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, timeout=60)
    assert result.returncode == 0, result.stderr


def test_the_plain_listing_reads_a_record_at_a_time_in_the_same_order(desk_dir: Path) -> None:
    listed = mspdesk_in_process(desk_dir, "referrals", "list")
    assert listed.returncode == 0, listed.stderr
    ids = [line.split("\t")[0] for line in listed.stdout.splitlines()]
    assert ids == [row["id"] for row in stored_rows(desk_dir)]
    assert listed.stderr == f"{len(ids)} referral(s)\n"


def test_showing_one_referral_does_not_parse_the_table(desk_dir: Path) -> None:
    with Desk.open(desk_dir, read_only=True) as desk:
        ids = [row["id"] for row in desk.referral_rows.rows()]
    for referral_id in ids:  # in the snapshot, and changed or added since (journal)
        with Desk.open(desk_dir, read_only=True) as desk:
            one = desk.referrals.get_one(referral_id)
            assert not desk.core.store.is_parsed("referrals")
            assert one == desk.referrals.get(referral_id)
    shown = mspdesk_in_process(desk_dir, "referral", "show", ids[0], "--json")
    assert json.loads(shown.stdout)["id"] == ids[0]
    missing = mspdesk_in_process(desk_dir, "referral", "show", "R-1999-0001")
    assert missing.returncode != 0 and "no referral R-1999-0001" in missing.stderr
