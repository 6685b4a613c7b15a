"""Blocking: which pairs of records are worth comparing at all.

Each record gets a handful of keys; records sharing a key form a block. Small blocks
are compared all-pairs. A block larger than ``MAX_BLOCK`` (a very common title start,
or "Editorial") is sorted so that likely duplicates sit together and each record is
compared only with its next ``WINDOW`` neighbours. The number of pairs therefore grows
linearly with the number of records, whatever the data.
"""

from __future__ import annotations

from collections.abc import Iterator

from .features import Prepared

# Characters of the compact title used for the title-start and title-end keys.
TITLE_KEY_CHARS = 24
MAX_BLOCK = 32
WINDOW = 8


# Kinds of blocking key. Title-end blocks are ordered by reversed title when windowed.
DOI, PMID, TITLE_START, TITLE_END, AUTHOR_PAGE, VOLUME_PAGE = range(6)
_INDEX_BITS = 24  # up to 16 million records
_KIND_BITS = 3
_HASH_MASK = (1 << (63 - _INDEX_BITS - _KIND_BITS)) - 1


def record_keys(record: Prepared) -> list[tuple[int, str]]:
    """The blocking keys of one record, as (kind, key)."""
    keys: list[tuple[int, str]] = []
    if record.doi:
        keys.append((DOI, record.doi))
    if record.pmid:
        keys.append((PMID, record.pmid))
    title = record.compact_title
    if title:
        keys.append((TITLE_START, title[:TITLE_KEY_CHARS]))
        if len(title) > TITLE_KEY_CHARS:
            keys.append((TITLE_END, title[-TITLE_KEY_CHARS:]))
    if record.page_start:
        year = record.year if record.year is not None else ""
        if record.surnames:
            keys.append((AUTHOR_PAGE, f"{year}:{record.surnames[0]}:{record.page_start}"))
        if record.volume:
            keys.append((VOLUME_PAGE, f"{record.volume}:{record.page_start}:{year}"))
    return keys


def _order_key(record: Prepared) -> tuple[str, int, str, str]:
    first_author = record.surnames[0] if record.surnames else ""
    year = record.year if record.year is not None else 0
    return (record.compact_title, year, first_author, record.page_start)


def _reversed_order_key(record: Prepared) -> tuple[str, int, str, str]:
    title, year, first_author, page = _order_key(record)
    return (title[::-1], year, first_author, page)


def _blocks(records: list[Prepared]) -> Iterator[tuple[int, list[int]]]:
    """(kind, member indexes) of every block with two or more members.

    Each (record, key) becomes one integer: key hash, kind, record index. Sorting those
    integers groups each block together, in a flat list rather than a dict of lists,
    so memory stays small. A hash collision merely adds comparisons.
    """
    if len(records) >= 1 << _INDEX_BITS:
        raise ValueError(f"too many records for blocking: {len(records)}")
    codes: list[int] = []
    for index, record in enumerate(records):
        for kind, key in record_keys(record):
            block = ((hash(key) & _HASH_MASK) << _KIND_BITS) | kind
            codes.append((block << _INDEX_BITS) | index)
    codes.sort()
    index_mask = (1 << _INDEX_BITS) - 1
    kind_mask = (1 << _KIND_BITS) - 1
    start = 0
    total = len(codes)
    while start < total:
        block = codes[start] >> _INDEX_BITS
        end = start + 1
        while end < total and codes[end] >> _INDEX_BITS == block:
            end += 1
        if end - start > 1:
            yield block & kind_mask, [code & index_mask for code in codes[start:end]]
        start = end


def block_pairs(records: list[Prepared]) -> Iterator[tuple[int, int]]:
    """Yield index pairs (i, j), i < j, of records that share a block. A pair may be
    yielded more than once (once per shared block); the caller removes repeats."""
    for kind, members in _blocks(records):
        if len(members) <= MAX_BLOCK:  # members are in increasing order
            for position, first in enumerate(members):
                for second in members[position + 1 :]:
                    yield first, second
            continue
        order = _reversed_order_key if kind == TITLE_END else _order_key
        members.sort(key=lambda i: order(records[i]))
        for position, first in enumerate(members):
            for second in members[position + 1 : position + 1 + WINDOW]:
                yield (first, second) if first < second else (second, first)
