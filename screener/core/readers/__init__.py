"""File readers: RIS (via rispy), PubMed MEDLINE/nbib and CSV.

Public API::

    read_file(path, fmt="auto") -> ReadResult      # fmt: auto | ris | nbib | csv
    detect_format(path) -> "ris" | "nbib" | "csv"

Both raise ImportFormatError for a file that is not a bibliography at all (empty, PDF,
binary, HTML, Web of Science plain text, RIS without records, …) or, when a format is
forced, for a file that clearly is another format. A file in which only some records
are broken is read: the good ones are in ``ReadResult.records``, the others in
``ReadResult.skipped`` (with their line numbers and the reason).
"""

from __future__ import annotations

import os
from collections.abc import Generator

from screener.core.readers.csv_reader import read_csv
from screener.core.readers.decoding import DecodedText, read_text
from screener.core.readers.detect import DESCRIPTIONS, READABLE, require, sniff
from screener.core.readers.gc_pause import gc_paused
from screener.core.readers.nbib import read_nbib
from screener.core.readers.ris import iter_ris_records
from screener.core.readers.ris_bytes import RisFile, RisFileReading, open_ris, read_piece
from screener.types import ImportFormatError, ParsedRecord, ReadResult

__all__ = ["FORMATS", "detect_format", "read_file"]

FORMATS = ("auto", *READABLE)
_ALIASES = {"medline": "nbib", "pubmed": "nbib", "tsv": "csv", "txt": "auto"}
_WHOLE_FILE_READERS = {"nbib": read_nbib, "csv": read_csv}


def detect_format(path: str | os.PathLike[str]) -> str:
    """'ris', 'nbib' or 'csv'; ImportFormatError naming the file and what it looks like."""
    name = os.fspath(path)
    decoded = read_text(name)
    return require(name, sniff(decoded.text, name))


def _choose_format(name: str, decoded: DecodedText, fmt: str) -> str:
    kind = sniff(decoded.text, name)
    if fmt == "auto":
        return require(name, kind)
    if kind != fmt and kind != "unknown":
        raise ImportFormatError(name, DESCRIPTIONS[kind])
    return fmt


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
    """The records of a file, a list at a time (a large RIS export is read from its bytes
    a piece at a time; the other formats at once), then a ReadResult with ``records``
    empty and the rest filled in."""
    fmt = _ALIASES.get(fmt.lower(), fmt.lower())
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}; expected one of {', '.join(FORMATS)}")
    name = os.fspath(path)
    try:
        ris = open_ris(name, fmt)
    except OSError as err:
        raise ImportFormatError(name, f"cannot read the file: {err.strerror or err}") from err
    if ris is not None:
        return (yield from _iter_ris_pieces(ris))
    decoded = read_text(name)
    chosen = _choose_format(name, decoded, fmt)
    if chosen == "ris":
        encoding, decoding_warnings = decoded.encoding, decoded.warnings
        skipped, warnings, count = yield from iter_ris_records(decoded)
        if not count and not skipped:
            raise ImportFormatError(name, "no RIS records found: no line starts with 'TY  - '")
        return ReadResult(name, "ris", encoding, [], skipped, decoding_warnings + warnings)
    with gc_paused():
        result = _WHOLE_FILE_READERS[chosen](name, decoded)
    records, result.records = result.records, []
    yield records
    return result


def _iter_ris_pieces(ris: RisFile) -> Generator[list[ParsedRecord], None, ReadResult]:
    reading = RisFileReading(ris)
    for index in range(ris.pieces):
        summary = reading.summary
        piece = read_piece(ris, index, summary.lines + 1, summary.positions + 1)
        reading.add(piece)
        records, piece.records = piece.records, []
        yield records
        del records  # not held while the next piece is read
    if not reading.summary.records and not reading.summary.skipped():
        raise ImportFormatError(ris.path, "no RIS records found: no line starts with 'TY  - '")
    return reading.result()
