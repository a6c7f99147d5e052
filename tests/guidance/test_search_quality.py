"""Search quality on the SHIPPED guidance: the page an adviser means comes first.

If a query here starts failing after a content change, tune the ranking in
mspdesk/guidance/search.py (or fix the page), not the expectation.
"""

from __future__ import annotations

import pytest

from mspdesk import locations
from mspdesk.guidance import Library, check

EXPECTED_FIRST: list[tuple[str, str]] = [
    ("TUPE", "tupe-and-staff-transfer"),
    ("pension", "pensions"),
    ("expression of interest", "crtc-writing-an-eoi"),
    ("EOI", "crtc-writing-an-eoi"),
    ("social value threshold", "procurement-thresholds"),
    ("Social Value Act", "social-value-act"),
    ("rejection grounds", "crtc-decisions-and-rejection-grounds"),
    ("30 day", "crtc-decisions-and-rejection-grounds"),
    ("timescales", "crtc-timescales"),
    ("LGPS admission", "pensions"),
    ("Fair Deal", "pensions"),
    ("multi-stakeholder", "multi-stakeholder-cooperatives"),
    ("monopoly", "multi-stakeholder-cooperatives"),
    ("Teckal", "contract-routes"),
    ("reg 77", "contract-routes"),
    ("conflict of interest", "conflicts-of-interest"),
    ("incubator commissioner", "conflicts-of-interest"),
    ("CIC", "legal-forms"),
    ("community benefit society", "legal-forms"),
    ("employee ownership trust", "legal-forms"),
    ("five case model", "business-case-and-investment-readiness"),
    ("investment readiness", "business-case-and-investment-readiness"),
    ("light touch", "procurement-thresholds"),
    ("Right to Provide", "nhs-right-to-request-and-provide"),
    ("taskforce", "mutuals-taskforce-recommendations"),
    ("evidence", "evidence-and-outcomes"),
    ("recording outcomes", "evidence-and-outcomes"),
    ("glossary", "glossary"),
    ("VAT", "vat-and-tax"),
    ("de minimis", "subsidy-control"),
    ("do nothing option", "options-appraisal"),
    ("social investment", "social-investment"),
    ("diversify", "going-live-and-after"),
    ("staff engagement", "governance-and-staff-engagement"),
    ("referral", "support-programme-and-referral"),
    ("Mutuals Information Service", "support-programme-and-referral"),
    ("what is a public service mutual", "what-is-a-public-service-mutual"),
    ("history 2008", "programme-history"),
    ("ELI 28 days", "tupe-and-staff-transfer"),
]

# Search as you type: half-typed last words.
EXPECTED_FIRST_WHILE_TYPING: list[tuple[str, str]] = [
    ("pensi", "pensions"),
    ("teck", "contract-routes"),
    ("glos", "glossary"),
    ("multi-stake", "multi-stakeholder-cooperatives"),
    ("expression of inter", "crtc-writing-an-eoi"),
    ("rejection gro", "crtc-decisions-and-rejection-grounds"),
]


@pytest.fixture(scope="module")
def shipped() -> Library:
    return Library.load(locations.content_dir() / "guidance", None)


@pytest.mark.parametrize(("query", "slug"), EXPECTED_FIRST + EXPECTED_FIRST_WHILE_TYPING)
def test_expected_page_comes_first(shipped: Library, query: str, slug: str) -> None:
    hits = shipped.search(query, limit=3)
    assert hits, f"no hits for {query!r}"
    assert hits[0].slug == slug, [(hit.slug, round(hit.score, 2)) for hit in hits]


def test_expectations_name_real_pages(shipped: Library) -> None:
    for _, slug in EXPECTED_FIRST + EXPECTED_FIRST_WHILE_TYPING:
        assert shipped.get(slug) is not None, slug
    assert len(EXPECTED_FIRST) >= 20


def test_shipped_content_passes_check(shipped: Library) -> None:
    assert [str(problem) for problem in check(shipped)] == []
