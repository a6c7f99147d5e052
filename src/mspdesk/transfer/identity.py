"""The identity rules: which referral on the desk (or earlier row of the file) a checked
row is, and what it changes. See `importers` for the rules in words."""

from __future__ import annotations

from collections.abc import Callable
from operator import itemgetter
from typing import Any

from mspdesk.desk import Desk
from mspdesk.desk.referrals import duplicate_key, source_key
from mspdesk.domain.references import reference_for
from mspdesk.domain.referral import Referral
from mspdesk.domain.validation import validated
from mspdesk.transfer.readers import Record
from mspdesk.transfer.rows import Checked, FieldChange, Outcome, RowOutcome, Values

_UNTRIAGED = frozenset({"new", "awaiting"})
_NEVER_UPDATED = frozenset({"id", "created_at", "updated_at", "case_id"})
_COMPARED_NAMESAKES = 50
"""A row with no reference is compared with at most this many referrals of the same names
(a file of thousands of same-named rows must not be compared each with each)."""


class Decider:
    """Applies the identity rules to checked rows one at a time, against the desk as it is
    and the rows of the file before. While `keeping` it keeps what to save (each added
    referral's values); otherwise only a fingerprint of each added row (a dry run of any
    size). Both decide alike: an earlier row of the file is compared by fingerprint."""

    def __init__(self, desk: Desk, highest_in_file: dict[int, int], *, keep_values: bool) -> None:
        self._desk = desk
        self.keeping = keep_values
        self._by_source = desk.referrals.source_index()
        self._by_name, self._also_named = desk.referrals.duplicate_index(groups=True)
        self._highest = desk.referrals.highest_numbers()
        self.desk_highest = dict(self._highest)
        """The desk's own highest reference per year, before any row of the file."""
        for year, number in highest_in_file.items():
            self._highest[year] = max(self._highest.get(year, 0), number)
        self.numbered_years: set[int] = set()
        """Years in which a row was given the next reference (not one of its own)."""
        self._new: dict[str, Values] = {}
        """While keeping: each added referral's values, by reference, in file order."""
        self._fingerprints: dict[str, int] = {}
        """Each added row's fingerprint and row number packed in one int (half a million
        rows must fit in a bounded memory): fingerprint << 32 | row."""
        self.rejected: list[tuple[Record, str]] = []
        """Rows rejected, with why, for the rejects file (filled in by the caller)."""
        self._changes: dict[str, dict[str, Any]] = {}
        """Referrals on the desk that rows change: field -> new value."""

    def stop_keeping(self) -> None:
        """From now on keep fingerprints only (the file turned out too long to keep what to
        save: the apply reads it again)."""
        self.keeping = False
        self._new.clear()
        self.rejected.clear()

    def forget_rows(self) -> None:
        """Let go of what was learnt of the file's rows and the desk's (as big as the file),
        keeping only what to save: no row is decided after this."""
        for held in (self._by_source, self._by_name, self._also_named, self._fingerprints):
            held.clear()

    def forget(self) -> None:
        """Let go of everything, once saved (a plan holds its decider until dropped)."""
        self.forget_rows()
        self.stop_keeping()
        self._changes.clear()

    def additions(self) -> list[Values]:
        return list(self._new.values())

    def updates(self) -> list[tuple[str, dict[str, Any]]]:
        return list(self._changes.items())

    def decide(self, item: Checked) -> RowOutcome:
        record = item.record
        where = f"{'item' if isinstance(record.raw, dict) else 'row'} {record.row}"
        shown = (record.row, where)
        names = (item.organisation, item.parent_body)
        values = item.values
        if values is None:
            return RowOutcome(
                *shown, Outcome.REJECTED, *names, problems=item.problems, source_ref=item.source_ref
            )
        skey = source_key(values["source"], item.source_ref) if item.source_ref else None
        target = self._by_source.get(skey) if skey else None
        matched_on = "source reference"
        ref = item.reference
        if target is None and ref is not None and (ref in self._fingerprints or self._on_desk(ref)):
            target, matched_on = ref, "programme reference"
        if target is not None:
            if skey and skey not in self._by_source:
                self._by_source[skey] = target
            return self._same(item, target, matched_on, shown, names)
        key = duplicate_key(values["organisation"], values["parent_body"])
        looks_like = self._by_name.get(key)
        fingerprint = _fingerprint(values, item.given)
        if looks_like and ref is None and not item.source_ref:
            # No reference to go by: a row identical to a referral with its names is that
            # referral (importing a file again must not add its rows again).
            others = self._also_named.get(key, ())[:_COMPARED_NAMESAKES]
            for candidate in (looks_like, *others):
                if self._identical(item, fingerprint, candidate):
                    return RowOutcome(
                        *shown,
                        Outcome.UNCHANGED,
                        *names,
                        reference=candidate,
                        matched_on="organisation, parent body and values",
                        earlier_row=self._earlier(candidate),
                    )
        if ref is None:
            year = int(values["received"][:4])
            self._highest[year] = self._highest.get(year, 0) + 1
            self.numbered_years.add(year)
            ref = reference_for(year, self._highest[year], self._desk.identity.code())
        if looks_like is None:
            self._by_name[key] = ref
        else:
            self._also_named.setdefault(key, []).append(ref)
        if skey:
            self._by_source[skey] = ref
        if self.keeping:
            # The row's own dict becomes the record (timestamps are set when it is saved).
            values["id"] = ref
            values["possible_duplicate_of"] = looks_like
            self._new[ref] = values
        self._fingerprints[ref] = fingerprint << 32 | record.row
        outcome = Outcome.POSSIBLE_DUPLICATE if looks_like else Outcome.ADDED
        return RowOutcome(
            *shown,
            outcome,
            *names,
            reference=ref,
            duplicate_of=looks_like,
            earlier_row=self._earlier(looks_like) if looks_like else None,
            source_ref=item.source_ref,
        )

    def _identical(self, item: Checked, fingerprint: int, target: str) -> bool:
        assert item.values is not None
        if target in self._fingerprints:  # an earlier row of the file
            return self._fingerprints[target] >> 32 == fingerprint
        current = dict(self._desk.referrals.row(target))
        current.update(self._changes.get(target, {}))
        return not changes_of(current, item.values, item.given)[1]

    def _earlier(self, ref: str) -> int | None:
        """The row of this file that added `ref` (None if it is on the desk)."""
        packed = self._fingerprints.get(ref)
        return None if packed is None else packed & 0xFFFFFFFF

    def _on_desk(self, ref: str) -> bool:
        return self._desk.referrals.exists(ref)

    def _same(
        self,
        item: Checked,
        target: str,
        matched_on: str,
        shown: tuple[int, str],
        names: tuple[str, str],
    ) -> RowOutcome:
        assert item.values is not None
        earlier = self._earlier(target)

        def outcome(kind: Outcome, changes: tuple[FieldChange, ...] = ()) -> RowOutcome:
            return RowOutcome(
                *shown,
                kind,
                *names,
                reference=target,
                matched_on=matched_on,
                earlier_row=earlier,
                changes=changes,
            )

        if earlier is not None:  # an earlier row of the file
            fingerprint = _fingerprint(item.values, item.given)
            if target in self._new:  # change what will be added
                current = self._new[target]
                new_values, changes = changes_of(current, item.values, item.given)
                if not changes:
                    return outcome(Outcome.UNCHANGED)
                self._new[target] = _revalidated({**current, **new_values})
                self._fingerprints[target] = fingerprint << 32 | earlier
                return outcome(Outcome.UPDATED, changes)
            if fingerprint == self._fingerprints[target] >> 32:  # a dry run: no values kept
                return outcome(Outcome.UNCHANGED)
            self._fingerprints[target] = fingerprint << 32 | earlier
            return outcome(Outcome.UPDATED)
        current = dict(self._desk.referrals.row(target))
        pending = self._changes.get(target, {})
        current.update(pending)
        new_values, changes = changes_of(current, item.values, item.given)
        if not changes:
            return outcome(Outcome.UNCHANGED)
        self._changes[target] = {**pending, **new_values}
        return outcome(Outcome.UPDATED, changes)


def _revalidated(values: Values) -> Values:
    """An earlier row's referral with a later row's changes, checked as one referral."""
    return validated(Referral, values, "referral").model_dump(mode="json")


def changes_of(
    current: dict[str, Any], new: Values, given: tuple[str, ...]
) -> tuple[dict[str, Any], tuple[FieldChange, ...]]:
    """What a row (its referral's values `new`) changes on a referral: only the fields the
    row gives a value for (a blank cell never clears a field), the new values to save and
    the changes to show."""
    values: dict[str, Any] = {}
    shown: list[FieldChange] = []
    contact: dict[str, Any] = {}
    for name in given:
        if name in _NEVER_UPDATED:
            continue
        if name.startswith("contact."):
            part = name[len("contact.") :]
            old = (current.get("contact") or {}).get(part, "")
            if old != new["contact"][part]:
                contact[part] = new["contact"][part]
                shown.append((name, old, new["contact"][part]))
        elif name == "source_fields":
            before = current.get("source_fields") or {}
            after = {**before, **new["source_fields"]}
            if after != before:
                values[name] = after
                shown += [
                    (f"source field {header!r}", before.get(header), value)
                    for header, value in new["source_fields"].items()
                    if before.get(header) != value
                ]
        elif name == "status" and current.get("status") not in _UNTRIAGED:
            continue  # triage has decided it; an export's "new" does not undo that
        elif current.get(name) != new[name]:
            values[name] = new[name]
            shown.append((name, current.get(name), new[name]))
    if contact:
        values["contact"] = {**(current.get("contact") or {}), **contact}
    return values, tuple(shown)


def _fingerprint(values: Values, given: tuple[str, ...]) -> int:
    """A hash of the values a row gives, as the referral holds them (so "1.2m" and
    "£1,200,000" are the same value)."""
    pick = _PICKERS.get(given) or _picker(given)
    # 31 bits: packed with a row number in one small int (see Decider._fingerprints).
    return hash((given, pick(values))) & 0x7FFFFFFF


Picker = Callable[[Values], tuple[object, ...]]
_PICKERS: dict[tuple[str, ...], Picker] = {}
"""What to take from a referral for each `given` (rows of a file share a few)."""


def _picker(given: tuple[str, ...]) -> Picker:
    names = [name for name in given if name not in _NEVER_UPDATED]
    plain = [name for name in names if "." not in name and name != "source_fields"]
    contact = [name[len("contact.") :] for name in names if name.startswith("contact.")]
    take = itemgetter(*plain) if plain else None
    take_contact = itemgetter(*contact) if contact else None
    kept = "source_fields" in names

    def pick(values: Values) -> tuple[object, ...]:
        return (
            take(values) if take else None,
            take_contact(values["contact"]) if take_contact else None,
            tuple(sorted(values["source_fields"].items())) if kept else None,
        )

    if len(_PICKERS) < _PICKERS_KEPT:
        _PICKERS[given] = pick
    return pick


_PICKERS_KEPT = 256
