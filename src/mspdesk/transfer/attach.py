"""Files and emails brought onto a case: `mspdesk attach CASE FILE…` and the case's Files tab.

Any file is copied into the case's folder in the data directory as it is. An email saved
as `.eml` (RFC 5322, read with the standard library's `email` package) also becomes an
email note: sender, recipients, date, subject and the text of its body, with each of its
attachments (and the .eml itself) attached to the case. Nothing is ever opened with
another program or run: the desk only reads bytes. Outlook's `.msg` files are attached as
they are, without a note (reading them would need a large extra dependency); save the
email as .eml to get the note.
"""

from __future__ import annotations

import email
import email.policy
import html.parser
from dataclasses import dataclass, field
from datetime import date, datetime
from email.message import EmailMessage
from pathlib import Path

from mspdesk.desk import Desk
from mspdesk.desk.attachments import AttachResult
from mspdesk.domain.note import Note
from mspdesk.transfer.exporters.markdown import escape
from mspdesk.transfer.readers import UnreadableFile

MAX_FILE_BYTES = 50 * 1024 * 1024
"""A larger file is refused: the data directory is not a file store."""
BODY_LIMIT = 150_000


@dataclass(frozen=True)
class IncomingEmail:
    """What an email says, read from its headers and text."""

    sender: str
    to: str
    cc: str
    sent: datetime | None
    subject: str
    body: str
    attachments: list[tuple[str, bytes]] = field(default_factory=list)


@dataclass(frozen=True)
class Attached:
    """What attaching one file did."""

    source: Path
    files: list[AttachResult]
    note: Note | None = None


def attach_paths(desk: Desk, case_id: str, paths: list[Path]) -> list[Attached]:
    """Attach each of `paths` to `case_id` (every file is read first, so an unreadable one
    stops the lot before anything is saved). An .eml becomes an email note too."""
    loaded = [(path, read_file(path)) for path in paths]
    desk.cases.get(case_id)  # NotFound before anything is written
    return [attach_bytes(desk, case_id, path.name, data, source=path) for path, data in loaded]


def attach_bytes(
    desk: Desk, case_id: str, name: str, data: bytes, *, source: Path | None = None
) -> Attached:
    """Attach one file's bytes; an .eml also makes an email note with its attachments."""
    origin = source or Path(name)
    if name.lower().endswith(".eml"):
        mail = read_email(data, origin)
        note = desk.notes.add(case_id, email_note_text(mail), kind="email", on=_day(mail))
        results = [desk.attachments.add(case_id, name, data, note_id=note.id)]
        for part_name, part in mail.attachments:
            results.append(desk.attachments.add(case_id, part_name, part, note_id=note.id))
        return Attached(origin, results, note)
    return Attached(origin, [desk.attachments.add(case_id, name, data)])


def read_file(path: Path) -> bytes:
    """The bytes of a file to attach; UnreadableFile (exit 2) naming it if it cannot be."""
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            raise UnreadableFile(
                f"cannot attach {path}: larger than {MAX_FILE_BYTES // (1024 * 1024)} MB"
            )
        return path.read_bytes()
    except FileNotFoundError:
        raise UnreadableFile(f"cannot attach {path}: there is no such file") from None
    except IsADirectoryError:
        raise UnreadableFile(f"cannot attach {path}: it is a folder, not a file") from None
    except OSError as error:
        raise UnreadableFile(f"cannot attach {path}: {error.strerror or error}") from None


def read_email(data: bytes, source: Path) -> IncomingEmail:
    """The sender, recipients, date, subject, text and attachments of an .eml file."""
    try:
        message = email.message_from_bytes(data, policy=email.policy.default)
    except Exception as error:  # the parser is lenient; anything it raises means unreadable
        raise UnreadableFile(f"cannot read {source} as an email: {error}") from None
    if not isinstance(message, EmailMessage) or not (message["From"] or message["Subject"]):
        raise UnreadableFile(f"cannot read {source} as an email: it has no From or Subject")
    attachments = []
    for number, part in enumerate(message.iter_attachments(), start=1):
        content = part.get_payload(decode=True)
        if isinstance(content, bytes):
            name = part.get_filename() or f"attachment-{number}"
            attachments.append((name, content))
    return IncomingEmail(
        sender=_header(message, "From"),
        to=_header(message, "To"),
        cc=_header(message, "Cc"),
        sent=_sent(message),
        subject=_header(message, "Subject") or "(no subject)",
        body=_body(message),
        attachments=attachments,
    )


def email_note_text(mail: IncomingEmail) -> str:
    """The email note: its headers as a list, then the text (which the note's Markdown
    shows as typed: raw HTML in it stays text)."""
    lines = [f"**Email: {escape(mail.subject)}**", ""]
    facts = [("From", mail.sender), ("To", mail.to), ("Cc", mail.cc)]
    if mail.sent is not None:
        facts.append(("Date", f"{mail.sent:%d %b %Y %H:%M %z}".strip()))
    if mail.attachments:
        facts.append(("Attachments", ", ".join(name for name, _ in mail.attachments)))
    lines += [f"- {label}: {escape(value)}" for label, value in facts if value]
    body = mail.body.strip()
    if len(body) > BODY_LIMIT:
        body = body[:BODY_LIMIT] + "\n\n[…the rest is in the attached .eml file]"
    return "\n".join([*lines, "", body]) if body else "\n".join(lines)


def _day(mail: IncomingEmail) -> date | None:
    return mail.sent.astimezone().date() if mail.sent and mail.sent.tzinfo else None


def _header(message: EmailMessage, name: str) -> str:
    try:
        value = message[name]
    except Exception:  # a malformed header: keep going without it
        return ""
    return " ".join(str(value or "").split())


def _sent(message: EmailMessage) -> datetime | None:
    try:
        value = message["Date"]
        moment = getattr(value, "datetime", None)
    except Exception:
        return None
    return moment if isinstance(moment, datetime) else None


def _body(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("plain", "html"))
    if part is None:
        return ""
    try:
        text = part.get_content()
    except (LookupError, ValueError):
        payload = part.get_payload(decode=True)
        text = payload.decode("utf-8", "replace") if isinstance(payload, bytes) else ""
    if not isinstance(text, str):
        return ""
    if part.get_content_subtype() == "html":
        return _html_text(text)
    return text.replace("\r\n", "\n")


class _TextOnly(html.parser.HTMLParser):
    """The visible text of an HTML body (scripts and styles dropped)."""

    BLOCKS = frozenset({"p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "table"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style", "head"):
            self.hidden += 1
        elif tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style", "head"):
            self.hidden = max(0, self.hidden - 1)

    def handle_data(self, data: str) -> None:
        if not self.hidden:
            self.parts.append(data)


def _html_text(markup: str) -> str:
    parser = _TextOnly()
    parser.feed(markup)
    parser.close()
    lines = [" ".join(line.split()) for line in "".join(parser.parts).split("\n")]
    return "\n".join(line for line in lines if line)
