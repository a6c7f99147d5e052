"""Import files for the TUI import tests: a messy referral list, written byte by byte."""

from __future__ import annotations

from pathlib import Path

CLICK_NAME = "[@click=app.quit]Click me[/]"
HEADER = (
    "Programme reference,Organisation,Council/Trust,Date received,Contract value (£),"
    "No. of staff,Contact email,Model"
)
ROWS = [
    # 2: added, keeps its reference
    'R-2013-0101,Café Mutual,Leeds City Council,01/02/2013,"£1,200,000",40,jo@example.org,'
    "Employee-owned",
    # 3: added; the markup is data
    f",{CLICK_NAME},Bristol City Council,2013-02-03,1.2m,~12,,mutual",
    # 4: an exact repeat of row 2 (same programme reference): unchanged
    'R-2013-0101,Café Mutual,Leeds City Council,01/02/2013,"£1,200,000",40,jo@example.org,'
    "Employee-owned",
    # 5: possible duplicate of row 2 (organisation and parent body): added and marked
    ",café  MUTUAL ,leeds city council,06/02/2013,,,,",
    # 6: rejected five ways: parent body, date, money, staff, email
    ",Nowhere Care,,31/02/2013,lots,many,not-an-email,",
    # 7: added; £ in Windows-1252 too
    ",Tea & Sympathy £ Co-op,Kirklees Council,09/02/2013,£250k,7,,co-op",
    # 8: possible duplicate of a referral already on the desk (inbox_data's first)
    ",anyshire care mutual,Anyshire County Council,10/02/2013,,,,",
]
ADDED, MARKED, UNCHANGED, REJECTED = 3, 2, 1, 1


def write_messy(path: Path, encoding: str = "cp1252") -> Path:
    """The messy list with CRLF line ends, in `encoding` ("utf-8-sig" writes a BOM)."""
    path.write_bytes(("\r\n".join([HEADER, *ROWS]) + "\r\n").encode(encoding))
    return path


def write_binary(path: Path) -> Path:
    """Not a CSV at all: bytes with NULs in them."""
    path.write_bytes(b"PK\x00\x00\x01\x02binary\x00junk")
    return path
