"""Counting `records_changed`: each time a screen tells the others that records changed."""

from __future__ import annotations

import pytest

from mspdesk.tui.app import MspdeskApp


def count_changes(app: MspdeskApp, monkeypatch: pytest.MonkeyPatch) -> list[None]:
    """A list that grows by one each time the app publishes `records_changed`."""
    told: list[None] = []
    publish = app.refresh_data

    def counted() -> None:
        told.append(None)
        publish()

    monkeypatch.setattr(app, "refresh_data", counted)
    return told
