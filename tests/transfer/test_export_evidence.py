"""The anonymised evidence export over the demo data holds no personal field and no free text
of the demo, only categories, bands, timings and pseudonyms."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from export_data import NOW, demo_records, fill_demo, fixed_desk

from mspdesk.demo_cases import DEMO_CASES
from mspdesk.domain.choices import Source
from mspdesk.transfer.exporters import evidence_bytes, export_evidence
from mspdesk.transfer.exporters.evidence import (
    COLUMNS,
    pseudonym,
    quarter,
    sector,
    staff_band,
    value_band,
)


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("evidence") / "data"
    fill_demo(path)
    return path


@pytest.fixture(scope="module")
def exported(demo: Path) -> dict[str, bytes]:
    with fixed_desk(demo) as desk:
        return {fmt: evidence_bytes(desk, fmt) for fmt in ("csv", "json")}


def forbidden(demo: Path) -> list[str]:
    """Every personal or free-text value in the demo data: contacts, people, organisations,
    parent bodies, enquiries, notes, triage reasons, conflicts, advisers' ids."""
    values: set[str] = set()
    for record in demo_records():
        contact = record["contact"]
        assert isinstance(contact, dict)
        values.update(str(contact[name]) for name in ("name", "email", "phone", "role"))
        values.update(str(record[name]) for name in ("organisation", "parent_body", "enquiry"))
        values.add(str(record["id"]))
    with fixed_desk(demo, read_only=True) as desk:
        for row in desk.cases.rows():
            values.add(str(row["id"]))
            for person in row["people"]:
                values.update(str(person[k]) for k in ("name", "email", "phone", "organisation"))
            for entry in row["conflicts"]:
                values.update((entry["conflict"], entry["mitigation"]))
            values.update(str(m["title"]) for m in row["milestones"])
        for note in desk.core.store.table("notes").values():
            values.add(str(note["body"]))
            values.update(line for line in str(note["body"]).splitlines() if len(line) > 20)
        for decision in desk.core.store.table("decisions").values():
            values.add(str(decision["reason"]))
    assert any("Priya Raman" in value for value in values)  # the demo's case people are in
    # A partner body that is also a referral source ("LGA") is a category, not a person.
    categories = {source.value for source in Source}
    return sorted(v for v in values if v.strip() and v.casefold() not in categories)


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_no_personal_field_nor_free_text(demo: Path, exported: dict[str, bytes], fmt: str) -> None:
    text = exported[fmt].decode("utf-8-sig")
    folded = text.casefold()
    leaked = [value for value in forbidden(demo) if value.casefold() in folded]
    assert not leaked
    for word in ("@example.", "07700", "R-2012-", "R-2013-", "C-0001", "N-0000"):
        assert word not in text
    # Each contact's surname on its own (names are never split over fields).
    for record in demo_records():
        contact = record["contact"]
        assert isinstance(contact, dict)
        surname = str(contact["name"]).split()[-1]
        assert surname.casefold() not in folded, surname


def test_rows_hold_the_evidence(exported: dict[str, bytes]) -> None:
    document = json.loads(exported["json"])
    assert document["format"] == "mspdesk-evidence" and document["removed"]
    records = document["records"]
    assert len(records) == len(demo_records())
    assert all(list(row) == list(COLUMNS) for row in records)
    cases = [row for row in records if row["case"]]
    assert len(cases) == len(DEMO_CASES)
    assert {row["triage_decision"] for row in cases} == {"accept"}
    assert all(row["pseudonym"].startswith("E-") for row in records)
    assert len({row["pseudonym"] for row in records}) == len(records)
    # Rows come in pseudonym order, not in the order referrals arrived.
    assert [row["pseudonym"] for row in records] == sorted(row["pseudonym"] for row in records)
    eastmere = next(row for row in cases if row["amount_allocated"] == 30_000)
    assert eastmere["sector"] == "adult social care" and eastmere["region"] == "north-west"
    assert eastmere["staff_band"] == "50-249" and eastmere["contract_value_band"] == "£1m-£5m"
    assert eastmere["authority_roles"] == "incubator;commissioner"
    assert eastmere["milestones"]["M01"] == 0  # done on the day the case started
    assert eastmere["milestones"]["M04"] is None  # the demo's one overdue milestone
    assert eastmere["outcome"] == "ongoing" and eastmere["conflicts_declared"] == 1
    assert eastmere["received_quarter"] == "2012-Q3"


def test_csv_columns(exported: dict[str, bytes]) -> None:
    rows = list(csv.DictReader(io.StringIO(exported["csv"].decode("utf-8-sig"))))
    assert rows and "days_to_M01" in rows[0] and "milestones" not in rows[0]
    done = [row for row in rows if row["case"] == "yes"]
    assert {row["days_to_M01"] for row in done} == {"0"}
    assert all(row["days_to_M01"] == "" for row in rows if row["case"] == "no")


def test_pseudonyms_are_stable_per_desk_and_keyed(demo: Path, tmp_path: Path) -> None:
    with fixed_desk(demo) as desk:
        first = json.loads(evidence_bytes(desk, "json"))["records"]
        again = json.loads(evidence_bytes(desk, "json"))["records"]
        key = desk.evidence_key()
    assert [r["pseudonym"] for r in first] == [r["pseudonym"] for r in again]
    assert (demo / "evidence.key").stat().st_mode & 0o777 == 0o600
    # Another desk with the same referrals has another key, so other pseudonyms.
    other = tmp_path / "other"
    fill_demo(other)
    with fixed_desk(other) as desk:
        theirs = {r["pseudonym"] for r in json.loads(evidence_bytes(desk, "json"))["records"]}
    assert not theirs & {r["pseudonym"] for r in first}
    assert pseudonym(key, "R-2012-0001") in {r["pseudonym"] for r in first}
    assert pseudonym(b"another key", "R-2012-0001") != pseudonym(key, "R-2012-0001")


def test_written_file(demo: Path, tmp_path: Path) -> None:
    with fixed_desk(demo) as desk:
        path = export_evidence(desk, "csv", tmp_path / "evidence.csv")
    assert path.read_bytes().startswith(b"\xef\xbb\xbfpseudonym,")


def test_an_empty_desk_has_an_empty_export(tmp_path: Path) -> None:
    with fixed_desk(tmp_path / "data") as desk:
        assert json.loads(evidence_bytes(desk, "json"))["records"] == []
    assert not (tmp_path / "data" / "evidence.key").exists()


@pytest.mark.parametrize(
    ("area", "expected"),
    [
        ("Adult social care", "adult social care"),
        ("Children's services", "children's services"),
        ("Community health", "community health"),
        ("School nursing and health visiting", "school support"),
        ("Libraries", "libraries"),
        ("Eastmere Borough Knitting Circle", "other"),
        ("  ", ""),
    ],
)
def test_sector(area: str, expected: str) -> None:
    assert sector(area) == expected


def test_bands() -> None:
    assert [staff_band(n) for n in (None, 0, 49, 50, 249, 250)] == [
        "", "under 50", "under 50", "50-249", "50-249", "250+",
    ]  # fmt: skip
    assert [value_band(v) for v in (None, 999_999, 1_000_000, 5_000_000, 20_000_000)] == [
        "", "under £1m", "£1m-£5m", "£5m-£20m", "£20m+",
    ]  # fmt: skip
    assert quarter(NOW.date()) == "2013-Q1" and quarter(None) == ""
