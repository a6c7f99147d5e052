"""Upgrading older data: a backup first, then the upgrade, kept; newer data is refused."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import orjson
import pytest
from storehelp import file_bytes, put_event

from mspdesk.store import Store, migrations, tinystore
from mspdesk.store import snapshot as snapshot_module
from mspdesk.store.journal import JOURNAL_NAME, read_journal
from mspdesk.store.snapshot import BACKUP_DIR, SNAPSHOT_NAME

OLD = tinystore.SCHEMA_VERSION
NEW = OLD + 1


def _rename_n(data: dict[str, Any]) -> dict[str, Any]:
    return {("number" if key == "n" else key): value for key, value in data.items()}


def _upgrade_events(events: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [
        {**event, "ops": [{**op, "data": _rename_n(op.get("data", {}))} for op in event["ops"]]}
        for event in events
    ]


def rename_n_to_number(
    tables: dict[str, dict[str, Any]], events: list[dict[str, Any]]
) -> tuple[dict[str, dict[str, Any]], list[dict[str, Any]]]:
    """The test's migration: field `n` of every thing is now called `number`."""
    upgraded = dict(tables)
    upgraded["things"] = {key: _rename_n(doc) for key, doc in tables.get("things", {}).items()}
    logged = tables.get("events", {})
    upgraded["events"] = dict(zip(logged, _upgrade_events(list(logged.values())), strict=True))
    return upgraded, _upgrade_events(events)


@pytest.fixture
def newer_code(monkeypatch: pytest.MonkeyPatch) -> Callable[[], None]:
    """Call it to pretend that from now on mspdesk reads data version NEW, with a step from OLD."""

    def upgrade_mspdesk() -> None:
        for module in (tinystore, snapshot_module, migrations):
            monkeypatch.setattr(module, "SCHEMA_VERSION", NEW)
        monkeypatch.setitem(migrations.STEPS, OLD, rename_n_to_number)

    return upgrade_mspdesk


def old_store(directory: Path, *, with_snapshot: bool = True) -> None:
    """Data written by the current (OLD) version: a snapshot plus journal events after it."""
    with Store.open(directory) as store:
        store.commit(put_event("a", n=1))
        store.commit(put_event("b", n=2))
        if with_snapshot:
            store.checkpoint()
        store.commit(put_event("c", n=3))


def pre_migration_folders(directory: Path) -> list[Path]:
    return sorted((directory / BACKUP_DIR).glob(f"pre-migration-v{OLD}-*"))


EXPECTED = {
    "a": {"id": "a", "number": 1},
    "b": {"id": "b", "number": 2},
    "c": {"id": "c", "number": 3},
}


@pytest.mark.parametrize("with_snapshot", [True, False], ids=["snapshot+journal", "journal"])
def test_open_upgrades_older_data_after_backing_it_up(
    data_dir: Path, newer_code: Callable[[], None], with_snapshot: bool
) -> None:
    old_store(data_dir, with_snapshot=with_snapshot)
    newer_code()
    originals = file_bytes(data_dir)

    with Store.open(data_dir) as store:
        assert store.table("things") == EXPECTED
        assert any("upgraded" in warning for warning in store.warnings)

    [folder] = pre_migration_folders(data_dir)
    for name in (SNAPSHOT_NAME, JOURNAL_NAME):
        if name in originals:
            assert (folder / name).read_bytes() == originals[name], name
    assert str(folder) in " ".join(store.warnings)


@pytest.mark.parametrize("with_snapshot", [True, False], ids=["snapshot+journal", "journal"])
def test_the_upgrade_is_kept_and_runs_once(
    data_dir: Path, newer_code: Callable[[], None], with_snapshot: bool
) -> None:
    old_store(data_dir, with_snapshot=with_snapshot)
    newer_code()
    with Store.open(data_dir) as store:
        store.commit(put_event("d", n=4))  # written by the new version
    with Store.open(data_dir) as store:
        assert store.table("things") == {**EXPECTED, "d": {"id": "d", "n": 4}}
        assert store.warnings == []
    assert len(pre_migration_folders(data_dir)) == 1
    doc = orjson.loads((data_dir / SNAPSHOT_NAME).read_bytes())
    assert doc["schema_version"] == NEW
    assert {event["v"] for event in read_journal(data_dir / JOURNAL_NAME).events} <= {NEW}


def test_backup_is_taken_before_anything_is_rewritten(
    data_dir: Path, newer_code: Callable[[], None], monkeypatch: pytest.MonkeyPatch
) -> None:
    old_store(data_dir)
    newer_code()
    originals = file_bytes(data_dir)
    seen: list[bool] = []
    real_write = snapshot_module.atomic_write

    def checking_write(path: Path, data: bytes) -> None:
        folders = pre_migration_folders(data_dir)
        seen.append(
            len(folders) == 1
            and (folders[0] / SNAPSHOT_NAME).read_bytes() == originals[SNAPSHOT_NAME]
        )
        real_write(path, data)

    monkeypatch.setattr(snapshot_module, "atomic_write", checking_write)
    Store.open(data_dir).close()
    assert seen and all(seen)


def test_read_only_open_upgrades_in_memory_and_writes_nothing(
    data_dir: Path, newer_code: Callable[[], None]
) -> None:
    old_store(data_dir)
    newer_code()
    before = file_bytes(data_dir)

    reader = Store.open(data_dir, read_only=True)

    assert reader.table("things") == EXPECTED
    assert file_bytes(data_dir) == before
    assert not (data_dir / BACKUP_DIR).exists() or not pre_migration_folders(data_dir)


def test_current_data_is_not_migrated(data_dir: Path) -> None:
    old_store(data_dir)
    with Store.open(data_dir) as store:
        assert store.warnings == []
        assert store.get("things", "a") == {"id": "a", "n": 1}
    assert not pre_migration_folders(data_dir)


def test_upgrade_runs_steps_in_order(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(migrations.STEPS, 1, lambda t, e: ({**t, "one": {}}, e))
    monkeypatch.setitem(migrations.STEPS, 2, lambda t, e: ({**t, "two": {}}, e))
    tables, events = migrations.upgrade({}, [{"seq": 1, "v": 1}], 1, target=3)
    assert list(tables) == ["one", "two"]
    assert events == [{"seq": 1, "v": 3}]
