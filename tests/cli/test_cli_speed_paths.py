"""The CLI's fast paths mean the same as the slow ones: a command registers only its own
modules (and those list every command), and long JSON lists are written in chunks."""

from __future__ import annotations

import argparse
import io
import sys

import orjson
import pytest

from mspdesk.cli import build_parser, commands
from mspdesk.cli.common import print_json, print_json_list


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


@pytest.mark.parametrize("count", [0, 1, 3, 7])
def test_a_json_list_in_chunks_is_the_same_document(
    count: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    rows = [{"id": n, "name": f"Zoë \u202e{n}\x85", "b": [1, {"c": None}]} for n in range(count)]
    outputs = []
    for write in (print_json, lambda r: print_json_list(r, chunk=2)):
        stream = _Stdout(io.BytesIO(), encoding="utf-8")
        monkeypatch.setattr(sys, "stdout", stream)
        write(rows)
        stream.flush()
        outputs.append(stream.buffer.getvalue())  # type: ignore[attr-defined]
    assert outputs[0] == outputs[1]
    assert orjson.loads(outputs[1]) == rows
    assert b"\\u202e" in outputs[1] or not rows
