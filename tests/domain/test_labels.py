"""One source of words: fields and stored values as the adviser knows them."""

from __future__ import annotations

from mspdesk.domain.labels import field_label, value_label


def test_fields_and_codes_become_words() -> None:
    assert field_label("authority_roles") == "parent body's roles"
    assert field_label("organisation") == "organisation"
    assert value_label("source", "mis") == "Mutuals Information Service"
    assert value_label("proposed_model", "community-coop") == "Community co-operative"
    assert value_label("route", "commissioner-led") == "Commissioner-led spin-out"
    assert value_label("status", "referred-on") == "Referred on"
    assert value_label("status", "spun-out") == "Spun out"
    assert value_label("stage", "not-a-stage") == "not-a-stage"  # unknown: shown as stored
    assert value_label("organisation", "Kent Youth") == "Kent Youth"
    assert value_label("route", None) == ""
