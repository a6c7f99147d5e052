"""Full-text search over guidance pages, fast enough to run on every keystroke.

Ranking is BM25 per field, summed with field weights so a title match beats a
heading match beats a tag/summary match beats body text. Everything that does
not depend on the query (per-term, per-page weights) is computed once in
`SearchIndex.build`; a query is then a few dictionary look-ups. The last query
word is also matched as a prefix, so results appear while the adviser types.
"""

from __future__ import annotations

import math
from bisect import bisect_left
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from mspdesk.guidance.page import Page
from mspdesk.guidance.text import Token, stem, tokenise

Span = tuple[int, int]

# (field, weight, BM25 length normalisation b). Short fields barely normalise.
FIELDS: tuple[tuple[str, float, float], ...] = (
    ("title", 10.0, 0.3),
    ("slug", 3.0, 0.3),
    ("headings", 4.0, 0.5),
    ("tags", 3.0, 0.3),
    ("summary", 2.5, 0.5),
    ("body", 1.0, 0.75),
)
K1 = 1.2
# A word on nearly every page still says something when it is in a title.
IDF_FLOOR = 0.2
PREFIX_WEIGHT = 0.85  # a word the adviser has only started typing counts a little less
MAX_EXPANSIONS = 48
PHRASE_BONUS = {"title": 1.6, "headings": 1.35, "summary": 1.2, "body": 1.15}
SNIPPET_CHARS = 180


@dataclass(frozen=True)
class SearchHit:
    """One ranked result.

    `spans` are (start, end) character offsets of matched words in `snippet`;
    `title_spans` the same in `title`; `anchor` is the heading the snippet sits under.
    """

    slug: str
    title: str
    score: float
    snippet: str
    spans: tuple[Span, ...]
    title_spans: tuple[Span, ...]
    anchor: str | None

    def as_dict(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        return {
            "slug": self.slug,
            "title": self.title,
            "score": round(self.score, 4),
            "snippet": self.snippet,
            "spans": [list(span) for span in self.spans],
            "title_spans": [list(span) for span in self.title_spans],
            "anchor": self.anchor,
        }


@dataclass(frozen=True)
class _QueryTerm:
    """One query word and the index stems it may match, each with a weight."""

    stems: tuple[tuple[str, float], ...]

    def stem_set(self) -> frozenset[str]:
        return frozenset(stem_ for stem_, _ in self.stems)


@dataclass
class _Document:
    page: Page
    title_stems: list[str]
    heading_stems: list[list[str]]
    summary_stems: list[str]
    body_tokens: list[Token]
    body_positions: dict[str, list[int]]


class SearchIndex:
    """An immutable index over a set of pages. Build once, query many times."""

    def __init__(
        self,
        documents: list[_Document],
        postings: dict[str, dict[int, float]],
        idf: dict[str, float],
        words: list[str],
        word_stems: dict[str, str],
    ) -> None:
        self._documents = documents
        self._postings = postings
        self._idf = idf
        self._words = words
        self._word_stems = word_stems

    @classmethod
    def build(cls, pages: Iterable[Page]) -> SearchIndex:
        """Tokenise every field of every page and precompute the per-term weights."""
        documents: list[_Document] = []
        field_stems: list[dict[str, list[str]]] = []
        word_stems: dict[str, str] = {}
        for page in pages:
            fields = _field_tokens(page)
            for tokens in fields.values():
                for token in tokens:
                    word_stems.setdefault(token.word, token.stem)
            positions: defaultdict[str, list[int]] = defaultdict(list)
            for position, token in enumerate(fields["body"]):
                positions[token.stem].append(position)
            documents.append(
                _Document(
                    page=page,
                    title_stems=[token.stem for token in fields["title"]],
                    heading_stems=[
                        [token.stem for token in tokenise(heading.text)]
                        for heading in page.headings
                    ],
                    summary_stems=[token.stem for token in fields["summary"]],
                    body_tokens=fields["body"],
                    body_positions=dict(positions),
                )
            )
            field_stems.append({name: [t.stem for t in tokens] for name, tokens in fields.items()})
        postings = _weigh(field_stems)
        count = len(documents)
        idf = {
            term: max(IDF_FLOOR, math.log(1 + (count - len(docs) + 0.5) / (len(docs) + 0.5)))
            for term, docs in postings.items()
        }
        return cls(documents, postings, idf, sorted(word_stems), word_stems)

    def __len__(self) -> int:
        return len(self._documents)

    def search(self, query: str, limit: int = 20) -> list[SearchHit]:
        """Pages matching `query`, best first, at most `limit`.

        Every word counts; pages matching more of the words rank higher. Unless the
        query ends with a space, its last word also matches longer words it begins.
        """
        terms = self._query_terms(query)
        if not terms:
            return []
        scores: defaultdict[int, float] = defaultdict(float)
        matched: defaultdict[int, int] = defaultdict(int)
        for term in terms:
            best: dict[int, float] = {}
            for stem_, weight in term.stems:
                idf = self._idf[stem_] * weight
                for doc, value in self._postings[stem_].items():
                    candidate = idf * value
                    if candidate > best.get(doc, 0.0):
                        best[doc] = candidate
            for doc, value in best.items():
                scores[doc] += value
                matched[doc] += 1
        ranked: list[tuple[float, str, int]] = []
        for doc, score in scores.items():
            coverage = matched[doc] / len(terms)
            score *= coverage * coverage
            if len(terms) > 1 and matched[doc] == len(terms):
                score *= self._phrase_bonus(self._documents[doc], terms)
            ranked.append((-score, self._documents[doc].page.title.lower(), doc))
        ranked.sort()
        highlight = frozenset().union(*(term.stem_set() for term in terms))
        return [
            self._hit(self._documents[doc], -negative, highlight)
            for negative, _, doc in ranked[:limit]
        ]

    def _query_terms(self, query: str) -> list[_QueryTerm]:
        tokens = tokenise(query)
        if not tokens:
            return []
        typing_last_word = not query[-1:].isspace()
        last_end = max(token.end for token in tokens)
        # For "co-op" expand the joined "coop", not the fragment "op" ("option"...).
        last_start = min(token.start for token in tokens if token.end == last_end)
        terms: list[_QueryTerm] = []
        seen: set[str] = set()
        for token in tokens:
            options: dict[str, float] = {}
            if token.stem in self._postings:
                options[token.stem] = 1.0
            if typing_last_word and (token.start, token.end) == (last_start, last_end):
                for expansion in self._expand(token.word):
                    options.setdefault(expansion, PREFIX_WEIGHT)
            key = "|".join(sorted(options)) or token.stem
            if key in seen:
                continue
            seen.add(key)
            # A word found nowhere cannot rank pages; dropping it keeps the rest useful.
            if options:
                terms.append(_QueryTerm(tuple(options.items())))
        return terms

    def _expand(self, prefix: str) -> list[str]:
        """Stems of indexed words that start with `prefix` (two letters or more)."""
        if len(prefix) < 2:
            return []
        stems: dict[str, None] = {}
        position = bisect_left(self._words, prefix)
        while position < len(self._words) and self._words[position].startswith(prefix):
            stems[self._word_stems[self._words[position]]] = None
            position += 1
        if len(stems) > MAX_EXPANSIONS:
            # Keep the most specific expansions (rarest), they discriminate best.
            return sorted(stems, key=lambda term: -self._idf[term])[:MAX_EXPANSIONS]
        return list(stems)

    def _phrase_bonus(self, document: _Document, terms: Sequence[_QueryTerm]) -> float:
        wanted = [term.stem_set() for term in terms]
        if _contains_run(document.title_stems, wanted):
            return PHRASE_BONUS["title"]
        if any(_contains_run(stems, wanted) for stems in document.heading_stems):
            return PHRASE_BONUS["headings"]
        if _contains_run(document.summary_stems, wanted):
            return PHRASE_BONUS["summary"]
        tokens = document.body_tokens
        for start in _positions(document, wanted[0]):
            if start + len(wanted) <= len(tokens) and all(
                tokens[start + offset].stem in options for offset, options in enumerate(wanted)
            ):
                return PHRASE_BONUS["body"]
        return 1.0

    def _hit(self, document: _Document, score: float, highlight: frozenset[str]) -> SearchHit:
        page = document.page
        title_spans = _spans(page.title, highlight)
        positions = sorted(_positions(document, highlight))
        if positions:
            snippet, spans, first = _body_snippet(
                page.text, document.body_tokens, positions, highlight
            )
            anchor = page.section_at(first)
        else:
            snippet = page.meta.summary
            spans = _spans(snippet, highlight)
            anchor = None
        return SearchHit(page.slug, page.title, score, snippet, spans, title_spans, anchor)


def _field_tokens(page: Page) -> dict[str, list[Token]]:
    meta = page.meta
    return {
        "title": tokenise(meta.title),
        "slug": tokenise(page.slug.replace("-", " ")),
        "headings": [token for heading in page.headings for token in tokenise(heading.text)],
        "tags": [token for tag in meta.tags for token in tokenise(tag)],
        "summary": tokenise(meta.summary),
        "body": tokenise(page.text),
    }


def _weigh(field_stems: list[dict[str, list[str]]]) -> dict[str, dict[int, float]]:
    """Per term and page: the sum over fields of weight x BM25 term saturation."""
    count = max(len(field_stems), 1)
    average = {
        name: max(sum(len(doc[name]) for doc in field_stems) / count, 1.0) for name, _, _ in FIELDS
    }
    postings: defaultdict[str, dict[int, float]] = defaultdict(dict)
    for doc, fields in enumerate(field_stems):
        for name, weight, b in FIELDS:
            stems = fields[name]
            if not stems:
                continue
            norm = 1 - b + b * len(stems) / average[name]
            frequencies: defaultdict[str, int] = defaultdict(int)
            for stem_ in stems:
                frequencies[stem_] += 1
            for stem_, tf in frequencies.items():
                saturation = tf * (K1 + 1) / (tf + K1 * norm)
                postings[stem_][doc] = postings[stem_].get(doc, 0.0) + weight * saturation
    return dict(postings)


def _contains_run(stems: Sequence[str], wanted: Sequence[frozenset[str]]) -> bool:
    """True if `stems` holds one stem from each of `wanted`, consecutively."""
    width = len(wanted)
    return any(
        all(stems[start + offset] in options for offset, options in enumerate(wanted))
        for start in range(len(stems) - width + 1)
    )


def _positions(document: _Document, stems: Iterable[str]) -> list[int]:
    found: list[int] = []
    for stem_ in stems:
        found.extend(document.body_positions.get(stem_, ()))
    return found


def _body_snippet(
    text: str, tokens: list[Token], positions: list[int], highlight: frozenset[str]
) -> tuple[str, tuple[Span, ...], int]:
    """The window of body text with the most distinct matched words, and their spans."""
    best_start, best_key = positions[0], (-1, -1)
    window = 24  # tokens
    for index, start in enumerate(positions[:200]):
        inside = [p for p in positions[index:] if p < start + window]
        key = (len({tokens[p].stem for p in inside}), len(inside))
        if key > best_key:
            best_start, best_key = start, key
    first_char = tokens[best_start].start
    begin = _word_start(text, max(0, first_char - 50))
    end = _word_end(text, min(len(text), begin + SNIPPET_CHARS))
    lead = "…" if begin > 0 else ""
    tail = "…" if end < len(text) else ""
    snippet = lead + text[begin:end].strip() + tail
    shift = len(lead) - begin - (len(text[begin:end]) - len(text[begin:end].lstrip()))
    # Tokens are (nearly) in text order, so only those near the window need looking at.
    low = best_start
    while low > 0 and tokens[low - 1].start >= begin - 40:
        low -= 1
    high = best_start
    while high < len(tokens) and tokens[high].start < end:
        high += 1
    spans = (
        (token.start + shift, token.end + shift)
        for token in tokens[low:high]
        if begin <= token.start and token.end <= end and token.stem in highlight
    )
    return snippet, _merge(spans), first_char


def _spans(text: str, highlight: frozenset[str]) -> tuple[Span, ...]:
    return _merge((token.start, token.end) for token in tokenise(text) if token.stem in highlight)


def _merge(spans: Iterable[Span]) -> tuple[Span, ...]:
    """Sorted spans with overlaps joined (a hyphenated word yields parts and the whole)."""
    merged: list[Span] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return tuple(merged)


def _word_start(text: str, position: int) -> int:
    if position == 0:
        return 0
    space = text.rfind(" ", 0, position)
    return space + 1 if space != -1 and position - space < 30 else position


def _word_end(text: str, position: int) -> int:
    if position >= len(text):
        return len(text)
    space = text.find(" ", position)
    return space if space != -1 and space - position < 30 else position


__all__ = ["SearchHit", "SearchIndex", "stem", "tokenise"]
