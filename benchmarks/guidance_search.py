"""Guidance search latency: load, index build, and per-keystroke query times.

    python benchmarks/guidance_search.py [--quick]

`run(quick)` returns rows for benchmarks/run.py. The queries replay an adviser
typing: every prefix of words from the pages' headings, then multi-word
phrases, letter by letter. The baseline, measured in the same run, is a naive
scan (lower-case substring counts over every page) answering the same queries.
Budget: p95 under 20 ms over the shipped pages.
"""

from __future__ import annotations

import random
import statistics
import sys
import time
from pathlib import Path
from typing import Any

SRC = Path(__file__).resolve().parents[1] / "src"
if str(SRC) not in sys.path:
    sys.path.insert(0, str(SRC))

from mspdesk import locations  # noqa: E402
from mspdesk.guidance import Library, Page, SearchIndex  # noqa: E402

Row = dict[str, Any]
BUDGET_MS = 20.0


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))]


def typed_queries(pages: list[Page], count: int, seed: int = 12) -> list[str]:
    """Queries as they look while typing: word prefixes and growing multi-word phrases."""
    words: list[str] = []
    phrases: list[str] = []
    for page in pages:
        for heading in page.headings:
            parts = [word for word in heading.text.split() if word.isalpha()]
            words += [word for word in parts if len(word) >= 4]
            if len(parts) >= 2:
                phrases.append(" ".join(parts[:3]))
    queries = [word[:end] for word in words for end in range(2, len(word) + 1)]
    queries += [phrase[:end] for phrase in phrases for end in range(3, len(phrase) + 1)]
    rng = random.Random(seed)
    rng.shuffle(queries)
    return queries[:count]


def naive_search(texts: list[tuple[str, str]], query: str) -> list[str]:
    """The baseline: count each lower-cased query word in each page's lower-cased text."""
    terms = query.lower().split()
    scored = [(sum(text.count(term) for term in terms), slug) for slug, text in texts]
    return [slug for score, slug in sorted(scored, reverse=True) if score][:20]


def time_queries(search: Any, queries: list[str]) -> list[float]:
    for query in queries[:20]:
        search(query)  # warm caches (stemmer, allocator) before measuring
    latencies = []
    for query in queries:
        start = time.perf_counter()
        search(query)
        latencies.append((time.perf_counter() - start) * 1000)
    return latencies


def scaled(pages: list[Page], copies: int) -> list[Page]:
    """`copies` renamed copies of every page, to see how search grows with content."""
    from dataclasses import replace

    return [replace(page, slug=f"{page.slug}-{n}") for n in range(copies) for page in pages]


def run(quick: bool) -> list[Row]:
    """Rows: load and index times, search p50/p95, and ratios to budget and baseline."""
    shipped = locations.content_dir() / "guidance"
    repeats = 3 if quick else 10
    Library.load(shipped, None)  # imports (pydantic, markdown-it) are not part of a load
    load_ms = statistics.median(_timed(lambda: Library.load(shipped, None)) for _ in range(repeats))
    library = Library.load(shipped, None)
    pages = library.pages
    build_ms = statistics.median(_timed(lambda: SearchIndex.build(pages)) for _ in range(repeats))
    index = SearchIndex.build(pages)
    queries = typed_queries(pages, 200 if quick else 600)
    latencies = time_queries(index.search, queries)
    texts = [(page.slug, f"{page.title} {page.text}".lower()) for page in pages]
    naive = time_queries(lambda query: naive_search(texts, query), queries)
    p50, p95 = percentile(latencies, 50), percentile(latencies, 95)
    naive_p95 = percentile(naive, 95)
    rows: list[Row] = [
        {"name": "guidance_pages", "value": len(pages), "unit": "pages"},
        {"name": "guidance_load_ms", "value": round(load_ms, 2), "unit": "ms"},
        {"name": "guidance_index_build_ms", "value": round(build_ms, 2), "unit": "ms"},
        {"name": "guidance_search_queries", "value": len(queries), "unit": "queries"},
        {"name": "guidance_search_p50", "value": round(p50, 3), "unit": "ms"},
        {"name": "guidance_search_p95", "value": round(p95, 3), "unit": "ms"},
        {"name": "guidance_search_max", "value": round(max(latencies), 3), "unit": "ms"},
        {
            "name": "guidance_search_p95_vs_budget",
            "value": round(p95 / BUDGET_MS, 4),
            "unit": "ratio",
            "baseline": f"budget {BUDGET_MS:g} ms",
        },
        {"name": "naive_scan_p95", "value": round(naive_p95, 3), "unit": "ms"},
        {
            "name": "guidance_search_p95_vs_naive_scan",
            "value": round(p95 / naive_p95, 3),
            "unit": "ratio",
            "baseline": "naive_scan_p95",
        },
    ]
    if not quick:
        big = scaled(pages, 10)
        big_index = SearchIndex.build(big)
        big_p95 = percentile(time_queries(big_index.search, queries), 95)
        rows += [
            {
                "name": f"guidance_search_p95_{len(big)}_pages",
                "value": round(big_p95, 3),
                "unit": "ms",
            },
            {
                "name": "guidance_search_p95_growth_x10_pages",
                "value": round(big_p95 / p95, 3),
                "unit": "ratio",
                "baseline": "guidance_search_p95",
            },
        ]
    return rows


def _timed(call: Any) -> float:
    start = time.perf_counter()
    call()
    return (time.perf_counter() - start) * 1000


if __name__ == "__main__":
    import json

    for row in run("--quick" in sys.argv):
        print(json.dumps(row))
