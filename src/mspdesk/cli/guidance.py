"""`mspdesk guidance list | show SLUG | search QUERY | check`.

These commands read content files only: they never open the record store, so
they need no lock and work beside a running TUI. Rendering uses rich (which
textual brings along) but never textual itself.
"""

from __future__ import annotations

import argparse
import functools
import io
import os
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from mspdesk import locations
from mspdesk.cli.common import data_path, print_json, subcommand
from mspdesk.cli.gate import unfiltered, visible
from mspdesk.guidance.problems import Problem

if TYPE_CHECKING:
    from rich.console import Console
    from rich.text import Text

    from mspdesk.guidance import Library, Page


def register(sub: Any) -> None:
    """Add the `guidance` command and its actions."""
    guidance = subcommand(sub, "guidance", "read, search and check the guidance pages")
    actions = guidance.add_subparsers(dest="guidance_command", metavar="ACTION", required=True)

    listing = subcommand(actions, "list", "list the pages: slug, title and tags")
    listing.add_argument("--by-tag", action="store_true", help="group the pages under each tag")
    listing.add_argument("--json", action="store_true", help="print JSON")
    listing.set_defaults(handler=list_pages)

    show = subcommand(actions, "show", "show one page as readable text")
    show.add_argument("slug", help="the page's name, e.g. tupe-and-staff-transfer")
    show.add_argument("--raw", action="store_true", help="print the markdown source instead")
    show.set_defaults(handler=show_page)

    search = subcommand(actions, "search", "search the pages, best match first")
    search.add_argument("query", nargs="+", help="words to look for (the last may be a prefix)")
    search.add_argument("--json", action="store_true", help="print JSON")
    search.add_argument("--limit", type=int, default=10, metavar="N", help="at most N hits")
    search.set_defaults(handler=search_pages)

    checker = subcommand(actions, "check", "check every page; exit 1 if anything is wrong")
    checker.add_argument("--json", action="store_true", help="print problems as JSON")
    checker.set_defaults(handler=check_pages)


def _quiet_when_piped(
    handler: Callable[[argparse.Namespace], int],
) -> Callable[[argparse.Namespace], int]:
    """`mspdesk guidance show x | head` stops reading early; that is not an error."""

    @functools.wraps(handler)
    def run(args: argparse.Namespace) -> int:
        try:
            return handler(args)
        except BrokenPipeError:
            # Point stdout at /dev/null so the interpreter's final flush is silent too.
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
            return 0

    return run


def load_library(args: argparse.Namespace) -> Library:
    """Shipped pages plus the adviser's own pages beside the data directory."""
    from mspdesk.guidance import Library

    shipped = locations.content_dir() / "guidance"
    # --demo uses a throwaway data copy with no pages of its own; don't build one.
    user = None
    if not getattr(args, "demo", False):
        user = locations.user_content_dir(data_path(args)) / "guidance"
    return Library.load(shipped, user)


@_quiet_when_piped
def list_pages(args: argparse.Namespace) -> int:
    """`guidance list`: one line per page, or grouped by tag."""
    library = load_library(args)
    if args.json:
        print_json([_page_summary(page) for page in library.pages])
    elif args.by_tag:
        for tag, pages in library.by_tag().items():
            print(tag)
            width = max(len(page.slug) for page in pages)
            for page in pages:
                print(f"  {page.slug.ljust(width)}  {page.title}")
    else:
        width = max((len(page.slug) for page in library.pages), default=0)
        for page in library.pages:
            tags = ", ".join(page.meta.tags)
            mark = " (yours)" if page.origin == "user" else ""
            print(f"{page.slug.ljust(width)}  {page.title}{mark}  [{tags}]")
    _warn_skipped(library)
    return 0


@_quiet_when_piped
def show_page(args: argparse.Namespace) -> int:
    """`guidance show SLUG`: the page rendered for a terminal (plain text when piped)."""
    library = load_library(args)
    page = library.require(args.slug)
    if args.raw:
        sys.stdout.write(page.body)
        return 0
    _render_page(page, library)
    return 0


@_quiet_when_piped
def search_pages(args: argparse.Namespace) -> int:
    """`guidance search QUERY`: ranked hits with a snippet; `--json` for scripts."""
    from rich.text import Text

    library = load_library(args)
    query = " ".join(args.query)
    hits = library.search(query, limit=max(args.limit, 1))
    if args.json:
        print_json([hit.as_dict() for hit in hits])
        return 0
    if not hits:
        print(f"mspdesk: no guidance page matches '{query}'", file=sys.stderr)
        return 0
    console = _console()
    for rank, hit in enumerate(hits, start=1):
        heading = Text(f"{rank}. {hit.slug}  ")
        heading.append_text(_highlighted(hit.title, hit.title_spans, "bold"))
        console.print(heading)
        console.print(_highlighted(hit.snippet, hit.spans, "bold reverse"), style="dim")
        console.print()
    _flush(console)
    _warn_skipped(library)
    return 0


@_quiet_when_piped
def check_pages(args: argparse.Namespace) -> int:
    """`guidance check`: print every problem (exit 1 if there is any) and every warning: a
    page citing a law or note recorded as replaced after the page was reviewed (exit 0)."""
    from mspdesk.guidance import check
    from mspdesk.guidance.replaced import load_replaced, stale_citations

    library = load_library(args)
    problems = check(library)
    try:
        replaced = load_replaced(locations.content_dir() / "replaced.toml")
    except ValueError as error:
        replaced = []
        problems.append(Problem("replaced.toml", str(error), kind="read"))
    warnings = stale_citations(library, replaced)
    if args.json:
        print_json(
            [
                {"file": p.file, "line": p.line, "kind": p.kind, "message": p.message}
                for p in problems
            ]
            + [
                {"file": w.file, "line": w.line, "kind": w.kind, "message": w.message,
                 "warning": True}
                for w in warnings
            ]
        )  # fmt: skip
    else:
        for problem in problems:
            print(problem)
        for warning in warnings:
            print(f"warning: {warning}")
        if problems:
            print(f"{len(problems)} problem(s) in the guidance pages", file=sys.stderr)
        else:
            extra = f", {len(warnings)} warning(s)" if warnings else ""
            print(f"guidance ok: {len(library.pages)} pages, no problems{extra}")
    return 1 if problems else 0


def _page_summary(page: Page) -> dict[str, Any]:
    meta = page.meta
    return {
        "slug": page.slug,
        "title": meta.title,
        "summary": meta.summary,
        "tags": list(meta.tags),
        "stages": list(meta.stages),
        "reviewed": meta.reviewed.isoformat(),
        "origin": page.origin,
    }


def _render_page(page: Page, library: Library) -> None:
    from rich.markdown import Markdown
    from rich.rule import Rule
    from rich.text import Text

    meta = page.meta
    console = _console()
    console.print(Text(visible(meta.title), style="bold"))
    console.print(Text(visible(meta.summary), style="italic"))
    details = [
        ("Tags", ", ".join(meta.tags) or "-"),
        ("Stages", ", ".join(meta.stages) or "-"),
        ("Reviewed", meta.reviewed.isoformat()),
    ]
    if page.origin == "user":
        details.append(("Source file", page.file))
    for label, value in details:
        console.print(Text(f"{label}: ", style="bold").append(visible(value)))
    console.print(Rule())
    # hyperlinks=False prints each link's target after its text, so readers can follow it.
    console.print(Markdown(visible(page.body), hyperlinks=False))
    console.print(Rule())
    console.print(Text("Sources", style="bold"))
    for number, source in enumerate(meta.sources, start=1):
        console.print(Text(visible(f"  [{number}] {source}")))
    linked_from = library.links_to(page.slug)
    if linked_from:
        console.print(Text("Linked from: ", style="bold").append(", ".join(linked_from)))
    console.print(Text("Not legal advice: check the sources and take advice for each case."))
    _flush(console)


def _highlighted(text: str, spans: tuple[tuple[int, int], ...], style: str) -> Text:
    from rich.text import Text

    # Text(...) never parses markup: page text is data, not formatting.
    shown = visible(text)
    rendered = Text(shown)
    # An escape shown in full moves the offsets: such a text goes without highlights.
    for start, end in spans if shown == text else ():
        rendered.stylize(style, start, end)
    return rendered


def _console() -> Console:
    """A console for stdout: styled on a terminal, plain unpadded text otherwise."""
    from rich.console import Console

    if sys.stdout.isatty():
        # rich styles the page itself; the texts in it went through `visible` already.
        return Console(file=unfiltered(sys.stdout), highlight=False)
    return Console(file=io.StringIO(), width=88, highlight=False, color_system=None)


def _flush(console: Console) -> None:
    """Write a captured console's text to stdout without rich's trailing padding."""
    if isinstance(console.file, io.StringIO):
        text = console.file.getvalue()
        sys.stdout.write("\n".join(line.rstrip() for line in text.splitlines()) + "\n")


def _warn_skipped(library: Library) -> None:
    skipped = len({problem.file for problem in library.problems})
    if skipped:
        print(
            f"mspdesk: {skipped} guidance file(s) skipped; see 'mspdesk guidance check'",
            file=sys.stderr,
        )


__all__ = ["register"]
