"""Records as insert parameters: what a row of the ``record`` table holds, in order.

Pure Python on plain values (no SQLAlchemy), so that a reading process can turn its
records into rows while the main process is still writing earlier ones, and hand them
over cheaply.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from screener.store.source_tags import (  # noqa: F401  (where the tags' form was defined before)
    ABSTRACT_MARK,
    FIELD,
    PAIR,
    decode_tags,
    encode_tags,
)
from screener.types import ParsedRecord

JSON_COLUMNS = ("authors", "keywords", "urls")
# Every column an import writes, in order; a prepared row holds all but the first three.
COLUMNS = (
    "id", "batch_id", "file_id", "position", "line", "type", "title", "authors", "first_author",
    "year", "journal", "volume", "issue", "pages", "doi", "pmid", "abstract", "keywords", "urls",
    "notes", "source_tags",
)
ROW_COLUMNS = COLUMNS[3:]

_encode = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode

@dataclass
class PreparedRows:
    """Records turned into insert parameters (JSON already encoded, in ``ROW_COLUMNS``
    order) and the text for the search index (the row's index in ``rows`` from 0, title,
    abstract, authors, keywords: the importer adds the first row's id in SQL). Rows
    made from a piece of a file read alone number their records and lines from 1: the
    offsets, added when they are stored, number them in the file."""

    rows: list[tuple[Any, ...]] = field(default_factory=list)
    search: list[tuple[int, str, str, str, str]] = field(default_factory=list)
    position_offset: int = 0
    line_offset: int = 0

    def __len__(self) -> int:
        return len(self.rows)


_NEEDS_ESCAPING = re.compile(r'[\x00-\x1f"\\]')


def json_strings(items: list[str]) -> str:
    """A JSON array of strings; what ``json.dumps`` gives, built directly in the common
    case of values without quotes, backslashes or control characters (3x quicker)."""
    if not items:
        return "[]"
    if _NEEDS_ESCAPING.search("".join(items)):
        return _encode(items)
    return '["' + '","'.join(items) + '"]'


def prepare_rows(records: Iterable[ParsedRecord]) -> PreparedRows:
    encode = json_strings
    needs_escaping = _NEEDS_ESCAPING.search
    out = PreparedRows()
    rows_append = out.rows.append
    search_append = out.search.append
    for i, r in enumerate(records):
        authors, keywords, urls = r.authors, r.keywords, r.urls
        # json_strings of the three lists, with one search for characters to escape
        # over all their items (in most records there are none).
        if needs_escaping("".join([*authors, *keywords, *urls])):
            authors_json, keywords_json, urls_json = encode(authors), encode(keywords), encode(urls)
        else:
            authors_json = '["' + '","'.join(authors) + '"]' if authors else "[]"
            keywords_json = '["' + '","'.join(keywords) + '"]' if keywords else "[]"
            urls_json = '["' + '","'.join(urls) + '"]' if urls else "[]"
        title, abstract = r.title, r.abstract
        rows_append((
            r.position, r.line, r.type, title, authors_json, authors[0] if authors else "",
            r.year, r.journal, r.volume, r.issue, r.pages, r.doi, r.pmid, abstract,
            keywords_json, urls_json, r.notes, encode_tags(r.raw, abstract, title, authors, keywords, r.journal),
        ))
        search_append((i, title, abstract, " ; ".join(authors), " ; ".join(keywords)))
    return out
