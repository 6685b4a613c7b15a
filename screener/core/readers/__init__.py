"""File readers: RIS (via rispy), PubMed MEDLINE/nbib and CSV.

Public API::

    read_file(path, fmt="auto") -> ReadResult      # fmt: auto | ris | nbib | csv
    detect_format(path) -> "ris" | "nbib" | "csv"

Both raise ImportFormatError for a file that is not a bibliography at all (empty, PDF,
binary, HTML, Web of Science plain text, RIS without records, …) or, when a format is
forced, for a file in which that format finds no record (saying what the file looks like).
A forced format always wins over what the file looks like. A file in which only some records
are broken is read: the good ones are in ``ReadResult.records``, the others in
``ReadResult.skipped`` (with their line numbers and the reason).
"""

from __future__ import annotations

import os
from collections.abc import Generator

from screener.core.gc_pause import gc_paused
from screener.core.readers.clean import screenable
from screener.core.readers.csv_reader import read_csv
from screener.core.readers.decoding import DecodedText, read_text
from screener.core.readers.detect import DESCRIPTIONS, READABLE, require, sniff
from screener.core.readers.nbib import read_nbib
from screener.core.readers.ris import iter_ris_records
from screener.core.readers.ris_bytes import RisFile, RisFileReading, open_ris, read_piece
from screener.types import ImportFormatError, ParsedRecord, ReadResult, SkippedRecord

__all__ = ["FORMATS", "detect_format", "read_file"]

FORMATS = ("auto", *READABLE)
_ALIASES = {"medline": "nbib", "pubmed": "nbib", "tsv": "csv", "txt": "auto"}
_WHOLE_FILE_READERS = {"nbib": read_nbib, "csv": read_csv}


def detect_format(path: str | os.PathLike[str]) -> str:
    """'ris', 'nbib' or 'csv'; ImportFormatError naming the file and what it looks like."""
    name = os.fspath(path)
    decoded = read_text(name)
    return require(name, sniff(decoded.text, name))


def _choose_format(name: str, decoded: DecodedText, fmt: str) -> tuple[str, str]:
    """The format to read the file as (a forced one always wins) and what the file looks
    like, for the message when the forced format finds nothing."""
    kind = sniff(decoded.text, name)
    if fmt == "auto":
        return require(name, kind), kind
    return fmt, kind


def _nothing_read(name: str, fmt: str, kind: str, error: ImportFormatError | None) -> ImportFormatError:
    """The forced format ``fmt`` read no record: say so, and what the file looks like."""
    reason = error.detail if error is not None else f"no {fmt.upper()} record could be read"
    hint = DESCRIPTIONS.get(kind, "") if kind not in (fmt, "unknown") else ""
    return ImportFormatError(name, f"{reason}; {hint}" if hint else reason, error.line if error else None)


def read_file(path: str | os.PathLike[str], fmt: str = "auto") -> ReadResult:
    """Read every record of a RIS, PubMed MEDLINE (nbib) or CSV file."""
    stream = iter_file(path, fmt)
    records: list[ParsedRecord] = []
    while True:
        try:
            records += next(stream)
        except StopIteration as done:
            result: ReadResult = done.value
            result.records = records
            return result


def iter_file(
    path: str | os.PathLike[str], fmt: str = "auto"
) -> Generator[list[ParsedRecord], None, ReadResult]:
    """The records of a file, a list at a time (RIS is read a piece at a time; the other
    formats at once), then a ReadResult with ``records`` empty and the rest filled in."""
    fmt = _ALIASES.get(fmt.lower(), fmt.lower())
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}; expected one of {', '.join(FORMATS)}")
    name = os.fspath(path)
    try:
        ris = open_ris(name, fmt)  # a large RIS export: read from its bytes a piece at a time
    except OSError as err:
        raise ImportFormatError(name, f"cannot read the file: {err.strerror or err}") from err
    if ris is not None:
        return (yield from _iter_ris_pieces(ris, fmt))
    decoded = read_text(name)
    chosen, looks_like = _choose_format(name, decoded, fmt)
    dirty = decoded.has_control_chars
    dropped: list[SkippedRecord] = []  # records with nothing to screen
    kept = 0
    try:
        if chosen == "ris":
            encoding, decoding_warnings = decoded.encoding, decoded.warnings
            pieces = iter_ris_records(decoded)
            try:
                while True:
                    try:
                        records = screenable(next(pieces), dropped, dirty)
                    except StopIteration as done:
                        skipped, warnings, count = done.value
                        break
                    kept += len(records)
                    yield records
            finally:
                pieces.close()
            if not count and not skipped:
                raise ImportFormatError(name, "no RIS records found: no line starts with 'TY  - '")
            result = ReadResult(name, "ris", encoding, [], skipped, decoding_warnings + warnings)
        else:
            with gc_paused():
                result = _WHOLE_FILE_READERS[chosen](name, decoded)
            records, result.records = screenable(result.records, dropped, dirty), []
            kept = len(records)
            yield records
    except ImportFormatError as error:
        if fmt != "auto" and error.path == name:
            raise _nothing_read(name, chosen, looks_like, error) from None
        raise
    if fmt != "auto" and not kept and looks_like != chosen:
        raise _nothing_read(name, chosen, looks_like, None)
    if fmt != "auto" and looks_like in READABLE and looks_like != chosen:
        result.warnings.append(f"read as {chosen.upper()} as asked, but {DESCRIPTIONS[looks_like]}")
    if dropped:
        result.skipped = sorted(result.skipped + dropped, key=lambda s: s.position)
    return result


def _iter_ris_pieces(ris: RisFile, fmt: str) -> Generator[list[ParsedRecord], None, ReadResult]:
    reading = RisFileReading(ris)
    try:
        for index in range(ris.pieces):
            summary = reading.summary
            piece = read_piece(ris, index, summary.lines + 1, summary.positions + 1)
            reading.add(piece)
            records, piece.records = piece.records, []
            yield records
            del records  # not held while the next piece is read
        if not reading.summary.records and not reading.summary.skipped():
            raise ImportFormatError(ris.path, "no RIS records found: no line starts with 'TY  - '")
    except ImportFormatError as error:
        if fmt != "auto" and error.path == ris.path:
            raise _nothing_read(ris.path, "ris", "ris", error) from None
        raise
    return reading.result()
