"""The identity rules: which referral on the desk (or earlier row of the file) a checked
row is, and what it changes. See `importers` for the rules in words."""

from __future__ import annotations

from typing import Any

from mspdesk.desk import Desk
from mspdesk.desk.referrals import duplicate_key, source_key
from mspdesk.domain.references import reference_for
from mspdesk.domain.referral import Referral
from mspdesk.transfer.readers import Record
from mspdesk.transfer.rows import Checked, FieldChange, Outcome, RowOutcome

_UNTRIAGED = frozenset({"new", "awaiting"})
_NEVER_UPDATED = frozenset({"id", "created_at", "updated_at", "case_id"})
_COMPARED_NAMESAKES = 50
"""A row with no reference is compared with at most this many referrals of the same names
(a file of thousands of same-named rows must not be compared each with each)."""


class Decider:
    """Applies the identity rules to checked rows one at a time, against the desk as it is
    and the rows of the file before. With `keep_values` it keeps what to save (apply);
    without, only a fingerprint of each added row (a dry run of any size)."""

    def __init__(self, desk: Desk, highest_in_file: dict[int, int], *, keep_values: bool) -> None:
        self._desk = desk
        self._keep = keep_values
        self._by_source = desk.referrals.source_index()
        self._by_name, self._also_named = desk.referrals.duplicate_index(groups=True)
        self._highest = desk.referrals.highest_numbers()
        for year, number in highest_in_file.items():
            self._highest[year] = max(self._highest.get(year, 0), number)
        self._new: dict[str, Referral] = {}
        """apply: each added referral, by reference, in file order."""
        self._new_fingerprints: dict[str, int] = {}
        """apply: the fingerprint of the row each added referral is from, latest first."""
        self._fingerprints: dict[str, int] = {}
        """dry run: each added row's fingerprint and row number packed in one int (half a
        million rows must fit in a bounded memory): fingerprint << 32 | row."""
        self.rejected: list[tuple[Record, str]] = []
        """Rows rejected, with why, for the rejects file (filled in by the caller)."""
        self._row_of: dict[str, int] = {}
        """apply: the row each added referral came from."""
        self._changes: dict[str, dict[str, Any]] = {}
        """Referrals on the desk that rows change: field -> new value."""

    def additions(self) -> list[Referral]:
        return list(self._new.values())

    def updates(self) -> list[tuple[str, dict[str, Any]]]:
        return list(self._changes.items())

    def decide(self, item: Checked) -> RowOutcome:
        record = item.record
        where = f"{'item' if isinstance(record.raw, dict) else 'row'} {record.row}"
        shown = (record.row, where)
        names = (item.organisation, item.parent_body)
        referral = item.referral
        if referral is None:
            return RowOutcome(
                *shown, Outcome.REJECTED, *names, problems=item.problems, source_ref=item.source_ref
            )
        skey = source_key(referral.source, item.source_ref) if item.source_ref else None
        target = self._by_source.get(skey) if skey else None
        matched_on = "source reference"
        ref = item.reference
        if target is None and ref is not None and (ref in self._known() or self._on_desk(ref)):
            target, matched_on = ref, "programme reference"
        if target is not None:
            if skey and skey not in self._by_source:
                self._by_source[skey] = target
            return self._same(item, target, matched_on, shown, names)
        key = duplicate_key(referral.organisation, referral.parent_body)
        looks_like = self._by_name.get(key)
        if looks_like and ref is None and not item.source_ref:
            # No reference to go by: a row identical to a referral with its names is that
            # referral (importing a file again must not add its rows again).
            others = self._also_named.get(key, ())[:_COMPARED_NAMESAKES]
            for candidate in (looks_like, *others):
                if self._identical(item, candidate):
                    earlier = self._earlier(candidate)
                    return RowOutcome(
                        *shown,
                        Outcome.UNCHANGED,
                        *names,
                        reference=candidate,
                        matched_on="organisation, parent body and values",
                        earlier_row=earlier,
                    )
        if ref is None:
            year = referral.received.year
            self._highest[year] = self._highest.get(year, 0) + 1
            ref = reference_for(year, self._highest[year], self._desk.identity.code())
        if self._keep:
            self._row_of[ref] = record.row
        if looks_like is None:
            self._by_name[key] = ref
        else:
            self._also_named.setdefault(key, []).append(ref)
        if skey:
            self._by_source[skey] = ref
        if self._keep:
            # Timestamps are set when saved (Referrals.save_import), not when planned.
            self._new[ref] = referral.model_copy(
                update={"id": ref, "possible_duplicate_of": looks_like}
            )
            self._new_fingerprints[ref] = _fingerprint(referral, item.given)
        else:
            self._fingerprints[ref] = _fingerprint(referral, item.given) << 32 | record.row
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

    def _identical(self, item: Checked, target: str) -> bool:
        assert item.referral is not None
        if target in self._fingerprints:
            return self._fingerprints[target] >> 32 == _fingerprint(item.referral, item.given)
        if target in self._new:  # compared as in a dry run, so both decide alike
            return self._new_fingerprints[target] == _fingerprint(item.referral, item.given)
        else:
            current = dict(self._desk.referrals.row(target))
            current.update(self._changes.get(target, {}))
        return not changes_of(current, item.referral, item.given)[1]

    def _earlier(self, ref: str) -> int | None:
        """The row of this file that added `ref` (None if it is on the desk)."""
        packed = self._fingerprints.get(ref)
        if packed is not None:
            return packed & 0xFFFFFFFF
        return self._row_of.get(ref)

    def _known(self) -> dict[str, Any]:
        return self._new if self._keep else self._fingerprints

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
        assert item.referral is not None
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

        if target in self._fingerprints:  # an earlier row of the file, in a dry run
            fingerprint = _fingerprint(item.referral, item.given)
            if fingerprint == self._fingerprints[target] >> 32:
                return outcome(Outcome.UNCHANGED)
            self._fingerprints[target] = fingerprint << 32 | (earlier or 0)
            return outcome(Outcome.UPDATED)
        if target in self._new:  # an earlier row of the file: change what will be added
            current = self._new[target].model_dump(mode="json")
            new_values, changes = changes_of(current, item.referral, item.given)
            if not changes:
                return outcome(Outcome.UNCHANGED)
            self._new[target] = Referral.model_validate({**current, **new_values})
            self._new_fingerprints[target] = _fingerprint(item.referral, item.given)
            return outcome(Outcome.UPDATED, changes)
        current = dict(self._desk.referrals.row(target))
        pending = self._changes.get(target, {})
        current.update(pending)
        new_values, changes = changes_of(current, item.referral, item.given)
        if not changes:
            return outcome(Outcome.UNCHANGED)
        self._changes[target] = {**pending, **new_values}
        return outcome(Outcome.UPDATED, changes)


def changes_of(
    current: dict[str, Any], incoming: Referral, given: tuple[str, ...]
) -> tuple[dict[str, Any], tuple[FieldChange, ...]]:
    """What a row changes on a referral: only the fields the row gives a value for
    (a blank cell never clears a field), the new values to save and the changes to show."""
    new = incoming.model_dump(mode="json")
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


def _fingerprint(referral: Referral, given: tuple[str, ...]) -> int:
    """A hash of the values a row gives, as the referral holds them (so "1.2m" and
    "£1,200,000" are the same value), without dumping the whole model."""
    values: list[object] = []
    for name in given:
        if name in _NEVER_UPDATED:
            continue
        if name.startswith("contact."):
            values.append(getattr(referral.contact, name[len("contact.") :]))
        elif name == "source_fields":
            values.append(tuple(sorted(referral.source_fields.items())))
        else:
            values.append(getattr(referral, name))
    # 31 bits: packed with a row number in one small int (see Decider._fingerprints).
    return hash((given, tuple(values))) & 0x7FFFFFFF
