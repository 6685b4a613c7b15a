"""Read a RIS file: decoded text → ScreenerRisParser (rispy) → ParsedRecords.

Broken input, and what happens to it:

* a record whose ``ER`` is missing ends where the next ``TY`` starts (or at the end of
  the file) and is imported; one warning lists those records' lines;
* a block of tag lines ending in ``ER`` without any ``TY`` is listed in ``skipped``;
* a record holding binary data (NUL characters) is listed in ``skipped``; other control
  characters are stripped from the records afterwards (``readers.clean``), as in every reader;
* a line longer than ``MAX_LINE_CHARS`` is cut to that length, with a warning;
* tag lines outside any record (not straight after an ``ER``) are ignored, with a warning;
* a file without a single ``TY`` line raises ImportFormatError.
"""

from __future__ import annotations

from collections.abc import Generator, Iterator

from screener.core.readers.decoding import DecodedText
from screener.core.readers.gc_pause import gc_paused
from screener.core.readers.ris_fields import to_parsed_record
from screener.core.readers.ris_parser import RawRecord, ScreenerRisParser
from screener.types import ParsedRecord, SkippedRecord

MAX_LINE_CHARS = 200_000
_SHOWN_LINES = 10
PIECE_CHARS = 4_000_000  # about 2,000 records


def _cut_long_lines(lines: list[str], warnings: list[str], first_line: int = 1) -> None:
    if max(map(len, lines), default=0) <= MAX_LINE_CHARS:
        return
    for index, line in enumerate(lines):
        if len(line) > MAX_LINE_CHARS:
            lines[index] = line[:MAX_LINE_CHARS]
            warnings.append(
                f"line {first_line + index} is {len(line):,} characters long; only its first "
                f"{MAX_LINE_CHARS:,} were read"
            )


def _line_list(lines: list[int]) -> str:
    shown = ", ".join(str(n) for n in lines[:_SHOWN_LINES])
    return shown + (f" and {len(lines) - _SHOWN_LINES} more" if len(lines) > _SHOWN_LINES else "")


def _has_control_chars(raw: RawRecord) -> bool:
    return any("\x00" in value for _, value in raw.pairs)


def _line_before(text: str, end: int) -> str:
    """The last non-blank line ending at offset ``end`` (the offset of a line break)."""
    while end > 0:
        start = text.rfind("\n", 0, end) + 1
        line = text[start:end]
        if line.strip():
            return line
        end = start - 1
    return ""


def piece_ends(text: str, size: int) -> Iterator[int]:
    """Offsets at which to cut ``text`` into pieces of about ``size`` characters, each cut
    just before a "TY  - " line whose previous non-blank line is an "ER  -" line (where
    a record certainly ends and the next starts). The last offset is the end of the text."""
    start = 0
    while start + size < len(text):
        cut = text.find("\nTY  - ", start + size)
        while cut != -1 and not _line_before(text, cut).startswith("ER  -"):
            cut = text.find("\nTY  - ", cut + 1)
        if cut == -1:
            break
        yield cut + 1
        start = cut + 1
    yield len(text)


def iter_ris_records(
    decoded: DecodedText, piece_chars: int = PIECE_CHARS
) -> Generator[list[ParsedRecord], None, tuple[list[SkippedRecord], list[str], int]]:
    """The records of a RIS text, a piece of about ``piece_chars`` characters at a time,
    so that a large file is never held as lines and records all at once; returns the
    skipped records, the warnings and how many records were read. The same as parsing the whole text in one go."""
    text = decoded.text
    decoded.text = ""  # the pieces are cut from ``text``; let it go with the last one
    warnings: list[str] = []
    skipped: list[SkippedRecord] = []
    unclosed: list[int] = []
    count = 0
    parser = ScreenerRisParser()
    first_line = 1
    start = 0
    for end in piece_ends(text, piece_chars):
        last = end == len(text)
        lines = DecodedText(text[start:end], decoded.encoding).lines()
        if last:
            text = ""
        with gc_paused():  # many small objects, no cycles
            _cut_long_lines(lines, warnings, first_line)
            parser.read(lines, first_line)
            first_line += len(lines)
            start = end
            del lines  # only the parser's values are needed now
            records: list[ParsedRecord] = []
            for raw in parser.records:
                if not raw.closed:
                    unclosed.append(raw.line)
                if decoded.has_control_chars and _has_control_chars(raw):
                    skipped.append(SkippedRecord(raw.position, raw.line, "record holds binary data (NUL characters)"))
                    continue
                records.append(to_parsed_record(raw))
            parser.records = []
        count += len(records)
        yield records
    skipped += [SkippedRecord(pos, line, "record has no TY line") for pos, line in parser.orphans]
    if unclosed:
        warnings.append(
            f"{len(unclosed)} record(s) have no ER line; each was ended where the next TY "
            f"starts or at the end of the file (records starting at line {_line_list(unclosed)})"
        )
    if parser.ignored_lines:
        warnings.append(
            f"tag lines outside any record were ignored (at line {_line_list(parser.ignored_lines)})"
        )
    skipped.sort(key=lambda s: s.position)
    return skipped, warnings, count
