"""Who this desk is to other desks: its id (`desk.id`) and its desk code (`desk.code`).

The code is claimed on the shared remote at `mspdesk sync init` (the sync layer pushes
`refs/desk-codes/<CODE>`; a rejected push means another desk holds it) and then stored
here, once: every id the desk issues afterwards carries it (see domain/references.py), so
it can never change. A desk that never synced has no code and issues the short forms.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable

from mspdesk.desk.core import DeskCore
from mspdesk.domain.errors import UserError
from mspdesk.domain.references import CODE_LETTERS, is_desk_code
from mspdesk.store import ReadOnlyStore
from mspdesk.store.keys import read_small_file, write_once

CODE_FILE = "desk.code"


class InvalidCode(UserError):
    """Not a desk code (two or three letters from CODE_LETTERS, upper case)."""


class CodeAlreadySet(UserError):
    """The desk already has a different code; references carry it, so it never changes."""


class NoFreeCode(UserError):
    """Every code is taken (thousands of desks): the remote needs tidying."""


class DeskIdentity:
    """The desk's code, read once when the desk opens and set once by `sync init`."""

    def __init__(self, core: DeskCore, desk_id: Callable[[], str]) -> None:
        self._core = core
        self._desk_id = desk_id
        stored = read_small_file(core.store.directory, CODE_FILE)
        text = stored.decode("ascii", "replace") if stored else None
        if text is not None and not is_desk_code(text):
            path = core.store.directory / CODE_FILE
            raise InvalidCode(
                f"{path} holds {text[:20]!r}, not a desk code; put back the code this desk "
                "claimed (its references show it, e.g. KM in R-2026-KM-0001)"
            )
        core.code = text

    def code(self) -> str | None:
        """The desk code, or None while the desk has never been set up for sync."""
        return self._core.code

    def propose_code(self, taken: Iterable[str]) -> str:
        """A code that is not in `taken`: the same one each time for this desk while it is
        free (derived from the desk id), else the next free one; three letters once every
        two-letter code is taken."""
        busy = {str(code).upper() for code in taken}
        for length in (2, 3):
            codes = ["".join(letters) for letters in itertools.product(CODE_LETTERS, repeat=length)]
            start = int(self._desk_id(), 16) % len(codes)
            for code in codes[start:] + codes[:start]:
                if code not in busy:
                    return code
        raise NoFreeCode("every desk code is taken; ask whoever looks after the remote")

    def set_code(self, code: str) -> None:
        """Keep `code` as this desk's code, durably. Setting the code it already has does
        nothing; a different one is refused (references already carry the first)."""
        code = _checked(code)
        current = self._core.code
        if current == code:
            return
        if current is not None:
            raise CodeAlreadySet(f"this desk's code is {current}; it cannot become {code}")
        if self._core.store.read_only:
            raise ReadOnlyStore("the desk is open read-only: its code cannot be set")
        landed = write_once(self._core.store.directory, CODE_FILE, code.encode("ascii"))
        found = _checked(landed.decode("ascii", "replace"))
        if found != code:  # another process set one first
            self._core.code = found
            raise CodeAlreadySet(f"this desk's code is {found}; it cannot become {code}")
        self._core.code = code


def _checked(code: str) -> str:
    if not is_desk_code(code):
        raise InvalidCode(
            f"{code!r} is not a desk code: two or three capital letters, no I, O or Q"
        )
    return code
