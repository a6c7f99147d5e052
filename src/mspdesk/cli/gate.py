"""The output gate: everything the CLI prints passes through `visible`.

Names, titles and notes come from people and imported files. Printed raw, a name could
write the clipboard (OSC 52), retitle the window, recolour the screen (CSI) or reverse the
text after it (a bidi override such as U+202E). `visible` shows every such character as an
escape (`\\x1b`, `\\u202e`) instead, so the terminal prints it and never obeys it. The CLI
puts `GatedStream` in front of stdout and stderr, so no print can go around the gate;
`json_text` escapes the same characters as `\\uXXXX` inside JSON strings.
"""

from __future__ import annotations

import contextlib
import re
import sys
from collections.abc import Iterator
from typing import Any, TextIO

LAYOUT = "\n\t"
"""Characters the CLI itself prints for layout; everything else non-printable is shown."""

_UNSAFE = re.compile(r"[^\x20-\x7e\n\t]")
"""A quick pre-check: text of printable ASCII, newlines and tabs needs no work."""
_NOT_ASCII_PRINTABLE = re.compile(r"[^\x20-\x7e]")


def visible(text: str, keep: str = LAYOUT) -> str:
    """`text` with every control, format (bidi, zero-width) and unassigned character shown
    as a Python-style escape; characters in `keep` pass through."""
    if not (_UNSAFE if keep == LAYOUT else _NOT_ASCII_PRINTABLE).search(text):
        return text
    return "".join(ch if ch.isprintable() or ch in keep else _escape(ch) for ch in text)


def _escape(ch: str) -> str:
    code = ord(ch)
    if code < 0x100:
        return f"\\x{code:02x}"
    if code < 0x10000:
        return f"\\u{code:04x}"
    return f"\\U{code:08x}"


def json_text(text: str) -> str:
    """JSON text (as a serialiser wrote it) with every non-printable character that is not
    plain JSON whitespace written as a \\uXXXX escape. Outside strings JSON is ASCII, so
    any such character is inside a string and the document means exactly the same."""
    if not _UNSAFE.search(text):
        return text
    return "".join(
        ch if ch.isprintable() or ch in LAYOUT or ch == "\r" else _json_escape(ch) for ch in text
    )


def _json_escape(ch: str) -> str:
    code = ord(ch)
    if code < 0x10000:
        return f"\\u{code:04x}"
    code -= 0x10000
    return f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}"


class GatedStream:
    """A text stream that passes every write through `visible` to the stream it wraps.

    Anything else (isatty, fileno, buffer, encoding, flush) is the wrapped stream's own.
    `unfiltered` is for output the program itself styles (a rich console on a terminal).
    """

    def __init__(self, stream: TextIO) -> None:
        self.unfiltered = stream

    def write(self, text: str) -> int:
        self.unfiltered.write(visible(text))
        return len(text)

    def writelines(self, lines: Any) -> None:
        for line in lines:
            self.write(line)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.unfiltered, name)


def unfiltered(stream: TextIO) -> TextIO:
    """The stream behind a gate (for program-made terminal styling), else `stream`."""
    if isinstance(stream, GatedStream):
        return stream.unfiltered
    return stream


@contextlib.contextmanager
def gated_output() -> Iterator[None]:
    """Within the block, sys.stdout and sys.stderr are gated; restored on the way out."""
    saved = (sys.stdout, sys.stderr)
    if not isinstance(sys.stdout, GatedStream):
        sys.stdout = GatedStream(sys.stdout)
    if not isinstance(sys.stderr, GatedStream):
        sys.stderr = GatedStream(sys.stderr)
    try:
        yield
    finally:
        sys.stdout, sys.stderr = saved


def terminal_bytes(data: bytes) -> bytes:
    """An export's bytes made safe to show on a terminal: decoded as UTF-8 (bad bytes
    replaced), every control and bidi character shown, encoded back."""
    text = data.decode("utf-8", errors="replace")
    return visible(text.replace("\r\n", "\n")).encode("utf-8")
