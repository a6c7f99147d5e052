"""Import files written byte by byte for the import tests: messy, like real exports."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

HEADER = (
    "Programme reference,Organisation,Council/Trust,Date received,Contract value (£),"
    "No. of staff,Contact email,Model,Notes"
)

MARKUP_NAME = "[bold]Loud[/bold] [@click=app.quit]Click me"
ESCAPE_NOTE = "\x1b[31mred\x1b[0m and a bell \x07"


def messy_rows(newline: str) -> list[str]:
    """Data rows (spreadsheet rows 2 to 12), each without its line end."""
    return [
        # 2: added, keeps its reference
        'R-2013-0001,Café Mutual,Leeds City Council,01/02/2013,"£1,200,000",40,'
        "jo@example.org,Employee-owned,First",
        # 3: added; markup is data; a quoted note running over two lines
        f',"{MARKUP_NAME}",Bristol City Council,2013-02-03,1.2m,~12,,mutual,'
        f'"Line one{newline}Line two, with a comma"',
        # 4: an exact repeat of row 2 (same programme reference): unchanged
        'R-2013-0001,Café Mutual,Leeds City Council,01/02/2013,"£1,200,000",40,'
        "jo@example.org,Employee-owned,First",
        # 5: possible duplicate of row 2: organisation + parent body (case and spacing differ)
        ",café  MUTUAL ,leeds city council,06/02/2013,,,,,",
        # 6: rejected: organisation missing
        ",,Wakefield Council,07/02/2013,,,,,",
        # 7: rejected six ways
        ",Nowhere Care,,31/02/2013,lots,many,not-an-email,weird,",
        # 8: blank (skipped, not a row)
        ",,,,,,,,",
        # 9: rejected: malformed reference
        "bad-ref,Ref Trouble CIC,York Council,08/02/2013,,,,,",
        # 10: added; £ and an em dash in Windows-1252 too
        ",Tea & Sympathy £ Co-op,Kirklees Council,09/02/2013,£250k,7,,co-op,Café — note",
        # 11: added; terminal escapes are data
        f",Escape Artists,Hull City Council,10/02/2013,,,,,{ESCAPE_NOTE}",
        # 12: possible duplicate of the record already on the desk (see EXISTING)
        ",HARBOUR leisure,Hull  City Council,11/02/2013,,,,,",
    ]


EXISTING = {
    "organisation": "Harbour Leisure",
    "parent_body": "Hull City Council",
    "received": "2012-11-20",
}
"""On the desk before the import; it gets R-2012-0001."""

ADDED_ROWS = [2, 3, 10, 11]
UNCHANGED_ROWS = {4: "R-2013-0001"}
POSSIBLE_DUPLICATE_ROWS = {5: "R-2013-0001", 12: "R-2012-0001"}
"""Added and marked: row -> the referral it looks like."""
REJECTED_ROWS = {
    6: ["organisation"],
    7: [
        "parent_body",
        "received",
        "contract_value",
        "staff_in_scope",
        "contact.email",
        "proposed_model",
    ],
    9: ["id"],
}


@dataclass(frozen=True)
class Written:
    path: Path
    data: bytes
    rows: list[str]
    encoding: str
    newline: str

    def row_bytes(self, row: int) -> bytes:
        """The exact bytes of spreadsheet row `row` (header is row 1), line end included."""
        return (self.rows[row - 2] + self.newline).encode(_plain(self.encoding))


def write_messy(path: Path, encoding: str = "utf-8-sig", newline: str = "\r\n") -> Written:
    """The messy referral list, in `encoding` (utf-8-sig writes a BOM) with `newline`."""
    rows = messy_rows(newline)
    text = newline.join([HEADER, *rows]) + newline
    data = text.encode(encoding)
    path.write_bytes(data)
    return Written(path, data, rows, encoding, newline)


def write_csv(path: Path, lines: list[str], encoding: str = "utf-8", newline: str = "\n") -> Path:
    """A CSV of `lines` (header first) joined with `newline`."""
    path.write_bytes((newline.join(lines) + newline).encode(encoding))
    return path


def big_csv(path: Path, rows: int) -> Path:
    """`rows` valid, distinct referrals; every other one brings its own reference."""
    lines = [
        "Ref,Organisation,Parent body,Date received,Contract value,Staff,Model,Route,Stage,"
        "Region,Contact name,Contact email,Contact phone,Enquiry"
    ]
    for n in range(rows):
        ref = f"R-2012-{n + 1:05d}" if n % 2 else ""
        lines.append(
            f"{ref},Service {n} Mutual,Council {n % 300},{n % 28 + 1:02d}/{n % 12 + 1:02d}/2013,"
            f'"£{n * 1000:,}",{n % 500},Employee-owned mutual,spin out,idea,London,Jo Bloggs,'
            f'jo{n}@example.org,0113 496 {n % 10000:04d},"An enquiry, with a comma"'
        )
    return write_csv(path, lines, newline="\r\n")


def _plain(encoding: str) -> str:
    # Row bytes never carry the BOM, which only starts the file.
    return "utf-8" if encoding == "utf-8-sig" else encoding
