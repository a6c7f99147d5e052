"""Child for the erasure kill test: open the desk, say "ready", erase argv[2].

With argv[3] = N > 0 the child SIGKILLs itself just before its N-th file change (rename,
replace or unlink) after opening: a kill -9 at every step of the erasure in turn.
"""

from __future__ import annotations

import os
import signal
import sys
from pathlib import Path
from typing import Any

from mspdesk.desk import Desk


def main() -> None:
    data, target, crash_at = Path(sys.argv[1]), sys.argv[2], int(sys.argv[3])
    desk = Desk.open(data, actor="dpo")
    print("ready", flush=True)
    if crash_at > 0:
        count = 0

        def counting(real: Any) -> Any:
            def step(*args: Any, **kwargs: Any) -> Any:
                nonlocal count
                count += 1
                if count == crash_at:
                    os.kill(os.getpid(), signal.SIGKILL)
                return real(*args, **kwargs)

            return step

        os.replace = counting(os.replace)  # type: ignore[assignment]
        os.rename = counting(os.rename)  # type: ignore[assignment]
        os.unlink = counting(os.unlink)  # type: ignore[assignment]
    desk.erase(target, "kill test")
    desk.close()
    print("done", flush=True)


if __name__ == "__main__":
    main()
