"""The Markdown case file: every section, notes in date order, and user text that cannot
break the document (checked by parsing the output with markdown-it, tables enabled)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from export_data import CONTACT, NASTY_ORG, fill_case, fixed_desk
from markdown_it import MarkdownIt
from markdown_it.token import Token

from mspdesk.transfer.exporters.casefile import case_file
from mspdesk.transfer.exporters.markdown import case_markdown, escape, escape_block

SECTIONS = [
    "Referral",
    "Triage",
    "Milestones",
    "Procurement route",
    "Notes",
    "Conflicts of interest",
    "People and partners",
    "Budget",
    "History",
]


@pytest.fixture(scope="module")
def text(tmp_path_factory: pytest.TempPathFactory) -> str:
    path = tmp_path_factory.mktemp("md") / "data"
    fill_case(path)
    with fixed_desk(path, read_only=True) as desk:
        return case_markdown(case_file(desk, "C-0001"))


def parse(text: str) -> list[Token]:
    return MarkdownIt("commonmark").enable("table").parse(text)


def headings(tokens: list[Token], level: str) -> list[str]:
    found = []
    for index, token in enumerate(tokens):
        if token.type == "heading_open" and token.tag == level:
            found.append(tokens[index + 1].content)
    return found


def rendered_text(tokens: list[Token]) -> str:
    """The text a reader sees (inline children joined)."""
    parts = []
    for token in tokens:
        for child in token.children or ():
            if child.type in ("text", "code_inline"):
                parts.append(child.content)
            elif child.type in ("softbreak", "hardbreak"):
                parts.append("\n")
    return "".join(parts)


def test_sections_in_order(text: str) -> None:
    tokens = parse(text)
    assert headings(tokens, "h2") == SECTIONS
    (title,) = headings(tokens, "h1")
    # The heading's inline source is escaped; what it shows is the name as typed.
    shown = MarkdownIt("commonmark").renderInline(title)
    assert "C-0001" in shown and "&lt;b&gt;Co-op&lt;/b&gt;" in shown and "<b>" not in shown


def test_procurement_route_section(text: str) -> None:
    section = text.split("## Procurement route", 1)[1].split("## Notes", 1)[0]
    assert "Regime on " in section
    assert "Social Value Act duty: " in section
    assert "Reserved contract for a mutual: " in section
    assert "Standstill: " in section


def test_facts_milestones_and_people(text: str) -> None:
    assert "| Contract value | £1,250,000 |" in text
    assert "| M01 | Idea or expression of interest logged | 7 Jan 2013 | Done 10 Jan 2013 |" in text
    assert "| Overdue by 33 days |" in text  # M02 was due 9 Feb 2013
    assert "Skipped: Done, under; another \\\\ name" in text
    for value in CONTACT.values():
        assert escape(value) in text
    assert "Jo Hart" in text and "Mutual \\| One" in text
    assert "| Days | 20 | 12.5 | 7.5 |" in text
    assert "Promising; sponsor \\| named" in text and "band promising" in text


def test_notes_in_date_order_with_subject(text: str) -> None:
    tokens = parse(text)
    titles = [h for h in headings(tokens, "h3") if "·" in h]
    assert [t.split(" · ")[2] for t in titles] == [
        "N-00001 on R-2013-0001",  # 3 Jan, on the referral before triage
        "N-00003 on C-0001",  # 20 Jan
        "N-00002 on C-0001",  # 1 Feb
    ]


def test_user_text_cannot_change_the_structure(text: str) -> None:
    tokens = parse(text)
    kinds = {token.type for token in tokens}
    children = {child.type for token in tokens for child in token.children or ()}
    assert "html_block" not in kinds and "html_inline" not in children
    assert "link_open" not in children and "image" not in children
    # Only the headings the exporter writes (title, sections, contact/enquiry, decision,
    # notes); the note's own "# Not a heading" is Markdown, moved below its note's heading.
    assert len(headings(tokens, "h1")) == 1
    assert len(headings(tokens, "h2")) == len(SECTIONS)
    assert all(" · " in h or h in ("Contact", "Enquiry") or h.startswith("Decision")
               for h in headings(tokens, "h3"))  # fmt: skip
    assert headings(tokens, "h4") == ["Not a heading"]
    # Every table row has as many cells as its header.
    cells, widths = 0, []
    for token in tokens:
        if token.type == "tr_open":
            cells = 0
        elif token.type in ("th_open", "td_open"):
            cells += 1
        elif token.type == "tr_close":
            widths.append(cells)
        elif token.type == "table_close":
            assert len(set(widths)) == 1, widths
            widths = []
    # The note's text all shows, its HTML as typed.
    shown = rendered_text(tokens)
    assert "| not | a | table |" in shown
    assert "not a list\nnot code\n<script>alert('x')</script>" in shown
    assert "Ends with a backslash \\" in shown
    assert NASTY_ORG in shown


def test_control_characters_are_replaced(text: str) -> None:
    assert "\x1b" not in text
    assert "\ufffd" in text  # the escape in the enquiry, shown as a replacement character


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("plain words", "plain words"),
        ("a | b", "a \\| b"),
        ("[x](y)", "\\[x\\](y)"),
        ("<i>", "\\<i\\>"),
        ("*a* _b_ `c`", "\\*a\\* \\_b\\_ \\`c\\`"),
        ("back\\slash", "back\\\\slash"),
        ("&amp;", "\\&amp;"),
        ("two\nlines", "two lines"),
    ],
)
def test_escape(typed: str, expected: str) -> None:
    assert escape(typed) == expected
    shown = MarkdownIt("commonmark").renderInline(escape(typed))
    assert "<" not in shown.replace("&lt;", "")


def test_escape_block_at_line_starts() -> None:
    assert escape_block("# h\n- item\n+ x\n> q\n2) two\n=\n  indented") == [
        "\\# h",
        "\\- item",
        "\\+ x",
        "\\> q",
        "2\\) two",
        "\\=",
        "&nbsp;&nbsp;indented",
    ]
    assert escape("1. one") == "1. one"  # mid-line it needs nothing
    assert escape("1. one", line_start=True) == "1\\. one"


def test_a_case_with_nothing_but_a_decision(tmp_path: Path) -> None:
    with fixed_desk(tmp_path / "data") as desk:
        referral = desk.referrals.add({"organisation": "Bare", "parent_body": "Council"})
        desk.triage.decide(referral.id, "accept", "ok")
        text = case_markdown(case_file(desk, "C-0001"))
    assert "No notes." in text and "No conflicts declared." in text
    assert "### Contact" not in text and "### Enquiry" not in text


def test_a_challenge_case_lists_its_dates_and_the_authoritys_duties(tmp_path: Path) -> None:
    with fixed_desk(tmp_path / "data") as desk:
        referral = desk.referrals.add(
            {"organisation": "Leisure Co", "parent_body": "Council", "route": "right-to-challenge"}
        )
        desk.triage.decide(referral.id, "accept", "ok")
        deadlines = desk.cases.deadlines
        deadlines.apply(deadlines.preview_eoi("C-0001", "submitted", date(2013, 3, 1)))
        deadlines.apply(
            deadlines.preview_eoi("C-0001", "held", date(2013, 3, 20), held_until=date(2014, 3, 31))
        )
        text = case_markdown(case_file(desk, "C-0001"))
    section = text.split("## Community Right to Challenge", 1)[1].split("## Procurement route")[0]
    assert "Held until" in section and "Held by the authority" in section
    assert "### Authority's publication duties" in section
    assert "P5 Decision notice published | not yet due" in section
