"""Read a CSV/TSV export: Scopus, Web of Science (full names or 2-letter tags), Zotero,
ASReview-style screening sets (``title``, ``abstract``, ``authors``, ``pubmedID`` …).

Headers are matched case- and punctuation-insensitively ("Source title" = "source_title").
The delimiter is the commonest of tab, comma and semicolon in the header line. Every
column is kept in ``raw`` as (column name, value), empty ones too.

A row becomes a skipped record when the csv module cannot read it (a field over the
size limit), when it has a different number of fields than the header (extra empty
fields are tolerated), or when it has no title, abstract, author or identifier. Blank
rows are not records at all.
"""

from __future__ import annotations

import csv
import io
import re

from screener.core.readers.decoding import DecodedText
from screener.core.readers.identifiers import (
    doi_from_text,
    join_pages,
    parse_year,
    pmid_from_digits,
)
from screener.types import ImportFormatError, ParsedRecord, ReadResult, SkippedRecord

# Field → accepted header names, normalised by ``header_key``; the first present wins.
COLUMNS: dict[str, tuple[str, ...]] = {
    "title": ("title", "articletitle", "documenttitle", "primarytitle", "ti"),
    "abstract": ("abstract", "abstractnote", "ab"),
    "authors": ("authors", "author", "au", "authorfullnames", "af"),
    "year": ("year", "publicationyear", "pubyear", "py", "date", "publicationdate", "dp"),
    "journal": (
        "journal", "sourcetitle", "publicationtitle", "journaltitle", "secondarytitle",
        "journalname", "source", "so", "jt", "ta",
    ),
    "volume": ("volume", "vl", "vi"),
    "issue": ("issue", "number", "is", "ip"),
    "pages": ("pages", "pagerange"),
    "start_page": ("pagestart", "startpage", "beginningpage", "bp"),
    "end_page": ("pageend", "endpage", "endingpage", "ep"),
    "doi": ("doi", "di"),
    "pmid": ("pmid", "pubmedid", "pubmed", "pm"),
    "keywords": ("keywords", "authorkeywords", "keyword", "de", "manualtags", "mh", "ot"),
    "extra_keywords": ("indexkeywords", "keywordsplus", "automatictags"),
    "url": ("url", "link", "urls"),
    "type": ("documenttype", "itemtype", "type", "publicationtype", "dt", "pt"),
    "notes": ("notes", "note", "n1"),
}
SCREENABLE = ("title", "abstract", "authors", "doi", "pmid")
_NON_ALNUM = re.compile(r"[\W_]+")
_SCOPUS_AUTHOR_LIST = re.compile(r"[^,]+ (?:[A-Z][a-z]?\.-?)+(?:, [^,]+ (?:[A-Z][a-z]?\.-?)+)+")
_NO_ABSTRACT = ("[no abstract available]", "no abstract available")
# Document types as CSV exports name them → RIS type codes.
_TYPES = {
    "article": "JOUR", "review": "JOUR", "journalarticle": "JOUR", "j": "JOUR", "letter": "JOUR",
    "editorial": "JOUR", "note": "JOUR", "erratum": "JOUR", "shortsurvey": "JOUR",
    "conferencepaper": "CONF", "proceedingspaper": "CONF", "c": "CONF", "conferencereview": "CONF",
    "bookchapter": "CHAP", "booksection": "CHAP", "book": "BOOK", "b": "BOOK", "thesis": "THES",
    "report": "RPRT", "dataset": "DATA", "preprint": "UNPB",
}


def header_key(name: str) -> str:
    return _NON_ALNUM.sub("", name.replace("\ufeff", "").casefold())


def map_columns(header: list[str]) -> dict[str, int]:
    """Field name → column index, for the fields this header has."""
    index: dict[str, int] = {}
    for i, name in enumerate(header):
        index.setdefault(header_key(name), i)
    found: dict[str, int] = {}
    for field_name, names in COLUMNS.items():
        for name in names:
            if name in index:
                found[field_name] = index[name]
                break
    return found


def sniff_delimiter(first_line: str) -> str:
    counts = {d: first_line.count(d) for d in ("\t", ",", ";")}
    return max(counts, key=lambda d: counts[d])


def looks_like_csv_header(first_line: str) -> bool:
    delimiter = sniff_delimiter(first_line)
    if first_line.count(delimiter) == 0:
        return False
    header = next(csv.reader([first_line], delimiter=delimiter), [])
    columns = map_columns(header)
    return "title" in columns or "abstract" in columns


def _split_authors(value: str) -> list[str]:
    value = " ".join(value.split())
    if not value:
        return []
    if ";" in value:
        parts = value.split(";")
    elif _SCOPUS_AUTHOR_LIST.fullmatch(value):  # older Scopus: "Smith J., Doe A.B."
        parts = value.split(", ")
    else:
        parts = [value]
    names = []
    for part in parts:
        part = part.strip()
        if part.endswith(")") and "(" in part:  # Scopus "Author full names": "Doe, Ann (5719…)"
            part = part[: part.rindex("(")].strip()
        if part:
            names.append(part)
    return names


def _split_list(value: str) -> list[str]:
    items: list[str] = []
    for item in value.split(";"):
        item = " ".join(item.split())
        if item and item not in items:
            items.append(item)
    return items


def _row_to_record(position: int, line: int, row: list[str], columns: dict[str, int], header: list[str]) -> ParsedRecord:
    def get(field_name: str) -> str:
        i = columns.get(field_name)
        return row[i].strip() if i is not None and i < len(row) else ""

    abstract = get("abstract")
    if abstract.casefold() in _NO_ABSTRACT:
        abstract = ""
    pages = " ".join(get("pages").split()) or join_pages(get("start_page"), get("end_page"))
    url = get("url")
    kind = _TYPES.get(header_key(get("type")), "")
    return ParsedRecord(
        position=position,
        line=line,
        type=kind,
        title=" ".join(get("title").split()),
        authors=_split_authors(get("authors")),
        year=parse_year(get("year")),
        journal=" ".join(get("journal").split()),
        volume=get("volume"),
        issue=get("issue"),
        pages=pages,
        doi=doi_from_text(get("doi")),
        pmid=pmid_from_digits(get("pmid")),
        abstract=abstract,
        keywords=_split_list(get("keywords") + ";" + get("extra_keywords")),
        urls=[url] if url else [],
        notes=get("notes"),
        raw=[(name, row[i] if i < len(row) else "") for i, name in enumerate(header)],
    )


def read_csv(path: str, decoded: DecodedText) -> ReadResult:
    text = decoded.text
    first_line = text.lstrip("\r\n")[:65536].splitlines()[0]
    delimiter = sniff_delimiter(first_line)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    header: list[str] = []
    while not any(cell.strip() for cell in header):
        try:
            header = next(reader)
        except StopIteration:
            raise ImportFormatError(path, "the CSV file has no header row") from None
        except csv.Error as err:
            raise ImportFormatError(path, f"the CSV header cannot be read: {err}", reader.line_num) from None
    columns = map_columns(header)
    if "title" not in columns and "abstract" not in columns:
        shown = ", ".join(repr(h) for h in header[:12])
        raise ImportFormatError(path, f"no title or abstract column in the CSV header ({shown})", reader.line_num)
    records: list[ParsedRecord] = []
    skipped: list[SkippedRecord] = []
    position = 0
    while True:
        line = reader.line_num + 1
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as err:
            position += 1
            skipped.append(SkippedRecord(position, line, f"row cannot be read: {err}"))
            continue
        if not any(cell.strip() for cell in row):
            continue
        position += 1
        if len(row) > len(header) and not any(cell.strip() for cell in row[len(header) :]):
            row = row[: len(header)]
        if len(row) != len(header):
            reason = f"row has {len(row)} fields but the header has {len(header)}"
            skipped.append(SkippedRecord(position, line, reason))
            continue
        if any("\x00" in cell for cell in row):
            skipped.append(SkippedRecord(position, line, "row holds binary data (NUL characters)"))
            continue
        record = _row_to_record(position, line, row, columns, header)
        if not any(getattr(record, name) for name in SCREENABLE):
            skipped.append(SkippedRecord(position, line, "row has no title, abstract, author or identifier"))
            continue
        records.append(record)
    if not records and not skipped:
        raise ImportFormatError(path, "the CSV file has a header but no rows")
    return ReadResult(path, "csv", decoded.encoding, records, skipped, list(decoded.warnings))
