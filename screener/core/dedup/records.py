"""What deduplication reads of a record: :class:`DedupRecord` from a parsed record or from
a stored one's original tags."""

from __future__ import annotations

from collections.abc import Iterable

from screener.types import DedupRecord, ParsedRecord

# Tags in which databases say what kind of item a record is: RIS M3 (Scopus, Embase,
# reference managers), PubMed's PT and Web of Science's DT.
# MEDLINE (nbib) links a notice to its article: the link's presence says what it is.
LINK_TAGS = {
    "EFR": "Published Erratum",  # erratum for
    "ROF": "Retraction of Publication",  # retraction of
    "ECF": "Expression of Concern",  # expression of concern for
}
TYPE_TAGS = frozenset({"M3", "PT", "DT", *LINK_TAGS})
MAX_TYPE_CHARS = 200


def publication_type(pairs: Iterable[tuple[str, str]]) -> str:
    """The record's document or publication types, joined by "; " (DOIs that some
    databases put in M3 are left out)."""
    found: list[str] = []
    for tag, value in pairs:
        if tag in LINK_TAGS:
            value = LINK_TAGS[tag]
        if tag in TYPE_TAGS and value and "10." not in value:
            text = value.strip()[:MAX_TYPE_CHARS]
            if text and text not in found:
                found.append(text)
    return "; ".join(found)


def from_parsed(record: ParsedRecord, record_id: int) -> DedupRecord:
    """The DedupRecord of a record as a reader gave it."""
    return DedupRecord(
        id=record_id,
        title=record.title,
        authors=list(record.authors),
        year=record.year,
        journal=record.journal,
        volume=record.volume,
        issue=record.issue,
        pages=record.pages,
        doi=record.doi,
        pmid=record.pmid,
        type=record.type,
        abstract=record.abstract,
        urls=list(record.urls),
        notes=record.notes,
        publication_type=publication_type(record.raw),
    )
