"""Compile mspdesk to bytecode before timing a process start, as any real install has it.

`pip install` compiles what it installs, and Python writes `__pycache__` for an editable
install on first import; but with PYTHONDONTWRITEBYTECODE set (as on the development
machine) an editable mspdesk is compiled from source on every start, while the baselines
(`python -c "import tinydb, pydantic"`, a bare Textual app) load their installed bytecode.
Measured on that machine: `mspdesk agenda --json` at 10k referrals 0.50-0.53 s from source,
0.32-0.37 s with bytecode.
"""

from __future__ import annotations

import compileall
from pathlib import Path

import mspdesk


def compile_mspdesk() -> None:
    """Write the bytecode of every mspdesk module (compileall writes it whatever the
    environment says; Python still reads it under PYTHONDONTWRITEBYTECODE)."""
    compileall.compile_dir(str(Path(mspdesk.__file__).parent), quiet=1)
