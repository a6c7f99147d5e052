"""Library.load: merging user pages, skipping broken ones, tags, stages and the link graph."""

from __future__ import annotations

from pathlib import Path

import pytest
from guidance_pages import SHIPPED, USER, VALID_FRONT, write_page

from mspdesk.domain.errors import NotFound
from mspdesk.guidance import Library, check


def test_loads_shipped_pages(shipped_library: Library) -> None:
    slugs = [page.slug for page in shipped_library.pages]
    assert slugs == [
        "community-right-to-challenge",
        "glossary",
        "pensions",
        "tupe-and-staff-transfer",
    ]
    assert shipped_library.problems == []
    assert all(page.origin == "shipped" for page in shipped_library.pages)
    pensions = shipped_library.get("pensions")
    assert pensions is not None
    assert [heading.text for heading in pensions.headings] == [
        "Pensions",
        "LGPS admission",
        "NHS Pension Scheme access",
    ]


def test_user_page_overrides_shipped_page_by_slug(merged_library: Library) -> None:
    pensions = merged_library.require("pensions")
    assert pensions.origin == "user"
    assert pensions.title == "Pensions (our local notes)"
    assert merged_library.overridden == ["pensions"]
    assert merged_library.require("glossary").origin == "shipped"
    assert merged_library.require("local-contacts").origin == "user"


def test_broken_user_pages_are_reported_by_file_and_line_and_skipped(
    merged_library: Library,
) -> None:
    assert merged_library.get("broken-page") is None
    assert merged_library.get("no-sources") is None
    by_file = {Path(problem.file).name: problem for problem in merged_library.problems}
    assert set(by_file) == {"broken-page.md", "no-sources.md"}
    assert by_file["broken-page.md"].line == 7
    assert "reviewed" in by_file["broken-page.md"].message
    assert "skipped" in by_file["broken-page.md"].message
    assert by_file["no-sources.md"].line == 6
    assert "at least one source" in by_file["no-sources.md"].message
    assert str(by_file["no-sources.md"]).startswith(str(USER / "no-sources.md") + ":6: ")


def test_unreadable_and_duplicate_files_are_reported(tmp_path: Path) -> None:
    write_page(tmp_path / "a", "same", VALID_FRONT)
    write_page(tmp_path / "b", "same", VALID_FRONT)
    (tmp_path / "latin1.md").write_bytes(b"---\ntitle: caf\xe9\n---\n")
    write_page(tmp_path / ".hidden", "ignored", VALID_FRONT)
    library = Library.load(tmp_path, None)
    assert [page.slug for page in library.pages] == ["same"]
    assert library.require("same").file == str(tmp_path / "a" / "same.md")
    kinds = sorted(problem.kind for problem in library.problems)
    assert kinds == ["duplicate", "read"]


def test_missing_folders(tmp_path: Path) -> None:
    library = Library.load(tmp_path / "nowhere", tmp_path / "also-nowhere")
    assert library.pages == []
    assert [problem.message for problem in library.problems] == ["guidance folder not found"]


def test_require_unknown_slug_suggests_a_close_one(shipped_library: Library) -> None:
    with pytest.raises(NotFound, match="did you mean 'pensions'"):
        shipped_library.require("pension")
    with pytest.raises(NotFound, match="mspdesk guidance list"):
        shipped_library.require("zzzz")


def test_by_tag_and_for_stage(merged_library: Library) -> None:
    groups = merged_library.by_tag()
    assert list(groups) == sorted(groups)
    assert [page.slug for page in groups["staff"]] == ["tupe-and-staff-transfer"]
    assert [page.slug for page in groups["local"]] == ["local-contacts", "pensions"]
    assert [page.slug for page in merged_library.for_stage("M10")] == ["tupe-and-staff-transfer"]
    assert [page.slug for page in merged_library.for_stage("m09")] == ["pensions"]
    triage = merged_library.for_stage("triage")
    assert [page.slug for page in triage] == ["community-right-to-challenge", "local-contacts"]


def test_link_graph(shipped_library: Library) -> None:
    assert shipped_library.links_from("pensions") == ["tupe-and-staff-transfer"]
    assert shipped_library.links_from("community-right-to-challenge") == [
        "pensions",
        "no-such-page",
    ]
    assert shipped_library.links_to("pensions") == [
        "community-right-to-challenge",
        "tupe-and-staff-transfer",
    ]
    assert shipped_library.links_to("glossary") == []
    assert shipped_library.links_from("unknown") == []


def test_broken_links(shipped_library: Library, merged_library: Library) -> None:
    broken = [(b.page.slug, b.link.href) for b in shipped_library.broken_links()]
    assert broken == [("community-right-to-challenge", "no-such-page.md")]
    # The adviser's pensions page has no "LGPS admission" heading and a .txt link is no page.
    merged = {(b.page.slug, b.link.href): b.reason for b in merged_library.broken_links()}
    assert "no heading '#employee-liability-information'" not in " ".join(merged.values())
    assert "not a guidance page" in merged[("local-contacts", "contacts.txt")]


def test_anchor_links_are_checked(tmp_path: Path) -> None:
    write_page(
        tmp_path, "one", VALID_FRONT, "## Real heading\n\n[ok](#real-heading) [bad](#nope)\n"
    )
    write_page(tmp_path, "two", VALID_FRONT, "[ok](one.md#real-heading) [bad](one.md#gone)\n")
    library = Library.load(tmp_path, None)
    reasons = [(b.page.slug, b.link.href, b.reason) for b in library.broken_links()]
    assert [(slug, href) for slug, href, _ in reasons] == [("one", "#nope"), ("two", "one.md#gone")]
    assert "has no heading '#gone'" in reasons[1][2]


def test_check_collects_every_kind_of_problem(merged_library: Library) -> None:
    problems = check(merged_library)
    kinds = sorted(problem.kind for problem in problems)
    assert kinds == ["front-matter", "front-matter", "link", "link", "stage"]
    stage = next(problem for problem in problems if problem.kind == "stage")
    assert "M99" in stage.message
    assert stage.file.endswith("local-contacts.md")


def test_check_is_clean_for_good_content(tmp_path: Path) -> None:
    write_page(tmp_path, "one", VALID_FRONT, "## Part\n\nSee [two](two.md).\n")
    write_page(tmp_path, "two", VALID_FRONT, "See [one](one.md#part).\n")
    assert check(Library.load(tmp_path, None)) == []


def test_fixture_folder_layout_is_what_the_cli_expects() -> None:
    assert SHIPPED.name == "guidance"
    assert USER.parent.name == "content"
