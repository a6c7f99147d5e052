"""Reading import files: encodings, separators, header aliases, and files that cannot be read."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from importfiles import write_csv

from mspdesk.desk import Desk
from mspdesk.transfer import UnreadableFile, plan_import
from mspdesk.transfer.columns import field_for, map_columns
from mspdesk.transfer.readers import read_table


@pytest.mark.parametrize(
    ("header", "field"),
    [
        ("Organisation", "organisation"),
        ("Org name", "organisation"),
        ("SERVICE NAME", "organisation"),
        ("Parent body", "parent_body"),
        ("Council/Trust", "parent_body"),
        ("Ref", "source_ref"),
        ("Programme reference", "id"),
        ("Reference", "source_ref"),
        ("MIS ref", "source_ref"),
        ("MIS Reference", "source_ref"),
        ("Enquiry ID", "source_ref"),
        ("Date received", "received"),
        ("date_received", "received"),
        ("Contact email", "contact.email"),
        ("contact.email", "contact.email"),
        ("E-mail", "contact.email"),
        ("Staff", "staff_in_scope"),
        ("No. of staff", "staff_in_scope"),
        ("Contract value (£)", "contract_value"),
        ("Model", "proposed_model"),
        ("Parent body kind", "parent_body_kind"),
        ("Target spin-out", "target_spin_out"),
        ("Lawful basis", "contact.lawful_basis"),
        ("Service area", "service_area"),
        ("Reason for referral", "enquiry"),
    ],
)
def test_headers_match_fields_ignoring_case_space_and_punctuation(header: str, field: str) -> None:
    assert field_for(header) == field


def test_unknown_and_repeated_columns_are_named_in_notes() -> None:
    columns = map_columns(["Org", "Parent", "Organisation", "Favourite colour", "case_id", ""])

    assert columns.positions == {"organisation": 0, "parent_body": 1}
    assert columns.notes() == [
        "columns with no field on the desk, kept on each referral as source fields: "
        "'Favourite colour'",
        "columns naming a field already taken by an earlier column, not imported: 'Organisation'",
        "columns mspdesk sets itself, not imported: 'case_id'",
    ]


@pytest.mark.parametrize(("separator", "name"), [(",", "comma"), (";", "semi"), ("\t", "tab")])
def test_the_separator_is_found_from_the_header(tmp_path: Path, separator: str, name: str) -> None:
    lines = [
        separator.join(["Organisation", "Parent body", "Contract value"]),
        separator.join(["A, B and C", "P", "£1,200"]),
    ]
    if separator == ",":
        lines[1] = '"A, B and C",P,"£1,200"'
    table = read_table(write_csv(tmp_path / f"{name}.csv", lines))

    assert table.delimiter == separator
    assert table.records[0].cells == ["A, B and C", "P", "£1,200"]


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        ("Organisation,Parent\r\nCafé £,P\r\n".encode("utf-8-sig"), "utf-8-sig"),
        ("Organisation,Parent\r\nCafé £,P\r\n".encode(), "utf-8"),
        ("Organisation,Parent\r\nCafé £,P\r\n".encode("cp1252"), "cp1252"),
        ("Organisation\tParent\r\nCafé £\tP\r\n".encode("utf-16"), "utf-16"),
        (b"Organisation,Parent\rCaf\xe9 \xa3,P\r", "cp1252"),
    ],
)
def test_encodings_are_detected(tmp_path: Path, data: bytes, encoding: str) -> None:
    path = tmp_path / "enc.csv"
    path.write_bytes(data)
    table = read_table(path)

    assert table.encoding == encoding
    assert table.header == ["Organisation", "Parent"]
    assert table.records[0].cells == ["Café £", "P"]


def test_rows_keep_their_original_text_and_spreadsheet_numbers(tmp_path: Path) -> None:
    path = tmp_path / "raw.csv"
    path.write_bytes(
        b'Org,Parent,Notes\r\nA,P,"two\r\nlines"\r\n\r\n,,\r\nB,P,"say ""hi"""\r\nC,P,last'
    )
    table = read_table(path)

    assert [(r.row, r.raw) for r in table.records] == [
        (2, 'A,P,"two\r\nlines"\r\n'),
        (5, 'B,P,"say ""hi"""\r\n'),
        (6, "C,P,last"),
    ]
    assert table.blank_rows == 2
    assert table.records[0].cells[2] == "two\r\nlines"


def test_title_rows_above_the_header_are_skipped(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "t.csv", ["Referrals export", "March 2013", "Org,Parent", "A,P"])
    table = read_table(path)

    assert table.skipped_above_header == 2
    assert [(r.row, r.cells) for r in table.records] == [(4, ["A", "P"])]


def test_an_unclosed_quote_at_the_end_is_kept_as_one_rejected_row(
    desk: Desk, tmp_path: Path
) -> None:
    path = tmp_path / "q.csv"
    path.write_bytes(b'Org,Parent\nA,P\nB,"never closed\nC,P\n')
    plan = plan_import(path, desk)

    assert [r.row for r in plan.added] == [2]
    [rejected] = plan.rejected
    assert rejected.row == 3 and "quoted value is never closed" in rejected.reason
    assert plan.table.records[-1].raw == 'B,"never closed\nC,P\n'


def test_a_file_without_a_recognisable_header_is_refused(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "h.csv", ["name,amount", "A,1"])
    with pytest.raises(UnreadableFile, match="no header row naming at least the organisation"):
        read_table(path)


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("empty.csv", b"", "the file is empty"),
        ("blank.csv", b"\r\n  \r\n", "the file is empty"),
        ("book.xlsx", b"PK\x03\x04rest-of-zip", "Excel workbook"),
        ("old.csv", b"\xd0\xcf\x11\xe0\xa1\xb1", "old Excel"),
        ("bad.json", b'[{"organisation": "A",}', "not valid JSON at line 1"),
        ("obj.json", b'{"organisation": "A"}', "must be a list of referral objects"),
        ("items.json", b'[{"organisation": "A", "parent_body": "P"}, 3]', "item 2 of the list"),
        ("keys.json", b'[{"name": "A"}]', "no object names both"),
        ("undefined.csv", b"Organisation,Parent\r\n\x81\x8d,P\r\n", "neither UTF-8 nor"),
    ],
)
def test_unreadable_files_give_one_line_and_exit_code_2(
    tmp_path: Path, name: str, content: bytes, message: str
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(UnreadableFile, match=message) as caught:
        read_table(path)
    assert caught.value.exit_code == 2
    assert "\n" not in str(caught.value)


def test_missing_files_and_folders_are_refused(tmp_path: Path) -> None:
    with pytest.raises(UnreadableFile, match="no such file"):
        read_table(tmp_path / "missing.csv")
    with pytest.raises(UnreadableFile, match="folder"):
        read_table(tmp_path)


def test_json_is_recognised_by_content_without_a_json_suffix(tmp_path: Path) -> None:
    path = tmp_path / "export.dat"
    path.write_text(json.dumps([{"Org": "A", "Parent": "P"}]), encoding="utf-8")
    table = read_table(path)

    assert table.format == "json"
    assert table.records[0].raw == {"Org": "A", "Parent": "P"}


@pytest.mark.parametrize(
    "text",
    [
        '[{"Org": "A ] [", "Parent": "P"} ,\n {"Org": "B", "Parent": "P",'
        ' "contact": {"name": "C"}}]',
        ' \n{"note": [1, {"x": "]"}], "referrals": [{"Org": "gone"}], "more": "{",'
        ' "referrals": [ {"Org": "A ] [", "Parent": "P"},{"Org": "B", "Parent": "P",'
        ' "contact": {"name": "C"}} ] , "after": {"referrals": []}}\n',
    ],
    ids=["list", "object"],
)
def test_json_rows_are_parsed_an_object_at_a_time_as_json_loads_reads_them(
    tmp_path: Path, text: str
) -> None:
    path = tmp_path / "referrals.json"
    path.write_text(text, encoding="utf-8")
    whole = json.loads(text)
    expected = whole if isinstance(whole, list) else whole["referrals"]

    table = read_table(path)

    assert [record.raw for record in table.records] == expected
    assert table.records == table.records  # read again, the same rows
    assert [record.row for record in table.records] == [1, 2]
    assert table.records[1].cells == ["B", "P", "C"]


def test_a_json_file_changed_between_two_readings_of_its_rows_is_refused(
    tmp_path: Path,
) -> None:
    path = tmp_path / "referrals.json"
    path.write_text('[{"Org": "A", "Parent": "P"}]', encoding="utf-8")
    table = read_table(path)
    assert len(table.records) == 1  # the text read to check the file

    path.write_text('[{"Org": "Another", "Parent": "P"}]', encoding="utf-8")

    with pytest.raises(UnreadableFile, match="changed while it was imported"):
        table.records  # noqa: B018 - reading the rows again


def test_an_empty_json_list_is_a_file_with_no_rows(desk: Desk, tmp_path: Path) -> None:
    path = tmp_path / "none.json"
    path.write_text("[]", encoding="utf-8")

    assert plan_import(path, desk).total == 0


def test_a_bom_followed_by_windows_1252_is_read_without_the_bom(tmp_path: Path) -> None:
    path = tmp_path / "bom1252.csv"
    path.write_bytes(
        b"\xef\xbb\xbf"
        + "Reference,Organisation,Parent body,Contract value\r\nMIS-1,Café £ Co,P,£5\r\n".encode(
            "cp1252"
        )
    )
    table = read_table(path)

    assert table.header[0] == "Reference"  # not "ï»¿Reference"
    assert table.encoding == "cp1252" and table.bom_skipped
    assert "Windows-1252" in table.encoding_label and "BOM" in table.encoding_label
    assert table.records[0].cells == ["MIS-1", "Café £ Co", "P", "£5"]
    assert table.columns.positions["source_ref"] == 0
