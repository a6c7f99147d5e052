"""Errors a user can cause or fix. Their message is one line, shown without a traceback."""

from __future__ import annotations


class UserError(Exception):
    """A problem the user can fix; `str(error)` is the whole message."""

    exit_code = 1


class InvalidRecord(UserError):
    """A record failed validation; `problems` names each field and what is wrong."""

    def __init__(self, problems: list[tuple[str, str]], what: str = "record") -> None:
        self.problems = problems
        detail = "; ".join(f"{field}: {message}" for field, message in problems)
        super().__init__(f"invalid {what}: {detail}")


class NotFound(UserError):
    """No record has that id."""
