"""Synthetic bibliographic records with known duplicates, for scale runs of dedup.

Each "work" gets a title from a Zipf-weighted vocabulary (so common title starts
and large blocks occur), authors from a surname pool, a journal that is written in
full or abbreviated, and pages. A share of works get extra copies, each disturbed
the way database exports differ: case, punctuation, HTML entities, diacritics,
author formats, abbreviated page ranges, DOI prefixes, missing fields, a typo. A few
generic titles ("Editorial") by different authors and errata are mixed in as traps.
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Iterator
from dataclasses import replace

from screener.core.types import DedupRecord

_SYLLABLES = (
    "ka ne ro li ma to su vi de pa lo ri ta mo ne sa gi ba co le fu ha ja ke mi no pe qu ra "
    "se ti ul ve wa xe yo zu an ber cal dor fen gor hal"
).split()
_STARTS = (
    "effect of",
    "the role of",
    "a randomized controlled trial of",
    "association between",
    "outcomes of",
    "prevalence of",
    "efficacy and safety of",
    "a systematic review of",
)
_GENERIC = ("Editorial", "Reply", "Letter to the editor", "Introduction", "Commentary")


def _word(rng: random.Random, low: int, high: int) -> str:
    return "".join(rng.choice(_SYLLABLES) for _ in range(rng.randint(low, high)))


class _Pools:
    def __init__(self, rng: random.Random) -> None:
        self.vocabulary = [_word(rng, 2, 4) for _ in range(8000)]
        weights = [1 / (rank + 1) ** 0.9 for rank in range(len(self.vocabulary))]
        self.cumulative = list(itertools.accumulate(weights))
        self.surnames = [_word(rng, 2, 3).capitalize() for _ in range(6000)]
        self.given = [_word(rng, 2, 3).capitalize() for _ in range(800)]
        self.journals = []
        for _ in range(600):
            words = [_word(rng, 2, 4).capitalize() for _ in range(rng.randint(1, 4))]
            self.journals.append((" ".join(words), " ".join(w[:4] for w in words)))


def _author(rng: random.Random, pools: _Pools) -> tuple[str, str, str]:
    first = rng.choice(pools.given)
    middle = rng.choice(pools.given) if rng.random() < 0.4 else ""
    return rng.choice(pools.surnames), first, middle


def _format_author(author: tuple[str, str, str], style: int) -> str:
    surname, first, middle = author
    initials = first[0] + (middle[0] if middle else "")
    if style == 0:
        return f"{surname}, {first}" + (f" {middle[0]}." if middle else "")
    if style == 1:
        return f"{surname}, " + " ".join(f"{ch}." for ch in initials)
    if style == 2:
        return f"{surname} {initials}"
    return f"{first} " + (f"{middle[0]}. " if middle else "") + surname


def _disturb_title(rng: random.Random, title: str) -> str:
    choice = rng.random()
    if choice < 0.25:
        return title.upper() if rng.random() < 0.2 else title.lower()
    if choice < 0.45:
        return title + "."
    if choice < 0.55:
        return title.replace(" and ", " &amp; ", 1)
    if choice < 0.65 and len(title) > 20:
        at = rng.randrange(5, len(title) - 5)
        return title[:at] + title[at + 1 :]
    if choice < 0.75:
        return title.replace("a", "\u00e4", 1)
    return title


def _works(rng: random.Random, pools: _Pools, seed: int) -> Iterator[tuple[DedupRecord, list]]:
    number = 0
    while True:
        number += 1
        if rng.random() < 0.01:
            title = rng.choice(_GENERIC)
        else:
            words = rng.choices(pools.vocabulary, cum_weights=pools.cumulative, k=rng.randint(5, 16))
            start = rng.choice(_STARTS) + " " if rng.random() < 0.3 else ""
            title = (start + " ".join(words)).capitalize()
        authors = [_author(rng, pools) for _ in range(rng.randint(1, 9))]
        journal = rng.choice(pools.journals)
        first_page = rng.randint(1, 3000)
        record = DedupRecord(
            id=0,
            title=title,
            authors=[_format_author(a, 0) for a in authors],
            year=rng.randint(1985, 2024),
            journal=journal[0],
            volume=str(rng.randint(1, 400)),
            issue=str(rng.randint(1, 12)),
            pages=f"{first_page}-{first_page + rng.randint(0, 15)}",
            doi=f"10.{1000 + seed}/w{number}" if rng.random() < 0.6 else "",
            pmid=str(10_000_000 + number) if rng.random() < 0.3 else "",
            type="JOUR",
        )
        yield record, [authors, journal]


def _copy(rng: random.Random, record: DedupRecord, extra: list) -> DedupRecord:
    authors, journal = extra
    style = rng.randrange(4)
    pages = record.pages
    start, _, end = pages.partition("-")
    if rng.random() < 0.3 and len(end) == len(start) and len(start) > 1 and end[0] == start[0]:
        pages = f"{start}-{end[1:]}"
    doi = record.doi
    if doi and rng.random() < 0.3:
        doi = rng.choice(("https://doi.org/", "doi:", "http://dx.doi.org/")) + doi.upper()
    elif rng.random() < 0.3:
        doi = ""
    return replace(
        record,
        title=_disturb_title(rng, record.title),
        authors=[_format_author(a, style) for a in authors],
        journal=journal[1] if rng.random() < 0.5 else journal[0],
        pages="" if rng.random() < 0.1 else pages,
        doi=doi,
        pmid=record.pmid if rng.random() < 0.5 else "",
    )


def synthetic_records(n: int, seed: int = 1) -> tuple[list[DedupRecord], list[list[int]]]:
    """``n`` records in shuffled order and the true duplicate clusters (ids)."""
    rng = random.Random(seed)
    pools = _Pools(rng)
    records: list[DedupRecord] = []
    clusters: list[list[DedupRecord]] = []
    for record, extra in _works(rng, pools, seed):
        if len(records) >= n:
            break
        group = [record]
        if rng.random() < 0.25:
            group += [_copy(rng, record, extra) for _ in range(rng.choice((1, 1, 1, 2, 3)))]
        if rng.random() < 0.005:
            erratum = replace(
                record,
                title="Erratum: " + record.title,
                pages=str(rng.randint(1, 3000)),
                doi="",
                pmid="",
            )
            records.append(erratum)
        records.extend(group)
        if len(group) > 1:
            clusters.append(group)
    del records[n:]
    rng.shuffle(records)
    for new_id, record in enumerate(records, start=1):
        record.id = new_id
    true_clusters = [[r.id for r in group if r.id] for group in clusters]
    return records, [c for c in true_clusters if len(c) > 1]
