"""The sync repository: a git directory in the data folder, driven by the `git` command.

The `git` command rather than a binding: pygit2 and dulwich are not installed, and the
command is what every git host and shared drive already speaks (credentials, ssh, proxies).
One process per step; an incremental sync costs about five of them (benchmarks/sync_bench.py).
"""

from __future__ import annotations

import contextlib
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

from mspdesk.domain.errors import UserError

GIT_DIR = "git"
BRANCHES = "refs/heads/desks/"
TRACKING = "refs/remotes/origin/desks/"
CODES = "refs/desk-codes/"


class RemoteUnreachable(UserError):
    """The remote could not be reached: nothing was changed."""

    exit_code = 6


class SyncFailed(UserError):
    """Git refused a step: the message says which and why."""

    exit_code = 1


class Repo:
    """The git directory `sync/git` with `sync/out` as the tree of this desk's branch."""

    def __init__(self, sync_dir: Path, desk_id: str) -> None:
        self.git_dir = sync_dir.absolute() / GIT_DIR
        self.work_tree = sync_dir.absolute() / "out"
        self.desk_id = desk_id
        self.branch = f"{BRANCHES}{desk_id}"

    def _env(self) -> dict[str, str]:
        env = dict(os.environ)
        env.update(
            GIT_DIR=str(self.git_dir),
            GIT_WORK_TREE=str(self.work_tree),
            GIT_CONFIG_NOSYSTEM="1",
            GIT_TERMINAL_PROMPT="0",
            LC_ALL="C",
        )
        for name in ("GIT_INDEX_FILE", "GIT_OBJECT_DIRECTORY", "GIT_NAMESPACE"):
            env.pop(name, None)
        return env

    def run(
        self, *args: str, stdin: bytes | None = None, check: bool = True, network: bool = False
    ) -> subprocess.CompletedProcess[bytes]:
        """Run one git command; a failure raises RemoteUnreachable (network steps) or
        SyncFailed, with git's own first line of explanation."""
        try:
            done = subprocess.run(
                ["git", *args],
                input=stdin,
                capture_output=True,
                env=self._env(),
                check=False,
            )
        except FileNotFoundError:
            raise SyncFailed("sync needs the `git` command; install git and try again") from None
        if check and done.returncode != 0:
            why = _first_error(done.stderr) or f"git {args[0]} failed"
            if network:
                raise RemoteUnreachable(f"cannot reach the sync remote: {why}; nothing changed")
            raise SyncFailed(f"sync: git {args[0]} failed: {why}")
        return done

    def text(self, *args: str) -> str:
        return self.run(*args).stdout.decode().strip()

    # ----------------------------------------------------------------- setting up

    def exists(self) -> bool:
        return (self.git_dir / "HEAD").is_file()

    def init(self, remote: str) -> None:
        """Make the repository (or point an existing one at `remote`)."""
        if not self.exists():
            self.git_dir.parent.mkdir(mode=0o700, exist_ok=True)
            env = {k: v for k, v in self._env().items() if not k.startswith("GIT_WORK")}
            env.pop("GIT_DIR")
            done = subprocess.run(
                ["git", "init", "--quiet", "--bare", "--template=", str(self.git_dir)],
                capture_output=True,
                env=env,
                check=False,
            )
            if done.returncode != 0:
                raise SyncFailed(f"cannot make the sync repository: {_first_error(done.stderr)}")
            os.chmod(self.git_dir, 0o700)
        settings = {
            "core.bare": "false",
            "core.logAllRefUpdates": "false",  # no reflog: erased data must not linger
            "gc.auto": "0",
            "user.name": "mspdesk",
            "user.email": f"{self.desk_id}@mspdesk.invalid",
            "core.sharedRepository": "0600",
        }
        for key, value in settings.items():
            self.run("config", key, value)
        self.run("symbolic-ref", "HEAD", self.branch)
        self.run("config", "--unset-all", "remote.origin.url", check=False)
        self.run("config", "remote.origin.url", remote)

    def remote(self) -> str:
        return self.run("config", "remote.origin.url", check=False).stdout.decode().strip()

    def clear_stale_locks(self) -> None:
        """Lock files a killed git left behind. Safe: the desk's writer lock is held, so no
        other git runs on this repository."""
        for path in _lock_files(self.git_dir):
            with contextlib.suppress(OSError):
                path.unlink()

    # ----------------------------------------------------------------- network

    def reachable(self) -> None:
        """Raise RemoteUnreachable unless the remote answers."""
        self.run("ls-remote", "--heads", "origin", "refs/heads/desks/none", network=True)

    def fetch(self) -> bool:
        """Fetch every desk's branch; True if one was rewritten (an erasure) rather than
        only added to."""
        done = self.run(
            "fetch", "--no-tags", "--prune", "origin", f"+{BRANCHES}*:{TRACKING}*", network=True
        )
        return b"(forced update)" in done.stderr

    def tracking(self) -> dict[str, str]:
        """Desk id -> commit of every branch fetched, read from the ref files (packed and
        loose) rather than by one more git process."""
        found: dict[str, str] = {}
        with contextlib.suppress(FileNotFoundError):
            for line in (self.git_dir / "packed-refs").read_text().splitlines():
                sha, _, ref = line.partition(" ")
                if ref.startswith(TRACKING):
                    found[ref.removeprefix(TRACKING)] = sha
        loose = self.git_dir / TRACKING
        if loose.is_dir():
            for path in loose.iterdir():
                if path.is_file() and not path.name.endswith(".lock"):
                    found[path.name] = path.read_text().strip()
        return found

    def push(self, *, force: bool = False) -> None:
        spec = f"{'+' if force else ''}{self.branch}:{self.branch}"
        done = self.run("push", "--quiet", "--no-verify", "origin", spec, check=False)
        if done.returncode == 0:
            return
        why = _first_error(done.stderr)
        if b"rejected" in done.stderr:
            raise SyncFailed(
                f"the remote holds changes of this desk that this data folder does not (was it "
                f"restored from an older copy?): {why}. Nothing was lost; ask for help before "
                "syncing this folder again"
            )
        raise RemoteUnreachable(f"cannot reach the sync remote: {why}; what came in is kept")

    def claim(self, ref: str) -> bool:
        """Create `ref` on the remote, never replacing one: False if it is already taken."""
        blob = self.run("hash-object", "-w", "--stdin", stdin=self.desk_id.encode())
        sha = blob.stdout.decode().strip()
        done = self.run("push", "--quiet", "--no-verify", "origin", f"{sha}:{ref}", check=False)
        if done.returncode == 0:
            return True
        listed = self.run("ls-remote", "origin", ref, network=True).stdout.decode()
        if not listed.strip():
            raise RemoteUnreachable(f"cannot claim {ref}: {_first_error(done.stderr)}")
        return listed.split()[0] == sha  # ours already (a second `sync init`)

    # ----------------------------------------------------------------- own branch

    def head(self) -> str | None:
        done = self.run("rev-parse", "--verify", "--quiet", self.branch, check=False)
        return done.stdout.decode().strip() or None

    def commit_tree(self, message: str, *, orphan: bool = False) -> bool:
        """Commit the work tree to this desk's branch; False when nothing changed."""
        self.run("add", "--all", ".")
        tree = self.text("write-tree")
        parent = self.head()
        if parent and not orphan and self.text("rev-parse", f"{parent}^{{tree}}") == tree:
            return False
        args = ["commit-tree", tree, "-m", message]
        if parent and not orphan:
            args += ["-p", parent]
        commit = self.text(*args)
        self.run("update-ref", self.branch, commit)
        return True

    def forget_old_objects(self) -> None:
        """Drop every object no branch reaches any more (after an erasure rewrote one)."""
        self.run("reflog", "expire", "--expire=now", "--all")
        self.run("gc", "--quiet", "--prune=now")

    # ----------------------------------------------------------------- reading

    def reader(self) -> ObjectReader:
        """One `git cat-file --batch` for every object this sync reads."""
        return ObjectReader(["git", "cat-file", "--batch"], self._env())

    def all_objects(self) -> bytes:
        """Every object in the repository, uncompressed (to prove an erasure)."""
        return self.run("cat-file", "--batch-all-objects", "--batch").stdout


def _lock_files(git_dir: Path) -> Iterator[Path]:
    if not git_dir.is_dir():
        return
    yield from git_dir.glob("*.lock")
    refs = git_dir / "refs"
    if refs.is_dir():
        yield from refs.rglob("*.lock")


def _first_error(stderr: bytes) -> str:
    for line in stderr.decode(errors="replace").splitlines():
        line = line.strip()
        if line:
            return line.removeprefix("fatal: ").removeprefix("error: ")
    return ""


class ObjectReader:
    """Reads objects by name from one long-lived `git cat-file --batch` process."""

    def __init__(self, command: list[str], env: dict[str, str]) -> None:
        self._process = subprocess.Popen(
            command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=env
        )

    def get(self, name: str) -> bytes | None:
        """The object's content, or None if there is none by that name."""
        process = self._process
        assert process.stdin is not None and process.stdout is not None
        process.stdin.write(f"{name}\n".encode())
        process.stdin.flush()
        header = process.stdout.readline().split()
        if len(header) < 3 or header[-1] == b"missing":
            return None
        data = process.stdout.read(int(header[2]))
        process.stdout.read(1)
        return data

    def branch_files(self, commit: str) -> tuple[list[tuple[str, str]], bytes | None]:
        """(segment file name, blob id) of a branch's events/ folder, and its desk.json."""
        tree = self.get(f"{commit}:events")
        return (_tree_entries(tree) if tree is not None else []), self.get(f"{commit}:desk.json")

    def close(self) -> None:
        if self._process.stdin is not None:
            self._process.stdin.close()
        if self._process.stdout is not None:
            self._process.stdout.close()
        self._process.wait()

    def __enter__(self) -> ObjectReader:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _tree_entries(tree: bytes) -> list[tuple[str, str]]:
    """(name, object id) of each entry of a git tree object (binary format)."""
    entries, at = [], 0
    while at < len(tree):
        space = tree.index(b" ", at)
        nul = tree.index(b"\0", space)
        name = tree[space + 1 : nul].decode()
        entries.append((name, tree[nul + 1 : nul + 21].hex()))
        at = nul + 21
    return entries
