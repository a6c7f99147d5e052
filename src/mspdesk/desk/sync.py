"""Sync through a shared git remote, as the desk offers it (docs/sync.md).

`Sync` is reached as `desk.sync`: `init(remote)`, `run()`, `status()`, `clashes()` and
`resolve(...)`. The work is in mspdesk.sync; this module adds what needs the desk: the
baseline of records made before syncing, the desk code claim, and settling clashes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from mspdesk.desk.core import DeskCore
from mspdesk.desk.privacy import erase_from_elsewhere
from mspdesk.domain.errors import NotFound, UserError
from mspdesk.domain.events import Op
from mspdesk.store.outbox import Outbox
from mspdesk.sync.engine import Syncer, SyncReport, sync_dir
from mspdesk.sync.merge import CLASHES, WHOLE
from mspdesk.sync.repo import CODES, RemoteUnreachable, Repo, SyncFailed
from mspdesk.sync.state import SyncState

BASELINE = "sync-baseline"
RESOLVE = "sync-resolve"
LOCAL_TABLES = frozenset({"events", CLASHES})
"""Tables that never travel as records: history is the events themselves, clashes are
found again by each desk."""


@dataclass(frozen=True)
class SyncStatus:
    desk: str
    code: str
    remote: str
    last_sync: str
    waiting: int
    """This desk's changes the remote does not have yet."""
    clashes: int
    desks: dict[str, str]
    """Other desks seen on the remote: id -> code."""


@dataclass(frozen=True)
class ClashSide:
    origin: str
    actor: str
    at: str
    value: Any
    mine: bool


@dataclass(frozen=True)
class Clash:
    id: str
    table: str
    record: str
    field: str
    sides: tuple[ClashSide, ...]
    current: Any
    """The value every desk shows until someone settles it (the later change's)."""
    status: str
    settled_value: Any = None


class Sync:
    """Syncing this desk with others through a git remote."""

    def __init__(
        self, core: DeskCore, identity: Any = None, on_change: Callable[[], None] | None = None
    ) -> None:
        self._core = core
        self._identity = identity
        self._on_change = on_change
        """Called once records came in: the desk drops what it counted or indexed."""

    @property
    def _dir(self):  # type: ignore[no-untyped-def]
        return sync_dir(self._core.store)

    def configured(self) -> bool:
        state = SyncState.read(self._dir)
        return state is not None and bool(state.remote)

    def init(self, remote: str) -> SyncState:
        """Sync this desk through `remote` (a path or URL git understands): claims a desk
        code there and keeps every change from now on for other desks. Raises
        RemoteUnreachable (nothing changed) when the remote does not answer."""
        store = self._core.store
        origin = self._core.origin
        repo = Repo(self._dir, origin)
        existing = SyncState.read(self._dir) or SyncState()
        repo.init(remote.strip())
        try:
            repo.reachable()
            code = self._claim_code(repo)
        except RemoteUnreachable:
            if existing.remote:
                repo.init(existing.remote)
            raise
        if Outbox.open(store.directory) is None:
            store.start_outbox(origin)
        outbox = Outbox.open(store.directory)
        if outbox is not None and store.seq < outbox.first_seq:
            # Nothing committed since the outbox started (a first init, or one killed just
            # after starting it): the records made before syncing go out as one event.
            self._baseline()
        existing.remote = remote.strip()
        existing.code = code
        existing.write(self._dir)
        return existing

    def _claim_code(self, repo: Repo) -> str:
        identity = self._identity
        if identity is None:
            return ""
        code: str | None = identity.code()
        if code is not None:
            if not repo.claim(f"{CODES}{code}"):
                raise SyncFailed(
                    f"desk code {code} is held by another desk on this remote; this desk's "
                    "references already carry it, so it cannot change: use another remote"
                )
            return code
        taken: set[str] = set()
        while True:
            proposal: str = identity.propose_code(taken)
            if repo.claim(f"{CODES}{proposal}"):
                identity.set_code(proposal)
                return proposal
            taken.add(proposal)

    def _baseline(self) -> None:
        """Records made before this desk synced travel as one event that puts them all."""
        store = self._core.store
        ops = [
            Op(table=name, key=key, kind="put", data=record)
            for name in sorted(store.table_names())
            if name not in LOCAL_TABLES
            for key, record in sorted(store.table(name).items())
        ]
        if ops:
            summary = f"Records made before syncing ({len(ops)})"
            self._core.record(BASELINE, self._core.origin, ops, summary)

    def run(self) -> SyncReport:
        """Fetch, apply what came in, push this desk's changes. RemoteUnreachable (exit 6)
        when the remote does not answer, before anything here changed."""
        syncer = Syncer(
            self._core.store,
            self._core.origin,
            lambda event: erase_from_elsewhere(self._core, event),
        )
        try:
            report = syncer.run(self._core.clock())
        except UserError as error:
            syncer.state.last_error = str(error)
            syncer.state.write(self._dir)
            raise
        finally:
            if self._on_change is not None:
                self._on_change()
        return report

    def status(self) -> SyncStatus:
        state = SyncState.read(self._dir) or SyncState()
        store = self._core.store
        origin = _read_id(store)
        events = store.table("events")
        waiting = sum(
            1
            for seq in range(state.pushed_seq + 1, store.seq + 1)
            if (events.get(str(seq)) or {}).get("origin") == origin
        )
        open_clashes = sum(1 for c in store.table(CLASHES).values() if c.get("status") == "open")
        return SyncStatus(
            desk=origin,
            code=state.code,
            remote=state.remote,
            last_sync=state.last_sync,
            waiting=waiting if state.remote else 0,
            clashes=open_clashes,
            desks={desk: str(info.get("code", "")) for desk, info in state.desks.items()},
        )

    # ----------------------------------------------------------------- clashes

    def clashes(self, *, everything: bool = False) -> list[Clash]:
        """Open clashes (all of them with `everything`), oldest record first."""
        rows = self._core.store.table(CLASHES).values()
        found = [self._clash(row) for row in rows if everything or row.get("status") == "open"]
        return sorted(found, key=lambda c: (c.record, c.field, c.id))

    def _clash(self, row: dict[str, Any]) -> Clash:
        origin = _read_id(self._core.store)
        record = self._core.store.get(row["table"], row["record"]) or {}
        sides = tuple(
            ClashSide(s["origin"], s["actor"], s["at"], s["value"], s["origin"] == origin)
            for s in row["sides"]
        )
        return Clash(
            row["id"],
            row["table"],
            row["record"],
            row["field"],
            sides,
            record.get(row["field"]),
            row.get("status", "open"),
            row.get("value"),
        )

    def resolve(self, clash_id: str, *, keep: str | None = None, value: str | None = None) -> Clash:
        """Settle a clash everywhere: keep this desk's value (`keep="mine"`), the other
        desk's (`"theirs"`), or `value` as typed. One event, undoable, that travels."""
        row = self._core.store.get(CLASHES, clash_id.strip())
        if row is None:
            raise NotFound(f"no clash {clash_id}: `mspdesk sync clashes` lists them")
        clash = self._clash(row)
        chosen = _choose(clash, keep, value)
        current = self._core.store.get(clash.table, clash.record)
        if current is None:
            raise NotFound(f"{clash.record} is no longer on this desk")
        at = self._core.now().isoformat(timespec="milliseconds")
        if clash.field == WHOLE:
            if not isinstance(chosen, dict):
                raise UserError(f"{clash.id} is over a whole record: use --keep mine|theirs")
            change = Op(table=clash.table, key=clash.record, kind="put", data=chosen, prior=current)
        else:
            chosen = _checked(clash.table, current, clash.field, chosen)
            change = Op(
                table=clash.table,
                key=clash.record,
                kind="patch",
                data={clash.field: chosen},
                prior={clash.field: current.get(clash.field)},
            )
        ops = [
            change,
            Op(
                table=CLASHES,
                key=clash.id,
                kind="patch",
                data={"status": "resolved", "value": chosen, "by": self._core.actor, "on": at},
                prior={"status": row.get("status"), "value": row.get("value")},
            ),
        ]
        shown = "the record from one desk" if clash.field == WHOLE else chosen
        summary = f"Settled clash {clash.id}: {clash.record} {clash.field} = {shown}"
        self._core.commit(RESOLVE, clash.record, ops, summary)
        return self._clash(self._core.store.get(CLASHES, clash.id) or row)


def _choose(clash: Clash, keep: str | None, value: str | None) -> Any:
    if value is not None:
        return _typed(value, [side.value for side in clash.sides])
    if keep not in ("mine", "theirs"):
        raise UserError("say which value to keep: --keep mine, --keep theirs or --value VALUE")
    wanted = [side for side in clash.sides if side.mine == (keep == "mine")]
    if len(wanted) != 1:
        raise UserError(
            f"clash {clash.id} has no single value from "
            f"{'this desk' if keep == 'mine' else 'another desk'}: give --value VALUE"
        )
    return wanted[0].value


def _checked(table: str, current: dict[str, Any], field: str, chosen: Any) -> Any:
    """The chosen value as the record's rules have it (InvalidRecord, naming the field, if
    the record would break them): a value typed at `--value` is held to the same rules as
    one typed in a form."""
    from pydantic import ValidationError

    from mspdesk.desk.checkup import MODELS
    from mspdesk.domain.errors import InvalidRecord
    from mspdesk.domain.validation import problems_of

    model = MODELS.get(table)
    if model is None:
        return chosen
    try:
        checked = model.model_validate({**current, field: chosen}).model_dump(mode="json")
    except ValidationError as error:
        raise InvalidRecord(problems_of(error), table.removesuffix("s")) from None
    return checked.get(field, chosen)


def _typed(text: str, examples: list[Any]) -> Any:
    """VALUE as the type of the values in the clash (a number stays a number)."""
    kinds = {type(v) for v in examples if v is not None}
    if kinds == {int}:
        try:
            return int(text)
        except ValueError:
            raise UserError(f"{text!r} is not a whole number, as this field needs") from None
    if kinds == {float} or kinds == {int, float}:
        try:
            return float(text)
        except ValueError:
            raise UserError(f"{text!r} is not a number, as this field needs") from None
    if kinds == {bool}:
        return text.strip().lower() in ("yes", "true", "1")
    return text


def _read_id(store: Any) -> str:
    try:
        return str((store.directory / "desk.id").read_text().strip())
    except OSError:
        return ""


def known_desks(core: DeskCore) -> dict[str, str]:
    """Other desks seen on the sync remote: desk id -> desk code (for history)."""
    state = SyncState.read(sync_dir(core.store))
    if state is None:
        return {}
    return {desk: str(info.get("code", "")) for desk, info in state.desks.items()}
