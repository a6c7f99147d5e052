"""An erasure on one desk reaches the others: no erased string left in any desk's folder,
the objects of its sync repository included (git compresses them: read through git)."""

from __future__ import annotations

import gzip
import subprocess
from pathlib import Path

import pytest
from synchelp import add_referral, bare_remote, open_desk, sync

SECRETS = ("Zebedee Quartermaine", "zeb.q@example.org", "07700 900123", "allotment feud")
NAMES = ("ann", "bob", "cat")


def leftovers(folder: Path) -> list[str]:
    """Where any secret is still readable in `folder`: files as bytes, git objects inflated."""
    found = []
    git_dir = folder / "sync" / "git"
    for path in folder.rglob("*"):
        if not path.is_file() or path.is_relative_to(git_dir):
            continue
        data = path.read_bytes()
        if path.name.endswith(".gz"):
            data = gzip.decompress(data)
        found += [f"{path}: {s}" for s in SECRETS if s.lower().encode() in data.lower()]
    objects = subprocess.run(
        ["git", "--git-dir", str(git_dir), "cat-file", "--batch-all-objects", "--batch"],
        capture_output=True,
        check=True,
    ).stdout.lower()
    found += [f"{git_dir} objects: {s}" for s in SECRETS if s.lower().encode() in objects]
    return found


@pytest.mark.slow
def test_an_erasure_reaches_every_desk_and_their_git_objects(tmp_path: Path) -> None:
    remote = bare_remote(tmp_path)
    folders = [tmp_path / name for name in NAMES]
    for number, folder in enumerate(folders, start=1):
        with open_desk(folder, NAMES[number - 1], number) as desk:
            desk.sync.init(str(remote))
    with open_desk(folders[0], "ann", 1) as desk:
        contact = {"name": SECRETS[0], "email": SECRETS[1], "phone": SECRETS[2]}
        referral = add_referral(desk, "Tidewell Care Mutual", contact=contact)
        desk.notes.add(referral, f"Spoke to {SECRETS[0]} about the {SECRETS[3]}")
        kept = add_referral(desk, "Larkhithe Leisure Mutual")
    rounds = [(f, NAMES[n], n + 1) for n, f in enumerate(folders)]
    for args in rounds:
        sync(*args)
    with open_desk(folders[2], "cat", 3) as desk:  # another desk writes the name too
        desk.notes.add(referral, f"{SECRETS[0]} rang back")
    for args in rounds:
        sync(*args)
    assert all(leftovers(folder) for folder in folders)  # the test can fail

    with open_desk(folders[1], "bob", 2) as desk:
        desk.erase(referral, "asked to be forgotten")
    for _ in range(2):
        for args in [rounds[1], rounds[0], rounds[2]]:
            sync(*args)

    for folder in folders:
        assert leftovers(folder) == []
        with open_desk(folder, "x", 9) as desk:
            assert [s.target for s in desk.erasures()] == [referral]
            assert desk.referrals.get(kept).organisation == "Larkhithe Leisure Mutual"
