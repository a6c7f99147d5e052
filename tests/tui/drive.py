"""Driving the app in Pilot tests: typing text, and waiting for loads to finish.

`type_text` posts one key event a character and waits once at the end. The app handles them
exactly as typed keys (in order, through the focused widget and the bindings); what it skips
is Pilot's two idle waits and a frame after every key, about 0.3 s of CPU and 2 s of wall
time for a 30-character line.
"""

from __future__ import annotations

from typing import Any

from textual import events
from textual.command import Command, CommandList
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


async def run_command(pilot: Pilot[Any], text: str, *, wanted: str | None = None) -> None:
    """Ctrl+P, type `text`, and press Enter once the palette's highlighted hit reads `wanted`
    (default: `text`). The palette gathers hits on a timer, so a fixed wait may pick a hit
    from before the last keystroke on a busy machine."""
    await pilot.press("ctrl+p")
    await pilot.pause()
    await type_text(pilot, text)
    want = (wanted or text).casefold()
    for _ in range(200):  # at most ~10 s
        if want in _highlighted_hit(pilot).casefold():
            break
        await pilot.pause(0.05)
    await pilot.press("enter")


def _highlighted_hit(pilot: Pilot[Any]) -> str:
    found = pilot.app.screen.query(CommandList)
    if not found:
        return ""
    hits = found.first()
    if hits.highlighted is None or hits.highlighted >= hits.option_count:
        return ""
    option = hits.get_option_at_index(hits.highlighted)
    return option.hit.text or "" if isinstance(option, Command) else ""
