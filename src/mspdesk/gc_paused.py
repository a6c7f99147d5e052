"""The cyclic garbage collector paused for bulk work that makes many objects and no cycles
(100k records parsed, split or checked): collecting as they grow walks them again and again
(45% of checking an import's row, a fifth of `referrals list --json` at 100k, measured)."""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator


@contextlib.contextmanager
def without_gc() -> Iterator[None]:
    """No cyclic collection inside; as it was (on or off) afterwards."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.enable()
