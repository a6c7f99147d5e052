"""Files and emails on a case: `attach` copies files into the data directory (0600, names
kept, the same content never stored twice); an .eml becomes an email note with its
attachments attached; `export all` holds the files and `import case` brings them back."""

from __future__ import annotations

import hashlib
import json
import stat
from datetime import date
from email.message import EmailMessage
from pathlib import Path

import pytest
from export_data import fill_case, fixed_desk

from mspdesk.cli import main
from mspdesk.desk import Desk
from mspdesk.domain.attachment import safe_file_name
from mspdesk.domain.errors import NotFound
from mspdesk.transfer.attach import attach_paths
from mspdesk.transfer.case_import import import_case_file
from mspdesk.transfer.exporters import export_all, export_case

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def make_eml(path: Path) -> Path:
    message = EmailMessage()
    message["From"] = "Shona McBride <shona.mcbride@example.com>"
    message["To"] = "Adviser <adviser@example.gov.uk>, Jo Hart <jo.hart@example.org>"
    message["Cc"] = "board@example.org"
    message["Date"] = "Fri, 01 Mar 2013 09:15:00 +0000"
    message["Subject"] = "Draft business case <v2> for the board"
    message.set_content("Hi,\n\nThe **draft** is attached.\n<script>alert(1)</script>\n\nShona")
    message.add_attachment(PDF, maintype="application", subtype="pdf",
                           filename="Business case v2.pdf")  # fmt: skip
    path.write_bytes(message.as_bytes())
    return path


@pytest.fixture
def data(tmp_path: Path) -> Path:
    path = tmp_path / "data"
    fill_case(path)
    return path


def test_an_email_becomes_a_note_and_its_pdf_an_attached_file(data: Path, tmp_path: Path) -> None:
    eml = make_eml(tmp_path / "board.eml")
    with fixed_desk(data) as desk:
        (done,) = attach_paths(desk, "C-0001", [eml])
        files = desk.attachments.for_case("C-0001")
        pdf = next(a for a in files if a.name == "Business case v2.pdf")
        assert desk.attachments.read(pdf) == PDF
        note = done.note
        assert note is not None and note.kind.value == "email"
        assert note.on == date(2013, 3, 1)
    assert {a.name for a in files} == {"board.eml", "Business case v2.pdf"}
    assert all(a.note_id == note.id for a in files)
    body = note.body
    assert "Draft business case" in body and "shona.mcbride@example.com" in body
    assert "jo.hart@example.org" in body and "board@example.org" in body
    assert "01 Mar 2013 09:15" in body and "Business case v2.pdf" in body
    assert "The **draft** is attached." in body
    stored = data / pdf.stored_as
    assert stored.read_bytes() == PDF
    assert stat.S_IMODE(stored.stat().st_mode) == 0o600
    assert stat.S_IMODE(stored.parent.stat().st_mode) == 0o700
    assert pdf.sha256 == hashlib.sha256(PDF).hexdigest()


def test_same_content_is_not_stored_twice_and_names_are_kept(data: Path, tmp_path: Path) -> None:
    first = tmp_path / "minutes.txt"
    first.write_bytes(b"minutes one")
    other = tmp_path / "other" / "minutes.txt"
    other.parent.mkdir()
    other.write_bytes(b"minutes two")
    copy = tmp_path / "copy of minutes.txt"
    copy.write_bytes(b"minutes one")
    with fixed_desk(data) as desk:
        results = attach_paths(desk, "C-0001", [first, other, copy])
        files = desk.attachments.for_case("C-0001")
    assert [r.files[0].duplicate for r in results] == [False, False, True]
    assert [a.name for a in files] == ["minutes.txt", "minutes (2).txt"]
    assert len(list((data / "files" / "C-0001").iterdir())) == 2


def test_unknown_case_and_unreadable_file(data: Path, tmp_path: Path) -> None:
    real = tmp_path / "a.txt"
    real.write_bytes(b"x")
    with fixed_desk(data) as desk:
        with pytest.raises(NotFound):
            attach_paths(desk, "C-0099", [real])
    code = main(["attach", "C-0001", str(tmp_path / "missing.pdf"), "--data-dir", str(data)])
    assert code == 2
    assert not (data / "files").exists()  # nothing attached when one file cannot be read


@pytest.mark.parametrize(
    ("typed", "safe"),
    [
        ("../../etc/passwd", "passwd"),
        ("C:\\Users\\x\\report.pdf", "report.pdf"),
        (".hidden", "hidden"),
        ("a\x1b[31mb\u202e.pdf", "a_[31mb_.pdf"),
        ("", "attachment"),
        ("..", "attachment"),
    ],
)
def test_file_names_stay_in_their_folder(typed: str, safe: str) -> None:
    assert safe_file_name(typed) == safe


def test_export_all_and_import_case_bring_the_files(data: Path, tmp_path: Path) -> None:
    eml = make_eml(tmp_path / "board.eml")
    with fixed_desk(data) as desk:
        attach_paths(desk, "C-0001", [eml])
        export_all(desk, tmp_path / "out")
        export_case(desk, "C-0001", "json", tmp_path / "case.json")
    exported = tmp_path / "out" / "files" / "C-0001" / "Business case v2.pdf"
    assert exported.read_bytes() == PDF
    assert stat.S_IMODE(exported.stat().st_mode) == 0o600
    document = json.loads((tmp_path / "out" / "C-0001.json").read_text())
    assert {a["name"] for a in document["attachments"]} == {"board.eml", "Business case v2.pdf"}

    for source in (tmp_path / "out" / "C-0001.json", tmp_path / "out" / "cases.json"):
        empty = tmp_path / f"empty-{source.stem}"
        with Desk.open(empty, actor="importer") as desk:
            (saved,) = [r for r in import_case_file(source, desk) if r.case.id == "C-0001"]
            files = desk.attachments.for_case(saved.case.id)
            pdf = next(a for a in files if a.name == "Business case v2.pdf")
            assert desk.attachments.read(pdf) == PDF
            notes = desk.notes.for_subject(saved.case.id)
            email_note = next(n for n in notes if n.kind.value == "email")
            assert pdf.note_id == email_note.id
            assert "Draft business case" in email_note.body
        assert (empty / "files" / "C-0001" / "Business case v2.pdf").read_bytes() == PDF


def test_a_tampered_case_file_is_refused(data: Path, tmp_path: Path) -> None:
    eml = make_eml(tmp_path / "board.eml")
    with fixed_desk(data) as desk:
        attach_paths(desk, "C-0001", [eml])
        path = export_case(desk, "C-0001", "json", tmp_path / "case.json")
    document = json.loads(path.read_text())
    document["attachments"][1]["content_base64"] = "AAAA"
    path.write_text(json.dumps(document))
    code = main(["import", "case", str(path), "--data-dir", str(tmp_path / "empty")])
    assert code == 1


def test_attach_and_files_commands(
    data: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    eml = make_eml(tmp_path / "board.eml")
    code = main(["attach", "C-0001", str(eml), str(eml), "--data-dir", str(data)])
    out = capsys.readouterr().out
    assert code == 0
    assert "Added email note N-" in out and "Attached Business case v2.pdf to C-0001" in out
    assert "board.eml is already on C-0001" in out
    code = main(["files", "C-0001", "--json", "--data-dir", str(data)])
    listed = json.loads(capsys.readouterr().out)
    assert code == 0 and {item["name"] for item in listed} == {"board.eml",
                                                                "Business case v2.pdf"}  # fmt: skip
    assert all(Path(item["path"]).is_file() for item in listed)
    exported = tmp_path / "case.json"
    assert main(["export", "case", "C-0001", "--format", "json", "-o", str(exported),
                 "--data-dir", str(data)]) == 0  # fmt: skip
    capsys.readouterr()
    code = main(["import", "case", str(exported), "--data-dir", str(tmp_path / "fresh")])
    assert code == 0 and "2 files)" in capsys.readouterr().out


def test_doctor_finds_a_changed_or_missing_file(data: Path, tmp_path: Path) -> None:
    from mspdesk.desk.checkup import check_data

    eml = make_eml(tmp_path / "board.eml")
    with fixed_desk(data) as desk:
        attach_paths(desk, "C-0001", [eml])
    assert check_data(data).ok
    (data / "files" / "C-0001" / "Business case v2.pdf").write_bytes(b"changed")
    (data / "files" / "C-0001" / "board.eml").unlink()
    problems = " ".join(check_data(data).problems)
    assert "has changed since it was attached" in problems and "is gone" in problems


def test_undo_removes_the_record_and_attaching_again_reuses_the_file(
    data: Path, tmp_path: Path
) -> None:
    doc = tmp_path / "plan.txt"
    doc.write_bytes(b"the plan")
    with fixed_desk(data) as desk:
        (first,) = attach_paths(desk, "C-0001", [doc])
        desk.undo()
        assert desk.attachments.for_case("C-0001") == []
        (again,) = attach_paths(desk, "C-0001", [doc])
        item = again.files[0].attachment
        assert item.name == "plan.txt" and item.id != first.files[0].attachment.id
        assert desk.attachments.read(item) == b"the plan"
    assert [p.name for p in (data / "files" / "C-0001").iterdir()] == ["plan.txt"]
