"""A RIS file read from its bytes a piece at a time: never decoded or held whole.

The file is split into nominal ranges (``FIRST_PIECE_BYTES``, then ``PIECE_BYTES`` each);
piece ``k`` runs from the first cut at or after the start of range ``k`` to the first cut
at or after the start of range ``k + 1``,
where a cut is the start of a "TY  - " line (the parser reads a piece that starts there
as it reads the file: see ``ris.piece_ends``). Finding a cut needs only the bytes after
a point, so any process can read any piece, and the pieces of a file, put together in
order, are the file. This works for encodings in which "\\n" and ASCII letters are single
bytes that never occur inside another character (UTF-8, the Windows and ISO code pages);
``open_ris`` answers None for any other file, which is then read whole.

Each piece is decoded on its own: as UTF-8 when the file starts with a UTF-8 BOM; else as
``decoding`` decodes a whole file: UTF-8, or, for a piece that is not UTF-8, the legacy
code page that ``decoding`` would choose from the file's first ``SNIFF_BYTES`` (decided
once, in ``open_ris``, so that every piece of a file agrees). Parsed alone, a piece numbers its lines and records from 1 unless told where it
starts (``read_piece``'s ``first_line`` and ``first_position``).
"""

from __future__ import annotations

import codecs
import os
from dataclasses import dataclass, field
from typing import BinaryIO

import charset_normalizer

from screener.core.readers.clean import screenable
from screener.core.readers.decoding import (
    _BOMS,
    _CONTROL_TEXT,
    _STRIPPED_BYTES,
    _WESTERN,
    SNIFF_BYTES,
    _refuse_binary,
    _utf16_without_bom,
    has_utf8_c1,
)
from screener.core.readers.detect import sniff
from screener.core.readers.ris import PieceInfo, RisSummary, parse_piece
from screener.types import ParsedRecord, ReadResult

PIECE_BYTES = 4_000_000  # about 2,000 records
FIRST_PIECE_BYTES = 1_000_000  # the first piece is smaller: its records are stored sooner
_BLOCK = 65_536
_CUT = b"\nTY  - "


@dataclass(frozen=True)
class RisFile:
    """A RIS file to read a piece at a time: its size and whether it starts with a UTF-8 BOM."""

    path: str
    size: int
    bom: bool
    legacy: str = ""  # the code page for pieces that are not UTF-8 ("": cp1252, else Latin-1)
    piece_bytes: int = PIECE_BYTES  # decided once, so that every process cuts alike
    first_bytes: int = FIRST_PIECE_BYTES

    @property
    def pieces(self) -> int:
        return 1 + -(-max(0, self.size - self.first_bytes) // self.piece_bytes)

    def nominal_start(self, index: int) -> int:
        """Where piece ``index`` nominally starts: it starts at the first cut from there."""
        return 0 if index == 0 else min(self.size, self.first_bytes + (index - 1) * self.piece_bytes)


@dataclass
class PieceRead:
    """One piece: its records, what else it held, and how its bytes were decoded."""

    records: list[ParsedRecord]
    info: PieceInfo
    encoding: str = "utf-8"
    replaced: int = 0  # invalid byte sequences replaced by U+FFFD
    warnings: list[str] = field(default_factory=list)  # from decoding a legacy code page


def open_ris(path: str, fmt: str) -> RisFile | None:
    """A RisFile for a RIS export in an ASCII-compatible encoding (read a piece at a
    time); None for anything else, to be read whole. Raises ImportFormatError for a file
    that is certainly not a bibliography (a PDF, an image, binary data)."""
    if fmt not in ("auto", "ris"):
        return None
    with open(path, "rb") as handle:
        size = os.fstat(handle.fileno()).st_size
        head = handle.read(SNIFF_BYTES)
    if len(head) == size or head.isspace():
        return None  # small or odd: the whole-file reader says exactly what it is
    _refuse_binary(path, head)
    if head.startswith(tuple(bom for bom, _, _ in _BOMS if bom != codecs.BOM_UTF8)) or _utf16_without_bom(head):
        return None
    bom = head.startswith(codecs.BOM_UTF8)
    text = head[3 if bom else 0 : head.rfind(b"\n") + 1].decode("utf-8", errors="replace")
    if sniff(text, path) != "ris":
        return None
    return RisFile(path, size, bom, "" if bom else _legacy_guess(head), PIECE_BYTES, min(FIRST_PIECE_BYTES, PIECE_BYTES))


def _legacy_guess(head: bytes) -> str:
    """The non-Western code page charset-normalizer sees in the file's head, or "" (as
    ``decoding._decode_legacy`` decides: a head that is UTF-8 gives cp1252)."""
    try:
        codecs.utf_8_decode(head, "strict", False)  # a character cut at the end is no error
        return ""
    except UnicodeDecodeError:
        pass
    best = charset_normalizer.from_bytes(head).best()
    guess = best.encoding if best is not None else None
    return guess if guess and guess not in _WESTERN and not guess.startswith("utf") else ""


def find_cut(handle: BinaryIO, pos: int, size: int) -> int:
    """The first cut at or after byte ``pos``: the start of a "TY  - " line (``size`` if
    there is none)."""
    if pos <= 0:
        return 0
    if pos >= size:
        return size
    handle.seek(pos - 1)  # a line break at pos - 1 makes a cut at pos
    buf = handle.read(_BLOCK)
    offset = pos - 1
    while True:
        i = buf.find(_CUT)
        if i >= 0:
            return offset + i + 1
        more = handle.read(_BLOCK)
        if not more:
            return size
        keep = len(_CUT) - 1  # a cut may straddle the blocks
        offset += len(buf) - keep
        buf = buf[-keep:] + more


def _decode(data: bytes, bom: bool, legacy: str) -> tuple[str, str, int, list[str]]:
    """(text, encoding, replaced sequences, warnings) of one piece's bytes."""
    warnings: list[str] = []
    if bom:
        try:
            return data.decode("utf-8"), "utf-8-sig", 0, warnings
        except UnicodeDecodeError:
            text = data.decode("utf-8", errors="replace")
            return text, "utf-8-sig", max(1, text.count("\ufffd")), warnings
    try:
        return data.decode("utf-8"), "utf-8", 0, warnings
    except UnicodeDecodeError:
        pass
    text = data.decode("utf-8", errors="replace")
    bad = text.count("\ufffd")
    non_ascii = len(text) - len(text.encode("ascii", errors="ignore")) - bad
    if non_ascii >= 2 * bad:  # UTF-8 with a few damaged bytes (as decoding._decode_utf8_or_legacy)
        return text, "utf-8", bad, warnings
    if legacy:
        try:
            return data.decode(legacy), legacy, 0, warnings
        except (UnicodeDecodeError, LookupError):
            pass
    try:
        return data.decode("cp1252"), "cp1252", 0, warnings
    except UnicodeDecodeError:
        warnings.append("read as Latin-1: the file is neither UTF-8 nor Windows-1252")
        return data.decode("latin-1"), "latin-1", 0, warnings


def read_piece(file: RisFile, index: int, first_line: int = 1, first_position: int = 1) -> PieceRead:
    """Piece ``index`` of ``file``, read, decoded and parsed."""
    with open(file.path, "rb") as handle:
        start = find_cut(handle, file.nominal_start(index), file.size)
        end = find_cut(handle, file.nominal_start(index + 1), file.size)
        if start >= end:
            return PieceRead([], PieceInfo())
        handle.seek(start)
        data = handle.read(end - start)
    if start == 0 and file.bom:
        data = data[len(codecs.BOM_UTF8):]
    text, encoding, replaced, warnings = _decode(data, file.bom, file.legacy)
    if encoding in ("utf-8", "utf-8-sig", "cp1252"):  # as decoding.decode_bytes decides, for a piece
        dirty = len(data.translate(None, _STRIPPED_BYTES)) != len(data) or (
            encoding != "cp1252" and has_utf8_c1(data))
    else:
        dirty = _CONTROL_TEXT.search(text) is not None
    del data
    if "\ufeff" in text:  # BOMs left inside (e.g. concatenated exports)
        text = text.replace("\ufeff", "")
    records, info = parse_piece(text, dirty, first_line, first_position)
    records = screenable(records, info.skipped, dirty)  # as every reader: see readers.clean
    info.records = len(records)
    return PieceRead(records, info, encoding, replaced, warnings)


class RisFileReading:
    """The pieces of one file, added in order: its encoding and, at the end, its ReadResult."""

    def __init__(self, file: RisFile) -> None:
        self.file = file
        self.summary = RisSummary()
        self.encoding = "utf-8-sig" if file.bom else "utf-8"
        self.replaced = 0
        self.decoding_warnings: list[str] = []

    def add(self, piece: PieceRead, shift: bool = False) -> PieceInfo:
        """Add the next piece; with ``shift``, it was parsed alone and is renumbered to
        follow the pieces before it. Returns its info as numbered in the file."""
        info = piece.info.shifted(self.summary.lines, self.summary.positions) if shift else piece.info
        self.summary.add(info)
        if piece.encoding not in ("utf-8", "utf-8-sig") and self.encoding in ("utf-8", "utf-8-sig"):
            self.encoding = piece.encoding
        self.replaced += piece.replaced
        self.decoding_warnings += [w for w in piece.warnings if w not in self.decoding_warnings]
        return info

    def result(self) -> ReadResult:
        warnings = []
        if self.replaced:
            name = "utf-8-sig" if self.file.bom else "UTF-8"
            count = "" if self.file.bom else f"{self.replaced} "
            warnings.append(f"{count}invalid {name} byte sequence(s) replaced by '\ufffd'")
        warnings += self.decoding_warnings + self.summary.warnings()
        return ReadResult(self.file.path, "ris", self.encoding, [], self.summary.skipped(), warnings)
