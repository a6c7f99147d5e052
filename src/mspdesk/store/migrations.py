"""Upgrading data written by older versions of mspdesk, after taking a backup.

Each step takes the tables and events of version N and returns those of N+1.
Steps are pure; `upgrade` runs them in order. A newer version than we know is
refused in snapshot.py before anything gets here.
"""

from __future__ import annotations

import shutil
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from mspdesk.domain.version import SCHEMA_VERSION
from mspdesk.store.files import fsync_dir, private_dir

Tables = dict[str, dict[str, Any]]
Step = Callable[[Tables, list[dict[str, Any]]], tuple[Tables, list[dict[str, Any]]]]

STEPS: dict[int, Step] = {}
"""STEPS[n] upgrades version n to n+1. Version 1 is the first released shape."""


def upgrade(
    tables: Tables, events: list[dict[str, Any]], version: int, target: int = SCHEMA_VERSION
) -> tuple[Tables, list[dict[str, Any]]]:
    """Tables and events brought from `version` up to `target`."""
    while version < target:
        step = STEPS.get(version)
        if step is None:
            raise ValueError(f"no migration from data version {version}")
        tables, events = step(tables, events)
        for event in events:
            event["v"] = version + 1
        version += 1
    return tables, events


def back_up_before_migration(directory: Path, files: list[Path], version: int) -> Path:
    """Copy `files` into backups/pre-migration-v<version>-<time>/ and return that folder."""
    stamp = time.strftime("%Y%m%d-%H%M%S")
    folder = private_dir(directory / "backups" / f"pre-migration-v{version}-{stamp}")
    for source in files:
        if source.exists():
            shutil.copy2(source, folder / source.name)
            (folder / source.name).chmod(0o600)
    fsync_dir(folder)
    return folder
