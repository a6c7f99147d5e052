"""What `check` and the loader report: one problem per file and line."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

ProblemKind = Literal["read", "front-matter", "name", "duplicate", "link", "stage", "stale"]


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a guidance page; `str(problem)` is a one-line report."""

    file: str
    message: str
    line: int | None = None
    kind: ProblemKind = "front-matter"

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line is not None else self.file
        return f"{where}: {self.message}"
