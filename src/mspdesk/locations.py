"""Where mspdesk keeps data and finds its shipped content.

Data lives in the platform's user data directory unless `--data-dir` or
`MSPDESK_DATA_DIR` says otherwise. Shipped content sits inside the wheel
(`mspdesk/content`) or, in a source checkout, in the top-level `content/`.
"""

from __future__ import annotations

import os
from pathlib import Path

APP_NAME = "mspdesk"
DATA_DIR_ENV = "MSPDESK_DATA_DIR"


def data_dir(override: str | os.PathLike[str] | None = None) -> Path:
    """The data directory: explicit override, then the environment, then platformdirs."""
    if override:
        return Path(override).expanduser()
    env = os.environ.get(DATA_DIR_ENV)
    if env:
        return Path(env).expanduser()
    from platformdirs import user_data_path

    return user_data_path(APP_NAME, appauthor=False)


def content_dir() -> Path:
    """The shipped content folder (guidance, pathways, rubric, demo data)."""
    packaged = Path(__file__).resolve().parent / "content"
    if packaged.is_dir():
        return packaged
    # Source checkout or editable install: src/mspdesk -> repo root.
    return Path(__file__).resolve().parents[2] / "content"


def user_content_dir(data: Path) -> Path:
    """An adviser's own content (extra guidance pages) beside their data."""
    return data / "content"


def log_file(data: Path) -> Path:
    """Where full tracebacks go; the user sees a one-line message."""
    return data / "mspdesk.log"
