"""`check`: everything wrong with a library, for `mspdesk guidance check` and CI."""

from __future__ import annotations

from mspdesk.guidance.library import Library
from mspdesk.guidance.problems import Problem

# Pathway stage codes a page may name in `stages:` (see brief section 5.2).
STAGE_CODES: frozenset[str] = frozenset({"triage", *(f"M{number:02d}" for number in range(1, 17))})


def check(library: Library) -> list[Problem]:
    """Problems in loading order: unreadable or invalid pages (skipped), duplicate slugs,
    broken links and unknown stage codes. An empty list means the content is fine.

    Pages without sources are front-matter problems: `PageMeta` requires at least one.
    """
    problems = list(library.problems)
    problems.extend(broken.as_problem() for broken in library.broken_links())
    for page in library.pages:
        for stage in page.meta.stages:
            if stage not in STAGE_CODES:
                problems.append(
                    Problem(
                        page.file,
                        f"stages: unknown code '{stage}'; use triage or M01..M16",
                        kind="stage",
                    )
                )
    return problems
