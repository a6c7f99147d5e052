"""Link resolution, reader history and result snippets: the Guidance screen's pure parts."""

from __future__ import annotations

import pytest

from mspdesk.tui.guidance_links import LinkTarget, PageHistory, resolve_link
from mspdesk.tui.screens.guidance import clip_snippet, tag_label


@pytest.mark.parametrize(
    ("href", "expected"),
    [
        ("pensions.md", LinkTarget("pensions.md", False, "pensions", None)),
        ("pensions.md#lgps", LinkTarget("pensions.md#lgps", False, "pensions", "lgps")),
        ("../guidance/pensions.md", LinkTarget("../guidance/pensions.md", False, "pensions", None)),
        ("#sources", LinkTarget("#sources", False, "tupe", "sources")),
        ("notes.txt", LinkTarget("notes.txt", False, None, None)),
        ("https://example.org/a.md", LinkTarget("https://example.org/a.md", True, None, None)),
        ("mailto:x@example.org", LinkTarget("mailto:x@example.org", True, None, None)),
        ("//example.org", LinkTarget("//example.org", True, None, None)),
        ("my%20page.md", LinkTarget("my%20page.md", False, "my page", None)),
    ],
)
def test_resolve_link(href: str, expected: LinkTarget) -> None:
    assert resolve_link(href, "tupe") == expected


def test_history_back_forward_and_a_new_visit_drops_the_forward_pages() -> None:
    history = PageHistory()
    assert history.current is None and not history.can_go_back and history.back() is None
    history.visit("a")
    history.visit("b", "x")
    history.visit("c")
    assert [history.back(), history.back()] == [history._visits[1], history._visits[0]]
    assert history.back() is None and history.current is not None
    assert history.current.slug == "a"
    forward = history.forward()
    assert forward is not None and (forward.slug, forward.anchor) == ("b", "x")
    history.visit("d")
    assert not history.can_go_forward
    assert [visit.slug for visit in history._visits] == ["a", "b", "d"]


def test_history_does_not_record_the_same_visit_twice() -> None:
    history = PageHistory()
    first = history.visit("a")
    first.scroll_y = 12.0
    assert history.visit("a") is first and len(history) == 1
    history.visit("a", "anchor")
    assert len(history) == 2


def test_clip_snippet_keeps_the_first_match_and_moves_spans() -> None:
    words = " ".join(f"word{n}" for n in range(60))
    start = words.index("word30")
    spans = [(start, start + 6), (len(words) - 6, len(words))]
    text, kept = clip_snippet(words, spans, limit=60)
    assert len(text) <= 62 and text.startswith("…") and text.endswith("…")
    assert [text[a:b] for a, b in kept] == ["word30"]


def test_clip_snippet_leaves_short_snippets_alone() -> None:
    assert clip_snippet("short TUPE text", [(6, 10)]) == ("short TUPE text", [(6, 10)])


def test_tag_label_names_topics() -> None:
    assert tag_label("legal-form", 5).plain == "Legal form (5)"
    assert tag_label("nhs", 3).plain == "NHS (3)"
