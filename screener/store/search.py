"""Full-text search over records: SQLite FTS5, or PostgreSQL's tsvector.

The only place with backend-specific SQL; both sides take and return the same things.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from sqlalchemy import text
from sqlalchemy.orm import Session

_WORD = re.compile(r"\w+", re.UNICODE)
PG_SEARCH_EXPR = (
    "to_tsvector('simple', coalesce(title, '') || ' ' || coalesce(abstract, '') || ' ' "
    "|| coalesce(cast(authors as text), '') || ' ' || coalesce(cast(keywords as text), ''))"
)

if TYPE_CHECKING:
    import numpy as np


def index_records(s: Session, rows: Iterable[tuple[int, str, str, Sequence[str], Sequence[str]]]) -> None:
    """Add (id, title, abstract, authors, keywords) rows to the search index."""
    if s.get_bind().dialect.name != "sqlite":
        return  # PostgreSQL's index is an expression index on the record table itself
    params = [
        (rid, title, abstract, " ; ".join(authors), " ; ".join(kws))
        for rid, title, abstract, authors, kws in rows
    ]
    if params:
        s.connection().exec_driver_sql(
            "INSERT INTO record_fts(rowid, title, abstract, authors, keywords) VALUES (?, ?, ?, ?, ?)",
            params,
        )


def unindex_records(s: Session, rows: Iterable[tuple[int, str, str, Sequence[str], Sequence[str]]]) -> None:
    """Remove rows from a contentless FTS5 index (it needs the old values)."""
    if s.get_bind().dialect.name != "sqlite":
        return
    params = [
        {"id": rid, "t": title, "a": abstract, "au": " ; ".join(authors), "k": " ; ".join(kws)}
        for rid, title, abstract, authors, kws in rows
    ]
    if params:
        s.execute(
            text(
                "INSERT INTO record_fts(record_fts, rowid, title, abstract, authors, keywords) "
                "VALUES ('delete', :id, :t, :a, :au, :k)"
            ),
            params,
        )


def words(query: str) -> list[str]:
    return _WORD.findall(query.lower())


def matching_ids_sql(s: Session, query: str) -> tuple[str, dict[str, str]] | None:
    """A SQL fragment selecting the ids of records matching every word of ``query``
    (the last word as a prefix, so results come while typing). None for an empty query."""
    terms = words(query)
    if not terms:
        return None
    if s.get_bind().dialect.name == "sqlite":
        fts = " ".join(f'"{t}"' for t in terms[:-1]) + f' "{terms[-1]}"*'
        return "SELECT rowid FROM record_fts WHERE record_fts MATCH :q", {"q": fts.strip()}
    tsq = " & ".join(terms[:-1] + [terms[-1] + ":*"])
    return f"SELECT id FROM record WHERE {PG_SEARCH_EXPR} @@ to_tsquery('simple', :q)", {"q": tsq}


def matching_ids(s: Session, query: str) -> np.ndarray | None:
    """The ids of every record matching ``query`` (as ``matching_ids_sql``), in no order, as
    an array of int64; None for an empty query. SQLite hands them over as one string (one
    row, parsed in C), not a row per record: 50,000 hits cost a few milliseconds."""
    import numpy as np  # here: a command that never sorts or searches starts without it

    found = matching_ids_sql(s, query)
    if found is None:
        return None
    sql, params = found
    if s.get_bind().dialect.name == "sqlite":
        joined = s.execute(text(f"SELECT group_concat(rowid) FROM ({sql})").bindparams(**params)).scalar()
        return np.fromstring(joined, dtype=np.int64, sep=",") if joined else np.empty(0, dtype=np.int64)
    result = s.connection().execute(text(sql).bindparams(**params))
    try:
        rows = result.cursor.fetchall()  # type: ignore[union-attr]
    finally:
        result.close()
    return np.fromiter((row[0] for row in rows), dtype=np.int64, count=len(rows))
