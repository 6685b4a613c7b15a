"""Fast bulk insertion of imported records.

An import writes 100,000 records in one transaction; going through the ORM per row
costs several times the parse itself. Here ids are allocated up front and rows go
to the driver's ``executemany`` with JSON already serialised.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

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


def insert_records(s: Session, rows: Sequence[dict[str, Any]]) -> None:
    """Insert record rows (dicts with every column in ``COLUMNS``, ids included)."""
    if not rows:
        return
    encode = _encode
    params = []
    for row in rows:
        row["raw"] = compact_raw(row["raw"], row["abstract"])
        params.append(tuple(encode(row[c]) if c in JSON_COLUMNS else row[c] for c in COLUMNS))
    sqlite = s.get_bind().dialect.name == "sqlite"
    marker = "?" if sqlite else "%s"
    values = ", ".join(
        marker if sqlite or c not in JSON_COLUMNS else f"CAST({marker} AS JSON)" for c in COLUMNS
    )
    sql = f"INSERT INTO record ({', '.join(COLUMNS)}) VALUES ({values})"
    s.connection().exec_driver_sql(sql, params)
