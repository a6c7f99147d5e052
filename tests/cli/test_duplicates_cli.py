"""`mspdesk duplicates list|keep|merge` and the warning `referral add` gives on a match."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from mspdesk.cli import main


@pytest.fixture(autouse=True)
def adviser(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MSPDESK_ADVISER", "cli-tester")


def run(capsys: pytest.CaptureFixture[str], data_dir: Path, *args: str) -> tuple[int, str, str]:
    code = main(["--data-dir", str(data_dir), *args])
    out, err = capsys.readouterr()
    return code, out, err


def add_pair(capsys: pytest.CaptureFixture[str], data_dir: Path) -> tuple[str, str]:
    base = ["referral", "add", "--received", "2013-01-02"]
    code, first, err = run(
        capsys, data_dir, *base, "--org", "Youth Team", "--parent-body", "Kent CC",
        "--source-ref", "MIS-1",
    )  # fmt: skip
    assert (code, err) == (0, "")
    code, second, err = run(
        capsys, data_dir, *base, "--org", "youth  team", "--parent-body", "Kent C.C.",
        "--source-ref", "MIS-2",
    )  # fmt: skip
    assert code == 0
    assert f"same organisation and parent body as {first.strip()}" in err
    assert "saved and marked a possible duplicate" in err
    return first.strip(), second.strip()


def test_list_shows_each_marked_referral_beside_its_match(
    capsys: pytest.CaptureFixture[str], data_dir: Path
) -> None:
    first, second = add_pair(capsys, data_dir)

    code, out, err = run(capsys, data_dir, "duplicates", "list", "--json")
    assert code == 0
    [item] = json.loads(out)
    assert item["referral"]["id"] == second and item["matches"]["id"] == first
    assert item["referral"]["source_ref"] == "MIS-2"

    code, out, err = run(capsys, data_dir, "duplicates", "list")
    assert out.splitlines()[0].startswith(f"{second}\t2013-01-02\tyouth  team")
    assert out.splitlines()[1].startswith(f"  looks like {first}")
    assert err == "1 possible duplicate(s)\n"


def test_keep_then_undo(capsys: pytest.CaptureFixture[str], data_dir: Path) -> None:
    _, second = add_pair(capsys, data_dir)

    code, out, _ = run(capsys, data_dir, "duplicates", "keep", second, "--reason", "two teams")
    assert code == 0 and out == f"Kept {second} apart: two teams\n"
    assert json.loads(run(capsys, data_dir, "duplicates", "list", "--json")[1]) == []

    assert run(capsys, data_dir, "undo")[0] == 0
    assert len(json.loads(run(capsys, data_dir, "duplicates", "list", "--json")[1])) == 1


def test_merge_then_undo(capsys: pytest.CaptureFixture[str], data_dir: Path) -> None:
    first, second = add_pair(capsys, data_dir)
    run(capsys, data_dir, "note", "add", second, "Spoke to the lead")

    code, out, _ = run(capsys, data_dir, "duplicates", "merge", second, "--into", first)

    assert code == 0 and out == f"Merged {second} into {first}\n"
    shown = json.loads(run(capsys, data_dir, "referral", "show", first, "--json")[1])
    assert shown["merged_source_refs"] == ["MIS-2"]
    other = json.loads(run(capsys, data_dir, "referral", "show", second, "--json")[1])
    assert other["status"] == "merged" and other["merged_into"] == first
    notes = json.loads(run(capsys, data_dir, "notes", "list", first, "--json")[1])
    assert [n["body"] for n in notes] == ["Spoke to the lead"]

    code, out, _ = run(capsys, data_dir, "undo")
    assert code == 0 and f"Merged {second}" in out
    other = json.loads(run(capsys, data_dir, "referral", "show", second, "--json")[1])
    assert other["status"] == "new" and other["merged_into"] is None


def test_mistakes_exit_1_with_one_line(capsys: pytest.CaptureFixture[str], data_dir: Path) -> None:
    first, second = add_pair(capsys, data_dir)
    code, _, err = run(capsys, data_dir, "duplicates", "keep", first, "--reason", "x")
    assert code == 1 and "is not marked a possible duplicate" in err
    code, _, err = run(capsys, data_dir, "duplicates", "merge", second, "--into", second)
    assert code == 1 and "cannot be merged into itself" in err
    code, _, err = run(capsys, data_dir, "duplicates", "merge", "R-2013-0999", "--into", first)
    assert code != 0 and "no referral R-2013-0999" in err
