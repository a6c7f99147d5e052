"""How sync through git behaves with many advisers and years of events (docs/sync-scale.md).

Builds the layout on the board with the `git` command (fast-import): a bare remote holding
one branch `refs/heads/desks/<desk-id>` per desk, each with `desk.json` and
`events/NNNNNN.jsonl` segments of up to 1,000 events, and a `refs/desk-codes/<CODE>` per
desk. Then measures what a new laptop pays: the remote's size before and after `git gc`,
fetching every desk branch into an empty repository (a first sync) against copying the same
pack file, reading and parsing every event, folding them into the state, and the size and
read time of a state snapshot instead.

    python benchmarks/sync_scale.py --desks 5 --years 1 --history every-sync
    python benchmarks/sync_scale.py --desks 50 --years 10          # the full programme

Results are printed and appended to benchmarks/results/<date>-sync-scale.jsonl.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import zlib
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import IO, Any

import orjson

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from sync_events import MIX, DeskEvents, demo_templates, guidance_words  # noqa: E402

SEGMENT = 1000
"""Events per segment file, as on the board (`--segment` tries others)."""
WORKING_DAYS = 225
"""A year's working days for one adviser: 260 weekdays less leave and bank holidays."""
START = date(2027, 1, 4)
LETTERS = "ABCDEFGHJKLMNPRSTUVWXYZ"
GIT_ENV = {**os.environ, "GIT_CONFIG_NOSYSTEM": "1", "GIT_TERMINAL_PROMPT": "0"}


def git(*args: str, cwd: Path | None = None, stdin: bytes | None = None) -> bytes:
    done = subprocess.run(
        ["git", *args], cwd=cwd, input=stdin, capture_output=True, env=GIT_ENV, check=True
    )
    return done.stdout


def working_days(years: float, seed: int) -> Iterator[date]:
    """Weekdays from START, skipping leave so a year holds WORKING_DAYS of them."""
    total = round(years * WORKING_DAYS)
    day, given = START, 0
    while given < total:
        if day.weekday() < 5 and (day.toordinal() * 7 + seed) % 26 != 0:
            given += 1
            yield day
        day += timedelta(days=1)


def desk_code(n: int) -> str:
    return LETTERS[n // len(LETTERS)] + LETTERS[n % len(LETTERS)]


# ------------------------------------------------------------------ building the remote


class Remote:
    """Feeds `git fast-import` one desk branch at a time."""

    def __init__(self, path: Path) -> None:
        git("init", "--quiet", "--bare", str(path))
        self.path = path
        self._proc = subprocess.Popen(
            ["git", "fast-import", "--quiet", "--done"],
            cwd=path,
            stdin=subprocess.PIPE,
            env=GIT_ENV,
        )
        assert self._proc.stdin is not None
        self._out: IO[bytes] = self._proc.stdin
        self._mark = 0
        self.commits = 0
        self.bytes_fed = 0
        self.loose_estimate = 0
        """What the same history costs as loose objects (zlib level 1 per blob version), as
        `git hash-object -w` leaves them before any gc."""

    def commit(self, branch: str, parent: int | None, files: dict[str, bytes], at: int) -> int:
        self._mark += 1
        message = b"sync"
        out = self._out
        out.write(f"commit {branch}\nmark :{self._mark}\n".encode())
        out.write(f"committer desk <desk@mspdesk> {at} +0000\n".encode())
        out.write(b"data %d\n%s\n" % (len(message), message))
        if parent is not None:
            out.write(f"from :{parent}\n".encode())
        for name, data in files.items():
            out.write(f"M 100644 inline {name}\ndata {len(data)}\n".encode())
            out.write(data)
            out.write(b"\n")
            self.bytes_fed += len(data)
        self.commits += 1
        return self._mark

    def close(self) -> None:
        self._out.write(b"done\n")
        self._out.close()
        if self._proc.wait() != 0:
            raise RuntimeError("git fast-import failed")


def build(args: argparse.Namespace, remote_path: Path) -> dict[str, Any]:
    """The remote for `args.desks` advisers over `args.years`; returns counts."""
    templates, words = demo_templates(), guidance_words()
    remote = Remote(remote_path)
    events = raw = 0
    codes: dict[str, str] = {}
    for n in range(args.desks):
        code, desk_id = desk_code(n), f"{n * 7919 + 1:016x}"
        codes[code] = desk_id
        maker = DeskEvents(code, desk_id, f"adviser{n}", templates, words, seed=n)
        count, size = _desk_branch(remote, maker, args, estimate_loose=args.loose)
        events, raw = events + count, raw + size
    remote.close()
    for code, desk_id in codes.items():
        blob = git("hash-object", "-w", "--stdin", cwd=remote_path, stdin=f"{desk_id}\n".encode())
        git("update-ref", f"refs/desk-codes/{code}", blob.decode().strip(), cwd=remote_path)
    return {
        "events": events,
        "raw_bytes": raw,
        "commits": remote.commits,
        "bytes_fed": remote.bytes_fed,
        "loose_estimate_bytes": remote.loose_estimate,
    }


def _desk_branch(
    remote: Remote, maker: DeskEvents, args: argparse.Namespace, *, estimate_loose: bool
) -> tuple[int, int]:
    branch = f"refs/heads/desks/{maker.desk_id}"
    desk_json = orjson.dumps({"desk_id": maker.desk_id, "code": maker.code})
    segments: list[list[bytes]] = [[]]
    dirty: set[int] = set()
    parent: int | None = None
    count = size = 0
    syncs = args.syncs_per_day
    for day in working_days(args.years, seed=len(maker.code)):
        lines = maker.day(day, args.per_day)
        count += len(lines)
        size += sum(len(line) + 1 for line in lines)
        batches = [lines[i::syncs] for i in range(syncs)] if syncs else [lines]
        for batch in batches:
            for line in batch:
                if len(segments[-1]) == args.segment:
                    segments.append([])
                segments[-1].append(line)
                dirty.add(len(segments) - 1)
            full = len(segments[-1]) == args.segment
            if dirty and (args.history == "every-sync" or full):
                stamp = int(datetime(day.year, day.month, day.day, tzinfo=UTC).timestamp())
                files = {_name(i): _segment(segments[i]) for i in sorted(dirty)}
                if parent is None:
                    files["desk.json"] = desk_json
                if estimate_loose:
                    remote.loose_estimate += sum(len(zlib.compress(b, 1)) for b in files.values())
                parent = remote.commit(branch, parent, files, stamp)
                dirty.clear()
    if dirty or parent is None:
        files = {_name(i): _segment(segments[i]) for i in sorted(dirty)}
        if parent is None:
            files["desk.json"] = desk_json
        remote.commit(branch, parent, files, int(time.time()))
    return count, size


def _name(index: int) -> str:
    return f"events/{index + 1:06d}.jsonl"


def _segment(lines: list[bytes]) -> bytes:
    return b"\n".join(lines) + b"\n"


# ------------------------------------------------------------------ measuring


def pack_bytes(repo: Path) -> int:
    """Bytes of every object in `repo` (packs and loose), as git counts them."""
    counted = git("count-objects", "-v", cwd=repo).decode().split("\n")
    fields = dict(line.split(": ") for line in counted if ": " in line)
    return (int(fields["size"]) + int(fields["size-pack"])) * 1024


def seconds(call: Any) -> float:
    start = time.perf_counter()
    call()
    return time.perf_counter() - start


REFSPEC = "+refs/heads/desks/*:refs/remotes/origin/desks/*"


def shallow_sync(remote: Path, workdir: Path) -> tuple[float, int]:
    """Seconds and bytes to fetch only the tip of every desk branch (`--depth 1`)."""
    laptop = workdir / "shallow"
    git("init", "--quiet", str(laptop))
    url = f"file://{remote}"
    took = seconds(lambda: git("fetch", "--quiet", "--depth", "1", url, REFSPEC, cwd=laptop))
    size = pack_bytes(laptop)
    shutil.rmtree(laptop)
    return took, size


def blobless_sync(remote: Path, workdir: Path) -> tuple[float, int, float, int]:
    """A partial clone (`--filter=blob:none`: commits and trees, no events), then the blobs
    of each desk's newest segment only, as a laptop starting from a state snapshot would
    fetch them: (seconds, bytes) of each step."""
    git("config", "uploadpack.allowFilter", "true", cwd=remote)
    laptop = workdir / "blobless"
    git("init", "--quiet", str(laptop))
    url = f"file://{remote}"
    git("remote", "add", "origin", url, cwd=laptop)
    fetch = ["fetch", "--quiet", "--filter=blob:none", "origin", REFSPEC]
    took = seconds(lambda: git(*fetch, cwd=laptop))
    size = pack_bytes(laptop)
    newest = []
    refs = git("for-each-ref", "--format=%(objectname)", "refs/remotes/origin/desks", cwd=laptop)
    for tip in refs.decode().split():
        listing = git("ls-tree", "-r", tip, "events", cwd=laptop).decode().splitlines()
        newest.append(listing[-1].split()[2])
    wanted = ("\n".join(newest) + "\n").encode()
    tail = seconds(lambda: git("cat-file", "--batch", cwd=laptop, stdin=wanted))
    tail_size = pack_bytes(laptop) - size
    shutil.rmtree(laptop)
    return took, size, tail, tail_size


def first_sync(remote: Path, workdir: Path) -> tuple[float, float, Path]:
    """Seconds to fetch every desk branch into an empty repository (the pack protocol,
    as from a shared drive), and seconds to copy the remote's pack files (the floor)."""
    laptop = workdir / "laptop"
    git("init", "--quiet", str(laptop))
    fetch = seconds(lambda: git("fetch", "--quiet", f"file://{remote}", REFSPEC, cwd=laptop))
    copy_to = workdir / "pack-copy"
    copy = seconds(lambda: shutil.copytree(remote / "objects" / "pack", copy_to))
    shutil.rmtree(copy_to)
    return fetch, copy, laptop


def event_blobs(laptop: Path) -> list[str]:
    """Every segment blob of every desk branch, desk by desk, segments in order."""
    refs = git("for-each-ref", "--format=%(objectname)", "refs/remotes/origin/desks", cwd=laptop)
    blobs: list[str] = []
    for tip in refs.decode().split():
        listing = git("ls-tree", "-r", tip, "events", cwd=laptop).decode()
        blobs += [line.split()[2] for line in listing.splitlines()]
    return blobs


def stream_blobs(laptop: Path, blobs: list[str]) -> Iterator[bytes]:
    """The blobs' contents, one at a time, from one `git cat-file --batch`."""
    proc = subprocess.Popen(
        ["git", "cat-file", "--batch"],
        cwd=laptop,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        env=GIT_ENV,
    )
    assert proc.stdin is not None and proc.stdout is not None
    proc.stdin.write(("\n".join(blobs) + "\n").encode())
    proc.stdin.close()
    for _ in blobs:
        size = int(proc.stdout.readline().split()[2])
        body = proc.stdout.read(size)
        proc.stdout.read(1)
        yield body
    proc.wait()


def apply(state: dict[str, dict[str, Any]], event: dict[str, Any]) -> None:
    """One event's ops on the state: puts, patches, deletes."""
    for op in event["ops"]:
        table = state.setdefault(op["table"], {})
        if op["kind"] == "put":
            table[op["key"]] = op["data"]
        elif op["kind"] == "patch":
            table[op["key"]] = {**table.get(op["key"], {}), **op["data"]}
        else:
            table.pop(op["key"], None)


def reading(laptop: Path, workdir: Path, row: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Time reading every event (git alone; git then parse and apply; a flat file of the
    same bytes) and ordering them by (time, desk, id); returns the state they fold into."""
    blobs = event_blobs(laptop)
    row["segments"] = len(blobs)
    row["read_events_s"] = seconds(lambda: sum(len(b) for b in stream_blobs(laptop, blobs)))
    state: dict[str, dict[str, Any]] = {}
    keys: list[tuple[str, str, str]] = []

    def parse_and_apply() -> None:
        for body in stream_blobs(laptop, blobs):
            for line in body.splitlines():
                event = orjson.loads(line)
                keys.append((event["at"], event["origin"], event["id"]))
                apply(state, event)

    row["read_parse_apply_s"] = seconds(parse_and_apply)
    row["order_keys_s"] = seconds(lambda: keys.sort())
    flat = workdir / "all-events.jsonl"
    with flat.open("wb") as out:
        for body in stream_blobs(laptop, blobs):
            out.write(body)
    row["read_flat_file_s"] = seconds(lambda: _read_in_chunks(flat))
    flat.unlink()
    return state


def _read_in_chunks(path: Path) -> int:
    total = 0
    with path.open("rb") as source:
        while chunk := source.read(1 << 22):
            total += len(chunk)
    return total


def measure(args: argparse.Namespace, workdir: Path) -> dict[str, Any]:
    remote = workdir / "remote.git"
    start = time.perf_counter()
    row: dict[str, Any] = build(args, remote)
    row["build_s"] = time.perf_counter() - start
    row["fast_import_pack_bytes"] = pack_bytes(remote)
    row["gc_s"] = seconds(lambda: git("gc", "--quiet", cwd=remote))
    row["gc_pack_bytes"] = pack_bytes(remote)
    # fast-import deltas each blob against the one before only, and `gc` keeps those deltas;
    # a remote that received pushes holds loose objects that gc deltas afresh: -f does that.
    if args.repack:
        row["repack_f_s"] = seconds(lambda: git("repack", "-a", "-d", "-f", "-q", cwd=remote))
        row["repacked_bytes"] = pack_bytes(remote)
    row["fetch_all_s"], row["copy_pack_s"], laptop = first_sync(remote, workdir)
    row["laptop_git_bytes"] = pack_bytes(laptop)
    row["fetch_depth1_s"], row["depth1_git_bytes"] = shallow_sync(remote, workdir)
    blobless = blobless_sync(remote, workdir)
    row["fetch_blobless_s"], row["blobless_git_bytes"] = blobless[:2]
    row["fetch_newest_segments_s"], row["newest_segments_bytes"] = blobless[2:]
    state = reading(laptop, workdir, row)
    start = time.perf_counter()
    snapshot = orjson.dumps(state)
    row["snapshot_dump_s"] = time.perf_counter() - start
    row["state_records"] = sum(len(t) for t in state.values())
    del state
    row["snapshot_bytes"] = len(snapshot)
    row["snapshot_zlib_bytes"] = len(zlib.compress(snapshot, 6))
    row["snapshot_load_s"] = seconds(lambda: orjson.loads(snapshot))
    return row


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--desks", type=int, default=5)
    parser.add_argument("--years", type=float, default=1.0)
    parser.add_argument("--per-day", type=float, default=sum(MIX.values()))
    parser.add_argument("--syncs-per-day", type=int, default=2)
    parser.add_argument(
        "--history",
        choices=["every-sync", "segments"],
        default="segments",
        help="every-sync: a commit per sync (the last segment rewritten each time); "
        "segments: a commit per filled segment (the same events, without intermediate versions)",
    )
    parser.add_argument("--segment", type=int, default=SEGMENT, help="events per segment file")
    parser.add_argument("--loose", action="store_true", help="estimate the loose-object size")
    parser.add_argument(
        "--repack", action="store_true", help="also `git repack -a -d -f` (deltas computed afresh)"
    )
    parser.add_argument("--workdir", type=Path, default=None)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(dir=args.workdir, prefix="sync-scale-") as tmp:
        row = measure(args, Path(tmp))
    row.update(
        desks=args.desks,
        years=args.years,
        per_day=args.per_day,
        syncs_per_day=args.syncs_per_day,
        history=args.history,
        segment=args.segment,
        at=datetime.now(UTC).isoformat(timespec="seconds"),
        git=git("--version").decode().strip(),
        cpus=os.cpu_count(),
    )
    print(json.dumps(row, indent=1))
    results = HERE / "results" / f"{datetime.now(UTC).date()}-sync-scale.jsonl"
    with results.open("a", encoding="utf-8") as out:
        out.write(json.dumps(row) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
