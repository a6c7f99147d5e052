"""Search: field ranking, stemming, prefix-as-you-type, coverage, snippets and spans."""

from __future__ import annotations

from guidance_pages import VALID_FRONT

from mspdesk.guidance import Library, SearchIndex, parse_page
from mspdesk.guidance.page import Page
from mspdesk.guidance.text import stem, tokenise


def make_page(
    slug: str,
    title: str = "Plain page",
    *,
    summary: str = "A summary.",
    tags: str = "[misc]",
    body: str = "Nothing much here.\n",
) -> Page:
    front = (
        VALID_FRONT.replace("title: A title", f"title: {title}")
        .replace("summary: A summary.", f"summary: {summary}")
        .replace("tags: [one]", f"tags: {tags}")
    )
    return parse_page(slug, f"---\n{front.strip()}\n---\n\n{body}")


def index_of(*pages: Page) -> SearchIndex:
    return SearchIndex.build(pages)


def slugs(index: SearchIndex, query: str) -> list[str]:
    return [hit.slug for hit in index.search(query)]


FILLER = "Other words about services and staff. " * 8


def test_title_beats_headings_beats_tags_and_summary_beats_body() -> None:
    index = index_of(
        make_page("in-body", body=f"{FILLER} The zebra crossing. {FILLER}"),
        make_page("in-summary", summary="A zebra summary."),
        make_page("in-heading", body=f"## Zebra rules\n\n{FILLER}\n"),
        make_page("in-title", title="Zebra guide", body=FILLER),
        make_page("in-tags", tags="[zebra]"),
        make_page("no-match"),
    )
    assert slugs(index, "zebra") == ["in-title", "in-heading", "in-tags", "in-summary", "in-body"]


def test_body_repetition_does_not_beat_a_title_match() -> None:
    index = index_of(
        make_page("many", body="pension " * 40),
        make_page("titled", title="Pensions", body=FILLER),
    )
    assert slugs(index, "pension")[0] == "titled"


def test_stemming_matches_word_families() -> None:
    index = index_of(
        make_page("grounds", body="The authority rejected the expression of interest."),
        make_page("other", body=FILLER),
    )
    assert slugs(index, "rejection") == ["grounds"]
    assert slugs(index, "expressions interests") == ["grounds"]


def test_last_word_is_a_prefix_while_typing() -> None:
    index = index_of(
        make_page("pensions", title="Pensions"),
        make_page("tupe", title="TUPE transfer"),
    )
    assert slugs(index, "pensi") == ["pensions"]
    assert slugs(index, "pe") == ["pensions"]
    # A finished word (trailing space) is not a prefix, and only the last word is one.
    assert slugs(index, "pensi ") == []
    assert slugs(index, "pensi tupe") == ["tupe"]
    assert slugs(index, "tupe pensi") == ["tupe", "pensions"]


def test_pages_matching_more_words_rank_first() -> None:
    index = index_of(
        make_page("one-word", title="Social care", body="social " * 20),
        make_page("both", body="Social value is considered before procurement."),
    )
    assert slugs(index, "social value")[0] == "both"


def test_phrase_in_order_gets_a_bonus() -> None:
    index = index_of(
        make_page("apart", body=f"value {FILLER} social {FILLER}"),
        make_page("phrase", body=f"{FILLER} social value {FILLER}"),
    )
    assert slugs(index, "social value") == ["phrase", "apart"]


def test_hyphenated_and_joined_spellings_find_each_other() -> None:
    index = index_of(
        make_page("coops", body="A co-operative society."),
        make_page("multi", body="A multistakeholder model."),
    )
    assert slugs(index, "cooperative") == ["coops"]
    assert slugs(index, "multi-stakeholder") == ["multi"]


def test_snippet_spans_point_at_matched_words() -> None:
    sentence = "The council signs an admission agreement for the LGPS."
    body = f"{FILLER}\n\n## Admission\n\n{sentence} {FILLER}"
    index = index_of(make_page("pensions", title="Pensions and the LGPS", body=body))
    (hit,) = index.search("LGPS admission")
    assert hit.snippet.startswith("…")
    assert hit.spans
    matched = [hit.snippet[start:end] for start, end in hit.spans]
    assert {stem(word.lower()) for word in matched} == {stem("lgps"), stem("admission")}
    assert [hit.title[s:e] for s, e in hit.title_spans] == ["LGPS"]
    assert hit.anchor == "admission"
    assert all(0 <= s < e <= len(hit.snippet) for s, e in hit.spans)


def test_snippet_falls_back_to_summary_when_body_has_no_match() -> None:
    index = index_of(make_page("p", title="Zebra", summary="All about zebra crossings."))
    (hit,) = index.search("zebra")
    assert hit.snippet == "All about zebra crossings."
    assert [hit.snippet[s:e] for s, e in hit.spans] == ["zebra"]
    assert hit.anchor is None


def test_spans_cover_hyphenated_matches_once() -> None:
    index = index_of(make_page("p", body="Some multi-stakeholder models."))
    (hit,) = index.search("multi-stakeholder")
    assert [hit.snippet[s:e] for s, e in hit.spans] == ["multi-stakeholder"]


def test_empty_stopword_and_unknown_queries_find_nothing() -> None:
    index = index_of(make_page("p", title="Pensions"))
    assert index.search("") == []
    assert index.search("   ") == []
    assert index.search("the of and") == []
    assert index.search("xylophone") == []


def test_limit_and_json_shape() -> None:
    index = index_of(*(make_page(f"p{n}", title=f"Pensions {n}") for n in range(30)))
    hits = index.search("pensions", limit=5)
    assert len(hits) == 5
    assert set(hits[0].as_dict()) == {
        "slug",
        "title",
        "score",
        "snippet",
        "spans",
        "title_spans",
        "anchor",
    }


def test_library_builds_its_index_once(shipped_library: Library) -> None:
    assert shipped_library.index is shipped_library.index
    assert len(shipped_library.index) == len(shipped_library.pages)
    assert shipped_library.search("TUPE")[0].slug == "tupe-and-staff-transfer"
    assert (
        shipped_library.search("employee liability")[0].anchor == "employee-liability-information"
    )


def test_tokenise_is_shared_by_index_and_query() -> None:
    assert [t.stem for t in tokenise("Pensions")] == [stem("pension")]
