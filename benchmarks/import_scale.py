"""`mspdesk import referrals FILE` at 10k, 30k and 100k rows (issue 17: 100k in 10 s and
400 MiB): seconds, CPU seconds and peak memory of each import in a fresh interpreter, into an
empty desk, interleaved with the baseline `python -c "import tinydb, pydantic"`, and with
another copy of the code (`--before DIR`, a checkout whose src/ is put first on the path) in
the same run, so a before/after pair is measured under the same load.

    python benchmarks/import_scale.py [--before DIR] [--sizes 10000,30000,100000]
        [--formats csv,json,xlsx] [--repeats N] [--record]

The file is the Information Service export of import_bench.py (distinct MIS references,
organisation and parent body repeating: most rows are possible duplicates). --record appends
each row to benchmarks/results/<date>-issue17-import.jsonl.
"""

from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from import_bench import HEADER, export_rows, write_csv, write_xlsx  # noqa: E402

Row = dict[str, Any]
BASELINE = ["-c", "import tinydb, pydantic"]
BUDGET_SECONDS = 10.0
BUDGET_MIB = 400.0


def write_json(path: Path, rows: int) -> Path:
    items = [dict(zip(HEADER, cells, strict=True)) for cells in export_rows(rows)]
    path.write_text(json.dumps(items), encoding="utf-8")
    return path


WRITERS = {"csv": write_csv, "json": write_json, "xlsx": write_xlsx}


def launch(args: list[str], source: Path | None = None) -> tuple[float, float, float]:
    """(seconds launch to exit, CPU seconds, peak resident MiB) of one fresh interpreter;
    with `source`, that checkout's src/ comes first on the path."""
    env = dict(os.environ)
    if source is not None:
        env["PYTHONPATH"] = str(source / "src")
    start = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, *args], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env
    )
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    stderr = proc.stderr.read() if proc.stderr else b""
    if os.waitstatus_to_exitcode(status) != 0:
        raise RuntimeError(f"{args} failed: {stderr.decode(errors='replace')}")
    # Linux: KiB. The parent stays small, so this is the child's own peak.
    return elapsed, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024


def measure(source: Path, workdir: Path, code: Path | None) -> tuple[float, float, float]:
    data = workdir / "data"
    shutil.rmtree(data, ignore_errors=True)
    found = launch(
        ["-m", "mspdesk", "--data-dir", str(data), "import", "referrals", str(source)], code
    )
    shutil.rmtree(data, ignore_errors=True)
    return found


def rows_for(
    fmt: str, size: int, label: str, runs: list[tuple[float, float, float]], base: float
) -> list[Row]:
    seconds = statistics.median(r[0] for r in runs)
    cpu = statistics.median(r[1] for r in runs)
    peak = max(r[2] for r in runs)
    name = f"cli_import_{fmt}_{size // 1000}k{'' if label == 'after' else '_' + label}"
    return [
        {
            "name": f"{name}_seconds",
            "value": round(seconds, 2),
            "unit": "s",
            "budget": BUDGET_SECONDS,
        },
        {"name": f"{name}_cpu_seconds", "value": round(cpu, 2), "unit": "s"},
        {"name": f"{name}_peak", "value": round(peak, 1), "unit": "MiB", "budget": BUDGET_MIB},
        {
            "name": f"{name}_vs_import",
            "value": round(seconds / base, 1),
            "unit": "ratio",
            "baseline": "python -c 'import tinydb, pydantic'",
        },
    ]


def run(sizes: list[int], formats: list[str], repeats: int, before: Path | None) -> list[Row]:
    out: list[Row] = []
    with tempfile.TemporaryDirectory(prefix="mspdesk-import-scale-") as tmp:
        workdir = Path(tmp)
        for fmt in formats:
            for size in sizes:
                source = WRITERS[fmt](workdir / f"import-{size}.{fmt}", size)
                bases: list[float] = []
                after: list[tuple[float, float, float]] = []
                earlier: list[tuple[float, float, float]] = []
                for _ in range(repeats):  # interleaved: baseline, after, before
                    bases.append(launch(BASELINE)[0])
                    after.append(measure(source, workdir, None))
                    if before is not None:
                        earlier.append(measure(source, workdir, before))
                base = statistics.median(bases)
                out.append(
                    {
                        "name": "baseline_import_tinydb_pydantic",
                        "value": round(base, 3),
                        "unit": "s",
                    }
                )
                out += rows_for(fmt, size, "after", after, base)
                if earlier:
                    out += rows_for(fmt, size, "before", earlier, base)
                source.unlink()
    return out


def main() -> None:
    from bytecode import compile_mspdesk

    args = sys.argv[1:]

    def option(flag: str, default: str) -> str:
        return args[args.index(flag) + 1] if flag in args else default

    before = Path(option("--before", "")) if "--before" in args else None
    sizes = [int(size) for size in option("--sizes", "10000,30000,100000").split(",")]
    formats = option("--formats", "csv").split(",")
    repeats = int(option("--repeats", "1"))
    compile_mspdesk()  # as a real install has it (see bytecode.py)
    if before is not None:
        import compileall

        compileall.compile_dir(str(before / "src" / "mspdesk"), quiet=1)
    stamp = datetime.now(UTC)
    target = HERE / "results" / f"{stamp:%Y-%m-%d}-issue17-import.jsonl"
    for row in run(sizes, formats, repeats, before):
        line = json.dumps(
            {
                **row,
                "at": stamp.isoformat(timespec="seconds"),
                "cpus": os.cpu_count(),
                "bench": "import_scale",
            }
        )
        print(line, flush=True)
        if "--record" in args:
            with target.open("a", encoding="utf-8") as handle:
                handle.write(line + "\n")


if __name__ == "__main__":
    main()
