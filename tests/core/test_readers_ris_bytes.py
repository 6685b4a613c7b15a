"""A RIS export read from its bytes a piece at a time reads exactly as the whole text
does, whichever process reads which piece, and is never decoded whole."""

from __future__ import annotations

import random
import tracemalloc
from pathlib import Path

import pytest

import screener.core.readers as readers
from screener.core.readers import iter_file, read_file, ris_bytes
from screener.core.readers.decoding import read_text
from screener.core.readers.ris_bytes import RisFileReading, find_cut, open_ris, read_piece
from screener.types import ReadResult

RIS = sorted((Path(__file__).parent.parent / "data" / "ris").glob("*.ris"))


def whole_text(path: Path) -> ReadResult:
    """The file decoded whole and read in text pieces (the reading of files that are not
    read from their bytes): what pieces from bytes must add up to."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(readers, "open_ris", lambda *_: None)
        return read_file(path)


HEAD = 1024  # bytes sniffed, so that small files are read in pieces too
PIECE = 1000


@pytest.fixture
def small_pieces(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ris_bytes, "SNIFF_BYTES", HEAD)
    monkeypatch.setattr(ris_bytes, "PIECE_BYTES", PIECE)


def _pieceable() -> list[Path]:
    """The exports read in pieces with a small head: not UTF-16, no long preamble."""
    saved = ris_bytes.SNIFF_BYTES
    ris_bytes.SNIFF_BYTES = HEAD
    try:
        return [p for p in RIS if p.stat().st_size > 2 * PIECE and open_ris(str(p), "auto") is not None]
    finally:
        ris_bytes.SNIFF_BYTES = saved


PIECEABLE = _pieceable()


@pytest.mark.parametrize("path", PIECEABLE, ids=lambda p: p.name)
def test_every_export_reads_the_same_in_pieces_from_its_bytes(path: Path, small_pieces: None) -> None:
    ris = open_ris(str(path), "auto")
    assert ris is not None and ris.pieces > 1
    assert read_file(path) == whole_text(path)


def test_enough_real_exports_are_read_in_pieces() -> None:
    assert len(PIECEABLE) >= 40


def test_pieces_read_alone_in_any_order_add_up_to_the_file(small_pieces: None) -> None:
    for path in PIECEABLE:
        ris = open_ris(str(path), "auto")
        assert ris is not None
        order = list(range(ris.pieces))
        random.Random(path.name).shuffle(order)
        alone = {k: read_piece(ris, k) for k in order}  # as two processes would, out of order
        reading = RisFileReading(ris)
        records = []
        for k in range(ris.pieces):
            lines, positions = reading.summary.lines, reading.summary.positions
            reading.add(alone[k], shift=True)
            records += [(r.position + positions, r.line + lines, r.title, r.raw) for r in alone[k].records]
        expected = whole_text(path)
        assert records == [(r.position, r.line, r.title, r.raw) for r in expected.records], path.name
        result = reading.result()
        assert (result.skipped, result.warnings, result.encoding) == (
            expected.skipped, expected.warnings, expected.encoding), path.name


def test_cuts_fall_only_where_a_ty_line_starts_whoever_looks(tmp_path: Path) -> None:
    data = (b"TY  - JOUR\nTI  - a\nER  - \n\n\nTY  - JOUR\nTI  - b\n"  # no ER before the third TY
            b"TY  - JOUR\nN2  - text TY  - not at a line start\nER  - \r\n12.\r\nTY  - X\r\n")
    path = tmp_path / "cuts.ris"
    path.write_bytes(data)
    with open(path, "rb") as handle:
        cuts = sorted({find_cut(handle, pos, len(data)) for pos in range(len(data) + 1)})
    assert cuts == [0, data.index(b"TY  - JOUR\nTI  - b"), data.index(b"TY  - JOUR\nN2"), data.index(b"TY  - X"),
                    len(data)]


def test_a_cp1252_export_decodes_piece_by_piece_as_a_whole(tmp_path: Path, small_pieces: None) -> None:
    text = read_text(str(max(PIECEABLE, key=lambda p: p.stat().st_size))).text
    text = "".join(ch for ch in text if ch.encode("cp1252", errors="ignore"))
    text += "TY  - JOUR\nTI  - Caf\u00e9 \u2013 na\u00efve\nER  - \n"  # non-ASCII late in the file
    path = tmp_path / "legacy.ris"
    path.write_bytes(text.encode("cp1252"))
    ris = open_ris(str(path), "auto")
    assert ris is not None and ris.pieces > 3 and ris.legacy == ""  # its head is ASCII
    result = read_file(path)
    assert result == whole_text(path)  # the code page the whole file would be read in
    assert result.encoding not in ("utf-8", "latin-1")


def test_a_damaged_utf8_byte_in_a_late_piece_is_replaced_and_counted(tmp_path: Path, small_pieces: None) -> None:
    path = tmp_path / "damaged.ris"
    body = "".join(f"TY  - JOUR\r\nTI  - R\u00e9sum\u00e9 {i}\r\nER  - \r\n" for i in range(400))
    path.write_bytes(b"\xef\xbb\xbf" + body.encode() + b"TY  - JOUR\r\nTI  - bad \xff byte\r\nER  - \r\n")
    result = read_file(path)
    assert result == whole_text(path)
    assert result.encoding == "utf-8-sig" and result.records[-1].title == "bad \ufffd byte"
    assert result.warnings == ["invalid utf-8-sig byte sequence(s) replaced by '\ufffd'"]


def test_a_large_export_is_never_decoded_whole(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ris_bytes, "PIECE_BYTES", 1_000_000)
    record = read_text(str(PIECEABLE[0])).text.split("ER  -")[0] + "ER  - \n"
    path = tmp_path / "large.ris"
    path.write_text(record * (16_000_000 // len(record)), encoding="utf-8")
    size = path.stat().st_size
    tracemalloc.start()
    try:
        stream = iter_file(path)
        count = 0
        while True:
            try:
                count += len(next(stream))  # the records of one piece at a time, then let go
            except StopIteration:
                break
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert count == 16_000_000 // len(record)
    # Decoding the whole file would hold its bytes and its text at once: twice its size.
    assert peak < size / 2, f"peak {peak / 1e6:.0f} MB for a {size / 1e6:.0f} MB file"
