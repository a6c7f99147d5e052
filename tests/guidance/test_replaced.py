"""Stale citations: a page citing a law recorded as replaced after the page was reviewed."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from tests.guidance.guidance_pages import VALID_FRONT, write_page

from mspdesk import locations
from mspdesk.cli import main
from mspdesk.guidance import Library
from mspdesk.guidance.replaced import Replaced, load_replaced, stale_citations

PCR = Replaced(
    name="Public Contracts Regulations 2015",
    mentions=("Public Contracts Regulations 2015", "PCR 2015"),
    replaced_by="Procurement Act 2023",
    on=date(2025, 2, 24),
    source="test",
)


def library(tmp_path: Path, reviewed: str, body: str) -> Library:
    folder = tmp_path / "content" / "guidance"
    write_page(folder, "page", VALID_FRONT.replace("2026-01-01", reviewed), body)
    return Library.load(folder)


@pytest.mark.parametrize(
    ("reviewed", "warned"),
    [("2025-02-23", True), ("2025-02-24", False), ("2026-12-04", False)],
)
def test_warns_only_when_reviewed_before_the_replacement(
    tmp_path: Path, reviewed: str, warned: bool
) -> None:
    found = stale_citations(library(tmp_path, reviewed, "Under PCR 2015 reg 77.\n"), [PCR])
    assert bool(found) is warned
    if warned:
        assert found[0].kind == "stale"
        assert "replaced by Procurement Act 2023 on 24 Feb 2025" in found[0].message


def test_whole_words_only(tmp_path: Path) -> None:
    page = library(tmp_path, "2020-01-01", "The SPCR 2015X thing is unrelated.\n")
    assert stale_citations(page, [PCR]) == []


def test_sources_count_as_citations(tmp_path: Path) -> None:
    folder = tmp_path / "content" / "guidance"
    front = VALID_FRONT.replace("[A source]", '["PCR 2015 guidance"]').replace(
        "2026-01-01", "2020-01-01"
    )
    write_page(folder, "page", front, "Nothing here.\n")
    assert len(stale_citations(Library.load(folder), [PCR])) == 1


def test_shipped_table_loads_and_shipped_pages_are_current() -> None:
    replaced = load_replaced(locations.content_dir() / "replaced.toml")
    assert {entry.name for entry in replaced} >= {
        "Public Contracts Regulations 2015",
        "DCLG (Department for Communities and Local Government)",
        "Big Society Capital",
    }
    shipped = Library.load(locations.content_dir() / "guidance")
    assert stale_citations(shipped, replaced) == []


def test_bad_entry_names_the_field(tmp_path: Path) -> None:
    path = tmp_path / "replaced.toml"
    path.write_text('[[replaced]]\nname = "X"\nmentions = []\n', encoding="utf-8")
    with pytest.raises(ValueError, match=r"replaced\[1\]\.replaced_by|replaced\[1\]\.mentions"):
        load_replaced(path)


def test_cli_prints_warnings_and_still_passes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    content = tmp_path / "content"
    write_page(content / "guidance", "page", VALID_FRONT.replace("2026-01-01", "2020-01-01"),
               "Under PCR 2015.\n")  # fmt: skip
    (content / "replaced.toml").write_text(
        '[[replaced]]\nname = "PCR 2015"\nmentions = ["PCR 2015"]\n'
        'replaced_by = "Procurement Act 2023"\non = 2025-02-24\nsource = "s"\n',
        encoding="utf-8",
    )
    monkeypatch.setattr(locations, "content_dir", lambda: content)
    monkeypatch.setenv(locations.DATA_DIR_ENV, str(tmp_path / "data"))
    assert main(["guidance", "check"]) == 0
    out = capsys.readouterr().out
    assert "warning: " in out and "1 warning(s)" in out
    assert main(["guidance", "check", "--json"]) == 0
    [entry] = json.loads(capsys.readouterr().out)
    assert entry["kind"] == "stale" and entry["warning"] is True
