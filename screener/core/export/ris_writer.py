"""Write records as RIS.

A record that came from a RIS file is written back from its ``raw`` pairs, losslessly:
every tag in its original order, unknown tags included, ``TY`` first and ``ER`` last, each
line as ``XX  - value``. Reading the output with ``read_file`` gives the same fields and
the same ``raw`` pairs (only line numbers change). A value that spans several lines is
written as the tag line plus untagged continuation lines, which the reader joins back; a
continuation line that would look like a tag is indented by two spaces so that no reader
takes it for one.

A record without RIS ``raw`` (from CSV or PubMed MEDLINE, or built by hand) is written
from its fields: TY (``type`` or GEN), TI, AU…, PY, T2 (journal or book), VL, IS, SP/EP,
DO, C2 (the PubMed ID, as Scopus writes it), AB, KW…, UR…, N1.

Output: UTF-8 text with CRLF line ends (the RIS specification's, which EndNote, Zotero,
Mendeley and rispy all read), a blank line after each ``ER``. Pass a text stream opened
with ``newline=""`` so that CRLF is not translated again, or use ``write_ris_file``.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from typing import Protocol, TextIO

from screener.core.readers.ris_tags import END_TAG, START_TAG, parse_irregular
from screener.text import strip_controls

NEWLINE = "\r\n"


class RecordLike(Protocol):
    """What the writer reads from a record (ParsedRecord has all of it)."""

    type: str
    title: str
    authors: list[str]
    year: int | None
    journal: str
    volume: str
    issue: str
    pages: str
    doi: str
    pmid: str
    abstract: str
    keywords: list[str]
    urls: list[str]
    notes: str
    raw: list[tuple[str, str]]


Pairs = Sequence[tuple[str, str]]


def _looks_like_tag(line: str) -> bool:
    """Would a reader take this line for a tag line? (Ours, or rispy's looser test.)"""
    return parse_irregular(line)[0] is not None or line[2:5] == "  -"


def _lines(tag: str, value: str) -> list[str]:
    value = strip_controls(value)  # whatever the project holds: nothing that drives a terminal
    parts = [part.strip() for part in value.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    parts = [parts[0]] + [part for part in parts[1:] if part]
    lines = [f"{tag}  - {parts[0]}"]
    for part in parts[1:]:
        lines.append(f"  {part}" if _looks_like_tag(part) else part)
    return lines


def _single_line(value: str) -> str:
    """For fields that must stay on one line (title, author, keyword …)."""
    if "\n" in value or "\r" in value:
        return " ".join(value.replace("\r", "\n").split("\n")).strip()
    return value.strip()


def is_ris_raw(raw: Pairs | None) -> bool:
    return bool(raw) and raw[0][0] == START_TAG  # type: ignore[index]


def pairs_from_fields(record: RecordLike) -> list[tuple[str, str]]:
    """RIS (tag, value) pairs for a record that has no RIS ``raw``."""
    pairs: list[tuple[str, str]] = [(START_TAG, record.type or "GEN")]
    if record.title:
        pairs.append(("TI", _single_line(record.title)))
    pairs += [("AU", _single_line(name)) for name in record.authors if name.strip()]
    if record.year is not None:
        pairs.append(("PY", str(record.year)))
    for tag, value in (("T2", record.journal), ("VL", record.volume), ("IS", record.issue)):
        if value:
            pairs.append((tag, _single_line(value)))
    if record.pages:
        first, _, last = record.pages.partition("-")
        pairs.append(("SP", first.strip()))
        if last.strip():
            pairs.append(("EP", last.strip()))
    if record.doi:
        pairs.append(("DO", record.doi))
    if record.pmid:
        pairs.append(("C2", record.pmid))
    if record.abstract:
        pairs.append(("AB", record.abstract))
    pairs += [("KW", _single_line(keyword)) for keyword in record.keywords if keyword.strip()]
    pairs += [("UR", url) for url in record.urls if url]
    if record.notes:
        pairs.append(("N1", record.notes))
    return pairs


def record_lines(record: RecordLike | Pairs) -> list[str]:
    """The RIS lines of one record, TY first and ER last."""
    raw: Pairs | None
    fields: RecordLike | None
    if isinstance(record, (list, tuple)):
        raw, fields = record, None
    else:
        raw, fields = getattr(record, "raw", None), record  # type: ignore[assignment]
    if raw is not None and is_ris_raw(raw):
        pairs = list(raw)
    elif fields is not None:
        pairs = pairs_from_fields(fields)
    else:
        raise ValueError("these (tag, value) pairs are not RIS: they do not start with TY")
    lines = _lines(START_TAG, pairs[0][1])
    for tag, value in pairs[1:]:
        if tag not in (START_TAG, END_TAG):
            lines += _lines(tag, value)
    lines.append(f"{END_TAG}  - ")
    return lines


def write_ris(records: Iterable[RecordLike | Pairs], fp: TextIO) -> int:
    """Write ``records`` to the text stream ``fp``; return how many were written."""
    count = 0
    for record in records:
        fp.write(NEWLINE.join(record_lines(record)))
        fp.write(NEWLINE + NEWLINE)
        count += 1
    return count


def write_ris_file(records: Iterable[RecordLike | Pairs], path: str | os.PathLike[str]) -> int:
    """Write ``records`` to a new UTF-8 file (no BOM) at ``path``."""
    with open(path, "w", encoding="utf-8", newline="") as fp:
        return write_ris(records, fp)
