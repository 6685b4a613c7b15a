"""Blocking: which pairs of records are worth comparing at all.

Each record gets a handful of keys; records sharing a key form a block. Small blocks
are compared all-pairs. A block larger than ``MAX_BLOCK`` (a very common title start,
or "Editorial") is sorted so that likely duplicates sit together and each record is
compared only with its next ``WINDOW`` neighbours. The number of pairs therefore grows
linearly with the number of records, whatever the data.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator

from .features import Prepared

# Characters of the compact title used for the title-start and title-end keys.
TITLE_KEY_CHARS = 24
MAX_BLOCK = 32
WINDOW = 8


def record_keys(record: Prepared) -> list[str]:
    """The blocking keys of one record. Each key is prefixed by its kind."""
    keys: list[str] = []
    if record.doi:
        keys.append("d:" + record.doi)
    if record.pmid:
        keys.append("m:" + record.pmid)
    title = record.compact_title
    if title:
        keys.append("t:" + title[:TITLE_KEY_CHARS])
        if len(title) > TITLE_KEY_CHARS:
            keys.append("e:" + title[-TITLE_KEY_CHARS:])
    if record.page_start:
        year = record.year if record.year is not None else ""
        if record.surnames:
            keys.append(f"a:{year}:{record.surnames[0]}:{record.page_start}")
        if record.volume:
            keys.append(f"v:{record.volume}:{record.page_start}:{year}")
    return keys


def _order_key(record: Prepared) -> tuple[str, int, str, str]:
    first_author = record.surnames[0] if record.surnames else ""
    year = record.year if record.year is not None else 0
    return (record.compact_title, year, first_author, record.page_start)


def _reversed_order_key(record: Prepared) -> tuple[str, int, str, str]:
    title, year, first_author, page = _order_key(record)
    return (title[::-1], year, first_author, page)


def block_pairs(records: list[Prepared]) -> Iterator[tuple[int, int]]:
    """Yield index pairs (i, j), i < j, of records that share a block. A pair may be
    yielded more than once (once per shared block); the caller removes repeats."""
    blocks: dict[str, list[int]] = defaultdict(list)
    for index, record in enumerate(records):
        for key in record_keys(record):
            blocks[key].append(index)
    for key, members in blocks.items():
        size = len(members)
        if size < 2:
            continue
        if size <= MAX_BLOCK:
            for position, first in enumerate(members):
                for second in members[position + 1 :]:
                    yield first, second
            continue
        order = _reversed_order_key if key.startswith("e:") else _order_key
        members = sorted(members, key=lambda i: order(records[i]))
        for position, first in enumerate(members):
            for second in members[position + 1 : position + 1 + WINDOW]:
                yield (first, second) if first < second else (second, first)
