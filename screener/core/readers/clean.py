"""What every reader does to a record before it leaves: its text loses control characters,
and a record with nothing to screen is skipped, with its line.

Control characters (``screener.text``): C0 but tab and line feed, DEL and C1. A title
holding ``ESC[2J`` would otherwise clear the terminal of whoever lists the records, and ride
along into every export. Carriage returns become line feeds; the rest are removed. (A
record holding NUL bytes is binary damage: the readers skip it before it gets here.)
"""

from __future__ import annotations

from screener.text import has_controls, strip_controls
from screener.types import ParsedRecord, SkippedRecord

NO_CONTENT = "record has no title, abstract, author or identifier"
_TEXT_FIELDS = ("type", "title", "journal", "volume", "issue", "pages", "doi", "pmid", "abstract", "notes")


def clean_record(record: ParsedRecord) -> None:
    """Strip control characters from every text of ``record``, ``raw`` included."""
    # Every field is read from ``raw``: one search over all of it finds a clean record (most
    # of them, in a file with a stray control character somewhere) at once.
    if record.raw and not has_controls("\n".join(f"{tag}\n{value}" for tag, value in record.raw)):
        return
    for name in _TEXT_FIELDS:
        value = getattr(record, name)
        if has_controls(value):
            value = strip_controls(value)
            setattr(record, name, " ".join(value.split()) if name == "title" else value.strip())
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
