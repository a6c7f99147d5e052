"""The Word case file: read back with python-docx (headings, the milestone table, notes), and
in a slow test converted to PDF by LibreOffice to prove it opens."""

from __future__ import annotations

import io
import shutil
import subprocess
from pathlib import Path

import docx
import pytest
from export_data import NASTY_ORG, fill_case, fixed_desk

from mspdesk.transfer.exporters import export_case
from mspdesk.transfer.exporters.casefile import case_file
from mspdesk.transfer.exporters.docx_file import case_docx


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("docx") / "data"
    fill_case(path)
    return path


@pytest.fixture(scope="module")
def document(data: Path) -> docx.document.Document:
    with fixed_desk(data, read_only=True) as desk:
        content = case_docx(case_file(desk, "C-0001"))
    return docx.Document(io.BytesIO(content))


def headings(document: docx.document.Document, style: str) -> list[str]:
    return [p.text for p in document.paragraphs if p.style is not None and p.style.name == style]


def test_headings(document: docx.document.Document) -> None:
    (title,) = headings(document, "Title")
    assert title.startswith("C-0001 ") and NASTY_ORG in title
    assert headings(document, "Heading 1") == [
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
    assert "Decision 1: Accept into the programme" in headings(document, "Heading 2")
    assert document.core_properties.title.startswith("C-0001")
    assert document.core_properties.author == "tester"


def test_procurement_route_section(document: docx.document.Document) -> None:
    texts = [p.text for p in document.paragraphs]
    start = texts.index("Procurement route")
    section = texts[start : texts.index("Notes", start)]
    assert any(line.startswith("Regime on ") for line in section)
    assert any(line.startswith("Reserved contract for a mutual: ") for line in section)
    assert any(line.startswith("Standstill: ") for line in section)


def test_milestone_table(document: docx.document.Document) -> None:
    tables = [t for t in document.tables if t.rows[0].cells[0].text == "Code"]
    assert len(tables) == 1
    rows = [[cell.text for cell in row.cells] for row in tables[0].rows]
    assert rows[0] == ["Code", "Milestone", "Due", "Status", "Done when / note"]
    assert rows[1][:4] == ["M01", "Idea or expression of interest logged", "7 Jan 2013",
                           "Done 10 Jan 2013"]  # fmt: skip
    assert len(rows) == 1 + 17  # header and every milestone of the council pathway
    assert any(row[0] == "LA01" and row[3] == "Skipped" for row in rows)


def test_notes_in_order_with_line_breaks(document: docx.document.Document) -> None:
    notes = [h for h in headings(document, "Heading 2") if "·" in h]
    assert [h.split(" · ")[2] for h in notes] == [
        "N-00001 on R-2013-0001",
        "N-00003 on C-0001",
        "N-00002 on C-0001",
    ]
    # Notes are Markdown: the note's "#" heading sits below the note's own heading.
    assert "Not a heading" in headings(document, "Heading 3")
    texts = "\n".join(p.text for p in document.paragraphs)
    assert "| not | a | table |" in texts and "<script>alert('x')</script>" in texts
    assert "\x1b" not in texts and "We want to **own** it.\ufffd[31m" in texts


def test_written_to_a_file(data: Path, tmp_path: Path) -> None:
    with fixed_desk(data, read_only=True) as desk:
        path = export_case(desk, "C-0001", "docx", tmp_path / "case.docx")
    assert path.read_bytes()[:2] == b"PK"  # a zip package
    assert docx.Document(str(path)).tables


def _office() -> str | None:
    return shutil.which("libreoffice") or shutil.which("soffice")


@pytest.mark.slow
@pytest.mark.skipif(_office() is None, reason="LibreOffice is not installed")
def test_libreoffice_opens_it(data: Path, tmp_path: Path) -> None:
    with fixed_desk(data, read_only=True) as desk:
        path = export_case(desk, "C-0001", "docx", tmp_path / "case.docx")
    office = _office()
    assert office is not None
    profile = tmp_path / "profile"  # a private profile: no clash with a running LibreOffice
    subprocess.run(
        [office, f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to",
         "pdf", "--outdir", str(tmp_path), str(path)],
        check=True, capture_output=True, timeout=240,
    )  # fmt: skip
    pdf = tmp_path / "case.pdf"
    assert pdf.is_file() and pdf.stat().st_size > 1000
    assert pdf.read_bytes().startswith(b"%PDF")
    if shutil.which("pdftotext") is None:
        return
    text = subprocess.run(
        ["pdftotext", str(pdf), "-"], check=True, capture_output=True, text=True
    ).stdout
    words = set(text.split())
    # Single words: table cells wrap longer phrases across lines.
    for expected in ("C-0001", "Milestones", "M01", "LA01", "Shona", "McBride", "heading",
                     "Triage", "Budget", "£25,000", "shona.mcbride@example.com"):  # fmt: skip
        assert expected in words, expected
