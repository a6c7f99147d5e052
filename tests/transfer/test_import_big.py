"""Importing a file too long to list every row (KEEP_ROWS made small here, so it runs fast):
one reading of the file, every bad row still reported, references never given twice."""

from __future__ import annotations

import csv
import gc
from collections.abc import Iterator
from pathlib import Path

import pytest
from importfiles import write_csv

from mspdesk.desk import Desk
from mspdesk.transfer import Outcome, apply_import, importers, plan_import
from mspdesk.transfer.readers import Record, SourceTable

ROWS = 40
BAD = {9: "contact.email", 16: "received", 23: "organisation", 37: "contract_value"}
"""Spreadsheet row -> the field that is wrong in it."""


def long_file(path: Path) -> Path:
    lines = ["Ref,Organisation,Parent body,Date received,Contract value,Contact email"]
    for row in range(2, ROWS + 2):
        cells = [f"MIS-{row}", f"Org {row}", "Council", "01/02/2013", '"£5,000"', f"a{row}@x.org"]
        field = BAD.get(row)
        if field == "contact.email":
            cells[5] = "not-an-email"
        elif field == "received":
            cells[3] = "31/02/2013"
        elif field == "organisation":
            cells[1] = ""
        elif field == "contract_value":
            cells[4] = "lots"
        lines.append(",".join(cells))
    return write_csv(path, lines, newline="\r\n")


@pytest.fixture
def small_keep(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(importers, "KEEP_ROWS", 5)


@pytest.fixture
def readings(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """How many times the rows of a file were read."""
    counted: list[int] = []
    real = SourceTable.rows

    def rows(table: SourceTable) -> Iterator[Record]:
        counted.append(1)
        return real(table)

    monkeypatch.setattr(SourceTable, "rows", rows)
    return counted


@pytest.mark.usefixtures("small_keep")
@pytest.mark.parametrize("keep", [True, None, False])
def test_every_bad_row_of_a_long_file_is_reported_with_its_row_and_field(
    desk: Desk, tmp_path: Path, keep: bool | None
) -> None:
    path = long_file(tmp_path / "long.csv")

    plan = plan_import(path, desk, keep=keep)

    assert plan.counts[Outcome.REJECTED] == len(BAD) and plan.total == ROWS
    assert not plan.added  # too long to list the rows simply added
    assert {row.row: [p.field for p in row.problems] for row in plan.rejected} == {
        row: [field] for row, field in BAD.items()
    }
    assert plan.rejected[0].where == "row 9"
    if keep is False:
        assert plan.decided is None  # a dry run keeps nothing to save
        return
    result = apply_import(plan, desk)
    assert len(result.added_ids) == ROWS - len(BAD) == desk.referrals.count()
    assert result.rejects_path is not None
    with result.rejects_path.open(encoding="utf-8-sig", newline="") as rejects:
        written = list(csv.reader(rejects))[1:]
    assert [cells[1] for cells in written] == [f"MIS-{row}" for row in BAD]
    assert all(field in cells[0] for cells, field in zip(written, BAD.values(), strict=True))


@pytest.mark.usefixtures("small_keep")
def test_a_plan_told_to_keep_is_saved_without_reading_the_file_again(
    desk: Desk, tmp_path: Path, readings: list[int]
) -> None:
    path = long_file(tmp_path / "long.csv")

    plan = plan_import(path, desk, keep=True)
    result = apply_import(plan, desk)

    assert len(readings) == 1
    assert len(result.added_ids) == ROWS - len(BAD)
    assert result.plan.counts == plan.counts


@pytest.mark.usefixtures("small_keep")
def test_a_long_plan_not_told_to_keep_is_read_again_to_save(
    desk: Desk, tmp_path: Path, readings: list[int]
) -> None:
    path = long_file(tmp_path / "long.csv")

    plan = plan_import(path, desk)
    assert plan.decided is None and len(readings) == 1
    result = apply_import(plan, desk)

    assert len(readings) == 2
    assert result.plan.counts == plan.counts and desk.referrals.count() == ROWS - len(BAD)


@pytest.mark.parametrize("keep", [True, False])
def test_new_rows_are_numbered_after_a_higher_reference_further_down_the_file(
    desk: Desk, tmp_path: Path, keep: bool, readings: list[int]
) -> None:
    path = write_csv(
        tmp_path / "refs.csv",
        [
            "Programme reference,Organisation,Parent body,Date received",
            ",First,P,01/02/2013",
            "R-2013-0007,Second,P,02/02/2013",
            ",Third,P,03/02/2012",
        ],
        newline="\r\n",
    )

    plan = plan_import(path, desk, keep=keep)

    assert [row.reference for row in plan.rows] == ["R-2013-0008", "R-2013-0007", "R-2012-0001"]
    assert len(readings) == 2  # read again, the reference in 2013 now known


def test_a_file_whose_references_the_desk_has_given_already_is_read_once(
    desk: Desk, tmp_path: Path, readings: list[int]
) -> None:
    desk.referrals.add({"organisation": "Mine", "parent_body": "Q", "received": "2013-01-01"})
    path = write_csv(
        tmp_path / "refs.csv",
        [
            "Programme reference,Organisation,Parent body,Date received",
            ",New,P,01/02/2013",
            "R-2013-0001,Mine,Q,01/01/2013",
        ],
        newline="\r\n",
    )

    plan = plan_import(path, desk, keep=True)

    assert [row.reference for row in plan.rows] == ["R-2013-0002", "R-2013-0001"]
    assert [row.outcome for row in plan.rows] == [Outcome.ADDED, Outcome.UNCHANGED]
    assert len(readings) == 1


def test_the_cyclic_gc_is_back_on_after_an_import_even_one_that_failed(
    desk: Desk, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = long_file(tmp_path / "long.csv")
    apply_import(plan_import(path, desk), desk)
    assert gc.isenabled()

    def broken(*_: object) -> None:
        raise RuntimeError("a bug")

    monkeypatch.setattr(importers, "check", broken)
    with pytest.raises(RuntimeError):
        plan_import(path, desk)
    assert gc.isenabled()


def test_after_a_big_import_the_next_referral_gets_the_next_reference(
    desk: Desk, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from mspdesk.desk import referrals

    monkeypatch.setattr(referrals, "_NOTED_ONE_BY_ONE", 2)  # counted again, not one by one
    desk.referrals.add({"organisation": "Before", "parent_body": "P", "received": "2013-01-01"})
    path = long_file(tmp_path / "long.csv")
    result = apply_import(plan_import(path, desk), desk)
    assert result.added_ids[-1] == f"R-2013-{ROWS - len(BAD) + 1:04d}"

    added = desk.referrals.add(
        {"organisation": "After", "parent_body": "P", "received": "2013-05-01"}
    )

    assert added.id == f"R-2013-{ROWS - len(BAD) + 2:04d}"
