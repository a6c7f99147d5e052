"""Reading the referral form's text into referral fields, without a terminal."""

from __future__ import annotations

from datetime import date

from mspdesk.domain.referral import Contact, Referral
from mspdesk.tui.referral_fields import FIELDS, initial_text, place_of, read_form


def test_forgiving_values_are_read_and_blanks_are_none() -> None:
    fields, problems = read_form(
        {
            "id": "",
            "received": "28/02/2013",
            "organisation": "Café Mutual",
            "contract_value": "£1.2m",
            "staff_in_scope": "~1,200",
            "target_spin_out": "",
            "region": "",
            "source": "lga",
            "contact.email": "jo@example.org",
            "contact.lawful_basis": "consent",
        }
    )
    assert problems == []
    assert fields == {
        "received": date(2013, 2, 28),
        "organisation": "Café Mutual",
        "contract_value": 1_200_000,
        "staff_in_scope": 1200,
        "target_spin_out": None,
        "region": None,
        "source": "lga",
        "contact": {"email": "jo@example.org", "lawful_basis": "consent"},
    }


def test_values_that_cannot_be_read_are_named_and_left_out() -> None:
    fields, problems = read_form(
        {"received": "", "revisit_on": "31/02/2013", "contract_value": "lots", "service_area": "x"}
    )
    assert [name for name, _ in problems] == ["received", "revisit_on", "contract_value"]
    assert problems[0][1] == "a date is required"
    assert "'lots' is not an amount of money" in problems[2][1]
    assert fields == {"service_area": "x"}


def test_a_reference_is_tidied_and_a_blank_one_left_to_the_desk() -> None:
    assert read_form({"id": " r-2013-0042 "})[0] == {"id": "R-2013-0042"}
    assert read_form({"id": ""})[0] == {}


def test_problems_are_placed_by_field_or_on_the_form() -> None:
    assert place_of("contact.email") == "contact.email"
    assert place_of("received") == "received"
    assert place_of("contact") is None
    assert place_of("created_at") is None
    assert place_of("") is None


def test_initial_text_of_a_new_and_an_existing_referral() -> None:
    blank = initial_text(None, date(2013, 3, 14))
    assert set(blank) == {field.name for field in FIELDS}
    assert blank["received"] == "2013-03-14" and blank["organisation"] == ""
    assert blank["id"] == "" and blank["source"] == "mis" and blank["region"] == ""
    referral = Referral(
        id="R-2013-0001",
        received=date(2013, 2, 1),
        organisation="[bold]x",
        parent_body="Council",
        contract_value=1_200_000,
        staff_in_scope=40,
        contact=Contact(email="jo@example.org"),
    )
    text = initial_text(referral, date(2013, 3, 14))
    assert text["organisation"] == "[bold]x" and text["contract_value"] == "£1,200,000"
    assert text["staff_in_scope"] == "40" and text["contact.email"] == "jo@example.org"
    # What the form shows reads back to the same values.
    fields, problems = read_form(text)
    assert problems == []
    assert fields["contract_value"] == 1_200_000 and fields["received"] == date(2013, 2, 1)


def test_staff_shares_read_as_percentages() -> None:
    fields, problems = read_form({"staff_votes_percent": "60%", "staff_board_percent": "50"})
    assert fields == {"staff_votes_percent": 60.0, "staff_board_percent": 50.0}
    assert problems == []
    _, problems = read_form({"staff_votes_percent": "120%"})
    assert problems and problems[0][0] == "staff_votes_percent"
    fields, _ = read_form({"staff_votes_percent": ""})
    assert fields == {"staff_votes_percent": None}
