"""Read a RIS text: pieces of decoded text → ScreenerRisParser (rispy) → ParsedRecords.

Broken input, and what happens to it:

* a record whose ``ER`` is missing ends where the next ``TY`` starts (or at the end of
  the file) and is imported; one warning lists those records' lines;
* a block of tag lines ending in ``ER`` without any ``TY`` is listed in ``skipped``;
* a record holding binary data (NUL characters) is listed in ``skipped``; other control
  characters are stripped from the records afterwards (``readers.clean``), as in every reader;
* a line longer than ``MAX_LINE_CHARS`` is cut to that length, with a warning;
* a value longer than ``MAX_FIELD_CHARS`` over its continuation lines is cut to that
  length, with a warning;
* tag lines outside any record (not straight after an ``ER``) are ignored, with a warning;
* a file without a single ``TY`` line raises ImportFormatError.

A text is parsed a piece at a time (``parse_piece``), each piece starting where a record
starts. A piece can be parsed on its own, numbering its lines and records from 1; its
``PieceInfo`` then says how many lines and positions it used, so that whoever puts the
pieces together in order can number them in the file (``PieceInfo.shifted``).
"""

from __future__ import annotations

from collections.abc import Generator, Iterator
from dataclasses import dataclass, field, replace

from screener.core.gc_pause import gc_paused
from screener.core.readers.decoding import DecodedText
from screener.core.readers.ris_fields import to_parsed_record
from screener.core.readers.ris_parser import MAX_FIELD_CHARS, RawRecord, ScreenerRisParser
from screener.types import ParsedRecord, SkippedRecord

MAX_LINE_CHARS = 200_000
_SHOWN_LINES = 10
PIECE_CHARS = 4_000_000  # about 2,000 records


@dataclass
class PieceInfo:
    """What a piece held besides its records: how many lines and record positions it
    used, and what a warning or the list of skipped records must say about it."""

    lines: int = 0
    positions: int = 0
    records: int = 0
    skipped: list[SkippedRecord] = field(default_factory=list)
    unclosed: list[int] = field(default_factory=list)  # lines of records without ER
    ignored: list[int] = field(default_factory=list)  # first lines of tag blocks outside records
    long_lines: list[tuple[int, int]] = field(default_factory=list)  # (line, length) cut
    capped: list[tuple[int, str, int]] = field(default_factory=list)  # (record's line, tag, length)

    def shifted(self, lines: int, positions: int) -> PieceInfo:
        """The same, for a piece parsed alone that comes after ``lines`` lines and
        ``positions`` record positions of its file."""
        if not lines and not positions:
            return self
        return replace(
            self,
            skipped=[SkippedRecord(s.position + positions, s.line + lines, s.reason) for s in self.skipped],
            unclosed=[line + lines for line in self.unclosed],
            ignored=[line + lines for line in self.ignored],
            long_lines=[(line + lines, n) for line, n in self.long_lines],
            capped=[(line + lines, tag, n) for line, tag, n in self.capped],
        )


@dataclass
class RisSummary:
    """The pieces of one file, added in order: the file's counts, skipped records and warnings."""

    lines: int = 0
    positions: int = 0
    records: int = 0
    pieces: list[PieceInfo] = field(default_factory=list)

    def add(self, info: PieceInfo) -> None:
        """Add the next piece's info, already numbered in the file."""
        self.lines += info.lines
        self.positions += info.positions
        self.records += info.records
        self.pieces.append(info)

    def skipped(self) -> list[SkippedRecord]:
        return sorted((s for p in self.pieces for s in p.skipped), key=lambda s: s.position)

    def warnings(self) -> list[str]:
        out = [
            f"line {line} is {n:,} characters long; only its first {MAX_LINE_CHARS:,} were read"
            for p in self.pieces for line, n in p.long_lines
        ]
        unclosed = [line for p in self.pieces for line in p.unclosed]
        if unclosed:
            out.append(
                f"{len(unclosed)} record(s) have no ER line; each was ended where the next TY "
                f"starts or at the end of the file (records starting at line {_line_list(unclosed)})"
            )
        out += [
            f"the record at line {line}: its {tag} field is {n:,} characters long; only its "
            f"first {MAX_FIELD_CHARS:,} were read"
            for p in self.pieces for line, tag, n in p.capped
        ]
        ignored = [line for p in self.pieces for line in p.ignored]
        if ignored:
            out.append(f"tag lines outside any record were ignored (at line {_line_list(ignored)})")
        return out


def _cut_long_lines(lines: list[str], first_line: int) -> list[tuple[int, int]]:
    if max(map(len, lines), default=0) <= MAX_LINE_CHARS:
        return []
    cut = []
    for index, line in enumerate(lines):
        if len(line) > MAX_LINE_CHARS:
            lines[index] = line[:MAX_LINE_CHARS]
            cut.append((first_line + index, len(line)))
    return cut


def _line_list(lines: list[int]) -> str:
    shown = ", ".join(str(n) for n in lines[:_SHOWN_LINES])
    return shown + (f" and {len(lines) - _SHOWN_LINES} more" if len(lines) > _SHOWN_LINES else "")


def _has_control_chars(raw: RawRecord) -> bool:
    return any("\x00" in value for _, value in raw.pairs)


def parse_piece(
    text: str, has_control_chars: bool, first_line: int = 1, first_position: int = 1
) -> tuple[list[ParsedRecord], PieceInfo]:
    """The records of a piece of RIS text that starts where a record (or the file) starts
    and ends where the file ends or just before a TY line; lines and positions are
    numbered from ``first_line`` and ``first_position``."""
    with gc_paused():  # many small objects, no cycles
        if has_control_chars or "\u2028" in text or "\u2029" in text:
            lines = DecodedText(text, "").lines()
        else:  # what lines() gives: the other breaks it looks for are control characters
            lines = text.splitlines()
        info = PieceInfo(lines=len(lines), long_lines=_cut_long_lines(lines, first_line))
        parser = ScreenerRisParser(first_position)
        parser.read(lines, first_line)
        del lines  # only the parser's values are needed now
        records: list[ParsedRecord] = []
        for raw in parser.records:
            if not raw.closed:
                info.unclosed.append(raw.line)
            if has_control_chars and _has_control_chars(raw):
                info.skipped.append(SkippedRecord(raw.position, raw.line, "record holds binary data (NUL characters)"))
                continue
            records.append(to_parsed_record(raw))
    info.skipped += [SkippedRecord(pos, line, "record has no TY line") for pos, line in parser.orphans]
    info.positions = parser.positions - (first_position - 1)
    info.records = len(records)
    info.ignored = parser.ignored_lines
    info.capped = parser.capped
    return records, info


def piece_ends(text: str, size: int) -> Iterator[int]:
    """Offsets at which to cut ``text`` into pieces of about ``size`` characters, each cut
    at the start of a "TY  - " line. The parser reads a piece that starts there as it
    reads the whole text: a TY line starts a record wherever it is (the record before,
    if it had no ER, is ended there), and no state passes from one record to the next
    past a TY line. The last offset is the end of the text."""
    start = 0
    while start + size < len(text):
        cut = text.find("\nTY  - ", start + size - 1)
        if cut == -1:
            break
        yield cut + 1
        start = cut + 1
    yield len(text)


def iter_ris_records(
    decoded: DecodedText, piece_chars: int = PIECE_CHARS
) -> Generator[list[ParsedRecord], None, tuple[list[SkippedRecord], list[str], int]]:
    """The records of a decoded RIS text, a piece of about ``piece_chars`` characters at a
    time, so that a large text is never held as lines and records all at once; returns
    the skipped records, the warnings and how many records were read. The same as parsing
    the whole text in one go."""
    text = decoded.text
    decoded.text = ""  # the pieces are cut from ``text``; let it go with the last one
    summary = RisSummary()
    start = 0
    for end in piece_ends(text, piece_chars):
        piece = text[start:end]
        if end == len(text):
            text = ""
        start = end
        records, info = parse_piece(piece, decoded.has_control_chars, summary.lines + 1, summary.positions + 1)
        del piece
        summary.add(info)
        yield records
    return summary.skipped(), summary.warnings(), summary.records
