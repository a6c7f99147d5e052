"""What a note records (meeting, call, …): apart from the Note model so that reading notes
(the command line's `notes search`) does not import pydantic."""

from __future__ import annotations

from mspdesk.domain.choices import Choice


class NoteKind(Choice):
    MEETING = "meeting"
    CALL = "call"
    EMAIL = "email"
    VISIT = "visit"
    DECISION = "decision"
    OTHER = "other"
