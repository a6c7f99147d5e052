"""One guidance page: validated front matter, markdown body, headings and links.

`parse_page` takes text, not a path, so it is tested without files. One
markdown-it parse gives the front matter (via the mdit-py-plugins plugin), the
table of contents, the links and the plain text the search index reads.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from functools import cache
from string import punctuation
from typing import Annotated, Literal
from urllib.parse import quote, unquote

from markdown_it import MarkdownIt
from markdown_it.token import Token
from mdit_py_plugins.front_matter import front_matter_plugin
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError

from mspdesk.guidance.frontmatter import FrontMatterError, parse_front_matter

Origin = Literal["shipped", "user"]
SLUG_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]*$")
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
_SPACES = re.compile(r"\s+")


def _as_list(value: object) -> object:
    """Let a single scalar stand for a one-item list (`tags: pensions`)."""
    if isinstance(value, str):
        return [value] if value.strip() else []
    return value


def _clean_items(value: object) -> object:
    if isinstance(value, list):
        return [item.strip() for item in value if isinstance(item, str) and item.strip()]
    return value


Items = Annotated[tuple[str, ...], BeforeValidator(_clean_items), BeforeValidator(_as_list)]


class PageMeta(BaseModel):
    """A page's front matter, validated."""

    model_config = ConfigDict(frozen=True, str_strip_whitespace=True, extra="ignore")

    title: str = Field(min_length=1)
    summary: str = Field(min_length=1)
    tags: Items = ()
    stages: Items = ()
    sources: Annotated[Items, Field(min_length=1)]
    reviewed: date


@dataclass(frozen=True)
class Heading:
    """A table-of-contents entry; `anchor` matches the slug Textual's Markdown uses."""

    level: int
    text: str
    anchor: str
    line: int


@dataclass(frozen=True)
class Link:
    """A link to another page (or to an anchor in this one).

    `target` is the linked slug, or None when the link is relative but not to a `.md`
    page. `line` is the 1-based line in the file.
    """

    href: str
    target: str | None
    anchor: str
    text: str
    line: int


@dataclass(frozen=True)
class Section:
    """Where a heading's section starts in `Page.text` (for snippets that name a section)."""

    anchor: str
    start: int


@dataclass(frozen=True)
class Page:
    """A loaded guidance page."""

    slug: str
    meta: PageMeta
    body: str
    headings: tuple[Heading, ...]
    links: tuple[Link, ...]
    origin: Origin
    file: str
    text: str
    sections: tuple[Section, ...]

    @property
    def title(self) -> str:
        """The page title from the front matter."""
        return self.meta.title

    def section_at(self, offset: int) -> str | None:
        """The anchor of the section that holds character `offset` of `text`."""
        anchor: str | None = None
        for section in self.sections:
            if section.start > offset:
                break
            anchor = section.anchor
        return anchor


class InvalidPage(ValueError):
    """The page cannot be used; `problems` holds (line or None, message) pairs."""

    def __init__(self, problems: list[tuple[int | None, str]]) -> None:
        self.problems = problems
        super().__init__("; ".join(message for _, message in problems))


@cache
def markdown_parser() -> MarkdownIt:
    """The parser for guidance pages: CommonMark + tables + front matter."""
    return MarkdownIt("commonmark").use(front_matter_plugin).enable(["table", "strikethrough"])


def anchor_slug(text: str) -> str:
    """GitHub-style heading slug, the same rule Textual's Markdown widget uses for anchors."""
    removable = punctuation.replace("-", "").replace("_", "")
    slug = "".join(char for char in text.strip().lower() if char not in removable)
    return quote(re.sub(r"\s", "-", slug))


def parse_page(slug: str, text: str, origin: Origin = "shipped", file: str = "") -> Page:
    """Parse a page's text. Raises InvalidPage naming each bad field and its line."""
    if not SLUG_PATTERN.match(slug):
        raise InvalidPage(
            [(None, "file name must be lowercase letters, digits and hyphens, e.g. my-topic.md")]
        )
    text = text.removeprefix("\ufeff")  # some Windows editors start files with a BOM
    tokens = markdown_parser().parse(text)
    if not tokens or tokens[0].type != "front_matter":
        raise InvalidPage([(1, _missing_front_matter_message(text))])
    front = tokens[0]
    start_line, end_line = front.map or (0, 0)
    try:
        parsed = parse_front_matter(front.content, first_line=start_line + 2)
    except FrontMatterError as error:
        raise InvalidPage([(error.line, error.message)]) from None
    try:
        meta = PageMeta.model_validate(parsed.values)
    except ValidationError as error:
        raise InvalidPage(_field_problems(error, parsed.lines, start_line + 1)) from None
    body = "\n".join(text.splitlines()[end_line:]).strip("\n") + "\n"
    reader = _BodyReader(slug)
    reader.read(tokens[1:])
    return Page(
        slug=slug,
        meta=meta,
        body=body,
        headings=tuple(reader.headings),
        links=tuple(reader.links),
        origin=origin,
        file=file,
        text=reader.plain_text(),
        sections=tuple(reader.sections),
    )


def _missing_front_matter_message(text: str) -> str:
    if text.startswith("---"):
        return "front matter is not closed: add a line '---' after the last field"
    return "no front matter: the page must start with a '---' line, then title, summary, ..."


def _field_problems(
    error: ValidationError, key_lines: dict[str, int], fence_line: int
) -> list[tuple[int | None, str]]:
    problems: list[tuple[int | None, str]] = []
    for detail in error.errors():
        field = str(detail["loc"][0]) if detail["loc"] else "front matter"
        line = key_lines.get(field, fence_line)
        if detail["type"] == "missing":
            message = f"{field}: missing; add '{field}:' to the front matter"
        elif field == "sources" and detail["type"] == "too_short":
            message = "sources: must list at least one source"
        elif field == "reviewed":
            message = "reviewed: must be a date written YYYY-MM-DD"
        else:
            message = f"{field}: {detail['msg']}"
        problems.append((line, message))
    return problems


class _BodyReader:
    """Walks the body tokens once, collecting headings, links and plain text."""

    def __init__(self, slug: str) -> None:
        self.slug = slug
        self.headings: list[Heading] = []
        self.links: list[Link] = []
        self.sections: list[Section] = []
        self._blocks: list[str] = []
        self._length = 0
        self._anchors: defaultdict[str, int] = defaultdict(int)

    def read(self, tokens: list[Token]) -> None:
        heading_level = 0
        for token in tokens:
            line = token.map[0] + 1 if token.map else 0
            if token.type == "heading_open":
                heading_level = int(token.tag[1:])
            elif token.type == "heading_close":
                heading_level = 0
            elif token.type == "inline":
                text = self._inline(token, line)
                if heading_level:
                    self._add_heading(heading_level, text, line)
                else:
                    self._add_block(text)
            elif token.type in ("fence", "code_block"):
                self._add_block(token.content)

    def plain_text(self) -> str:
        return " ".join(self._blocks)

    def _add_heading(self, level: int, text: str, line: int) -> None:
        anchor = anchor_slug(text)
        used = self._anchors[anchor]
        self._anchors[anchor] += 1
        if used:
            anchor = f"{anchor}-{used}"
        self.headings.append(Heading(level, text, anchor, line))
        self.sections.append(Section(anchor, self._length))

    def _add_block(self, text: str) -> None:
        text = _SPACES.sub(" ", text).strip()
        if text:
            self._blocks.append(text)
            self._length += len(text) + 1

    def _inline(self, token: Token, line: int) -> str:
        parts: list[str] = []
        open_link: tuple[str, int] | None = None
        for child in token.children or []:
            if child.type in ("text", "code_inline"):
                parts.append(child.content)
            elif child.type in ("softbreak", "hardbreak"):
                parts.append(" ")
                line += 1  # so a link on a paragraph's third line reports that line
            elif child.type == "image":
                parts.append(child.content)
            elif child.type == "link_open":
                open_link = (str(child.attrGet("href") or ""), len(parts))
            elif child.type == "link_close" and open_link is not None:
                href, first = open_link
                self._add_link(href, "".join(parts[first:]).strip(), line)
                open_link = None
        return "".join(parts).strip()

    def _add_link(self, href: str, text: str, line: int) -> None:
        if not href or _SCHEME.match(href) or href.startswith("//"):
            return  # web and mail links are not checked here
        path, _, anchor = href.partition("#")
        path = unquote(path)
        if not path:
            target: str | None = self.slug
        elif path.lower().endswith(".md"):
            target = path.rsplit("/", 1)[-1][:-3]
        else:
            target = None
        self.links.append(Link(href, target, anchor, text, line))
