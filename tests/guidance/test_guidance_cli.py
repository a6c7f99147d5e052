"""`mspdesk guidance ...` through the real entry point, on the fixture pages."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from guidance_pages import DATA, SHIPPED, VALID_FRONT, write_page

from mspdesk import locations
from mspdesk.cli import main


@pytest.fixture(autouse=True)
def fixture_content(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Shipped content comes from the fixtures; no real user data is ever read."""
    monkeypatch.setattr(locations, "content_dir", lambda: SHIPPED.parent)
    monkeypatch.setenv(locations.DATA_DIR_ENV, str(tmp_path / "empty-data"))


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(["guidance", *argv])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_list_shows_slug_title_and_tags(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "list")
    assert code == 0
    assert err == ""
    lines = out.splitlines()
    assert len(lines) == 4
    assert lines[2].split()[:2] == ["pensions", "Pensions"]
    assert lines[2].endswith("[pensions, staff]")


def test_list_by_tag_and_json(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "list", "--by-tag")
    assert code == 0
    assert "staff\n  pensions                 Pensions\n  tupe-and-staff-transfer  TUPE" in out
    code, out, _ = run(capsys, "list", "--json")
    pages = json.loads(out)
    assert [page["slug"] for page in pages][:2] == ["community-right-to-challenge", "glossary"]
    assert pages[2]["stages"] == ["M09", "M10"] and pages[2]["origin"] == "shipped"


def test_user_pages_merge_and_broken_ones_are_skipped_with_a_warning(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, err = run(capsys, "list", "--data-dir", str(DATA))
    assert code == 0
    assert "Pensions (our local notes) (yours)" in out
    assert "broken-page" not in out
    assert "2 guidance file(s) skipped" in err


def test_show_renders_plain_text(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "show", "pensions")
    assert code == 0 and err == ""
    assert out.startswith("Pensions\n")
    assert "Reviewed: 2026-01-15" in out
    assert "LGPS admission" in out
    assert "**" not in out and "\x1b[" not in out
    assert "(tupe-and-staff-transfer.md)" in out  # link targets stay visible
    assert "[1] DCLG, admission body guidance (December 2009)" in out
    assert "Linked from: community-right-to-challenge, tupe-and-staff-transfer" in out
    assert all(line == line.rstrip() for line in out.splitlines())


def test_show_raw_prints_the_markdown_body(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "show", "glossary", "--raw")
    assert code == 0
    assert out.startswith("# Glossary\n") and "**CIC**" in out


def test_show_unknown_slug_is_one_line_on_stderr(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "show", "pension")
    assert code == 1
    assert out == ""
    assert err == "mspdesk: no guidance page 'pension'; did you mean 'pensions'?\n"


def test_page_text_is_never_parsed_as_markup(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shipped = tmp_path / "content" / "guidance"
    front = VALID_FRONT.replace("title: A title", "title: '[bold]Tricky[/bold] [@click=app.quit]x'")
    write_page(shipped, "tricky", front, "Body with [red]brackets[/red].\n")
    monkeypatch.setattr(locations, "content_dir", lambda: shipped.parent)
    code, out, _ = run(capsys, "show", "tricky")
    assert code == 0
    assert "[bold]Tricky[/bold] [@click=app.quit]x" in out
    code, out, _ = run(capsys, "search", "tricky")
    assert "[bold]Tricky[/bold]" in out


def test_search_prints_ranked_hits_with_snippets(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "search", "employee", "liability")
    assert code == 0
    assert out.splitlines()[0] == "1. tupe-and-staff-transfer  TUPE and staff transfer"
    assert "employee liability information" in out


def test_search_json(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "search", "LGPS admiss", "--json", "--limit", "1")
    assert code == 0
    (hit,) = json.loads(out)
    assert hit["slug"] == "pensions"
    assert hit["anchor"] == "lgps-admission"
    assert [hit["snippet"][s:e] for s, e in hit["spans"]] == ["admission", "admission"]


def test_search_without_hits(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "search", "xylophone")
    assert (code, out) == (0, "")
    assert "no guidance page matches 'xylophone'" in err
    code, out, _ = run(capsys, "search", "xylophone", "--json")
    assert json.loads(out) == []


def test_check_exit_codes(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, out, err = run(capsys, "check")
    assert code == 1  # the fixtures link to a missing page on purpose
    assert "community-right-to-challenge.md:" in out and "no page 'no-such-page'" in out
    assert "1 problem(s)" in err

    code, out, _ = run(capsys, "check", "--data-dir", str(DATA), "--json")
    assert code == 1
    kinds = sorted(problem["kind"] for problem in json.loads(out))
    assert kinds == ["front-matter", "front-matter", "link", "link", "stage"]


def test_check_passes_on_good_content(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shipped = tmp_path / "content" / "guidance"
    write_page(shipped, "one", VALID_FRONT, "See [two](two.md).\n")
    write_page(shipped, "two", VALID_FRONT, "See [one](one.md).\n")
    monkeypatch.setattr(locations, "content_dir", lambda: shipped.parent)
    code, out, _ = run(capsys, "check")
    assert code == 0
    assert out == "guidance ok: 2 pages, no problems\n"


def test_guidance_commands_do_not_import_textual_or_open_the_store() -> None:
    script = (
        "import sys\n"
        "from mspdesk.cli import main\n"
        "code = main(['guidance', 'list'])\n"
        "main(['guidance', 'search', 'pension'])\n"
        "main(['guidance', 'show', 'pensions'])\n"
        "bad = [m for m in sys.modules if m == 'textual' or m.startswith(('textual.', 'tinydb'))]\n"
        "assert not bad, bad\n"
        "sys.exit(code)\n"
    )
    env = {**os.environ, locations.DATA_DIR_ENV: "/nonexistent/mspdesk-guidance-test"}
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, env=env, check=False
    )
    assert result.returncode == 0, result.stderr
    assert "pensions" in result.stdout
    assert not Path("/nonexistent/mspdesk-guidance-test").exists()
