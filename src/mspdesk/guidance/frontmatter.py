"""A parser for the small YAML subset our page front matter uses.

Pages carry `key: value` lines between `---` fences. We accept plain and quoted
scalars, `[a, "b, c"]` flow lists, `- item` block lists and `>`/`|` block
scalars, and report anything else with its line number. PyYAML is not a
dependency: the subset is small and a precise line number is worth more to a
writer than YAML's full generality.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

FrontMatterValue = str | list[str]

_KEY_LINE = re.compile(r"^(?P<key>[A-Za-z_][A-Za-z0-9_-]*)\s*:(?:\s+(?P<value>.*?))?\s*$")
_ESCAPES = {'"': '"', "\\": "\\", "n": "\n", "t": "\t", "/": "/"}


class FrontMatterError(ValueError):
    """The front matter is not in the accepted subset; `line` is 1-based in the file."""

    def __init__(self, line: int, message: str) -> None:
        self.line = line
        self.message = message
        super().__init__(f"line {line}: {message}")


@dataclass(frozen=True)
class FrontMatter:
    """Parsed front matter: the values, and the file line each key was found on."""

    values: dict[str, FrontMatterValue]
    lines: dict[str, int]


def parse_front_matter(text: str, first_line: int = 1) -> FrontMatter:
    """Parse front matter `text` (without the `---` fences).

    `first_line` is the file line number of the first line of `text`, so error
    messages point at the right place in the page. Raises FrontMatterError.
    """
    values: dict[str, FrontMatterValue] = {}
    key_lines: dict[str, int] = {}
    rows = text.splitlines()
    index = 0
    while index < len(rows):
        line_no = first_line + index
        raw = rows[index]
        index += 1
        if _is_blank_or_comment(raw):
            continue
        if raw[0] in " \t":
            raise FrontMatterError(line_no, "unexpected indented line; start a key at column 0")
        if raw.startswith("-"):
            raise FrontMatterError(line_no, "list item without a key; put 'key:' on the line above")
        match = _KEY_LINE.match(raw)
        if match is None:
            raise FrontMatterError(line_no, f"expected 'key: value', found {raw.strip()[:40]!r}")
        key = match["key"]
        if key in values:
            raise FrontMatterError(line_no, f"{key}: given twice (first on line {key_lines[key]})")
        rest = _strip_comment(match["value"] or "")
        block, index = _take_indented(rows, index)
        values[key] = _parse_value(key, rest, block, line_no)
        key_lines[key] = line_no
    return FrontMatter(values, key_lines)


def _is_blank_or_comment(raw: str) -> bool:
    stripped = raw.strip()
    return not stripped or stripped.startswith("#")


def _take_indented(rows: list[str], index: int) -> tuple[list[tuple[int, str]], int]:
    """The lines belonging to the current key: indented ones and `- item` ones."""
    block: list[tuple[int, str]] = []
    while index < len(rows):
        raw = rows[index]
        if raw.strip() and raw[0] not in " \t-":
            break
        block.append((index, raw))
        index += 1
    # Trailing blank lines belong to nobody.
    while block and not block[-1][1].strip():
        block.pop()
    return block, index


def _parse_value(
    key: str, rest: str, block: list[tuple[int, str]], line_no: int
) -> FrontMatterValue:
    if rest in (">", "|", ">-", "|-"):
        lines = [raw.strip() for _, raw in block]
        joiner = "\n" if rest.startswith("|") else " "
        return joiner.join(lines).strip()
    if rest.startswith("["):
        if block:
            raise FrontMatterError(line_no + 1, f"{key}: a [flow list] must end on its own line")
        return _parse_flow_list(key, rest, line_no)
    if rest:
        if not block:
            return _parse_scalar(key, rest, line_no)
        if rest[0] in "\"'":
            raise FrontMatterError(line_no, f"{key}: a quoted value must end on the same line")
        # A plain scalar may continue on indented lines (YAML folds them with spaces).
        if any(raw.lstrip().startswith("- ") for _, raw in block):
            raise FrontMatterError(line_no, f"{key}: has both a value and list items")
        return " ".join([rest, *(raw.strip() for _, raw in block if raw.strip())])
    if not block:
        return ""
    return _parse_block_list(key, block, line_no)


def _parse_block_list(key: str, block: list[tuple[int, str]], line_no: int) -> list[str]:
    items: list[str] = []
    for offset, raw in block:
        item_line = line_no + 1 + offset - (block[0][0] if block else 0)
        stripped = raw.strip()
        if not stripped or stripped.startswith("#"):
            continue
        if stripped == "-" or stripped.startswith("- "):
            items.append(_parse_scalar(key, _strip_comment(stripped[1:].strip()), item_line))
        elif items and raw[0] in " \t":
            # A long item wrapped onto an indented line.
            items[-1] = f"{items[-1]} {stripped}"
        else:
            raise FrontMatterError(item_line, f"{key}: expected '- item', found {stripped[:40]!r}")
    return items


def _parse_flow_list(key: str, rest: str, line_no: int) -> list[str]:
    if not rest.endswith("]"):
        raise FrontMatterError(line_no, f"{key}: a [flow list] must end with ']' on the same line")
    inner = rest[1:-1].strip()
    if not inner:
        return []
    items: list[str] = []
    position = 0
    while position <= len(inner):
        while position < len(inner) and inner[position] == " ":
            position += 1
        if position < len(inner) and inner[position] in "\"'":
            value, position = _read_quoted(key, inner, position, line_no)
            while position < len(inner) and inner[position] == " ":
                position += 1
            if position < len(inner) and inner[position] != ",":
                raise FrontMatterError(line_no, f"{key}: expected ',' after a quoted item")
        else:
            end = inner.find(",", position)
            end = len(inner) if end == -1 else end
            value = inner[position:end].strip()
            position = end
            if not value:
                raise FrontMatterError(line_no, f"{key}: empty item in the list")
        items.append(value)
        position += 1  # skip the comma
    return items


def _parse_scalar(key: str, rest: str, line_no: int) -> str:
    if rest and rest[0] in "\"'":
        value, end = _read_quoted(key, rest, 0, line_no)
        if rest[end:].strip():
            raise FrontMatterError(line_no, f"{key}: unexpected text after the closing quote")
        return value
    return rest


def _read_quoted(key: str, text: str, start: int, line_no: int) -> tuple[str, int]:
    """Read a quoted string starting at `start`; returns the value and the index after it."""
    quote = text[start]
    chars: list[str] = []
    position = start + 1
    while position < len(text):
        char = text[position]
        if quote == "'" and char == "'":
            if text[position + 1 : position + 2] == "'":  # '' is an escaped quote
                chars.append("'")
                position += 2
                continue
            return "".join(chars), position + 1
        if quote == '"' and char == "\\" and position + 1 < len(text):
            chars.append(_ESCAPES.get(text[position + 1], text[position + 1]))
            position += 2
            continue
        if quote == '"' and char == '"':
            return "".join(chars), position + 1
        chars.append(char)
        position += 1
    raise FrontMatterError(line_no, f"{key}: missing closing {quote}")


def _strip_comment(value: str) -> str:
    """Drop a trailing ` # comment` outside quotes."""
    in_quote: str | None = None
    for position, char in enumerate(value):
        if in_quote:
            if char == in_quote:
                in_quote = None
        elif char in "\"'" and (position == 0 or value[position - 1] in " [,"):
            in_quote = char
        elif char == "#" and (position == 0 or value[position - 1] == " "):
            return value[:position].rstrip()
    return value
