"""Triage: the rubric, recording decisions on referrals, and the inbox of referrals to triage."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from mspdesk.desk.cases import Cases
from mspdesk.desk.core import DeskCore
from mspdesk.desk.duplicates import highest_decision_number
from mspdesk.desk.referrals import TABLE as REFERRALS
from mspdesk.desk.referrals import Referrals
from mspdesk.domain.case import Case, CaseStatus
from mspdesk.domain.choices import Decision, ReferOnTo, ReferralStatus
from mspdesk.domain.eligibility import Answers, Check, check_eligibility, failures
from mspdesk.domain.errors import InvalidRecord, UserError
from mspdesk.domain.events import Op, changed_fields
from mspdesk.domain.referral import Referral
from mspdesk.domain.scope import in_scope
from mspdesk.domain.triage import (
    Rubric,
    Score,
    TriageDecision,
    make_decision,
    parse_rubric,
    triage_due,
)
from mspdesk.domain.validation import validated

TABLE = "decisions"
ELIGIBILITY = "eligibility"
EVENT_KIND = "referral.triaged"
INBOX_STATUSES = frozenset({ReferralStatus.NEW.value, ReferralStatus.AWAITING.value})
"""Statuses that put a referral in the inbox."""
TRIAGEABLE = frozenset({*INBOX_STATUSES, ReferralStatus.SIGNPOSTED.value})
"""Statuses a decision may be recorded from (a signposted referral is triaged again on revisit)."""


@dataclass(frozen=True, slots=True)
class InboxItem:
    """One referral waiting for triage, with what the inbox shows about it."""

    referral_id: str
    organisation: str
    parent_body: str
    route: str
    proposed_model: str
    status: str
    received: date
    age_days: int
    due: date
    overdue: bool
    in_scope: bool
    band: str | None
    """Key of the band from the last scored decision, if the referral was ever scored."""
    band_title: str
    score_percent: float | None
    """The percentage of that scoring, for sorting by score."""
    haystack: str
    """Lower-case text the inbox filter searches (precomputed so typing stays fast)."""


class Triage:
    """Recording triage decisions, each as one journaled event that `desk.undo()` reverses."""

    def __init__(
        self, core: DeskCore, referrals: Referrals, cases: Cases, rubric_path: Path
    ) -> None:
        self._core = core
        self._referrals = referrals
        self._cases = cases
        self._rubric_path = rubric_path
        self._rubric: Rubric | None = None
        self._rubric_stamp: tuple[int, int] | None = None
        self._titles: dict[str, str] = {}

    # ------------------------------------------------------------------ rubric

    def rubric(self) -> Rubric:
        """The rubric from triage.toml, re-read when the file changes (see `read_rubric`)."""
        try:
            info = self._rubric_path.stat()
        except OSError as error:
            raise _unreadable(self._rubric_path, error) from None
        stamp = (info.st_mtime_ns, info.st_size)
        if self._rubric is None or stamp != self._rubric_stamp:
            self._rubric = read_rubric(self._rubric_path)
            self._rubric_stamp = stamp
        return self._rubric

    def suggested_revisit(self, result: Score | None = None) -> date:
        """When to revisit a signposted referral: the scored band's interval, else the
        interval of the rubric's signpost band (90 days if it has none), from today."""
        rubric = self.rubric()
        days = result.band.revisit_after_days if result else None
        if days is None:
            signposting = [b for b in rubric.bands if b.decision == Decision.SIGNPOST]
            days = next((b.revisit_after_days for b in signposting if b.revisit_after_days), 90)
        return self._core.today() + timedelta(days=days)

    def page_titles(self, slugs: Iterable[str]) -> dict[str, str]:
        """The titles of shipped guidance pages, for offering them by name when signposting.

        Reads only each page's `title:` line (loading the whole library takes ~0.3 s); a
        page that is missing or has no title gets its slug in words.
        """
        folder = self._rubric_path.parent / "guidance"
        titles = {}
        for slug in slugs:
            if slug not in self._titles:
                self._titles[slug] = _title_of(folder / f"{slug}.md") or _words(slug)
            titles[slug] = self._titles[slug]
        return titles

    # ------------------------------------------------------------------ writing

    def decide(
        self,
        referral_id: str,
        decision: Decision | str,
        reason: str,
        *,
        scores: Mapping[str, int] | None = None,
        signpost_pages: Iterable[str] = (),
        revisit_on: date | None = None,
        refer_to: ReferOnTo | str | None = None,
        refer_to_other: str = "",
        eligibility: Answers | None = None,
        override_eligibility: str = "",
    ) -> TriageDecision:
        """Validate and durably record a decision on a referral; returns it once on disk.

        One event: the decision is stored, the referral's status changes (with its revisit
        date for a signpost), and accepting opens a case. `desk.undo()` reverses all of it.
        Raises NotFound, InvalidRecord naming the bad fields, or UserError when the
        referral was already decided.
        """
        referral = self._referrals.get(referral_id)
        _check_triageable(referral)
        moment = self._core.now()
        made = make_decision(
            referral_id=referral.id,
            decision=decision,
            reason=reason,
            adviser=self._core.actor,
            decided_at=moment,
            in_scope=referral.in_scope,
            rubric=self.rubric(),
            scores=scores,
            signpost_pages=signpost_pages,
            revisit_on=revisit_on,
            refer_to=refer_to,
            refer_to_other=refer_to_other,
        )
        ops: list[Op] = []
        case: Case | None = None
        key = f"{referral.id}/{self._next_number(referral.id)}"
        if made.decision == Decision.ACCEPT and self._cases.budget.programme().eligibility_gate:
            ops.append(self._gate(referral, key, eligibility, override_eligibility))
        if made.decision == Decision.ACCEPT:
            board = self._cases.budget.programme().board_approval
            status = CaseStatus.AWAITING_BOARD if board else CaseStatus.ACTIVE
            case, case_op = self._cases.open_for(referral, status)
            ops.append(case_op)
        ops.append(Op(table=TABLE, key=key, kind="put", data=made.model_dump(mode="json")))
        ops.append(self._referral_patch(referral, made, case))
        self._core.commit(EVENT_KIND, referral.id, ops, _summary(referral, made, case))
        return made

    def eligibility(self, referral_id: str, answers: Answers | None = None) -> list[Check]:
        """The eligibility checks on a referral, each passed or failed with why."""
        programme = self._cases.budget.programme()
        return check_eligibility(
            self._referrals.get(referral_id),
            answers or Answers(),
            min_staff_control_percent=programme.min_staff_control_percent,
            matched_funding_required=programme.matched_funding_required,
        )

    def _gate(self, referral: Referral, key: str, answers: Answers | None, override: str) -> Op:
        """The op recording the gate's checks; raises InvalidRecord naming each failed check
        unless `override` gives a reason."""
        checks = self.eligibility(referral.id, answers)
        failed = failures(checks)
        if failed and not override.strip():
            raise InvalidRecord(
                [(f"eligibility.{c.key}", f"{c.title}: {c.why}") for c in failed]
                + [("--override-eligibility", "give a reason to accept it anyway")],
                "acceptance",
            )
        record = {
            "referral_id": referral.id,
            "answers": (answers or Answers()).model_dump(mode="json"),
            "checks": [
                {"key": c.key, "title": c.title, "passed": c.passed, "why": c.why} for c in checks
            ],
            "override": override.strip() if failed else "",
        }
        return Op(table=ELIGIBILITY, key=key, kind="put", data=record)

    def _referral_patch(self, referral: Referral, made: TriageDecision, case: Case | None) -> Op:
        before = referral.model_dump(mode="json")
        changes: dict[str, Any] = {
            "status": made.status,
            "revisit_on": made.revisit_on,
            "updated_at": made.decided_at,
        }
        if case is not None:
            changes["case_id"] = case.id
        after = validated(Referral, {**before, **changes}, "referral").model_dump(mode="json")
        delta = changed_fields(before, after)
        prior = {name: before.get(name) for name in delta}
        return Op(table=REFERRALS, key=referral.id, kind="patch", data=delta, prior=prior)

    def _next_number(self, referral_id: str) -> int:
        # Count every triage event on the referral, undone ones too, so a key is never reused
        # and the history of one decision record never mixes two decisions.
        events = self._core.store.events_for(referral_id)
        counted = 1 + sum(1 for event in events if event["kind"] == EVENT_KIND)
        # Decisions merged in from a duplicate take numbers too (desk/duplicates.py).
        return max(counted, 1 + highest_decision_number(self._core, referral_id))

    # ------------------------------------------------------------------ reading

    def decisions_for(self, referral_id: str) -> list[TriageDecision]:
        """The recorded (not undone) decisions on a referral, oldest first."""
        prefix = f"{referral_id}/"
        found = [
            (int(key.rsplit("/", 1)[1]), record)
            for key, record in self._core.store.table(TABLE).items()
            if key.startswith(prefix)
        ]
        return [TriageDecision.model_validate(record) for _, record in sorted(found)]

    def inbox_rows(self) -> list[InboxItem]:
        """Referrals that are new or awaiting triage, oldest first (most urgent on top)."""
        build = self._item_builder()
        bands = self._last_scored_bands()
        # list(): one atomic copy, as the inbox reads this in a worker while the UI may write.
        items = [
            build(row, bands.get(row["id"]))
            for row in list(self._core.store.table(REFERRALS).values())
            if row.get("status") in INBOX_STATUSES
        ]
        items.sort(key=lambda item: (item.received, item.referral_id))
        return items

    def inbox_items(self, referral_ids: Iterable[str]) -> dict[str, InboxItem]:
        """The inbox items of those of `referral_ids` that are in the inbox now: what the
        inbox redraws after a change to a few referrals, without reading every one."""
        build = self._item_builder()
        table = self._core.store.table(REFERRALS)
        items = {}
        for referral_id in referral_ids:
            row = table.get(referral_id)
            if row is not None and row.get("status") in INBOX_STATUSES:
                items[referral_id] = build(row, self._last_scored_band(referral_id))
        return items

    def change_number(self) -> int:
        """The number of the newest change: what `changed_since` counts from."""
        return self._core.store.seq

    def changed_since(self, seq: int, limit: int = 500) -> tuple[int, set[str] | None]:
        """(the newest change number, the referrals touched by the changes after `seq`).

        The set is None when they cannot be told (a change no longer in the history) or
        number more than `limit`: a caller keeping inbox items then reads them all again."""
        store = self._core.store
        newest = store.seq
        events = store.table("events")
        touched: set[str] = set()
        for number in range(seq + 1, newest + 1):
            event = events.get(str(number))
            if event is None or len(touched) > limit:
                return newest, None
            touched.add(event["subject"])
            for op in event["ops"]:
                if op["table"] == REFERRALS:
                    touched.add(op["key"])
                elif op["table"] in (TABLE, ELIGIBILITY):
                    touched.add(op["key"].rpartition("/")[0])
        return newest, touched if len(touched) <= limit else None

    def _item_builder(self) -> Callable[[Mapping[str, Any], tuple[str, float] | None], InboxItem]:
        """A function making one inbox item from a stored referral and its last scored band."""
        rubric = self.rubric()
        today = self._core.today()
        service_level = rubric.service_level_working_days
        titles = {band.key: band.title for band in rubric.bands}

        def build(row: Mapping[str, Any], scored: tuple[str, float] | None) -> InboxItem:
            received = date.fromisoformat(row["received"])
            due = triage_due(received, service_level)
            band, percent = scored or (None, None)
            organisation = str(row.get("organisation", ""))
            parent_body = str(row.get("parent_body", ""))
            return InboxItem(
                referral_id=row["id"],
                organisation=organisation,
                parent_body=parent_body,
                route=str(row.get("route", "")),
                proposed_model=str(row.get("proposed_model", "")),
                status=str(row["status"]),
                received=received,
                age_days=(today - received).days,
                due=due,
                overdue=today > due,
                in_scope=_in_scope(row),
                band=band,
                band_title=titles.get(band, band) if band else "",
                score_percent=percent,
                haystack=" ".join(
                    (
                        row["id"],
                        organisation,
                        parent_body,
                        str(row.get("service_area", "")),
                        str(row.get("source_ref", "")),  # MIS-2013-0006 finds it too
                    )
                ).casefold(),
            )

        return build

    def _last_scored_band(self, referral_id: str) -> tuple[str, float] | None:
        """(band key, percent) of the newest scored decision on one referral, found through
        the events that touched it (decision keys are `<referral>/<n>`)."""
        prefix = f"{referral_id}/"
        keys = {
            op["key"]
            for event in self._core.store.events_for(referral_id)
            for op in event["ops"]
            if op["table"] == TABLE and op["key"].startswith(prefix)
        }
        decisions = self._core.store.table(TABLE)
        scored = [
            (int(key.rpartition("/")[2]), decisions[key])
            for key in keys
            if key in decisions and decisions[key].get("band")
        ]
        if not scored:
            return None
        _, record = max(scored, key=lambda pair: pair[0])
        return str(record["band"]), float(record["score_percent"])

    def _last_scored_bands(self) -> dict[str, tuple[str, float]]:
        """Referral id -> (band key, percent) of its newest scored decision."""
        latest: dict[str, tuple[int, str, float]] = {}
        for key, record in list(self._core.store.table(TABLE).items()):
            band = record.get("band")
            if not band:
                continue
            referral_id, _, number = key.rpartition("/")
            if referral_id not in latest or int(number) > latest[referral_id][0]:
                latest[referral_id] = (int(number), band, float(record["score_percent"]))
        return {rid: (band, percent) for rid, (_, band, percent) in latest.items()}

    def counts(self) -> dict[str, dict[str, int]]:
        """Referrals by their latest decision, in scope and out of scope counted apart.

        {"in-scope": {"accept": 3, "signpost": 1, ...}, "out-of-scope": {...}}: the
        evidence base reports referrals outside the employee-owned remit separately.
        """
        latest: dict[str, tuple[int, dict[str, Any]]] = {}
        for key, record in self._core.store.table(TABLE).items():
            referral_id, _, number = key.rpartition("/")
            if referral_id not in latest or int(number) > latest[referral_id][0]:
                latest[referral_id] = (int(number), record)
        counts = {
            scope: {decision.value: 0 for decision in Decision}
            for scope in ("in-scope", "out-of-scope")
        }
        for _, record in latest.values():
            scope = "in-scope" if record.get("in_scope") else "out-of-scope"
            counts[scope][str(record["decision"])] += 1
        return counts


def read_rubric(path: Path) -> Rubric:
    """The rubric in the TOML file at `path`.

    Raises UserError naming the line when the TOML is broken, or InvalidRecord naming the
    fields when it parses but does not make a valid rubric.
    """
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise _unreadable(path, error) from None
    except UnicodeDecodeError:
        raise UserError(f"{path} is not UTF-8 text; save it as UTF-8") from None
    return parse_rubric(text, source=str(path))


def _title_of(page: Path) -> str:
    """The `title:` value in a page's front matter, or "" if it cannot be found."""
    try:
        with page.open(encoding="utf-8") as lines:
            if next(lines, "").strip() != "---":
                return ""
            for line in lines:
                if line.strip() == "---":
                    break
                key, _, value = line.partition(":")
                if key == "title":
                    return value.strip().strip("\"'")
    except (OSError, UnicodeDecodeError):
        pass
    return ""


def _words(slug: str) -> str:
    return slug.replace("-", " ").capitalize()


def _unreadable(path: Path, error: OSError) -> UserError:
    return UserError(
        f"cannot read the triage rubric {path}: {error.strerror}"
        " (reinstall mspdesk or restore the file)"
    )


def _in_scope(row: Mapping[str, Any]) -> bool:
    # Stored values are plain; StrEnum members compare (and hash) equal to them.
    return in_scope(
        row.get("proposed_model"), row.get("staff_votes_percent"), row.get("staff_board_percent")
    )


def _check_triageable(referral: Referral) -> None:
    if referral.status.value in TRIAGEABLE:
        return
    if referral.case_id:
        raise UserError(f"{referral.id} was already accepted as case {referral.case_id}")
    raise UserError(
        f"{referral.id} was already triaged ({referral.status.label.lower()});"
        " run `mspdesk undo` straight away if that decision was a mistake"
    )


def _summary(referral: Referral, made: TriageDecision, case: Case | None) -> str:
    text = f"Triaged {referral.id}: {made.decision.label.lower()}"
    if made.band:
        text += f" (scored {made.score_percent:g}%, {made.band})"
    if case is not None:
        text += f"; opened case {case.id}"
        if case.status is CaseStatus.AWAITING_BOARD:
            text += " (awaiting Board)"
    if made.refer_to is not None:
        text += f"; referred to {made.refer_to_other or made.refer_to.label}"
    if not made.in_scope:
        text += "; outside the employee-owned scope"
    return text
