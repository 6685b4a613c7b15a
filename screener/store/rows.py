"""Records as insert parameters: what a row of the ``record`` table holds, in order.

Pure Python on plain values (no SQLAlchemy), so that a reading process can turn its
records into rows while the main process is still writing earlier ones, and hand them
over cheaply.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

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

# A record's original tags are one text value: "TY\x1fJOUR\x1eAU\x1fSmith, A\x1e…". These
# separators never occur in RIS values (a record holding control characters is skipped);
# where they occur in values from other formats, the tags are stored as a JSON list of
# [tag, value] pairs instead, as schema 0001 stored them all. The abstract is most of a
# record's text, so the copy held by the tags is replaced by a mark (JSON: null).
PAIR = "\x1e"
FIELD = "\x1f"
ABSTRACT_MARK = "\x1d"
ABSTRACT_TAGS = ("AB", "N2")


def encode_tags(pairs: Sequence[Sequence[str]], abstract: str) -> str:
    items: Sequence[Sequence[str]] = [p if type(p) is tuple else tuple(p) for p in pairs] \
        if pairs and type(pairs[0]) is not tuple else pairs  # copied below if the abstract is marked in it
    marked = 0
    if abstract:
        # The first AB pair holding the abstract, else the first such N2 pair, gives its
        # value up for the mark. ``in`` and list.index compare in C, the abstract by
        # identity first (a reader's abstract is the very string of its pair); ``in``
        # first, as a tag often absent would cost an exception a record.
        for tag in ABSTRACT_TAGS:
            pair = (tag, abstract)
            if pair in items:
                marking = list(items)
                marking[marking.index(pair)] = (tag, ABSTRACT_MARK)
                items = marking
                marked = 1
                break
    text = PAIR.join(map(FIELD.join, items))
    if (text.count(FIELD) != len(items) or text.count(PAIR) != max(0, len(items) - 1)
            or text.count(ABSTRACT_MARK) != marked):
        return _encode(_json_pairs(pairs, abstract))
    return text


def decode_tags(text: str | None, abstract: str) -> list[tuple[str, str]]:
    """The (tag, value) pairs ``encode_tags`` was given."""
    if not text:
        return []
    if text.startswith("["):
        return [(str(tag), abstract if value is None else str(value)) for tag, value in json.loads(text)]
    pairs = []
    for item in text.split(PAIR):
        tag, value = item.split(FIELD, 1)
        pairs.append((tag, abstract if value == ABSTRACT_MARK else value))
    return pairs


def _json_pairs(pairs: Sequence[Sequence[str]], abstract: str) -> list[list[str | None]]:
    out: list[list[str | None]] = []
    replaced = not abstract
    for tag, value in pairs:
        if not replaced and tag in ABSTRACT_TAGS and value == abstract:
            out.append([tag, None])
            replaced = True
        else:
            out.append([tag, value])
    return out



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
            keywords_json, urls_json, r.notes, encode_tags(r.raw, abstract),
        ))
        search_append((i, title, abstract, " ; ".join(authors), " ; ".join(keywords)))
    return out
