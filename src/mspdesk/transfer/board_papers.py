"""The Board's papers for one meeting as a Word document: every case awaiting the Board with
its triage scores, eligibility checks and proposed packages.

Built like the case file (python-docx built-in styles only; text goes in as runs, cleaned of
control characters, never parsed) and written like every export: atomically, 0600, never over
an existing file unless asked.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from mspdesk.transfer.exporters.casefile import clean, day
from mspdesk.transfer.exporters.output import write_export

TABLE_STYLE = "Table Grid"


@dataclass(frozen=True)
class Paper:
    """One case's paper: facts, the recommendation, checks and proposed packages."""

    case_id: str
    organisation: str
    facts: Sequence[tuple[str, str]]
    recommendation: str
    scores: Sequence[tuple[str, str]]
    checks: Sequence[tuple[str, str, str]]
    """(check, pass/fail, why)."""
    packages: Sequence[tuple[str, ...]]
    """(id, kind, provider, days, rate, value, deliverable, due)."""
    earlier: Sequence[str]


def papers_docx(meeting: date, papers: Sequence[Paper], programme: str) -> bytes:
    import docx

    document = docx.Document()
    document.core_properties.title = clean(f"{programme} Board papers, {day(meeting)}")
    document.add_heading(clean(f"{programme} Board, {day(meeting)}"), level=0)
    document.add_paragraph(
        f"{len(papers)} case{'s' if len(papers) != 1 else ''} for decision. "
        "Exported from mspdesk: it holds personal data, keep it safe."
    )
    for paper in papers:
        document.add_heading(clean(f"{paper.case_id} {paper.organisation}"), level=1)
        _table(document, None, paper.facts)
        document.add_heading("Adviser's recommendation", level=2)
        document.add_paragraph(clean(paper.recommendation))
        if paper.scores:
            _table(document, ("Criterion", "Score"), paper.scores)
        document.add_heading("Eligibility", level=2)
        if paper.checks:
            _table(document, ("Check", "Result", "Why"), paper.checks)
        else:
            document.add_paragraph("No eligibility checks recorded.")
        document.add_heading("Proposed support packages", level=2)
        if paper.packages:
            header = ("Package", "Kind", "Provider", "Days", "Rate", "Value", "Deliverable", "Due")
            _table(document, header, paper.packages)
        else:
            document.add_paragraph("None proposed yet.")
        for line in paper.earlier:
            document.add_paragraph(clean(line), style="List Bullet")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def write_papers(
    path: Path, data: bytes, *, force: bool = False, data_dir: Path | None = None
) -> Path:
    """Write the papers like any export: a regular file, never inside the data folder."""
    return write_export(path.expanduser().absolute(), data, force=force, data_dir=data_dir)


def _table(document: Any, header: Sequence[str] | None, rows: Sequence[Sequence[str]]) -> None:
    columns = len(header) if header else 2
    table = document.add_table(rows=0, cols=columns)
    table.style = TABLE_STYLE
    if header:
        for cell, text in zip(table.add_row().cells, header, strict=True):
            cell.paragraphs[0].add_run(clean(text)).bold = True
    for row in rows:
        for cell, value in zip(table.add_row().cells, row, strict=True):
            cell.text = clean(value)
    document.add_paragraph()
