"""Referrals: adding, changing, finding."""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any, Literal, overload

from pydantic import TypeAdapter

from mspdesk.desk.core import DeskCore
from mspdesk.desk.referral_rows import TABLE as TABLE  # re-exported: others import it here
from mspdesk.desk.referral_rows import ReferralRows
from mspdesk.domain.errors import InvalidRecord, NotFound
from mspdesk.domain.events import Op, changed_fields
from mspdesk.domain.references import reference_for, reference_number
from mspdesk.domain.referral import EDITABLE_FIELDS, Referral
from mspdesk.domain.validation import validated

_STAMP: TypeAdapter[datetime] = TypeAdapter(datetime)
"""Dumps a moment exactly as the referral model does."""
MERGED = "merged"
_FIELDS = frozenset(Referral.model_fields)
_NOTED_ONE_BY_ONE = 1000
"""An import of more referrals than this recounts the highest references when next asked."""


class Referrals(ReferralRows):
    """The referral records, through the journal (reading them: ReferralRows)."""

    def __init__(self, core: DeskCore) -> None:
        super().__init__(core)
        self._highest: dict[int, int] | None = None
        self._highest_code: str | None = None

    # ----------------------------------------------------------------- writing

    def draft(self, fields: Mapping[str, Any], *, reference: str | None = None) -> Referral:
        """A validated referral built from `fields`, with a reference and defaults filled in.

        Nothing is saved. Raises InvalidRecord naming every bad field.
        """
        data = self._draft_data(fields, reference)
        moment = self._core.now()
        data.setdefault("created_at", moment)
        data["updated_at"] = moment
        return validated(Referral, data, "referral")

    def draft_record(self, fields: Mapping[str, Any], *, reference: str) -> dict[str, Any]:
        """As `draft`, the referral as the store keeps it (a JSON-shaped dict), with no
        timestamps (`save_import` stamps them): what a bulk import holds per row, without
        keeping a model object for each. Raises InvalidRecord naming every bad field."""
        referral = validated(Referral, self._draft_data(fields, reference), "referral")
        return referral.model_dump(mode="json")

    def _draft_data(self, fields: Mapping[str, Any], reference: str | None) -> dict[str, Any]:
        data = dict(fields)
        if None in data.values():  # left out: the field's default
            data = {k: v for k, v in data.items() if v is not None}
        if "received" not in data:
            data["received"] = self._core.today()
        unknown = data.keys() - _FIELDS
        if unknown:
            raise InvalidRecord([(name, "unknown field") for name in sorted(unknown)], "referral")
        if reference is None and not data.get("id"):
            year = _year_of(data["received"])
            data["id"] = self._next_reference(year) if year else "R-0000-0000"
        elif reference is not None:
            data["id"] = reference
        return data

    def add(self, fields: Mapping[str, Any]) -> Referral:
        """Validate and durably add one referral; returns it once it is on disk.

        One with the same organisation and parent body as a referral on the desk is saved
        all the same, marked `possible_duplicate_of` it (the caller shows the warning). One
        whose source and source reference are already on the desk is refused: it is that
        referral."""
        referral = self.draft(fields)
        if referral.source_ref:
            same = self.source_index().get(source_key(referral.source, referral.source_ref))
            if same is not None:
                raise InvalidRecord(
                    [("source_ref", f"{referral.source_ref!r} is already on the desk as {same}")],
                    "referral",
                )
        match = self.find_duplicate(referral.organisation, referral.parent_body)
        if match is not None:
            referral = referral.model_copy(update={"possible_duplicate_of": match})
        self.add_validated([referral], kind="referral.added")
        return referral

    def save_import(
        self,
        additions: Iterable[dict[str, Any]],
        updates: Iterable[tuple[str, dict[str, Any]]],
        summary: str,
    ) -> int:
        """Add new referrals (as `draft_record` made them) and change existing ones (field ->
        new value) in ONE event: an import of any size is one step in the history and one
        undo. Returns records written. Atomic: a crash leaves all of it or none of it.

        The addition dicts become the stored records (no copy is made: 100,000 of them are
        most of the desk's memory), so the caller must not change them afterwards."""
        ops: list[Op | dict[str, Any]] = []
        seen: set[str] = set()
        table = self._core.store.table(TABLE)
        moment = self._core.now()
        stamp = _STAMP.dump_python(moment, mode="json")
        for data in additions:
            key = data["id"]
            if key in table or key in seen:
                raise InvalidRecord([("id", f"{key} already exists")], "referral")
            seen.add(key)
            data["created_at"] = data["updated_at"] = stamp  # saved now, whenever planned
            # The op as the journal keeps it, without a model: the record is validated.
            ops.append({"table": TABLE, "key": key, "kind": "put", "data": data})
        for referral_id, changes in updates:
            before = table.get(referral_id)
            if before is None:
                raise NotFound(f"no referral {referral_id}")
            merged = {**before, **changes, "updated_at": moment}
            after = validated(Referral, merged, "referral").model_dump(mode="json")
            delta = changed_fields(before, after)
            if set(delta) <= {"updated_at"}:
                continue
            prior = {name: before.get(name) for name in delta}
            ops.append(Op(table=TABLE, key=referral_id, kind="patch", data=delta, prior=prior))
        if not ops:
            return 0
        keys = [op["key"] if isinstance(op, dict) else op.key for op in ops]
        subject = keys[0] if len(ops) == 1 else f"{len(ops)} referrals"
        self._core.record("referrals.imported", subject, ops, summary)
        if len(keys) > _NOTED_ONE_BY_ONE:
            self._highest = None  # worked out again when next asked: one pass, not a regex each
        for key in keys:
            self._note_reference(key)
        return len(ops)

    def add_validated(
        self, referrals: Iterable[Referral], *, kind: str = "referrals.imported", summary: str = ""
    ) -> int:
        """Durably add already-validated referrals in one event; returns how many."""
        ops = []
        seen: set[str] = set()
        for referral in referrals:
            if referral.id in self._core.store.table(TABLE):
                raise InvalidRecord([("id", f"{referral.id} already exists")], "referral")
            if referral.id in seen:  # else the second would silently replace the first
                raise InvalidRecord([("id", f"{referral.id} appears twice")], "referral")
            seen.add(referral.id)
            ops.append(
                Op(table=TABLE, key=referral.id, kind="put", data=referral.model_dump(mode="json"))
            )
        if not ops:
            return 0
        subject = ops[0].key if len(ops) == 1 else f"{len(ops)} referrals"
        text = summary or (
            f"Added referral {ops[0].key}: {ops[0].data['organisation']}"
            if len(ops) == 1
            else f"Imported {len(ops)} referrals"
        )
        self._core.commit(kind, subject, ops, text)
        for op in ops:
            self._note_reference(op.key)
        return len(ops)

    def update(self, referral_id: str, changes: Mapping[str, Any]) -> Referral:
        """Change fields of a referral durably; returns the updated referral."""
        current = self.get(referral_id)
        bad = [name for name in changes if name not in EDITABLE_FIELDS]
        if bad:
            raise InvalidRecord([(name, "cannot be changed here") for name in bad], "referral")
        before = current.model_dump(mode="json")
        merged = {**before, **dict(changes), "updated_at": self._core.now()}
        updated = validated(Referral, merged, "referral")
        after = updated.model_dump(mode="json")
        delta = changed_fields(before, after)
        if set(delta) <= {"updated_at"}:
            return current
        prior = {name: before.get(name) for name in delta}
        labels = ", ".join(sorted(name for name in delta if name != "updated_at"))
        self._core.commit(
            "referral.updated",
            referral_id,
            [Op(table=TABLE, key=referral_id, kind="patch", data=delta, prior=prior)],
            f"Changed {labels} on {referral_id}",
        )
        return updated

    # ----------------------------------------------------------------- reading

    def get_one(self, referral_id: str) -> Referral:
        """As `get`, for a command that reads only this referral: the table is not parsed
        for it (`ReferralRows.one`)."""
        return Referral.model_validate(self.one(referral_id))

    def get(self, referral_id: str) -> Referral:
        """One referral, validated; NotFound if there is none with that id."""
        record = self._core.store.get(TABLE, referral_id)
        if record is None:
            raise NotFound(f"no referral {referral_id}")
        return Referral.model_validate(record)

    def find_duplicate(self, organisation: str, parent_body: str) -> str | None:
        """The id of a referral (not merged away) with the same organisation and parent body,
        compared ignoring case, spacing and punctuation; None if there is none."""
        wanted = duplicate_key(organisation, parent_body)
        for row in self._core.store.table(TABLE).values():
            if row.get("status") == MERGED:
                continue
            if duplicate_key(row["organisation"], row["parent_body"]) == wanted:
                return str(row["id"])
        return None

    @overload
    def duplicate_index(self) -> dict[str, str]: ...

    @overload
    def duplicate_index(
        self, *, groups: Literal[True]
    ) -> tuple[dict[str, str], dict[str, list[str]]]: ...

    def duplicate_index(
        self, *, groups: bool = False
    ) -> dict[str, str] | tuple[dict[str, str], dict[str, list[str]]]:
        """Every referral's id (merged ones left out) keyed by `duplicate_key`: built once,
        so a bulk import checks each row in O(1) instead of calling `find_duplicate`. With
        `groups`, also the other ids of keys that more than one referral has."""
        index: dict[str, str] = {}
        others: dict[str, list[str]] = {}
        for row in self._core.store.table(TABLE).values():
            if row.get("status") == MERGED:
                continue
            key = duplicate_key(row["organisation"], row["parent_body"])
            if key in index:
                others.setdefault(key, []).append(str(row["id"]))
            else:
                index[key] = str(row["id"])
        return (index, others) if groups else index

    def source_index(self) -> dict[str, str]:
        """Referral id by `source_key(source, source_ref)`, for every referral with a source
        reference; a merged referral's reference leads to the one it was merged into."""
        table = self._core.store.table(TABLE)
        index: dict[str, str] = {}
        for row in table.values():
            ref = row.get("source_ref")
            if ref:
                index.setdefault(source_key(row["source"], ref), _survivor(table, row))
            for merged in row.get("merged_source_refs") or ():
                index.setdefault(source_key(row["source"], merged), str(row["id"]))
        return index

    def highest_numbers(self) -> dict[int, int]:
        """The highest reference number this desk issued in each year (in its own series:
        with its desk code, or the short form if it has none), undone referrals included: a
        bulk import numbers its new rows after these, so no reference is ever issued twice."""
        if self._highest is None or self._highest_code != self._core.code:
            self._highest = {}
            self._highest_code = self._core.code
            # Undone (deleted) referrals count too: a reference is never issued twice.
            store = self._core.store
            for key in itertools.chain(store.table(TABLE), store.touched_keys()):
                self._note_reference(key)
        return dict(self._highest)

    def _next_reference(self, year: int) -> str:
        code = self._core.code
        return reference_for(year, self.highest_numbers().get(year, 0) + 1, code)

    def _note_reference(self, key: str) -> None:
        if self._highest is None or self._highest_code != self._core.code:
            return
        found = reference_number(key, self._core.code)
        if found:
            year, number = found
            self._highest[year] = max(self._highest.get(year, 0), number)


def duplicate_key(organisation: str, parent_body: str) -> str:
    """What makes two referrals look alike: organisation and parent body, ignoring case,
    spacing and punctuation (the rule `find_duplicate` applies). One string, not a tuple:
    an import of 500,000 rows holds one per row."""
    return f"{_fold(organisation)}\x1f{_fold(parent_body)}"


def source_key(source: str, source_ref: str) -> str:
    """What makes two referrals the same one: the source and its reference for it
    (reference compared ignoring case and surrounding space)."""
    return f"{source}\x1f{str(source_ref).strip().casefold()}"


_NOT_ALNUM = re.compile(r"[\W_]+")


def _fold(text: str) -> str:
    """Letters and digits only, case folded: "Kent C.C. " and "kent cc" fold the same."""
    return _NOT_ALNUM.sub("", str(text).casefold())


def _survivor(table: Mapping[str, dict[str, Any]], row: dict[str, Any]) -> str:
    """The referral a merged one now lives on (following merges of merges)."""
    seen = {str(row["id"])}
    while row.get("merged_into") and row["merged_into"] in table:
        row = table[row["merged_into"]]
        if row["id"] in seen:
            break
        seen.add(row["id"])
    return str(row["id"])


def _year_of(value: Any) -> int | None:
    if hasattr(value, "year"):
        return int(value.year)
    try:
        return datetime.fromisoformat(str(value)).year
    except ValueError:
        return None
