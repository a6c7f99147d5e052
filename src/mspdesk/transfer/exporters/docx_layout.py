"""Page set-up for Word case files, to the UK government document standard: A4 with 2 cm
margins, British English, the protective marking at the top and bottom of every page, page
numbers ("Page 2 of 5"), tables whose header row repeats on every page and whose columns
are sized from what they hold (on a landscape page when a table needs one), and no
thumbnail image.

A house template (.docx) may replace python-docx's own: its styles and page set-up are used,
its body text is dropped.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from docx.document import Document
    from docx.section import Section
    from docx.table import Table
    from docx.text.paragraph import Paragraph

LANGUAGE = "en-GB"
PAGE_MM = (210.0, 297.0)
MARGIN_MM = 20.0
CHAR_MM = 2.4
"""About the width of an average character of 11 pt body text."""
CELL_PADDING_MM = 4.4
"""Left plus right cell margins of a Word table."""
WORD_LIMIT = 18
"""Longer words (URLs, emails) may wrap rather than widen their column further."""
TEXT_LIMIT = 70
TABLE_STYLE = "Table Grid"


def new_document(template: Path | None) -> Document:
    """An empty document: the house `template`'s styles and page set-up, else python-docx's
    own template set to A4. Either way in British English, with no thumbnail."""
    import docx  # heavy (lxml): imported only when a Word file is asked for

    if template is not None:
        document = docx.Document(str(template))
        _empty_body(document)
    else:
        document = docx.Document()
        for section in document.sections:
            _a4(section, landscape=False)
    _language(document)
    _drop_thumbnail(document)
    document.core_properties.language = LANGUAGE
    return document


def mark_pages(document: Document, marking: str) -> None:
    """The marking centred at the top of every page, and at the bottom above the page
    number ("Page 2 of 5"). Later sections inherit them."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    section = document.sections[0]
    header = section.header
    header.is_linked_to_previous = False
    top = header.paragraphs[0]
    top.text = ""
    top.alignment = WD_ALIGN_PARAGRAPH.CENTER
    if marking:
        top.add_run(marking).bold = True
    footer = section.footer
    footer.is_linked_to_previous = False
    bottom = footer.paragraphs[0]
    bottom.text = ""
    bottom.alignment = WD_ALIGN_PARAGRAPH.CENTER
    if marking:
        bottom.add_run(marking).bold = True
        bottom.add_run().add_break()
    bottom.add_run("Page ")
    _field(bottom, "PAGE", "1")
    bottom.add_run(" of ")
    _field(bottom, "NUMPAGES", "1")


_STYLE_IDS: weakref.WeakKeyDictionary[Any, dict[str, str | None]] = weakref.WeakKeyDictionary()


def style_or_default(document: Document, name: str) -> str | None:
    """The id of the style `name` if the document has it (a house template may not), else
    None. Looked up once per document: python-docx's own lookup by name scans every style
    each time (measured: 4 ms a paragraph, most of a case file's build time)."""
    known = _STYLE_IDS.setdefault(document.part, {})
    if name not in known:
        try:
            known[name] = str(document.styles[name].style_id)
        except KeyError:
            known[name] = None
    return known[name]


def styled_paragraph(document: Document, name: str | None, text: str = "") -> Paragraph:
    """A new paragraph in the style `name` (the default style if the document lacks it)."""
    paragraph: Paragraph = document.add_paragraph()
    style_id = style_or_default(document, name) if name else None
    if style_id:
        paragraph._p.style = style_id
    if text:
        paragraph.add_run(text)
    return paragraph


CellWriter = Callable[["Paragraph", Any], None]


def add_table(
    document: Document,
    header: Sequence[str] | None,
    rows: Sequence[Sequence[Any]],
    *,
    texts: Sequence[Sequence[str]] | None = None,
    write: CellWriter | None = None,
) -> Any:
    """A table with a bold `header` row that repeats on every page, columns sized from the
    text they hold, on a landscape page of its own when portrait is too narrow.

    Cells are written as plain text, or by `write(paragraph, value)` when given, with
    `texts` (the same shape as `rows`) being what each cell reads as.
    """
    shown = [list(map(str, row)) for row in (texts if texts is not None else rows)]
    columns = len(header) if header else max((len(row) for row in rows), default=1)
    portrait = PAGE_MM[0] - 2 * MARGIN_MM
    widths, fits = column_widths(header or (), shown, columns, portrait)
    landscape = not fits
    if landscape:
        widths, _ = column_widths(header or (), shown, columns, PAGE_MM[1] - 2 * MARGIN_MM)
        _start_section(document, landscape=True)
    table: Any = document.add_table(rows=0, cols=columns)
    style = style_or_default(document, TABLE_STYLE)
    if style:
        table._tbl.tblStyle_val = style
    table.autofit = False
    if header:
        cells = table.add_row().cells
        for cell, text in zip(cells, header, strict=True):
            cell.paragraphs[0].add_run(text).bold = True
        _repeat_as_header(table.rows[0])
    for row in rows:
        cells = table.add_row().cells
        for cell, value in zip(cells, [*row, *[""] * (columns - len(row))], strict=True):
            if write is None:
                cell.text = str(value)
            else:
                write(cell.paragraphs[0], value)
    for row_ in table.rows[1 if header else 0 :]:
        _row_property(row_, "w:cantSplit")
    _set_widths(table, widths)
    if landscape:
        _start_section(document, landscape=False)
    else:
        document.add_paragraph()
    return table


def column_widths(
    header: Sequence[str], rows: Sequence[Sequence[str]], columns: int, usable_mm: float
) -> tuple[list[float], bool]:
    """Column widths in mm filling `usable_mm`, and whether every column fits its longest
    word (False: the table needs a wider page)."""
    natural = [3.0] * columns
    least = [3.0] * columns
    for row in [list(header), *rows]:
        for index, text in enumerate(row[:columns]):
            words = text.split() or [""]
            natural[index] = max(natural[index], min(len(text), TEXT_LIMIT))
            least[index] = max(least[index], min(max(map(len, words)) + 1, WORD_LIMIT))
    to_mm = [CHAR_MM * n + CELL_PADDING_MM for n in natural]
    least_mm = [CHAR_MM * n + CELL_PADDING_MM for n in least]
    if sum(to_mm) <= usable_mm:
        scale = usable_mm / sum(to_mm)
        return [w * scale for w in to_mm], True
    if sum(least_mm) > usable_mm:
        scale = usable_mm / sum(least_mm)
        return [w * scale for w in least_mm], False
    spare = usable_mm - sum(least_mm)
    wants = [n - m for n, m in zip(to_mm, least_mm, strict=True)]
    total = sum(wants) or 1.0
    return [m + spare * w / total for m, w in zip(least_mm, wants, strict=True)], True


def _set_widths(table: Table, widths: Sequence[float]) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Mm

    properties = table._tbl.tblPr
    layout = OxmlElement("w:tblLayout")
    layout.set(qn("w:type"), "fixed")
    properties.append(layout)
    for column, width in zip(table.columns, widths, strict=True):
        column.width = Mm(width)
    for row in table.rows:
        for cell, width in zip(row.cells, widths, strict=True):
            cell.width = Mm(width)


def _repeat_as_header(row: Any) -> None:
    # Schema order in w:trPr: cantSplit comes before tblHeader.
    _row_property(row, "w:cantSplit")
    _row_property(row, "w:tblHeader")


def _row_property(row: Any, name: str) -> None:
    """A row kept whole on one page (cantSplit) or repeated at the top of each (tblHeader)."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    element = OxmlElement(name)
    element.set(qn("w:val"), "true")
    row._tr.get_or_add_trPr().append(element)


def _start_section(document: Document, *, landscape: bool) -> None:
    from docx.enum.section import WD_SECTION

    section = document.add_section(WD_SECTION.NEW_PAGE)
    _a4(section, landscape=landscape)


def _a4(section: Section, *, landscape: bool) -> None:
    from docx.enum.section import WD_ORIENT
    from docx.shared import Mm

    short, long_ = PAGE_MM
    section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    section.page_width = Mm(long_ if landscape else short)
    section.page_height = Mm(short if landscape else long_)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Mm(MARGIN_MM))
    section.header_distance = Mm(10)
    section.footer_distance = Mm(10)


def _field(paragraph: Paragraph, instruction: str, placeholder: str) -> None:
    """A field Word and LibreOffice fill in when they lay the page out (PAGE, NUMPAGES)."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), f" {instruction} ")
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = placeholder
    run.append(text)
    field.append(run)
    paragraph._p.append(field)


def _language(document: Document) -> None:
    """British English for spelling and hyphenation, as the default for every style."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    styles = document.styles.element
    defaults = styles.find(qn("w:docDefaults"))
    if defaults is None:
        defaults = OxmlElement("w:docDefaults")
        styles.insert(0, defaults)
    run_default = defaults.find(qn("w:rPrDefault"))
    if run_default is None:
        run_default = OxmlElement("w:rPrDefault")
        defaults.insert(0, run_default)
    properties = run_default.find(qn("w:rPr"))
    if properties is None:
        properties = OxmlElement("w:rPr")
        run_default.append(properties)
    for old in properties.findall(qn("w:lang")):
        properties.remove(old)
    lang = OxmlElement("w:lang")
    for name in ("w:val", "w:eastAsia", "w:bidi"):
        lang.set(qn(name), LANGUAGE)
    properties.append(lang)
    # Styles that name a language of their own (python-docx's say en-US) follow suit.
    for element in styles.iter(qn("w:lang")):
        if element is not lang and element.get(qn("w:val")):
            element.set(qn("w:val"), LANGUAGE)


def _drop_thumbnail(document: Document) -> None:
    from docx.opc.constants import RELATIONSHIP_TYPE as RT

    rels = document.part.package.rels
    for key in [k for k, rel in rels.items() if rel.reltype == RT.THUMBNAIL]:
        del rels[key]


def _empty_body(document: Document) -> None:
    """Drop a template's body text, keeping its final page set-up."""
    from docx.oxml.ns import qn

    body = document.element.body
    for child in list(body):
        if child.tag != qn("w:sectPr"):
            body.remove(child)


def heading(document: Document, text: str, level: int) -> Paragraph:
    """A heading paragraph (Title for level 0); bold text where the template lacks it."""
    name = "Title" if level == 0 else f"Heading {level}"
    if style_or_default(document, name):
        return styled_paragraph(document, name, text)
    paragraph = styled_paragraph(document, None)
    paragraph.add_run(text).bold = True
    return paragraph
