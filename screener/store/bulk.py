"""Fast bulk insertion of imported records.

An import writes 100,000 records in one transaction; going through the ORM per row
costs several times the parse itself. Here ids are allocated up front and rows go
to the driver's ``executemany`` with JSON already serialised.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from screener.core.types import ParsedRecord
from screener.store.models import Record

JSON_COLUMNS = ("authors", "keywords", "urls", "raw")
COLUMNS = (
    "id", "batch_id", "file_id", "position", "line", "type", "title", "authors", "first_author",
    "year", "journal", "volume", "issue", "pages", "doi", "pmid", "abstract", "keywords", "urls",
    "notes", "raw",
)


def allocate_record_ids(s: Session, n: int) -> list[int]:
    """Reserve ``n`` new record ids. On SQLite the write transaction is exclusive, so the
    next ids after the largest are free; PostgreSQL hands them out from its sequence."""
    if n == 0:
        return []
    if s.get_bind().dialect.name == "sqlite":
        start = (s.scalar(select(func.max(Record.id))) or 0) + 1
        return list(range(start, start + n))
    rows = s.execute(
        text("SELECT nextval(pg_get_serial_sequence('record', 'id')) FROM generate_series(1, :n)"),
        {"n": n},
    )
    return [int(r[0]) for r in rows]


SAME_AS_ABSTRACT = None  # a raw value stored as this is the record's abstract, verbatim
ABSTRACT_TAGS = frozenset({"AB", "N2"})


def compact_raw(raw: Sequence[Sequence[str]], abstract: str) -> list[list[str | None]]:
    """The raw tags with the one copy of the abstract they hold replaced by a marker.

    The abstract is most of a record's text; keeping it twice would double what an
    import writes. ``expand_raw`` restores the original exactly."""
    out: list[list[str | None]] = []
    replaced = not abstract
    for tag, value in raw:
        if not replaced and tag in ABSTRACT_TAGS and value == abstract:
            out.append([tag, SAME_AS_ABSTRACT])
            replaced = True
        else:
            out.append([tag, value])
    return out


def expand_raw(raw: Sequence[Sequence[str | None]] | None, abstract: str) -> list[tuple[str, str]]:
    return [(str(tag), abstract if value is SAME_AS_ABSTRACT else str(value)) for tag, value in raw or []]


_encode = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode

# What a prepared row holds, in order: every column but id, batch_id and file_id.
ROW_COLUMNS = COLUMNS[3:]


@dataclass
class PreparedRows:
    """Records turned into insert parameters (JSON already encoded) and search-index text.

    Preparing is pure CPU work on plain values, so a reading process can do it while
    the main process is still writing the previous file."""

    rows: list[tuple[Any, ...]] = field(default_factory=list)
    search: list[tuple[str, str, str, str]] = field(default_factory=list)


def prepare_rows(records: Iterable[ParsedRecord]) -> PreparedRows:
    encode = _encode
    out = PreparedRows()
    for r in records:
        out.rows.append((
            r.position, r.line, r.type, r.title, encode(r.authors), r.authors[0] if r.authors else "",
            r.year, r.journal, r.volume, r.issue, r.pages, r.doi, r.pmid, r.abstract,
            encode(r.keywords), encode(r.urls), r.notes, encode(compact_raw(r.raw, r.abstract)),
        ))
        out.search.append((r.title, r.abstract, " ; ".join(r.authors), " ; ".join(r.keywords)))
    return out


def insert_records(s: Session, batch_id: int, file_id: int, prepared: PreparedRows) -> list[int]:
    """Insert prepared rows under new ids, index them for search, and return the ids."""
    ids = allocate_record_ids(s, len(prepared.rows))
    if not ids:
        return ids
    sqlite = s.get_bind().dialect.name == "sqlite"
    marker = "?" if sqlite else "%s"
    values = ", ".join(
        marker if sqlite or c not in JSON_COLUMNS else f"CAST({marker} AS JSON)" for c in COLUMNS
    )
    sql = f"INSERT INTO record ({', '.join(COLUMNS)}) VALUES ({values})"
    conn = s.connection()
    conn.exec_driver_sql(sql, [(rid, batch_id, file_id, *row) for rid, row in zip(ids, prepared.rows, strict=True)])
    if sqlite:
        conn.exec_driver_sql(
            "INSERT INTO record_fts(rowid, title, abstract, authors, keywords) VALUES (?, ?, ?, ?, ?)",
            [(rid, *text) for rid, text in zip(ids, prepared.search, strict=True)],
        )
    return ids
