"""The subject-access bundle: one person's records and notes as Markdown and JSON, with the
desk's codes explained. Notes are given whole, private passages included."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson

from mspdesk.transfer.exporters.output import private_folder, write_export

MARKDOWN_NAME = "subject-access.md"
JSON_NAME = "subject-access.json"


def write_bundle(
    folder: Path,
    document: dict[str, Any],
    *,
    data_dir: Path | None = None,
    force: bool = False,
) -> list[Path]:
    """Write the bundle (`document`: person, request, referrals, cases, notes, codes) into
    `folder` (created 0700); returns the files written."""
    target = private_folder(folder, data_dir)
    json_bytes = orjson.dumps(document, option=orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS)
    return [
        write_export(target / JSON_NAME, json_bytes, force=force, data_dir=data_dir),
        write_export(
            target / MARKDOWN_NAME, markdown(document).encode(), force=force, data_dir=data_dir
        ),
    ]


def _escape(text: str) -> str:
    """Plain text for Markdown: characters that would format are escaped."""
    out = []
    for ch in str(text):
        if ch in "\\`*_[]<>|":
            out.append("\\" + ch)
        else:
            out.append(ch)
    return "".join(out)


def _fields(record: dict[str, Any], prefix: str = "") -> list[str]:
    lines = []
    for key, value in record.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            lines += _fields(value, f"{name}.")
        elif isinstance(value, list):
            if not value:
                continue
            for number, item in enumerate(value, start=1):
                if isinstance(item, dict):
                    lines += _fields(item, f"{name}[{number}].")
                else:
                    lines.append(f"- **{_escape(name)}[{number}]**: {_escape(str(item))}")
        elif value not in (None, ""):
            lines.append(f"- **{_escape(name)}**: {_escape(str(value))}")
    return lines


def markdown(document: dict[str, Any]) -> str:
    request = document.get("request") or {}
    lines = [
        f"# Subject access: {_escape(document['person'])}",
        "",
        f"Request {_escape(request.get('id', ''))}, received {request.get('received', '')}, "
        f"answer due by {request.get('due', '')}. Produced {document['produced']}.",
        "",
        "This bundle holds every record and note on the desk that holds this person's data, "
        "found by: " + ", ".join(_escape(i) for i in document["identifiers"]) + ".",
        "",
    ]
    for title, key in (("Referrals", "referrals"), ("Cases", "cases")):
        lines += [f"## {title} ({len(document[key])})", ""]
        for record in document[key]:
            lines += [f"### {_escape(record['id'])}", "", *_fields(record), ""]
    lines += [f"## Notes ({len(document['notes'])})", ""]
    for note in document["notes"]:
        flag = " (deleted)" if note.get("deleted") else ""
        lines += [
            f"### {_escape(note['id'])} on {_escape(note['subject'])}, {note['on']}{flag}",
            "",
            f"Kind: {_escape(note.get('kind', ''))}; adviser: {_escape(note.get('adviser', ''))}",
            "",
            *("    " + line for line in str(note["body"]).splitlines()),
            "",
        ]
    lines += ["## What the codes mean", ""]
    for group, values in document["codes"].items():
        lines += [f"### {_escape(group)}", ""]
        lines += [f"- `{code}`: {_escape(meaning)}" for code, meaning in values.items()]
        lines.append("")
    return "\n".join(lines)
