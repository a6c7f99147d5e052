"""The shipped guidance is checked against today's law: reviewed dates and key facts."""

from __future__ import annotations

from datetime import date

import pytest

from mspdesk import locations
from mspdesk.guidance import Library

WORK_STARTED = date(2026, 12, 4)
"""The day the content was last checked against sources (issue 12)."""


@pytest.fixture(scope="module")
def library() -> Library:
    return Library.load(locations.content_dir() / "guidance")


def test_every_page_was_reviewed_since_the_check(library: Library) -> None:
    stale = [page.slug for page in library.pages if page.meta.reviewed < WORK_STARTED]
    assert stale == []


@pytest.mark.parametrize(
    ("slug", "facts"),
    [
        ("procurement-thresholds", ["£207,720", "£135,018", "£5,193,000", "SI 2025/1200"]),
        ("procurement-thresholds", ["Provider Selection Regime", "16 Aug 2021"]),
        ("social-value-act", ["Provider Selection Regime", "PPN 002"]),
        (
            "legal-forms",
            ["Co-operative and Community Benefit Societies Act 2014", "26 November 2025"],
        ),
        ("tupe-and-staff-transfer", ["1 July 2024", "Employment Rights Act 2025"]),
        ("subsidy-control", ["Subsidy Control Act 2022", "4 Jan 2023"]),
        ("community-right-to-challenge", ["have regard to", "MHCLG"]),
        ("crtc-decisions-and-rejection-grounds", ["3 months", "CPR 54.5", "Held"]),
        ("what-is-a-public-service-mutual", ["25% of the votes"]),
    ],
)
def test_pages_state_todays_facts(library: Library, slug: str, facts: list[str]) -> None:
    text = library.require(slug).text
    for fact in facts:
        assert fact in text, (slug, fact)


def test_changed_facts_cite_sources_read_on_the_day(library: Library) -> None:
    for slug in (
        "procurement-thresholds",
        "social-value-act",
        "legal-forms",
        "tupe-and-staff-transfer",
        "subsidy-control",
        "crtc-decisions-and-rejection-grounds",
    ):
        sources = library.require(slug).meta.sources
        assert any("read 2026-12-04" in source for source in sources), slug
