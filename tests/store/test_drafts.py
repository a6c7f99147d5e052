"""Drafts: unsaved editor content, one atomic, private file each; never in the journal."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from mspdesk.desk import Desk
from mspdesk.store.drafts import Drafts, file_name


def test_save_load_discard_and_list(tmp_path: Path) -> None:
    drafts = Drafts(tmp_path / "drafts")
    assert drafts.list() == [] and drafts.load("new-R-2013-0001") is None

    drafts.save("new-R-2013-0001", {"body": "first"})
    drafts.save("new-R-2013-0001", {"body": "second"})
    drafts.save("edit-N-00001", {"body": "other"})

    assert drafts.load("new-R-2013-0001") == {"body": "second"}
    assert drafts.list() == ["edit-N-00001", "new-R-2013-0001"]
    drafts.discard("new-R-2013-0001")
    drafts.discard("new-R-2013-0001")  # twice is fine
    assert drafts.list() == ["edit-N-00001"]


@pytest.mark.skipif(os.name != "posix", reason="POSIX permissions")
def test_files_are_user_only(tmp_path: Path) -> None:
    drafts = Drafts(tmp_path / "drafts")
    drafts.save("k", {"body": "private"})
    assert stat.S_IMODE((tmp_path / "drafts").stat().st_mode) == 0o700
    assert stat.S_IMODE((tmp_path / "drafts" / "k.json").stat().st_mode) == 0o600


def test_keys_never_become_paths(tmp_path: Path) -> None:
    drafts = Drafts(tmp_path / "drafts")
    for key in ["../escape", "a/b", "..", "new:R 1", "ünïcode"]:
        assert "/" not in file_name(key)
        drafts.save(key, {"key": key})
        assert drafts.load(key) == {"key": key}
    assert sorted(drafts.list()) == sorted(["../escape", "a/b", "..", "new:R 1", "ünïcode"])
    assert not (tmp_path / "escape.json").exists()
    with pytest.raises(ValueError):
        file_name("")


def test_a_torn_or_foreign_file_reads_as_no_draft(tmp_path: Path) -> None:
    drafts = Drafts(tmp_path / "drafts")
    drafts.save("k", {"body": "x"})
    (tmp_path / "drafts" / "k.json").write_bytes(b'{"body": "x')
    assert drafts.load("k") is None
    (tmp_path / "drafts" / "k.json").write_bytes(b"[1, 2]")
    assert drafts.load("k") is None
    (tmp_path / "drafts" / "k.json.tmp-123").write_bytes(b"left by a crash")
    assert drafts.list() == ["k"]
    drafts.remove_leftovers()
    assert not (tmp_path / "drafts" / "k.json.tmp-123").exists()


def test_the_desk_keeps_drafts_beside_the_data_not_in_the_journal(desk: Desk) -> None:
    key = desk.notes.draft_key(subject="R-2013-0001")
    assert key == "new-R-2013-0001"
    assert desk.notes.draft_key(note_id="N-00004", subject="R-2013-0001") == "edit-N-00004"
    seq = desk.core.store.seq

    desk.notes.save_draft(key, {"body": "typed", "on": "31/02/2013"})

    loaded = desk.notes.load_draft(key)
    assert loaded is not None
    assert loaded["body"] == "typed" and loaded["on"] == "31/02/2013"
    assert loaded["saved_at"].startswith("2013-03-14T10:30")
    assert desk.core.store.seq == seq and desk.can_undo() is None
    assert desk.notes.drafts() == [key]
    assert (desk.directory / "drafts").is_dir()
    desk.notes.discard_draft(key)
    assert desk.notes.load_draft(key) is None


def test_a_read_only_desk_reads_drafts_but_writes_none(desk: Desk, data_dir: Path) -> None:
    desk.notes.save_draft("k", {"body": "mine"})
    with Desk.open(data_dir, read_only=True) as reader:
        assert reader.notes.load_draft("k") is not None
        reader.notes.save_draft("k", {"body": "theirs"})
        reader.notes.discard_draft("k")
    loaded = desk.notes.load_draft("k")
    assert loaded is not None and loaded["body"] == "mine"
