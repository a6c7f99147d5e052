"""Loads the guidance library once, off the UI thread, and keeps it on the app.

Reading ~30 markdown files and building the search index takes a few hundred
milliseconds (pydantic and markdown-it imports included), so it never happens
before the first frame: the first screen or palette search that needs guidance
starts a thread worker, and `MspdeskApp.guidance_ready` turns True when it is done.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from textual.screen import Screen

    from mspdesk.guidance import Library
    from mspdesk.tui.app import MspdeskApp

LOAD_GROUP = "load-guidance"


def ensure_guidance(app: MspdeskApp) -> Library | None:
    """The loaded library, or None after making sure a worker is loading it."""
    if app.guidance_library is not None:
        return app.guidance_library
    loading = any(worker.group == LOAD_GROUP and not worker.is_finished for worker in app.workers)
    if not loading:
        app.run_worker(
            lambda: _load(app),
            name="load guidance",
            group=LOAD_GROUP,
            thread=True,
            exit_on_error=False,
        )
    return None


def _load(app: MspdeskApp) -> None:
    """Worker body: read every page and build the index, then hand over to the UI thread."""
    from mspdesk.guidance.library import load_for

    try:
        library = load_for(app.data_dir)
        library.index  # noqa: B018 - built here so the first keystroke does not wait
    except Exception as error:  # guidance must never take the desk down with it
        app.call_from_thread(_failed, app, error)
        return
    app.call_from_thread(_loaded, app, library)


def _loaded(app: MspdeskApp, library: Library) -> None:
    app.guidance_library = library
    skipped = skipped_files(library)
    if skipped:
        # Reported once per run: the library is cached on the app and never reloaded.
        app.notify(
            f"Skipped guidance pages with problems: {', '.join(skipped)}. "
            "Run 'mspdesk guidance check' to see what is wrong.",
            title="Guidance",
            severity="warning",
            timeout=15,
            markup=False,
        )
    app.guidance_ready = True


def _failed(app: MspdeskApp, error: Exception) -> None:
    app.log.error("guidance failed to load", error)
    app.notify(
        f"Guidance could not be loaded: {error}",
        title="Guidance",
        severity="error",
        timeout=15,
        markup=False,
    )


def skipped_files(library: Library) -> list[str]:
    """Names of the files the loader reported problems with, once each, in order."""
    names = (Path(problem.file).name for problem in library.problems)
    return list(dict.fromkeys(names))


def guidance_screen() -> Screen[Any]:
    """A new GuidanceScreen; the app's MODES entry, so the module loads only when needed."""
    from mspdesk.tui.screens.guidance import GuidanceScreen

    return GuidanceScreen()
