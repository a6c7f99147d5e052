"""`mspdesk config get [KEY]` and `mspdesk config set KEY [VALUE]`."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from mspdesk import config
from mspdesk.cli.common import subcommand
from mspdesk.domain.errors import UserError


def register(sub: Any) -> None:
    command = subcommand(sub, "config", "your settings: adviser name, theme, export folder")
    verbs = command.add_subparsers(dest="config_command", metavar="ACTION", required=True)
    getter = subcommand(verbs, "get", "print a setting (every setting without KEY)")
    getter.add_argument("key", nargs="?", metavar="KEY", help=", ".join(config.KEYS))
    getter.set_defaults(handler=get_setting)
    setter = subcommand(verbs, "set", "change a setting (without VALUE: remove it)")
    setter.add_argument("key", metavar="KEY", help=", ".join(config.KEYS))
    setter.add_argument("value", nargs="?", metavar="VALUE")
    setter.set_defaults(handler=set_setting)


def get_setting(args: argparse.Namespace) -> int:
    try:
        if args.key is None:
            settings = config.load()
            for key, meaning in config.KEYS.items():
                print(f"{key} = {settings.get(key, '')}    # {meaning}")
            print(f"# {config.config_file()}")
            return 0
        value = config.get(args.key)
    except config.ConfigError as error:
        raise UserError(str(error)) from None
    if value is None:
        print(f"mspdesk: {args.key} is not set", file=sys.stderr)
        return 1
    print(value)
    return 0


def set_setting(args: argparse.Namespace) -> int:
    try:
        path = config.set_value(args.key, args.value)
    except config.ConfigError as error:
        raise UserError(str(error)) from None
    shown = args.value if args.value else "(not set)"
    print(f"{args.key} = {shown}  ({path})")
    return 0
