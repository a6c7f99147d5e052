"""Driving the app in Pilot tests: typing text, and waiting for loads to finish.

`type_text` posts one key event a character and waits once at the end. The app handles them
exactly as typed keys (in order, through the focused widget and the bindings); what it skips
is Pilot's two idle waits and a frame after every key, about 0.3 s of CPU and 2 s of wall
time for a 30-character line.
"""

from __future__ import annotations

from typing import Any

from textual import events
from textual.keys import _character_to_key
from textual.pilot import Pilot

KEY_NAMES = {" ": "space", "\n": "enter", "\t": "tab"}


def key_for(character: str) -> events.Key:
    """The key event typing `character` sends."""
    name = KEY_NAMES.get(character) or _character_to_key(character)
    return events.Key(name, "\r" if character == "\n" else character)


async def type_text(pilot: Pilot[Any], text: str) -> None:
    """Type `text` into whatever has focus, key by key, then let the app catch up."""
    app = pilot.app
    for character in text:
        app.post_message(key_for(character))
    await pilot.pause()


async def settle(pilot: Pilot[Any], rounds: int = 3) -> None:
    """Let the desk open and the screen's rows load (each runs in a worker)."""
    for _ in range(rounds):
        await pilot.pause()
        await pilot.app.workers.wait_for_complete()
    await pilot.pause()
