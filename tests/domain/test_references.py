"""Ids with and without a desk code: both forms are valid, each desk numbers its own series."""

from __future__ import annotations

import re
from datetime import date

import pytest
from pydantic import ValidationError

from mspdesk.domain.attachment import ATTACHMENT_ID
from mspdesk.domain.case import CASE_ID, case_id
from mspdesk.domain.note import NOTE_ID, note_id
from mspdesk.domain.references import (
    CASES,
    CODE_LETTERS,
    NOTES,
    REFERENCE,
    desk_code_of,
    is_desk_code,
    reference_for,
    reference_number,
)
from mspdesk.domain.referral import Referral
from mspdesk.domain.support import PACKAGE_ID, PROVIDER_ID


def test_code_letters_leave_out_those_read_as_digits() -> None:
    assert len(CODE_LETTERS) == 23 and not set("IOQ") & set(CODE_LETTERS)
    assert is_desk_code("KM") and is_desk_code("KMX")
    for bad in ("KO", "K1", "km", "K", "KMXY", "", "QA", "I-"):
        assert not is_desk_code(bad), bad


@pytest.mark.parametrize(
    ("pattern", "short", "coded", "wrong"),
    [
        (CASE_ID, "C-0017", "C-KM-0017", ["C-KO-0017", "C-17", "C-KM0017", "C--0017"]),
        (NOTE_ID, "N-00042", "N-KM-00042", ["N-KM-42", "N-km-00042"]),
        (ATTACHMENT_ID, "F-00042", "F-AB-00042", ["F-AB-0042"]),
        (PROVIDER_ID, "SP-001", "SP-KM-001", ["SP-K-001"]),
        (PACKAGE_ID, "PK-0001", "PK-KMX-0001", ["PK-KM-001"]),
        (REFERENCE, "R-2013-0042", "R-2013-KM-0042", ["R-2013-KM0042", "R-13-KM-0042"]),
    ],
)
def test_both_forms_match_and_nothing_else(
    pattern: re.Pattern[str], short: str, coded: str, wrong: list[str]
) -> None:
    assert pattern.match(short) and pattern.match(coded)
    for text in wrong:
        assert not pattern.match(text), text


def test_ids_are_made_in_either_form() -> None:
    assert case_id(7) == "C-0007" and case_id(7, "KM") == "C-KM-0007"
    assert note_id(12, "AB") == "N-AB-00012"
    assert reference_for(2026, 1) == "R-2026-0001"
    assert reference_for(2026, 1, "KM") == "R-2026-KM-0001"


def test_each_desk_counts_only_its_own_series() -> None:
    keys = ["C-0009", "C-KM-0002", "C-AB-0040", "C-KM-0003", "N-KM-00100"]
    assert CASES.highest(keys, None) == 9
    assert CASES.highest(keys, "KM") == 3
    assert CASES.next(keys, "AB") == "C-AB-0041"
    assert CASES.next(keys, "XY") == "C-XY-0001"
    assert NOTES.next(keys, "KM") == "N-KM-00101"


def test_reference_numbers_by_year_and_desk() -> None:
    assert reference_number("R-2026-KM-0007", "KM") == (2026, 7)
    assert reference_number("R-2026-KM-0007", None) is None
    assert reference_number("R-2026-0007", None) == (2026, 7)
    assert reference_number("R-2026-0007", "KM") is None


def test_desk_code_of_an_id() -> None:
    assert desk_code_of("R-2026-KM-0001") == "KM"
    assert desk_code_of("C-AB-0001/2") == "AB"
    assert desk_code_of("R-2026-KM-0001/3") == "KM"
    assert desk_code_of("C-0001") is None and desk_code_of("R-2026-0001") is None


def test_referral_model_accepts_both_forms() -> None:
    fields = {"received": date(2026, 1, 5), "organisation": "A", "parent_body": "B"}
    assert Referral(id="R-2026-KM-0001", **fields).id == "R-2026-KM-0001"
    assert Referral(id="R-2026-0001", **fields).id == "R-2026-0001"
    with pytest.raises(ValidationError, match="R-2013-KM-0042"):
        Referral(id="R-2026-KO-0001", **fields)
