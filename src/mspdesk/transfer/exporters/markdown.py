"""The case file as Markdown: one document a manager or partner can read as plain text or
rendered, the same under CommonMark with tables and GitHub Flavored Markdown (every table
has a header row).

Notes are Markdown: each is parsed (see note_markdown) and written back from what was
parsed, its headings moved below the note's own heading, its links and images as text
with their target, raw HTML shown as typed. Everything else people typed (names, reasons,
the enquiry) is escaped, so "#", "|", "[link](…)" or HTML shows as the characters typed.
Either way nothing typed can add a heading at the document's level, break a table, make a
link or inject HTML.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from mspdesk.domain.note import Note
from mspdesk.domain.procurement import route_lines
from mspdesk.transfer.exporters import note_markdown as nm
from mspdesk.transfer.exporters.casefile import (
    CaseFile,
    case_facts,
    clean,
    contact_facts,
    day,
    decision_facts,
    decision_title,
    duty_rows,
    history_line,
    milestone_note,
    milestone_state,
    moment,
    number,
    pounds,
    referral_facts,
)

# Characters that mean something anywhere in a line (inline markup, tables, HTML, entities).
_INLINE = re.compile(r"([\\`*_{}\[\]<>|~&#])")
# What makes a line start a block: headings, quotes, lists, setext underlines, code fences.
_LINE_START = re.compile(r"^([-+=>]|\d+[.)])")


def escape(text: object, *, line_start: bool = False) -> str:
    """One line of user text, safe inside a paragraph, heading or table cell; with
    `line_start`, also where a block may begin (a list item, the start of a line)."""
    flat = " ".join(clean(text).split())
    return _escape_line(flat) if line_start else _INLINE.sub(r"\\\1", flat)


def escape_block(text: object) -> list[str]:
    """Multi-line user text as escaped lines (blank lines kept as paragraph breaks)."""
    lines = []
    for raw in clean(text).replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        stripped = raw.lstrip(" \t")
        indent = len(raw) - len(stripped)
        # Leading spaces would make an indented code block: keep them as no-break spaces.
        lines.append("&nbsp;" * indent + _escape_line(stripped.rstrip()))
    return lines


def _escape_line(line: str) -> str:
    escaped = _INLINE.sub(r"\\\1", line)
    return _LINE_START.sub(lambda m: _escape_start(m.group(1)), escaped, count=1)


def _escape_start(marker: str) -> str:
    # "1." -> "1\." ; "-" -> "\-"
    return marker[:-1] + "\\" + marker[-1]


def case_markdown(cf: CaseFile) -> str:
    """The whole case file as Markdown text (LF line ends, ends with a newline)."""
    case = cf.records.case
    out: list[str] = [f"# {escape(case.id)} {escape(case.organisation)}", ""]
    out += [
        f"Case file exported from mspdesk on {moment(cf.exported_at)} by "
        f"{escape(cf.exported_by)}. It holds personal data: keep it safe.",
        "",
    ]
    out += _facts(case_facts(cf))
    out += _referral(cf)
    out += _triage(cf)
    out += _milestones(cf)
    out += _challenge(cf)
    out += _procurement(cf)
    out += _notes(cf.records.notes)
    out += _conflicts(cf)
    out += _people(cf)
    out += _budget(cf)
    out += _history(cf)
    return "\n".join(out).rstrip("\n") + "\n"


FACTS_HEADER = ("Field", "Value")
"""Every table gets a header row: GFM renders no table without one."""

NOTE_HEADING_LEVEL = 3
"""Each note sits under a level-3 heading; its own headings go below that."""


def _facts(facts: Iterable[tuple[str, str]]) -> list[str]:
    rows = [(label, value) for label, value in facts if value]
    return _table(FACTS_HEADER, rows)


def _table(header: Sequence[str], rows: Iterable[Sequence[object]]) -> list[str]:
    lines = ["| " + " | ".join(escape(h) for h in header) + " |"]
    lines.append("|" + "|".join("---" for _ in header) + "|")
    lines += ["| " + " | ".join(escape(cell) for cell in row) + " |" for row in rows]
    return [*lines, ""]


def _section(title: str) -> list[str]:
    return [f"## {title}", ""]


def _referral(cf: CaseFile) -> list[str]:
    out = _section("Referral") + _facts(referral_facts(cf))
    contact = contact_facts(cf)
    if contact:
        out += ["### Contact", "", *_facts(contact)]
    enquiry = cf.records.referral.enquiry
    if enquiry:
        out += ["### Enquiry", "", *_lines_kept(escape_block(enquiry)), ""]
    return out


def _triage(cf: CaseFile) -> list[str]:
    out = _section("Triage")
    if not cf.records.decisions:
        return [*out, "No triage decision is recorded.", ""]
    for index, decision in enumerate(cf.records.decisions, start=1):
        out += [f"### {escape(decision_title(index, decision))}", ""]
        for label, value in decision_facts(decision):
            out.append(f"- **{label}:** {escape(value)}")
        out.append("")
    return out


def _milestones(cf: CaseFile) -> list[str]:
    milestones = cf.records.case.ordered_milestones
    out = _section("Milestones")
    if not milestones:
        return [*out, "No milestones.", ""]
    rows = [
        (m.code, m.title, day(m.due), milestone_state(m, cf.today), milestone_note(m))
        for m in milestones
    ]
    return out + _table(("Code", "Milestone", "Due", "Status", "Done when / note"), rows)


def _challenge(cf: CaseFile) -> list[str]:
    challenge = cf.records.case.challenge
    if challenge is None:
        return []
    out = _section("Community Right to Challenge")
    out += [f"Expression of interest: **{escape(challenge.eoi.state.label)}**", ""]
    rows = [(row.label, day(row.day), row.state) for row in cf.timeline if row.day]
    if rows:
        out += _table(("Step", "Date", "State"), rows)
    duties = duty_rows(cf)
    if duties:
        out += ["### Authority's publication duties", ""]
        out += _table(("Duty", "State", "Date"), duties)
    return out


def _procurement(cf: CaseFile) -> list[str]:
    if cf.route is None:
        return []
    out = _section("Procurement route")
    for line in route_lines(cf.route):
        if line.startswith("  - "):
            out.append("- " + escape(line[4:]))
        else:
            out += ["", escape(line.strip(), line_start=True)]
    return [*out, ""]


def _notes(notes: Sequence[Note]) -> list[str]:
    out = _section("Notes")
    if not notes:
        return [*out, "No notes.", ""]
    for note in notes:
        title = f"{day(note.on)} · {note.kind.label} · {note.id} on {note.subject}"
        out += [f"### {escape(title)}", ""]
        byline = f"By {note.adviser or 'unknown'}"
        if note.tags:
            byline += " · tags: " + ", ".join(note.tags)
        out += [f"*{escape(byline)}*", ""]
        out += note_blocks_markdown(nm.parse_note(note.body), NOTE_HEADING_LEVEL)
    return out


def note_blocks_markdown(blocks: Sequence[nm.Block], below: int) -> list[str]:
    """A note's blocks as Markdown lines (each block followed by a blank line), its
    headings moved below level `below`; those that would pass level 6 become bold lines."""
    out: list[str] = []
    previous: nm.Block | None = None
    for block in blocks:
        if isinstance(block, nm.ListBlock) and isinstance(previous, nm.ListBlock):
            # Two lists in a row stay two lists only if their markers differ.
            alternate = previous.ordered == block.ordered and not _alternate(out)
            out += _list(block, below, alternate=alternate)
        else:
            out += _block(block, below)
        out.append("")
        previous = block
    return out


def _alternate(lines: list[str]) -> bool:
    """Whether the list just written used the alternate markers ("*" or ")")."""
    first = next((line for line in reversed(lines[:-1]) if line and not line[0].isspace()), "")
    return first.startswith("*") or bool(re.match(r"\d+\)", first))


def _block(block: nm.Block, below: int) -> list[str]:
    if isinstance(block, nm.Heading):
        level = below + block.level
        text = _inline(block.runs).replace("\n", " ")
        if level > 6:
            return [f"**{text}**"] if text else []
        return [f"{'#' * level} {text}".rstrip()]
    if isinstance(block, nm.Paragraph):
        return _inline(block.runs).split("\n")
    if isinstance(block, nm.ListBlock):
        return _list(block, below)
    if isinstance(block, nm.Quote):
        inner = note_blocks_markdown(block.blocks, below)[:-1] or [""]
        return [f"> {line}".rstrip() for line in inner]
    if isinstance(block, nm.Table):
        return _note_table(block)
    if isinstance(block, nm.Code):
        longest = max((len(run) for run in re.findall("`+", block.text)), default=0)
        fence = "`" * max(3, longest + 1)
        return [fence, *block.text.split("\n"), fence]
    return ["---"]


def _list(block: nm.ListBlock, below: int, *, alternate: bool = False) -> list[str]:
    out: list[str] = []
    for number_, item in enumerate(block.items, start=block.start):
        if block.ordered:
            marker = f"{number_}{')' if alternate else '.'}"
        else:
            marker = "*" if alternate else "-"
        lines = note_blocks_markdown(item, below)[:-1] or [""]
        pad = " " * (len(marker) + 1)
        out.append(f"{marker} {lines[0]}".rstrip())
        out += [f"{pad}{line}" if line else "" for line in lines[1:]]
    return out


def _note_table(block: nm.Table) -> list[str]:
    width = (
        max(len(block.header), *(len(row) for row in block.rows))
        if block.rows
        else len(block.header)
    )
    width = max(width, 1)

    def row(cells: Sequence[list[nm.Run]]) -> str:
        padded = [*cells, *([[]] * (width - len(cells)))]
        shown = [_inline(cell, in_table=True).replace("\n", " ") for cell in padded]
        return "| " + " | ".join(shown) + " |"

    return [row(block.header), "|" + "|".join("---" for _ in range(width)) + "|",
            *(row(cells) for cells in block.rows)]  # fmt: skip


def _inline(runs: Sequence[nm.Run], *, in_table: bool = False) -> str:
    """Runs as inline Markdown: text escaped, emphasis as * and **, code in backticks, a
    line break as a hard break. Each line's start is escaped where a block could begin."""
    parts: list[str] = []
    for run in runs:
        if run.line_break:
            parts.append("\\\n")
            continue
        if run.code:
            text = _code_span(run.text.replace("|", "\\|") if in_table else run.text)
        else:
            text = _INLINE.sub(r"\\\1", run.text)
        parts.append(_emphasis(text, bold=run.bold, italic=run.italic))
    lines = "".join(parts).split("\n")
    return "\n".join(_LINE_START.sub(lambda m: _escape_start(m.group(1)), line.lstrip(), count=1)
                     for line in lines)  # fmt: skip


def _code_span(text: str) -> str:
    longest = max((len(run) for run in re.findall("`+", text)), default=0)
    ticks = "`" * (longest + 1)
    pad = " " if text.startswith(("`", " ")) or text.endswith(("`", " ")) else ""
    return f"{ticks}{pad}{text}{pad}{ticks}"


def _emphasis(text: str, *, bold: bool, italic: bool) -> str:
    """`text` wrapped in emphasis markers, with spaces at either end kept outside them."""
    marker = ("**" if bold else "") + ("*" if italic else "")
    core = text.strip(" ")
    if not marker or not core:
        return text
    lead = text[: len(text) - len(text.lstrip(" "))]
    tail = text[len(text.rstrip(" ")) :]
    return f"{lead}{marker}{core}{marker[::-1]}{tail}"


def _lines_kept(lines: list[str]) -> list[str]:
    """Escaped lines with a hard break (trailing backslash) wherever the next line goes on
    the same paragraph, so the text keeps the line breaks it was typed with."""
    kept = []
    for index, line in enumerate(lines):
        follows = index + 1 < len(lines) and lines[index + 1] and line
        kept.append(f"{line}\\" if follows else line)
    return kept


def _conflicts(cf: CaseFile) -> list[str]:
    case = cf.records.case
    out = _section("Conflicts of interest")
    roles = ", ".join(role.label for role in case.authority_roles) or "none recorded"
    out += [f"Roles the parent authority holds: {escape(roles)}", ""]
    if not case.conflicts:
        return [*out, "No conflicts declared.", ""]
    rows = [
        (
            entry.id,
            ", ".join(role.label for role in entry.roles),
            entry.conflict,
            entry.mitigation,
            f"{day(entry.declared_on)} by {entry.declared_by}",
            day(entry.review_on),
            day(entry.resolved_on),
        )
        for entry in case.conflicts
    ]
    header = ("Entry", "Roles", "Conflict", "Mitigation", "Declared", "Review", "Resolved")
    return out + _table(header, rows)


def _people(cf: CaseFile) -> list[str]:
    people = cf.records.case.people
    out = _section("People and partners")
    if not people:
        return [*out, "Nobody recorded.", ""]
    rows = [(p.role.label, p.name, p.organisation, p.email, p.phone, p.note) for p in people]
    return out + _table(("Role", "Name", "Organisation", "Email", "Phone", "Note"), rows)


def _budget(cf: CaseFile) -> list[str]:
    budget = cf.records.case.budget
    rows = [
        ("Days", number(budget.days_allocated), number(budget.days_spent),
         number(budget.days_left)),
        ("Pounds", pounds(budget.amount_allocated), pounds(budget.amount_spent),
         pounds(budget.amount_left)),
    ]  # fmt: skip
    return _section("Budget") + _table(("Budget", "Allocated", "Spent", "Left"), rows)


def _history(cf: CaseFile) -> list[str]:
    out = _section("History")
    if cf.earlier_changes:
        out += [f"{cf.earlier_changes} earlier changes are not listed.", ""]
    out += [f"- {escape(history_line(entry), line_start=True)}" for entry in cf.history]
    return [*out, ""]
