"""The CLI's fast paths mean the same as the slow ones: a command registers only its own
modules (and those list every command), and long JSON lists are written in chunks."""

from __future__ import annotations

import argparse
import io
import itertools
import os
import subprocess
import sys
from pathlib import Path

import orjson
import pytest

from mspdesk.cli import build_parser, commands
from mspdesk.cli.common import print_json
from mspdesk.cli.json_records import print_json_records


def test_the_command_table_names_every_command_each_module_registers() -> None:
    for module, function, names in commands.COMMANDS:
        parser = argparse.ArgumentParser()
        sub = parser.add_subparsers(dest="command")
        (registrar,) = [
            r
            for r in commands.registrars([names[0]])
            if r.__name__ == function and module in r.__module__
        ]
        registrar(sub)
        assert tuple(sorted(sub.choices)) == names, module


@pytest.mark.parametrize(
    ("argv", "command"),
    [
        (["--data-dir", "agenda", "referrals", "list"], "referrals"),
        (["--demo", "agenda", "--json"], "agenda"),
        (["--data-dir=x", "note", "add"], "note"),
        (["--help"], None),
        ([], None),
    ],
)
def test_the_command_is_found_after_the_location_options(argv: list[str], command: str) -> None:
    assert commands.command_name(argv) == command


def test_a_command_parses_the_same_with_only_its_modules() -> None:
    argv = ["--data-dir", "/tmp/x", "case", "assign", "C-0001", "ada"]
    full, narrow = build_parser(), build_parser(argv)
    assert vars(full.parse_args(argv)) == vars(narrow.parse_args(argv))


class _Stdout(io.TextIOWrapper):
    pass


@pytest.mark.parametrize("count", [0, 1, 3, 2500])
@pytest.mark.parametrize("real_file", [False, True])
def test_records_written_as_stored_json_are_the_same_document(
    count: int, real_file: bool, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    rows = [
        {"id": n, "name": f"Zoë \u202e{n}\x85" if n % 3 == 0 else f"Zoe {n}", "b": [1, {"c": None}]}
        for n in range(count)
    ]
    encoded = [orjson.dumps(row) for row in rows]
    spans = [("k", b"xx" + data + b"yy", 2, 2 + len(data)) for data in encoded]
    if count > 1000:  # many records in one big buffer, as a mapped snapshot holds them
        shared = b" " * (1 << 20) + b"".join(encoded)
        ends = list(itertools.accumulate(map(len, encoded), initial=1 << 20))
        spans = [("k", shared, start, end) for start, end in itertools.pairwise(ends)]
        rows, spans = rows[::-1], spans[::-1]  # written in an order of their own
    outputs = []
    for write in (print_json, lambda _: print_json_records(spans)):
        if real_file:  # a file descriptor: os.writev from the buffers themselves
            stream = (tmp_path / f"out{len(outputs)}").open("w+b")
            monkeypatch.setattr(sys, "stdout", io.TextIOWrapper(stream, encoding="utf-8"))
        else:
            monkeypatch.setattr(sys, "stdout", _Stdout(io.BytesIO(), encoding="utf-8"))
        write(rows)
        sys.stdout.flush()
        buffer = sys.stdout.buffer
        outputs.append(
            (tmp_path / f"out{len(outputs)}").read_bytes() if real_file else buffer.getvalue()  # type: ignore[attr-defined]
        )
    assert orjson.loads(outputs[1]) == orjson.loads(outputs[0]) == rows
    assert outputs[1].count(b"\n") == (count + 2 if count else 1)  # one record a line
    assert (b"\\u202e" in outputs[1] and "\u202e".encode() not in outputs[1]) or not rows


@pytest.mark.parametrize("disable", [None, "__all__"])
def test_a_command_that_validates_skips_pydantics_plugin_search(
    tmp_path: Path, disable: str | None
) -> None:
    # The first model pydantic builds looks for plugins through importlib.metadata (~20 ms
    # per command); mspdesk has none. Setting PYDANTIC_DISABLE_PLUGINS keeps pydantic's own.
    code = (
        "import sys; from mspdesk.cli import main; "
        f"code = main(['--data-dir', {str(tmp_path / 'data')!r}, 'referral', 'add', "
        "'--org', 'Kent Youth', '--parent-body', 'Kent CC']); "
        "sys.exit(code or ('importlib.metadata' in sys.modules) + 10)"
    )
    env = {k: v for k, v in os.environ.items() if k != "PYDANTIC_DISABLE_PLUGINS"}
    if disable:
        env["PYDANTIC_DISABLE_PLUGINS"] = disable
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, env=env, timeout=60)
    assert result.returncode == (11 if disable else 10), result.stderr
    assert result.stdout.startswith(b"R-")  # validated and saved


def test_the_plugin_stand_in_hands_any_other_name_to_pydantics_own_loader() -> None:
    # A later pydantic may import more than get_plugins from its loader: that must still work.
    code = (
        "import sys; from mspdesk.cli import without_pydantic_plugins, PLUGIN_LOADER; "
        "without_pydantic_plugins(); from pydantic.plugin import _loader; "
        "assert _loader.get_plugins() == (); "
        "from pydantic.plugin._loader import _plugins; "
        "assert sys.modules[PLUGIN_LOADER].__file__.endswith('_loader.py')"
    )
    env = {k: v for k, v in os.environ.items() if k != "PYDANTIC_DISABLE_PLUGINS"}
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, env=env, timeout=60)
    assert result.returncode == 0, result.stderr
