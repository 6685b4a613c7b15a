"""A large RIS file is parsed a piece at a time; the result is exactly the whole-file parse."""

from __future__ import annotations

from pathlib import Path

import pytest

from screener.core.readers.decoding import read_text
from screener.core.readers.ris import iter_ris_records, piece_ends
from screener.types import ParsedRecord, SkippedRecord

RIS = sorted((Path(__file__).parent.parent / "data" / "ris").glob("*.ris"))


def parse(path: Path, piece_chars: int) -> tuple[list[ParsedRecord], list[SkippedRecord], list[str], int]:
    decoded = read_text(str(path))
    stream = iter_ris_records(decoded, piece_chars)
    records: list[ParsedRecord] = []
    pieces = 0
    while True:
        try:
            records += next(stream)
            pieces += 1
        except StopIteration as done:
            skipped, warnings, count = done.value
            assert count == len(records)
            return records, skipped, warnings, pieces


@pytest.mark.parametrize("path", RIS, ids=lambda p: p.name)
def test_cut_at_every_record_boundary_reads_the_same(path: Path) -> None:
    whole = parse(path, 10**9)
    pieces = parse(path, 1)  # a cut after every record where one can be made
    assert pieces[:3] == whole[:3]
    assert whole[3] == 1


def test_broken_and_irregular_exports_read_the_same_in_pieces(tmp_path: Path) -> None:
    text = (
        "Preamble line of a database export\r\n\r\n"
        "TY  - JOUR\r\nTI  - First\r\ncontinued title\r\nER  - \r\nNL  - attached after ER\r\n\r\n"
        "TY  - JOUR\r\nTI  - No ER here\r\n"
        "TY  - BOOK\r\nTI  - Third\r\nER  - \r\n\r\n\r\n"
        "AU  - Orphan, A.\r\nER  - \r\n\r\n"
        "TY  - JOUR\r\nTI  - Binary \x00 inside\r\nER  - \r\n"
        "TY  - JOUR\r\nTI  - Line\u2028separator\r\nER  - \r\n"
        "TY  - CHAP\r\nTI  - Last, no ER"
    )
    path = tmp_path / "irregular.ris"
    path.write_text(text, encoding="utf-8", newline="")
    whole = parse(path, 10**9)
    cut = parse(path, 1)
    assert cut[:3] == whole[:3]
    assert cut[3] > 3  # really cut
    records, skipped, warnings, _ = whole
    assert [r.title for r in records] == ["First continued title", "No ER here", "Third",
                                          "Line\u2028separator", "Last, no ER"]
    assert [(s.line, s.reason.split(" (")[0]) for s in skipped] == [
        (16, "record has no TY line"), (19, "record holds binary data")]
    assert ("NL", "attached after ER") in records[0].raw
    assert [r.line for r in records] == [3, 9, 11, 22, 25]


def test_pieces_are_cut_only_where_a_record_ends() -> None:
    text = "TY  - JOUR\nTI  - a\nER  - \n\nTY  - JOUR\nTI  - b\nTY  - JOUR\nER  - \nTY  - X\n"
    ends = list(piece_ends(text, 1))
    assert ends == [text.index("TY  - JOUR\nTI  - b"), text.index("TY  - X"), len(text)]
