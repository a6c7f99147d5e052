"""A note's Markdown in a Word file: real headings (below the note's own), bulleted and
numbered lists, bold and italic, tables, quotes and code, from the blocks note_markdown
parsed. Text goes in as runs: nothing typed can change the document beyond that."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from mspdesk.transfer.exporters import note_markdown as nm
from mspdesk.transfer.exporters.docx_layout import add_table, style_or_default, styled_paragraph

if TYPE_CHECKING:
    from docx.document import Document
    from docx.text.paragraph import Paragraph

CODE_FONT = "Courier New"
DEEPEST_HEADING = 9
DEEPEST_LIST = 3


def add_note_blocks(document: Document, blocks: Sequence[nm.Block], below: int) -> None:
    """Add `blocks` to `document`, headings moved below heading level `below`."""
    _Writer(document, below).blocks(blocks, depth=0, quoted=False)


def write_runs(paragraph: Paragraph, runs: Sequence[nm.Run]) -> None:
    """`runs` appended to `paragraph` with their bold, italic and code."""
    for run in runs:
        if run.line_break:
            paragraph.add_run().add_break()
            continue
        added = paragraph.add_run(run.text)
        added.bold = run.bold or None
        added.italic = run.italic or None
        if run.code:
            added.font.name = CODE_FONT


class _Writer:
    def __init__(self, document: Document, below: int) -> None:
        self.document = document
        self.below = below

    def blocks(self, blocks: Sequence[nm.Block], *, depth: int, quoted: bool) -> None:
        for block in blocks:
            self.block(block, depth=depth, quoted=quoted)

    def block(self, block: nm.Block, *, depth: int, quoted: bool) -> None:
        if isinstance(block, nm.Heading):
            self.heading(block)
        elif isinstance(block, nm.Paragraph):
            style = "Quote" if quoted else "List Continue" if depth else None
            write_runs(self.paragraph(style, depth), block.runs)
        elif isinstance(block, nm.ListBlock):
            self.listed(block, depth=depth, quoted=quoted)
        elif isinstance(block, nm.Quote):
            self.blocks(block.blocks, depth=depth, quoted=True)
        elif isinstance(block, nm.Table):
            self.table(block)
        elif isinstance(block, nm.Code):
            paragraph = self.paragraph(None, 0)
            lines = block.text.split("\n")
            for index, line in enumerate(lines):
                run = paragraph.add_run(line)
                run.font.name = CODE_FONT
                if index + 1 < len(lines):
                    run.add_break()
        else:
            self.paragraph(None, 0).add_run("* * *")

    def heading(self, block: nm.Heading) -> None:
        level = self.below + block.level
        if level <= DEEPEST_HEADING and style_or_default(self.document, f"Heading {level}"):
            write_runs(styled_paragraph(self.document, f"Heading {level}"), block.runs)
            return
        write_runs(self.paragraph(None, 0), [_bold(run) for run in block.runs])

    def listed(self, block: nm.ListBlock, *, depth: int, quoted: bool) -> None:
        kind = "List Number" if block.ordered else "List Bullet"
        level = min(depth + 1, DEEPEST_LIST)
        style = kind if level == 1 else f"{kind} {level}"
        numbering = self.restart(style, block.start) if block.ordered else None
        for item in block.items:
            first, rest = (item[0], item[1:]) if item else (nm.Paragraph([]), [])
            paragraph = self.paragraph(style, 0)
            if numbering is not None:
                paragraph._p.get_or_add_pPr().get_or_add_numPr().get_or_add_numId().val = numbering
            if isinstance(first, nm.Paragraph):
                write_runs(paragraph, first.runs)
            else:
                rest = [first, *rest]
            self.blocks(rest, depth=depth + 1, quoted=quoted)

    def restart(self, style: str, start: int) -> int | None:
        """A numbering of its own for one numbered list, counting from `start` (a list
        style's numbering otherwise runs on from the last list in the document)."""
        style_id = style_or_default(self.document, style)
        if style_id is None:
            return None
        element = self.document.styles.element.get_by_id(style_id)
        num_ids = element.xpath("./w:pPr/w:numPr/w:numId/@w:val") if element is not None else []
        if not num_ids:
            return None
        numbering = self.document.part.numbering_part.element
        shared = numbering.num_having_numId(int(num_ids[0]))
        fresh = numbering.add_num(shared.abstractNumId.val)
        fresh.add_lvlOverride(ilvl=0).add_startOverride(start)
        return int(fresh.numId)

    def table(self, block: nm.Table) -> None:
        header = [nm.plain_text(cell) for cell in block.header]
        texts = [[nm.plain_text(cell) for cell in row] for row in block.rows]
        add_table(self.document, header, block.rows, texts=texts, write=write_runs)

    def paragraph(self, style: str | None, depth: int) -> Paragraph:
        if style and depth and style_or_default(self.document, style) is None:
            style = "List Paragraph"
        return styled_paragraph(self.document, style)


def _bold(run: nm.Run) -> nm.Run:
    return nm.Run(run.text, True, run.italic, run.code, run.line_break)
