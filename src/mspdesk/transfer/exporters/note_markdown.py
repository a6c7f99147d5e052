"""A note's Markdown, parsed once into a small, safe document model that the Markdown and
Word exports both render.

Notes are parsed with markdown-it (CommonMark plus tables) with raw HTML off and link
reference definitions off, so typed HTML and `[x]: …` lines stay visible as text. What comes
out is only blocks (headings, paragraphs, lists, quotes, tables, code, rules) holding runs of
text that are bold, italic, code or a link. Links and images become text followed by their
target in brackets: nothing a note holds can be clicked, load anything or run. Characters
that could hide or reorder text (controls, bidirectional overrides, zero-width marks) become
U+FFFD.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from typing import TYPE_CHECKING

from mspdesk.transfer.exporters.casefile import clean

if TYPE_CHECKING:
    from markdown_it import MarkdownIt
    from markdown_it.token import Token

# Bidirectional overrides and isolates, and zero-width characters: they can make text read
# differently from what it holds, or make it invisible.
_HIDING = re.compile(r"[\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")


@dataclass(frozen=True)
class Run:
    """Text with its emphasis; `code` runs are shown literally in a fixed-width font."""

    text: str
    bold: bool = False
    italic: bool = False
    code: bool = False
    line_break: bool = False
    """A line break (the text is empty)."""


@dataclass
class Heading:
    level: int
    """1 for the note's own top level; renderers put it below the document's headings."""
    runs: list[Run]


@dataclass
class Paragraph:
    runs: list[Run]


@dataclass
class ListBlock:
    ordered: bool
    start: int
    items: list[list[Block]] = field(default_factory=list)


@dataclass
class Quote:
    blocks: list[Block]


@dataclass
class Table:
    header: list[list[Run]]
    rows: list[list[list[Run]]]


@dataclass
class Code:
    text: str


@dataclass
class Rule:
    pass


Block = Heading | Paragraph | ListBlock | Quote | Table | Code | Rule


@cache
def _parser() -> MarkdownIt:
    from markdown_it import MarkdownIt

    parser = MarkdownIt("commonmark", {"html": False}).enable("table")
    # A reference definition shows nothing where it is typed: keep such lines as text.
    return parser.disable("reference")


def safe_text(text: str) -> str:
    """`text` with controls and characters that hide or reorder text replaced by U+FFFD."""
    return _HIDING.sub("\ufffd", clean(text))


def parse_note(body: str) -> list[Block]:
    """The blocks of a note's Markdown `body`."""
    text = safe_text(body).replace("\r\n", "\n").replace("\r", "\n")
    tokens = _parser().parse(text)
    blocks, _ = _blocks(tokens, 0, None)
    return blocks


def _blocks(tokens: list[Token], index: int, until: str | None) -> tuple[list[Block], int]:
    """Blocks from `tokens[index:]` up to the closing token `until`; returns them and the
    index after that closing token."""
    blocks: list[Block] = []
    while index < len(tokens):
        token = tokens[index]
        kind = token.type
        if until is not None and kind == until:
            return blocks, index + 1
        if kind == "heading_open":
            blocks.append(Heading(int(token.tag[1:]), _runs(tokens[index + 1])))
            index += 3
        elif kind == "paragraph_open":
            runs = _runs(tokens[index + 1])
            if runs:
                blocks.append(Paragraph(runs))
            index += 3
        elif kind in ("bullet_list_open", "ordered_list_open"):
            ordered = kind == "ordered_list_open"
            start = int(str(token.attrGet("start") or 1)) if ordered else 1
            listed = ListBlock(ordered, start)
            close = kind.replace("_open", "_close")
            index += 1
            while tokens[index].type != close:
                item, index = _blocks(tokens, index + 1, "list_item_close")
                listed.items.append(item)
            blocks.append(listed)
            index += 1
        elif kind == "blockquote_open":
            inner, index = _blocks(tokens, index + 1, "blockquote_close")
            blocks.append(Quote(inner))
        elif kind == "table_open":
            table, index = _table(tokens, index + 1)
            blocks.append(table)
        elif kind in ("fence", "code_block"):
            blocks.append(Code(token.content.rstrip("\n")))
            index += 1
        elif kind == "hr":
            blocks.append(Rule())
            index += 1
        elif kind in ("html_block", "inline"):
            # Not produced with HTML off; kept as text should a parser change bring them.
            blocks.append(Paragraph([Run(token.content)]))
            index += 1
        else:
            index += 1
    return blocks, index


def _table(tokens: list[Token], index: int) -> tuple[Table, int]:
    header: list[list[Run]] = []
    rows: list[list[list[Run]]] = []
    row: list[list[Run]] = []
    in_head = False
    while tokens[index].type != "table_close":
        kind = tokens[index].type
        if kind == "thead_open":
            in_head = True
        elif kind == "thead_close":
            in_head = False
        elif kind == "tr_open":
            row = []
        elif kind == "tr_close":
            if in_head:
                header = row
            else:
                rows.append(row)
        elif kind == "inline":
            row.append(_runs(tokens[index]))
        index += 1
    return Table(header, rows), index + 1


def _runs(inline: Token) -> list[Run]:
    """The runs of an inline token: emphasis kept, links and images as text and target."""
    runs: list[Run] = []
    bold = italic = 0
    links: list[tuple[str, int]] = []  # (target, number of runs when the link opened)
    for child in inline.children or ():
        kind = child.type
        if kind == "text":
            runs.append(Run(child.content, bold > 0, italic > 0))
        elif kind == "code_inline":
            runs.append(Run(child.content, bold > 0, italic > 0, code=True))
        elif kind in ("softbreak", "hardbreak"):
            # Notes are typed line by line: a new line shows as a new line.
            runs.append(Run("", line_break=True))
        elif kind == "strong_open":
            bold += 1
        elif kind == "strong_close":
            bold -= 1
        elif kind == "em_open":
            italic += 1
        elif kind == "em_close":
            italic -= 1
        elif kind == "link_open":
            links.append((str(child.attrGet("href") or ""), len(runs)))
        elif kind == "link_close" and links:
            target, opened = links.pop()
            label = "".join(run.text for run in runs[opened:])
            if target and target not in (label, f"mailto:{label}"):
                runs.append(Run(f" ({target})", bold > 0, italic > 0))
        elif kind == "image":
            target = str(child.attrGet("src") or "")
            runs.append(Run(f"[image: {child.content}] ({target})", bold > 0, italic > 0))
        elif child.content:
            runs.append(Run(child.content, bold > 0, italic > 0))
    return [run for run in runs if run.text or run.line_break]


def plain_text(runs: list[Run]) -> str:
    """What `runs` read as, without emphasis."""
    return "".join("\n" if run.line_break else run.text for run in runs)
