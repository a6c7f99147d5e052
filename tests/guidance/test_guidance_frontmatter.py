"""The front matter subset: what it accepts and where it points when it cannot."""

from __future__ import annotations

import pytest

from mspdesk.guidance.frontmatter import FrontMatterError, parse_front_matter


def test_scalars_quoted_strings_and_both_list_styles() -> None:
    text = """title: Pensions: LGPS and NHS
summary: "Quoted: with # hash and \\"escapes\\""
note: 'it''s single'
tags: [pensions, "a, b", 'c']
# a comment line
sources:
  - "Localism Act 2011, s.81"
  - plain item  # trailing comment
  - a long item that
    wraps onto the next line
reviewed: 2026-01-15
"""
    values = parse_front_matter(text).values
    assert values["title"] == "Pensions: LGPS and NHS"
    assert values["summary"] == 'Quoted: with # hash and "escapes"'
    assert values["note"] == "it's single"
    assert values["tags"] == ["pensions", "a, b", "c"]
    assert values["sources"] == [
        "Localism Act 2011, s.81",
        "plain item",
        "a long item that wraps onto the next line",
    ]
    assert values["reviewed"] == "2026-01-15"


def test_block_scalars_and_folded_plain_scalars() -> None:
    text = (
        "summary: >\n  one\n  two\n"
        "body: |\n  line one\n  line two\n"
        "title: starts here\n  and goes on\n"
    )
    values = parse_front_matter(text).values
    assert parse_front_matter("tags:\n- a\n- b\n").values["tags"] == ["a", "b"]
    assert values["summary"] == "one two"
    assert values["body"] == "line one\nline two"
    assert values["title"] == "starts here and goes on"


def test_empty_values() -> None:
    values = parse_front_matter("tags: []\nstages:\ntitle:\n").values
    assert values == {"tags": [], "stages": "", "title": ""}


def test_key_lines_are_file_lines() -> None:
    parsed = parse_front_matter("title: x\n\nsources:\n  - a\n", first_line=2)
    assert parsed.lines == {"title": 2, "sources": 4}


@pytest.mark.parametrize(
    ("text", "line", "fragment"),
    [
        ("title: x\nno colon here\n", 3, "expected 'key: value'"),
        ("title: x\ntitle: y\n", 3, "given twice (first on line 2)"),
        ('title: "unclosed\n', 2, "missing closing"),
        ("tags: [a, b\n", 2, "must end with ']'"),
        ("tags: [a, , b]\n", 2, "empty item"),
        ("- orphan\n", 2, "list item without a key"),
        ("  indented: x\n", 2, "unexpected indented line"),
        ("title: x\n  - a\n", 2, "both a value and list items"),
        ('title: "a" b\n', 2, "after the closing quote"),
    ],
)
def test_errors_name_the_line(text: str, line: int, fragment: str) -> None:
    with pytest.raises(FrontMatterError) as caught:
        parse_front_matter(text, first_line=2)
    assert caught.value.line == line
    assert fragment in caught.value.message
