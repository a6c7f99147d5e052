"""The adviser's own settings, in `config.toml` in the platform's config folder
(`~/.config/mspdesk/` on Linux; `$MSPDESK_CONFIG` names another file).

Keys: `adviser` (the name every change is recorded under, and "mine" on the agenda),
`theme` (the desk's colours), `export_folder` (where exports are suggested) and the document
settings `marking`, `docx_template` and `calendar_reminder_days` (transfer/document_settings).
The file is the adviser's alone (0600, in a 0700 folder) and written atomically.
"""

from __future__ import annotations

import json
import os
import tomllib
from pathlib import Path

from mspdesk.locations import APP_NAME

CONFIG_ENV = "MSPDESK_CONFIG"
KEYS = {
    "adviser": "your name as recorded on every change (default: your login name)",
    "theme": "the desk's colour theme, e.g. textual-dark, textual-light, nord, gruvbox",
    "export_folder": "the folder exports are suggested in (default: your home folder)",
    "marking": "the protective marking on every page of a Word file (default OFFICIAL-SENSITIVE)",
    "docx_template": "a house template (.docx) whose styles Word files use (default: none)",
    "calendar_reminder_days": "calendar events remind this many days before (default: none)",
    "sync_every": "the open desk syncs in the background every this many minutes (default: never)",
}


class ConfigError(ValueError):
    """A key that does not exist, or a config file that cannot be read."""


def config_file() -> Path:
    """Where the settings live."""
    named = os.environ.get(CONFIG_ENV)
    if named:
        return Path(named).expanduser()
    from platformdirs import user_config_path

    return user_config_path(APP_NAME, appauthor=False) / "config.toml"


def load() -> dict[str, str]:
    """Every setting in the file (none if there is no file)."""
    path = config_file()
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise ConfigError(f"cannot read {path}: {error}") from error
    return {key: str(value) for key, value in raw.items() if key in KEYS}


def get(key: str) -> str | None:
    """The setting `key`, or None if it is not set."""
    _check(key)
    return load().get(key)


def quiet_get(key: str) -> str | None:
    """The setting `key`, or None if it is not set or the file cannot be read."""
    try:
        return get(key)
    except ConfigError:
        return None


def set_value(key: str, value: str | None) -> Path:
    """Set `key` to `value` (None or "" removes it); returns the file written."""
    _check(key)
    settings = load()
    if value is None or not value.strip():
        settings.pop(key, None)
    else:
        settings[key] = value.strip()
    path = config_file()
    text = "".join(
        f"{name} = {json.dumps(settings[name], ensure_ascii=False)}\n"
        for name in KEYS
        if name in settings
    )
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.tmp")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        os.write(descriptor, text.encode("utf-8"))
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
    os.replace(temporary, path)
    return path


def _check(key: str) -> None:
    if key not in KEYS:
        raise ConfigError(f"no setting {key!r}; the settings are: {', '.join(KEYS)}")
