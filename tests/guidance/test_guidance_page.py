"""parse_page: validated meta, table of contents, links and the errors a writer sees."""

from __future__ import annotations

from datetime import date

import pytest
from guidance_pages import VALID_FRONT

from mspdesk.guidance.page import InvalidPage, anchor_slug, parse_page


def page_text(front: str = VALID_FRONT, body: str = "Body.\n") -> str:
    return f"---\n{front.strip()}\n---\n\n{body}"


def test_meta_is_validated_and_normalised() -> None:
    front = VALID_FRONT.replace("tags: [one]", "tags: pensions").replace(
        "sources: [A source]", "sources:\n  - '  padded  '\n  - second"
    )
    page = parse_page("a-page", page_text(front), "user", "a-page.md")
    assert page.meta.tags == ("pensions",)
    assert page.meta.sources == ("padded", "second")
    assert page.meta.reviewed == date(2026, 1, 1)
    assert page.origin == "user"
    assert page.title == "A title"


def test_body_excludes_front_matter() -> None:
    page = parse_page("p", page_text(body="# Heading\n\nText.\n"))
    assert page.body == "# Heading\n\nText.\n"
    assert "title:" not in page.text


def test_headings_have_textual_compatible_anchors() -> None:
    from textual._slug import TrackedSlugs

    titles = [
        "Why pensions come first",
        "LGPS: admission (bodies)",
        "Notes",
        "Notes",
        "Café £5 — ok",
    ]
    body = "\n\n".join(f"## {title}" for title in titles) + "\n\n### `code` and **bold**\n"
    page = parse_page("p", page_text(body=body))
    slugs = TrackedSlugs()
    expected = [slugs.slug(title) for title in [*titles, "code and bold"]]
    assert [heading.anchor for heading in page.headings] == expected
    assert page.headings[1].text == "LGPS: admission (bodies)"
    assert [heading.level for heading in page.headings] == [2, 2, 2, 2, 2, 3]
    assert page.headings[0].line == 10  # the file line, counting the front matter


def test_links_are_relative_md_targets_with_anchors_and_lines() -> None:
    body = (
        "See [pensions](pensions.md#lgps-admission), [TUPE](./tupe-and-staff-transfer.md),\n"
        "[the web](https://example.org/x.md), [mail](mailto:a@b.c), [here](#notes)\n"
        "and [a file](notes.txt).\n\n| a |\n|---|\n| [table](glossary.md) |\n"
    )
    page = parse_page("p", page_text(body=body))
    found = [(link.target, link.anchor, link.text, link.line) for link in page.links]
    assert found == [
        ("pensions", "lgps-admission", "pensions", 10),
        ("tupe-and-staff-transfer", "", "TUPE", 10),
        ("p", "notes", "here", 11),
        (None, "", "a file", 12),
        ("glossary", "", "table", 16),
    ]


def test_plain_text_and_sections_for_snippets() -> None:
    page = parse_page("p", page_text(body="Intro **bold**.\n\n## Part two\n\nMore `code`.\n"))
    assert page.text == "Intro bold. More code."
    assert page.section_at(0) is None
    assert page.section_at(page.text.index("More")) == "part-two"


@pytest.mark.parametrize(
    ("text", "line", "fragment"),
    [
        ("# No front matter\n", 1, "no front matter"),
        ("---\ntitle: x\n", 1, "not closed"),
        (page_text(VALID_FRONT.replace("summary: A summary.\n", "")), 1, "summary: missing"),
        (page_text(VALID_FRONT.replace("2026-01-01", "soon")), 7, "reviewed: must be a date"),
        (page_text(VALID_FRONT.replace("[A source]", "[]")), 6, "at least one source"),
        (page_text(VALID_FRONT.replace("title: A title", "title:")), 2, "title:"),
        (page_text(VALID_FRONT + "tags: [again]\n"), 8, "given twice"),
    ],
)
def test_invalid_pages_name_the_field_and_line(text: str, line: int, fragment: str) -> None:
    with pytest.raises(InvalidPage) as caught:
        parse_page("p", text)
    lines_and_messages = caught.value.problems
    assert any(found == line and fragment in message for found, message in lines_and_messages), (
        lines_and_messages
    )


def test_file_names_must_be_slugs() -> None:
    with pytest.raises(InvalidPage, match="lowercase letters"):
        parse_page("My Notes", page_text())


def test_anchor_slug_examples() -> None:
    assert anchor_slug("  LGPS admission ") == "lgps-admission"
    assert anchor_slug("TUPE: what transfers?") == "tupe-what-transfers"
    assert anchor_slug("R1–R10 grounds") == "r1%E2%80%93r10-grounds"


def test_windows_line_endings_and_byte_order_mark() -> None:
    text = "\ufeff" + page_text(body="# Heading\n\n[link](other.md)\n").replace("\n", "\r\n")
    page = parse_page("p", text)
    assert page.meta.sources == ("A source",)
    assert [heading.text for heading in page.headings] == ["Heading"]
    assert [link.target for link in page.links] == ["other"]
