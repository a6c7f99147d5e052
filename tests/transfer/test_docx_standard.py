"""The Word case file to the UK government document standard: A4, en-GB, protective marking,
page numbers, repeating table headers, columns sized from content (landscape where needed),
document properties, no thumbnail, an optional house template; and, converted to PDF by
LibreOffice (slow), the marking, page number and milestone header on every page."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import zipfile
from datetime import date
from pathlib import Path

import docx
import pytest
from docx.enum.section import WD_ORIENT
from docx.oxml.ns import qn
from docx.shared import Mm
from export_data import fill_case, fixed_desk

from mspdesk.domain.errors import UserError
from mspdesk.transfer.document_settings import DocumentSettings, document_settings
from mspdesk.transfer.exporters import export_case
from mspdesk.transfer.exporters.casefile import case_file
from mspdesk.transfer.exporters.docx_file import case_docx
from mspdesk.transfer.exporters.docx_layout import column_widths

EXTRA_MILESTONES = 60


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("docx-standard") / "data"
    fill_case(path)
    with fixed_desk(path) as desk:
        for number in range(EXTRA_MILESTONES):
            desk.cases.milestones.add(
                "C-0001", f"Staff briefing session {number} on the mutual", date(2013, 4, 1)
            )
    return path


def build(data: Path, settings: DocumentSettings | None = None) -> bytes:
    with fixed_desk(data, read_only=True) as desk:
        return case_docx(case_file(desk, "C-0001"), settings)


@pytest.fixture(scope="module")
def content(data: Path) -> bytes:
    return build(data)


@pytest.fixture(scope="module")
def document(content: bytes) -> docx.document.Document:
    return docx.Document(io.BytesIO(content))


def milestone_table(document: docx.document.Document) -> docx.table.Table:
    return next(t for t in document.tables if t.rows[0].cells[0].text == "Code")


def test_a4_pages_with_landscape_for_wide_tables(document: docx.document.Document) -> None:
    sections = document.sections

    def mm(length: object) -> int:
        return round(float(str(length)) / Mm(1))

    assert (mm(sections[0].page_width), mm(sections[0].page_height)) == (210, 297)
    for section in sections:
        assert sorted((mm(section.page_width), mm(section.page_height))) == [210, 297]
        landscape = section.orientation == WD_ORIENT.LANDSCAPE
        assert (mm(section.page_width) == 297) == landscape
    # The conflicts register (seven columns) does not fit a portrait page.
    assert any(s.orientation == WD_ORIENT.LANDSCAPE for s in sections)


def test_british_english(document: docx.document.Document) -> None:
    defaults = document.styles.element.find(qn("w:docDefaults"))
    assert defaults is not None
    langs = defaults.findall(f".//{qn('w:lang')}")
    assert [lang.get(qn("w:val")) for lang in langs] == ["en-GB"]
    assert "en-US" not in document.styles.element.xml
    assert document.core_properties.language == "en-GB"


def test_marking_and_page_numbers(document: docx.document.Document) -> None:
    section = document.sections[0]
    assert section.header.paragraphs[0].text == "OFFICIAL-SENSITIVE"
    footer = section.footer.paragraphs[0]
    assert footer.text.startswith("OFFICIAL-SENSITIVE")
    fields = [f.get(qn("w:instr")).strip() for f in footer._p.iter(qn("w:fldSimple"))]
    assert fields == ["PAGE", "NUMPAGES"]
    # Later sections (landscape pages) carry the same header and footer.
    for later in document.sections[1:]:
        assert later.header.is_linked_to_previous and later.footer.is_linked_to_previous


def test_header_rows_repeat_and_columns_fit_their_content(
    document: docx.document.Document,
) -> None:
    table = milestone_table(document)
    header = table.rows[0]._tr
    assert header.find(f"{qn('w:trPr')}/{qn('w:tblHeader')}") is not None
    assert table.rows[1]._tr.find(f"{qn('w:trPr')}/{qn('w:tblHeader')}") is None
    widths = [column.width for column in table.columns]
    code, title, due, _status, note = widths
    assert code < due < title and code < note  # not equal columns
    assert sum(widths) <= Mm(170) + Mm(1)  # within the portrait margins
    # Every table has a bold header row.
    for each in document.tables:
        assert all(run.bold for cell in each.rows[0].cells for run in cell.paragraphs[0].runs)


def test_column_widths_never_split_short_words() -> None:
    rows = [["M01", "Idea or expression of interest logged", "7 Jan 2013"]]
    widths, fits = column_widths(("Code", "Milestone", "Due"), rows, 3, 170)
    assert fits and abs(sum(widths) - 170) < 0.01
    assert widths[0] >= 2.4 * len("Code ")
    widths, fits = column_widths(("A",) * 12, [["Commissioner"] * 12], 12, 170)
    assert not fits  # twelve long words need a wider page


def test_properties_and_no_thumbnail(content: bytes, document: docx.document.Document) -> None:
    properties = document.core_properties
    assert properties.title.startswith("C-0001 ")
    assert properties.author == "tester"
    assert properties.category == "OFFICIAL-SENSITIVE"
    names = zipfile.ZipFile(io.BytesIO(content)).namelist()
    assert not [name for name in names if "thumbnail" in name]
    rels = zipfile.ZipFile(io.BytesIO(content)).read("_rels/.rels").decode()
    assert "thumbnail" not in rels


def test_marking_from_settings(data: Path) -> None:
    settings = document_settings({"MSPDESK_MARKING": "  OFFICIAL  "})
    document = docx.Document(io.BytesIO(build(data, settings)))
    assert document.sections[0].header.paragraphs[0].text == "OFFICIAL"


def test_house_template_styles_are_used(data: Path, tmp_path: Path) -> None:
    template = docx.Document()
    template.styles["Heading 1"].font.name = "Arial"
    template.styles["Heading 1"].font.size = docx.shared.Pt(17)
    template.add_paragraph("Template body text that must not appear")
    path = tmp_path / "house.docx"
    template.save(str(path))
    settings = document_settings({"MSPDESK_DOCX_TEMPLATE": str(path)})
    assert settings.docx_template == path
    document = docx.Document(io.BytesIO(build(data, settings)))
    assert document.styles["Heading 1"].font.name == "Arial"
    assert document.styles["Heading 1"].font.size == docx.shared.Pt(17)
    texts = [p.text for p in document.paragraphs]
    assert "Template body text that must not appear" not in texts
    assert "Milestones" in texts


@pytest.mark.parametrize(
    ("environ", "message"),
    [
        ({"MSPDESK_DOCX_TEMPLATE": "/nowhere/house.docx"}, "docx template"),
        ({"MSPDESK_CALENDAR_REMINDER_DAYS": "soon"}, "calendar reminder"),
        ({"MSPDESK_CALENDAR_REMINDER_DAYS": "-1"}, "calendar reminder"),
        ({"MSPDESK_MARKING": "X" * 61}, "marking"),
    ],
)
def test_bad_settings_are_named(environ: dict[str, str], message: str) -> None:
    with pytest.raises(UserError, match=message):
        document_settings(environ)


def test_default_settings() -> None:
    assert document_settings({}) == DocumentSettings("OFFICIAL-SENSITIVE", None, None)
    assert document_settings({"MSPDESK_CALENDAR_REMINDER_DAYS": "2"}).reminder_days == 2


def _office() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


@pytest.mark.slow
@pytest.mark.skipif(
    _office() is None or shutil.which("pdftotext") is None or shutil.which("pdfinfo") is None,
    reason="LibreOffice or poppler-utils is not installed",
)
def test_pdf_pages_carry_marking_numbers_and_table_header(data: Path, tmp_path: Path) -> None:
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
    info = subprocess.run(
        ["pdfinfo", "-f", "1", "-l", "999", str(pdf)], check=True, capture_output=True, text=True
    ).stdout
    sizes = re.findall(r"Page\s+\d+ size:\s+([\d.]+) x ([\d.]+) pts", info)
    pages = len(sizes)
    assert pages >= 3
    for width, height in sizes:  # A4 (595 x 842 pt), portrait or landscape
        assert sorted((round(float(width)), round(float(height)))) == [595, 842]
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True, text=True
    ).stdout
    page_texts = text.split("\f")[:pages]
    spanned = []
    for number, page in enumerate(page_texts, start=1):
        assert page.count("OFFICIAL-SENSITIVE") == 2, number  # top and bottom
        assert f"Page {number} of {pages}" in page
        if re.search(r"X\d\d\s+Staff briefing", page):
            spanned.append(page)
    assert len(spanned) >= 2  # the milestone table runs over more than one page
    for page in spanned:
        assert re.search(r"Code\s+Milestone\s+Due\s+Status\s+Done when", page)


def test_document_settings_come_from_the_settings_file_and_the_environment_overrides(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from mspdesk import config
    from mspdesk.transfer.document_settings import document_settings

    for name in ("MSPDESK_MARKING", "MSPDESK_DOCX_TEMPLATE", "MSPDESK_CALENDAR_REMINDER_DAYS"):
        monkeypatch.delenv(name, raising=False)
    assert document_settings().marking == "OFFICIAL-SENSITIVE"
    config.set_value("marking", "OFFICIAL")
    config.set_value("calendar_reminder_days", "2")
    settings = document_settings()
    assert (settings.marking, settings.reminder_days) == ("OFFICIAL", 2)
    monkeypatch.setenv("MSPDESK_MARKING", "OFFICIAL-SENSITIVE PERSONAL")
    assert document_settings().marking == "OFFICIAL-SENSITIVE PERSONAL"
