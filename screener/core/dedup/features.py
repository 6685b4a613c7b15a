"""Per-record features, computed once before blocking and comparison."""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from itertools import repeat

from screener.types import DedupRecord

from .normalise import (
    doi_in,
    first_page,
    fold,
    journal_tokens,
    last_page,
    normalise_doi,
    normalise_journal,
    normalise_pages,
    pmid_in,
    split_author,
    words,
)
from .notices import (
    ERRATUM_NOTE,
    NOTICE_KINDS,
    RETRACTED,
    analyse_folded_title,
    genre,
    hinted_kind,
)
from .notices import analyse_title as analyse_title
from .notices import strip_bracket_notes as strip_bracket_notes

# Shared empty set: most records have no notice kinds and no numbers in the title.
_NOTHING: frozenset[str] = frozenset()
# Distinct author names remembered at most (memory stays flat on huge imports).
CACHE_LIMIT = 200_000
# Characters of a title that take part in comparison: real titles are far shorter, and a
# giant field (a whole abstract pasted as the title) would make each comparison slow.
MAX_TITLE_CHARS = 1000
# How many leading authors take part in author comparison.
MAX_AUTHORS = 8
# Titles of at most this many words are "generic": they need bibliographic evidence.
GENERIC_MAX_WORDS = 4
GENERIC_TITLES = frozenset(
    {
        "editorial",
        "editorials",
        "guest editorial",
        "editors note",
        "editors introduction",
        "introduction",
        "preface",
        "foreword",
        "commentary",
        "comment",
        "reply",
        "response",
        "authors reply",
        "in reply",
        "letter",
        "letters",
        "letter to the editor",
        "letters to the editor",
        "correspondence",
        "erratum",
        "errata",
        "correction",
        "corrigendum",
        "retraction",
        "book review",
        "book reviews",
        "news",
        "abstracts",
        "conference abstracts",
        "poster abstracts",
        "in this issue",
        "index",
        "contents",
        "table of contents",
        "acknowledgements",
        "acknowledgment",
        "acknowledgments",
        "announcements",
        "obituary",
        "untitled",
    }
)

_ROMAN = frozenset("ii iii iv vi vii viii ix xi xii xiii xiv xv".split())
_NUMBERED_WORDS = frozenset("part phase type stage grade".split())


def title_numbers(title: str) -> frozenset[str]:
    """Words of a normalised title that identify one of a series: numbers, roman
    numerals, and the word after "part", "phase", "type" and the like."""
    tokens = title.split()
    found = {t for t in tokens if not t.isalpha() or t in _ROMAN}
    for position, token in enumerate(tokens[:-1]):
        if token in _NUMBERED_WORDS and len(tokens[position + 1]) <= 2:
            found.add(tokens[position + 1])
    return frozenset(found) if found else _NOTHING


@dataclass(slots=True)
class Prepared:
    """A record reduced to what comparison needs."""

    id: int
    title: str  # normalised title without notes or notice wording
    compact_title: str  # the same without spaces or a leading article
    notices: frozenset[str]  # notice kind (at most one) and "protocol"; see notices.py
    retracted: bool  # marked "RETRACTED:" (the article itself, or a notice)
    hinted: bool  # the notice kind came from the type or notes, not from the title
    genre: str  # "article", "letter", "abstract" or "" (unknown)
    erratum_noted: bool  # the title notes that an erratum to it was published
    numbers: frozenset[str]
    generic: bool
    surnames: tuple[str, ...]  # compact surnames of the leading authors, in order
    initials: tuple[str, ...]
    name_tokens: tuple[str, ...]  # every compact name part of the leading authors
    year: int | None
    pages: str
    page_start: str
    volume: str
    issue: str
    journal: tuple[str, ...]
    doi: str
    pmid: str
    page_end: str = ""


_LEADING_NUMBER = re.compile(r"\d+")
_LEADING_ARTICLES = ("the ", "a ", "an ")


def _compact(title: str) -> str:
    """Title without spaces, and without a leading article ("The effect" / "Effect")."""
    if title.startswith(_LEADING_ARTICLES):
        title = title[title.index(" ") + 1 :]
    return title.replace(" ", "")


def _volume(text: str) -> str:
    """Volume or issue for comparison: its leading number ("35 Suppl 1" -> "35"),
    otherwise its words without spaces."""
    compact = words(text)
    match = _LEADING_NUMBER.match(compact)
    return match.group() if match else compact.replace(" ", "")


class Preparer:
    """Turns records into :class:`Prepared` ones, remembering the normalised form of
    author names, journals, volumes and pages, which repeat across records."""

    def __init__(self) -> None:
        self._authors: dict[str, tuple[str, str, tuple[str, ...]]] = {}
        self._journals: dict[str, tuple[str, ...]] = {}
        self._volumes: dict[str, str] = {}
        self._pages: dict[str, str] = {}

    def _author(self, name: str) -> tuple[str, str, tuple[str, ...]]:
        known = self._authors.get(name)
        if known is None:
            surname, initials = split_author(name)
            compact = sys.intern(surname.replace(" ", ""))
            tokens = words(name).split()
            parts = dict.fromkeys(part for part in tokens if len(part) > 1)
            if compact:
                parts[compact] = None
            if "," in name:  # "Kang, Si Hyun" may be "Si Hyun, Kang" elsewhere: names swapped
                given = "".join(tokens[surname.count(" ") + 1 :])
                if len(given) > 3:
                    parts[given] = None
            if len(self._authors) >= CACHE_LIMIT:
                self._authors.clear()
            known = self._authors[name] = (compact, initials, tuple(parts))
        return known

    def _journal(self, journal: str) -> tuple[str, ...]:
        known = self._journals.get(journal)
        if known is None:
            known = self._journals[journal] = journal_tokens(normalise_journal(journal))
        return known

    def _volume(self, text: str) -> str:
        known = self._volumes.get(text)
        if known is None:
            known = self._volumes[text] = _volume(text)
        return known

    def _normalised_pages(self, text: str) -> str:
        known = self._pages.get(text)
        if known is None:
            known = self._pages[text] = normalise_pages(text)
        return known

    def prepare(self, record: DedupRecord) -> Prepared:
        folded_title = fold((record.title or "")[:MAX_TITLE_CHARS])
        title, kinds = analyse_folded_title(folded_title)
        retracted = RETRACTED in kinds
        if retracted:
            kinds = kinds - {RETRACTED}
        hinted = False
        if kinds.isdisjoint(NOTICE_KINDS) and not retracted:  # the title's wording comes first
            hint = hinted_kind(record.publication_type, record.notes)
            if hint:
                kinds, hinted = kinds | {hint}, True
        surnames: list[str] = []
        initials: list[str] = []
        tokens: dict[str, None] = {}
        for name in record.authors:
            surname, given, parts = self._author(name)
            if not surname:
                continue
            surnames.append(surname)
            initials.append(given)
            tokens.update(zip(parts, repeat(None)))
            if len(surnames) == MAX_AUTHORS:
                break
        pages = self._normalised_pages(record.pages or "")
        return Prepared(
            id=record.id,
            title=title,
            compact_title=_compact(title),
            notices=kinds or _NOTHING,
            retracted=retracted,
            hinted=hinted,
            genre=genre(record.publication_type, record.type, record.journal),
            erratum_noted="[" in folded_title and bool(ERRATUM_NOTE.search(folded_title)),
            numbers=title_numbers(title),
            generic=title.count(" ") < GENERIC_MAX_WORDS or title in GENERIC_TITLES,
            surnames=tuple(surnames),
            initials=tuple(initials),
            name_tokens=tuple(tokens),
            year=record.year,
            pages=pages,
            page_start=first_page(pages),
            page_end=last_page(pages),
            volume=self._volume(record.volume or ""),
            issue=self._volume(record.issue or ""),
            journal=self._journal(record.journal or ""),
            doi=_doi(record),
            pmid=_pmid(record),
        )


def _doi(record: DedupRecord) -> str:
    """The DOI field normalised; a DOI inside a link in it or, when it is empty, in the
    record's links."""
    if record.doi:
        doi = normalise_doi(record.doi)
        return doi if doi.startswith("10.") else doi_in(record.doi)
    for url in record.urls:
        if doi := doi_in(url):
            return doi
    return ""


def _pmid(record: DedupRecord) -> str:
    """The PMID field; when empty, a PubMed link or a labelled "PMID: 123" in the notes."""
    pmid = (record.pmid or "").strip()
    if pmid or not (record.urls or record.notes):
        return pmid
    for url in record.urls:
        if found := pmid_in(url):
            return found
    return pmid_in(record.notes[:4000]) if record.notes else ""


def prepare(record: DedupRecord) -> Prepared:
    """One record prepared on its own (tests, single comparisons)."""
    return Preparer().prepare(record)
