"""Exports: a case file (Markdown, Word, JSON, CSV, calendar), notes, the anonymised
evidence, or everything at once. Every file is written atomically, user-only (0600), and
never over an existing file unless forced.

A module per format (markdown, docx_file, tables for CSV/JSON, ics, evidence); `jobs` holds
what the CLI and the TUI call.
"""

from __future__ import annotations

from mspdesk.transfer.exporters.jobs import (
    CASE_FORMATS,
    EVIDENCE_FORMATS,
    FORMAT_NAMES,
    NOTES_FORMATS,
    ExportResult,
    Progress,
    all_file_names,
    case_bytes,
    evidence_bytes,
    export_all,
    export_case,
    export_evidence,
    export_notes,
    live_notes,
    notes_bytes,
)
from mspdesk.transfer.exporters.output import ExportError, ExportExists, write_export

__all__ = [
    "CASE_FORMATS",
    "EVIDENCE_FORMATS",
    "FORMAT_NAMES",
    "NOTES_FORMATS",
    "ExportError",
    "ExportExists",
    "ExportResult",
    "Progress",
    "all_file_names",
    "case_bytes",
    "evidence_bytes",
    "export_all",
    "export_case",
    "export_evidence",
    "export_notes",
    "live_notes",
    "notes_bytes",
    "write_export",
]
