"""`sync init` claims a desk code on the remote: a code another desk holds is never reused.

The desk code itself is i19ids' `desk.identity`; a stand-in with the same three calls is used
here until it is merged."""

from __future__ import annotations

import subprocess
from collections.abc import Iterable
from pathlib import Path

from synchelp import bare_remote

from mspdesk.desk import Desk


class StandInIdentity:
    def __init__(self) -> None:
        self.current: str | None = None

    def code(self) -> str | None:
        return self.current

    def propose_code(self, taken: Iterable[str]) -> str:
        return next(c for c in ("KM", "KN", "KP") if c not in set(taken))

    def set_code(self, code: str) -> None:
        self.current = code


def test_each_desk_claims_its_own_code_and_keeps_it(tmp_path: Path) -> None:
    remote = bare_remote(tmp_path)
    codes = []
    for name in ("a", "b"):
        with Desk.open(tmp_path / name, actor=name) as desk:
            desk.sync._identity = StandInIdentity()
            codes.append(desk.sync.init(str(remote)).code)
            assert desk.sync.init(str(remote)).code == codes[-1]  # again: the same code
    assert codes == ["KM", "KN"]
    refs = subprocess.run(
        ["git", "--git-dir", str(remote), "for-each-ref", "--format=%(refname)"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    assert refs == ["refs/desk-codes/KM", "refs/desk-codes/KN"]
