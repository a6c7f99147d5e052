"""Notes are Markdown: carried into the Markdown export (headings below the case file's own,
rendering alike under CommonMark with tables and a GFM renderer) and into Word as real
headings, lists, bold, italic and tables; nothing typed can add a document-level heading,
run a script or hide text."""

from __future__ import annotations

import io
import re
from datetime import date
from pathlib import Path

import docx
import mistune
import pytest
from export_data import fill_case, fixed_desk
from markdown_it import MarkdownIt

from mspdesk.transfer.exporters import note_markdown as nm
from mspdesk.transfer.exporters.casefile import case_file
from mspdesk.transfer.exporters.docx_file import case_docx
from mspdesk.transfer.exporters.markdown import case_markdown, note_blocks_markdown

MEETING = "# Meeting\n\n- Discussed **TUPE** with *UNISON*\n\n| a | b |\n|---|---|\n| 1 | 2 |"
TRICKS = (
    "# Top\n\n<script>alert('x')</script>\n\n[ref]: http://hidden.example\n\n"
    "<!-- a comment -->\n\n[click](https://evil.example) [run](javascript:alert(1)) "
    "![img](http://x.example/p.png)\n\n"
    "right\u202eto-left and zero\u200bwidth\n\n####### seven"
)


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("notes") / "data"
    fill_case(path)
    with fixed_desk(path) as desk:
        desk.notes.add("C-0001", MEETING, kind="meeting", on=date(2013, 3, 1))
        desk.notes.add("C-0001", TRICKS, kind="other", on=date(2013, 3, 2))
    return path


@pytest.fixture(scope="module")
def markdown(data: Path) -> str:
    with fixed_desk(data, read_only=True) as desk:
        return case_markdown(case_file(desk, "C-0001"))


@pytest.fixture(scope="module")
def document(data: Path) -> docx.document.Document:
    with fixed_desk(data, read_only=True) as desk:
        return docx.Document(io.BytesIO(case_docx(case_file(desk, "C-0001"))))


def commonmark(text: str) -> str:
    return str(MarkdownIt("commonmark").enable("table").render(text))


def gfm(text: str) -> str:
    render = mistune.create_markdown(plugins=["table", "strikethrough", "url"])
    return str(render(text))


def note_section(text: str, marker: str) -> str:
    """The Markdown of the note whose heading holds `marker`, up to the next note."""
    start = text.index(f"### {marker}")
    ends = [text.find(h, start + 1) for h in ("\n### ", "\n## ")]
    return text[start : min(end for end in ends if end > 0)]


@pytest.mark.parametrize("render", [commonmark, gfm], ids=["commonmark+table", "gfm"])
def test_meeting_note_renders_in_the_markdown_file(markdown: str, render: object) -> None:
    assert callable(render)
    html = render(markdown)
    section = render(note_section(markdown, "1 Mar 2013"))
    assert "<h3>1 Mar 2013 · Meeting" in section
    assert "<h4>Meeting</h4>" in section  # below the note's own heading (h3)
    assert "<strong>TUPE</strong>" in section and "<em>UNISON</em>" in section
    assert "<li>" in section
    assert "<table>" in section and "<th>a</th>" in section and "<td>2</td>" in section
    assert html.count("<h1>") == 1  # only the case's title


@pytest.mark.parametrize("render", [commonmark, gfm], ids=["commonmark+table", "gfm"])
def test_every_table_has_a_header_row(markdown: str, render: object) -> None:
    assert callable(render)
    html = render(markdown)
    # The facts, milestones, people, budget and note tables all render as tables.
    delimiter_rows = [line for line in markdown.splitlines() if line.startswith("|---|")]
    assert html.count("<table>") == len(delimiter_rows) >= 6
    assert "<th>Field</th>" in html and "<th>Code</th>" in html and "<th>Budget</th>" in html


@pytest.mark.parametrize("render", [commonmark, gfm], ids=["commonmark+table", "gfm"])
def test_typed_markup_cannot_script_link_or_hide(markdown: str, render: object) -> None:
    assert callable(render)
    section = note_section(markdown, "2 Mar 2013")
    html = render(section)
    assert "<script" not in html and "<img" not in html and "<!--" not in html
    # A GFM renderer turns a bare address into a link; it never hides behind other text.
    for target, label in re.findall(r'<a href="([^"]*)">([^<]*)</a>', html):
        assert target == label
    assert html.count("<a ") == len(re.findall(r'<a href="([^"]*)">', html))
    shown = re.sub("<[^>]+>", "", html)
    # What was typed still shows: the HTML as text, the link and image with their targets,
    # the reference definition (which a Markdown renderer would swallow).
    assert "&lt;script&gt;alert('x')&lt;/script&gt;" in html
    assert "[ref]: http://hidden.example" in shown
    assert "click (https://evil.example)" in shown and "[run](javascript:alert(1))" in shown
    assert "[image: img] (http://x.example/p.png)" in shown
    assert "&lt;!-- a comment --&gt;" in html
    assert "\u202e" not in html and "\u200b" not in html
    # The note's top heading is an h4; "#######" is not a heading in Markdown at all.
    assert "<h4>Top</h4>" in html and "<h1>" not in html and "<h2>" not in html
    assert "####### seven" in html


def test_headings_too_deep_become_bold() -> None:
    blocks = nm.parse_note("# one\n\n## two\n\n### three\n\n#### four")
    lines = note_blocks_markdown(blocks, 3)
    assert [line for line in lines if line] == ["#### one", "##### two", "###### three",
                                                "**four**"]  # fmt: skip


@pytest.mark.parametrize(
    "typed",
    [
        "a\n===",  # setext heading
        "    code\n\nb",
        "**bold *nested* `co|de`** [x](y)",
        "1. one\n2. two\n   - inner\n\n> quote\n> - item",
        "| a | b |\n|---|---|\n| `x|y` | \\| |",
        "```\n```not closed\n````",
        "line one\nline two\\\nthree",
        "- [ ] task\n+ plus\n* star",
        "&lt;b&gt; &amp; &#35; heading",
    ],
)
def test_written_back_reads_the_same(typed: str) -> None:
    """Writing parsed blocks back as Markdown and parsing again gives the same blocks:
    emphasis, lists, tables and code survive, and escaped text stays text."""
    first = nm.parse_note(typed)
    again = nm.parse_note("\n".join(note_blocks_markdown(first, 0)))
    assert _styled(again) == _styled(first)


def _styled(blocks: object) -> object:
    """Blocks with each run as its visible characters and their styles (spaces at the
    edge of a bold run may move outside it: that changes nothing anyone sees)."""
    if isinstance(blocks, list) and blocks and isinstance(blocks[0], nm.Run):
        return [(c, r.bold, r.italic, r.code) for r in blocks for c in r.text if c != " "]
    if isinstance(blocks, list):
        return [_styled(item) for item in blocks]
    if hasattr(blocks, "__dataclass_fields__"):
        return {k: _styled(v) for k, v in vars(blocks).items()}
    return blocks


def test_meeting_note_in_word(document: docx.document.Document) -> None:
    paragraphs = document.paragraphs
    index = next(i for i, p in enumerate(paragraphs) if p.text.startswith("1 Mar 2013 · Meeting"))
    assert paragraphs[index].style is not None
    assert paragraphs[index].style.name == "Heading 2"
    meeting = paragraphs[index + 2]  # after the byline
    assert meeting.text == "Meeting" and meeting.style is not None
    assert meeting.style.name == "Heading 3"
    item = paragraphs[index + 3]
    assert item.style is not None and item.style.name == "List Bullet"
    runs = {run.text: run for run in item.runs}
    assert runs["TUPE"].bold and not runs["TUPE"].italic
    assert runs["UNISON"].italic and not runs["UNISON"].bold
    assert runs["Discussed "].bold is None
    tables = [t for t in document.tables if [c.text for c in t.rows[0].cells] == ["a", "b"]]
    assert len(tables) == 1
    assert [c.text for c in tables[0].rows[1].cells] == ["1", "2"]


def test_typed_markup_in_word_is_text(document: docx.document.Document) -> None:
    texts = "\n".join(p.text for p in document.paragraphs)
    assert "<script>alert('x')</script>" in texts
    assert "[ref]: http://hidden.example" in texts
    assert "click (https://evil.example)" in texts and "[run](javascript:alert(1))" in texts
    assert "\u202e" not in texts and "\u200b" not in texts
    assert "Top" in [p.text for p in document.paragraphs if p.style and p.style.name == "Heading 3"]
    # No hyperlinks anywhere in the body.
    assert b"w:hyperlink" not in document.element.xml.encode()


def test_each_numbered_list_counts_from_its_own_start() -> None:
    from docx.oxml.ns import qn

    from mspdesk.transfer.exporters.docx_notes import add_note_blocks

    document = docx.Document()
    add_note_blocks(document, nm.parse_note("1. one\n2. two"), 2)
    add_note_blocks(document, nm.parse_note("3. three\n4. four"), 2)
    ids = [p._p.xpath("./w:pPr/w:numPr/w:numId/@w:val")[0] for p in document.paragraphs]
    assert ids[0] == ids[1] != ids[2] == ids[3]
    numbering = document.part.numbering_part.element
    starts = []
    for num_id in (ids[0], ids[2]):
        num = numbering.num_having_numId(int(num_id))
        (override,) = num.findall(f"{qn('w:lvlOverride')}/{qn('w:startOverride')}")
        starts.append(override.get(qn("w:val")))
    assert starts == ["1", "3"]
