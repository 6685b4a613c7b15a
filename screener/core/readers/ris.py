"""Read a RIS file: decoded text → ScreenerRisParser (rispy) → ParsedRecords.

Broken input, and what happens to it:

* a record whose ``ER`` is missing ends where the next ``TY`` starts (or at the end of
  the file) and is imported; one warning lists those records' lines;
* a block of tag lines ending in ``ER`` without any ``TY`` is listed in ``skipped``;
* a record holding binary data (C0 control characters such as NUL) is listed in ``skipped``;
* a line longer than ``MAX_LINE_CHARS`` is cut to that length, with a warning;
* tag lines outside any record (not straight after an ``ER``) are ignored, with a warning;
* a file without a single ``TY`` line raises ImportFormatError.
"""

from __future__ import annotations

import re

from screener.core.readers.decoding import DecodedText
from screener.core.readers.ris_fields import to_parsed_record
from screener.core.readers.ris_parser import RawRecord, ScreenerRisParser
from screener.core.types import ImportFormatError, ParsedRecord, ReadResult, SkippedRecord

MAX_LINE_CHARS = 200_000
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f]")
_SHOWN_LINES = 10


def _cut_long_lines(lines: list[str], warnings: list[str]) -> None:
    if max(map(len, lines), default=0) <= MAX_LINE_CHARS:
        return
    for index, line in enumerate(lines):
        if len(line) > MAX_LINE_CHARS:
            lines[index] = line[:MAX_LINE_CHARS]
            warnings.append(
                f"line {index + 1} is {len(line):,} characters long; only its first "
                f"{MAX_LINE_CHARS:,} were read"
            )


def _line_list(lines: list[int]) -> str:
    shown = ", ".join(str(n) for n in lines[:_SHOWN_LINES])
    return shown + (f" and {len(lines) - _SHOWN_LINES} more" if len(lines) > _SHOWN_LINES else "")


def _has_control_chars(raw: RawRecord) -> bool:
    return any(_CONTROL.search(value) for _, value in raw.pairs)


def parse_ris_lines(lines: list[str], check_binary: bool = True) -> tuple[
    list[ParsedRecord], list[SkippedRecord], list[str]
]:
    """Parse RIS lines (already decoded, "\\n"-split) into records, skipped ones and warnings."""
    warnings: list[str] = []
    _cut_long_lines(lines, warnings)
    parser = ScreenerRisParser()
    parser.read(lines)
    del lines  # only the parser's values are needed now
    records: list[ParsedRecord] = []
    skipped = [SkippedRecord(pos, line, "record has no TY line") for pos, line in parser.orphans]
    for raw in parser.records:
        if check_binary and _has_control_chars(raw):
            skipped.append(SkippedRecord(raw.position, raw.line, "record holds binary data (control characters)"))
            continue
        records.append(to_parsed_record(raw))
    unclosed = [raw.line for raw in parser.records if not raw.closed]
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
    return records, skipped, warnings


def read_ris(path: str, decoded: DecodedText) -> ReadResult:
    records, skipped, warnings = parse_ris_lines(decoded.take_lines(), check_binary=decoded.has_control_chars)
    if not records and not skipped:
        raise ImportFormatError(path, "no RIS records found: no line starts with 'TY  - '")
    return ReadResult(
        path=path,
        format="ris",
        encoding=decoded.encoding,
        records=records,
        skipped=skipped,
        warnings=decoded.warnings + warnings,
    )
