"""Read a PubMed MEDLINE export (.nbib, or .txt from PubMed's "Save → PubMed format").

Layout: tags of up to four letters padded to four columns, then "- " (``PMID- 123``,
``TI  - …``, ``FAU - …``); continuation lines are indented six spaces and are joined with a
space (MEDLINE wraps long values at a fixed width); a blank line ends a record. A record
starts at ``PMID-`` or at the first tag line after a blank line.

Fields: PMID; TI (BTI for books); AB; FAU (full names) or AU; DP year (then DEP); JT
journal (else TA); VI, IP, PG; the DOI from LID/AID values ending in "[doi]"; keywords OT
then MH. A record with NUL characters (binary data) or without PMID and title is
listed in ``skipped``.
"""

from __future__ import annotations

import re

from screener.core.readers.decoding import DecodedText
from screener.core.readers.identifiers import doi_from_text, parse_year, pmid_from_digits
from screener.core.readers.ris import MAX_LINE_CHARS
from screener.types import ImportFormatError, ParsedRecord, ReadResult, SkippedRecord

_TAG_LINE = re.compile(r"([A-Z][A-Z0-9]{1,3}) {0,3}- (.*)")
CONTINUATION = "      "


def _values(pairs: list[tuple[str, str]], tag: str) -> list[str]:
    return [value for t, value in pairs if t == tag and value]


def _first(pairs: list[tuple[str, str]], *tags: str) -> str:
    for tag in tags:
        for t, value in pairs:
            if t == tag and value:
                return value
    return ""


def _doi(pairs: list[tuple[str, str]]) -> str:
    for tag in ("LID", "AID"):
        for value in _values(pairs, tag):
            if value.endswith("[doi]"):
                doi = doi_from_text(value[: -len("[doi]")])
                if doi:
                    return doi
    return ""


def _unique(items: list[str]) -> list[str]:
    return list(dict.fromkeys(item for item in items if item))


def _to_record(position: int, line: int, pairs: list[tuple[str, str]]) -> ParsedRecord:
    full_names = _values(pairs, "FAU")
    short_names = _values(pairs, "AU")
    title = _first(pairs, "TI") or _first(pairs, "BTI", "VTI")
    if _first(pairs, "BTI"):
        kind = "CHAP" if _first(pairs, "TI") else "BOOK"
    else:
        kind = "JOUR"
    year = None
    for value in _values(pairs, "DP") + _values(pairs, "DEP"):
        year = parse_year(value)
        if year is not None:
            break
    return ParsedRecord(
        position=position,
        line=line,
        type=kind,
        title=title,
        authors=full_names if len(full_names) >= len(short_names) else short_names,
        year=year,
        journal=_first(pairs, "JT", "TA"),
        volume=_first(pairs, "VI"),
        issue=_first(pairs, "IP"),
        pages=_first(pairs, "PG"),
        doi=_doi(pairs),
        pmid=pmid_from_digits(_first(pairs, "PMID")),
        abstract=_first(pairs, "AB"),
        keywords=_unique(_values(pairs, "OT") + _values(pairs, "MH")),
        raw=pairs,
    )


def _blocks(lines: list[str]) -> list[tuple[int, list[tuple[str, str]]]]:
    """(first line, pairs) of each record."""
    blocks: list[tuple[int, list[tuple[str, str]]]] = []
    pairs: list[tuple[str, str]] | None = None
    for number, text in enumerate(lines, 1):
        if not text.strip():
            pairs = None
            continue
        if text.startswith(CONTINUATION):
            if pairs:
                tag, value = pairs[-1]
                pairs[-1] = (tag, f"{value} {text.strip()}" if value else text.strip())
            continue
        match = _TAG_LINE.match(text)
        if match is None:
            continue  # a line outside the MEDLINE layout
        tag, value = match.group(1), match.group(2).strip()
        if pairs is None or tag == "PMID":
            pairs = []
            blocks.append((number, pairs))
        pairs.append((tag, value))
    return blocks


def read_nbib(path: str, decoded: DecodedText) -> ReadResult:
    lines = decoded.take_lines()
    warnings = list(decoded.warnings)
    for index, text in enumerate(lines):
        if len(text) > MAX_LINE_CHARS:
            lines[index] = text[:MAX_LINE_CHARS]
            warnings.append(f"line {index + 1} is {len(text):,} characters long; only its first {MAX_LINE_CHARS:,} were read")
    records: list[ParsedRecord] = []
    skipped: list[SkippedRecord] = []
    for position, (line, pairs) in enumerate(_blocks(lines), 1):
        if any("\x00" in value for _, value in pairs):
            skipped.append(SkippedRecord(position, line, "record holds binary data (NUL characters)"))
            continue
        record = _to_record(position, line, pairs)
        if not record.pmid and not record.title:
            skipped.append(SkippedRecord(position, line, "record has neither a PMID nor a title"))
            continue
        records.append(record)
    if not records and not skipped:
        raise ImportFormatError(path, "no PubMed records found: no line starts with 'PMID- '")
    return ReadResult(path, "nbib", decoded.encoding, records, skipped, warnings)
