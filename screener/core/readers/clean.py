"""What every reader does to a record before it leaves: its text loses control characters,
and a record with nothing to screen is skipped, with its line.

Control characters: C0 (``\\x00``–``\\x1f``) but tab and line feed, DEL and C1
(``\\x7f``–``\\x9f``). A title holding ``ESC[2J`` would otherwise clear the terminal of
whoever lists the records, and ride along into every export. Carriage returns become line
feeds; the rest are removed. (A record holding NUL bytes is binary damage: the readers
skip it before it gets here.)
"""

from __future__ import annotations

import re

from screener.types import ParsedRecord, SkippedRecord

CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_CONTROL_OR_CR = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\r]")
NO_CONTENT = "record has no title, abstract, author or identifier"
_TEXT_FIELDS = ("type", "title", "journal", "volume", "issue", "pages", "doi", "pmid", "abstract", "notes")


def strip_controls(text: str) -> str:
    """``text`` without control characters other than tab and line feed (CR → LF)."""
    if _CONTROL_OR_CR.search(text) is None:
        return text
    return CONTROL.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))


def has_controls(text: str) -> bool:
    return _CONTROL_OR_CR.search(text) is not None


def clean_record(record: ParsedRecord) -> None:
    """Strip control characters from every text of ``record``, ``raw`` included."""
    for name in _TEXT_FIELDS:
        value = getattr(record, name)
        if has_controls(value):
            setattr(record, name, " ".join(strip_controls(value).split()) if name == "title" else strip_controls(value).strip())
    for name in ("authors", "keywords", "urls"):
        items = getattr(record, name)
        if any(map(has_controls, items)):
            setattr(record, name, [kept for kept in (strip_controls(i).strip() for i in items) if kept])
    if any(has_controls(tag) or has_controls(value) for tag, value in record.raw):
        record.raw = [(strip_controls(tag), strip_controls(value)) for tag, value in record.raw]


def has_content(record: ParsedRecord) -> bool:
    """Whether there is anything to screen or to find the record by."""
    return bool(record.title or record.abstract or record.authors or record.doi or record.pmid)


def screenable(records: list[ParsedRecord], skipped: list[SkippedRecord], dirty: bool) -> list[ParsedRecord]:
    """The records worth importing, cleaned when the text may hold control characters
    (``dirty``); the others are added to ``skipped``."""
    kept: list[ParsedRecord] = []
    for record in records:
        if dirty:
            clean_record(record)
        if has_content(record):
            kept.append(record)
        else:
            skipped.append(SkippedRecord(record.position, record.line, NO_CONTENT))
    return kept
