"""Per-record features, computed once before blocking and comparison."""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from itertools import repeat

from screener.types import DedupRecord

from .normalise import (
    NON_WORD,
    first_page,
    fold,
    journal_tokens,
    normalise_doi,
    normalise_journal,
    normalise_pages,
    split_author,
    words,
)

# Shared empty set: most records have no notice kinds and no numbers in the title.
_NOTHING: frozenset[str] = frozenset()
# Distinct author names remembered at most (memory stays flat on huge imports).
CACHE_LIMIT = 200_000
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

# Notice kinds: a notice is never merged with a record that is not the same kind of notice.
CORRECTION, RETRACTION, REPLY, COMMENT, PROTOCOL = (
    "correction",
    "retraction",
    "reply",
    "comment",
    "protocol",
)
_NOTICE_PREFIXES: tuple[tuple[str, str], ...] = (
    ("correction to ", CORRECTION),
    ("erratum to ", CORRECTION),
    ("author correction ", CORRECTION),
    ("publisher correction ", CORRECTION),
    ("publishers note ", CORRECTION),
    ("notice of correction ", CORRECTION),
    ("corrigendum to ", CORRECTION),
    ("erratum ", CORRECTION),
    ("errata ", CORRECTION),
    ("corrigendum ", CORRECTION),
    ("correction ", CORRECTION),
    ("corrections ", CORRECTION),
    ("notice of retraction ", RETRACTION),
    ("retraction note ", RETRACTION),
    ("retraction notice ", RETRACTION),
    ("retraction of ", RETRACTION),
    ("retraction ", RETRACTION),
    ("retracted ", RETRACTION),
    ("withdrawn ", RETRACTION),
    ("expression of concern ", RETRACTION),
    ("the authors reply ", REPLY),
    ("authors reply ", REPLY),
    ("author reply ", REPLY),
    ("in reply ", REPLY),
    ("reply to ", REPLY),
    ("reply ", REPLY),
    ("response to ", REPLY),
    ("comment on ", COMMENT),
    ("comments on ", COMMENT),
    ("commentary on ", COMMENT),
)
_NOTICE_SUFFIXES: tuple[tuple[str, str], ...] = (
    (" authors reply", REPLY),
    (" author reply", REPLY),
    (" reply", REPLY),
    (" erratum", CORRECTION),
    (" corrigendum", CORRECTION),
    (" retraction", RETRACTION),
)
# "[Erratum appears in ...]": an original whose erratum is a separate record.
_ERRATUM_NOTE = re.compile(r"\[\s*(?:erratum|corrigendum|correction)s? (?:appears|published) in")
_NOTICE_FIRST_WORDS = frozenset(prefix.split()[0] for prefix, _ in _NOTICE_PREFIXES)
_NOTICE_LAST_WORDS = frozenset(suffix.split()[-1] for suffix, _ in _NOTICE_SUFFIXES)
_PROTOCOL = re.compile(r"\bprotocols?\b|\brationale and design\b|\bdesign and rationale\b")
# "Title (vol 360, pg 542, 2009)" (Web of Science) and "Title (Journal (2009) 360 (542-544))"
# (Embase) are how correction notices cite the corrected article.
_CITED_CORRECTION = re.compile(
    r"\(\s*vol\.?\s*\d+\s*,\s*pg\.?\s*\w+.*\)\s*\.?$|\([^()]*\(\s*\d{4}\s*\)\s*\d+[^()]*\([^()]*\)\s*\)\s*\.?$"
)
# "Title... N Engl J Med. 2009 Jan 29;360(5):544-6": the part after "..." cites another work.
_TRAILING_CITATION = re.compile(r"\.\.\.+\s+(?=.*\b(?:19|20)\d\d\b).*$|\.\.\.+\s*$")
_ROMAN = frozenset("ii iii iv vi vii viii ix xi xii xiii xiv xv".split())
_NUMBERED_WORDS = frozenset("part phase type stage grade".split())
_NOTES_KEPT_AS_TITLE_WORDS = 4


def strip_bracket_notes(text: str) -> str:
    """Drop square-bracketed notes ("[Japanese]", "[Review] [16 refs]", "[Erratum appears
    in ...]"), nested ones included, but keep a bracketed translated title at the start
    ("[Clinical aspects of ...]. [Japanese]" -> "Clinical aspects of ... .")."""
    if "[" not in text:
        return text
    out: list[str] = []
    depth = 0
    group: list[str] = []
    for ch in text:
        if ch == "[":
            if depth == 0:
                group = []
            else:
                group.append(ch)
            depth += 1
        elif ch == "]" and depth > 0:
            depth -= 1
            if depth == 0:
                content = "".join(group)
                at_start = not "".join(out).strip(" .")
                if at_start and len(content.split()) >= _NOTES_KEPT_AS_TITLE_WORDS:
                    out.append(content)
                out.append(" ")
            else:
                group.append(ch)
        elif depth > 0:
            group.append(ch)
        else:
            out.append(ch)
    if depth > 0 and not "".join(out).strip(" ."):  # unclosed: keep a bracketed title
        out.append("".join(group))
    return "".join(out)


def analyse_title(raw: str) -> tuple[str, frozenset[str]]:
    """The title as compared (normalised, notes and notice wording removed) and the
    notice kinds found in it."""
    return _analyse_folded_title(fold(raw))


def _analyse_folded_title(folded: str) -> tuple[str, frozenset[str]]:
    text = strip_bracket_notes(folded).strip()
    kinds: set[str] = set()
    if text.endswith((")", ").")) and _CITED_CORRECTION.search(text):
        kinds.add(CORRECTION)
        text = _CITED_CORRECTION.sub("", text)
    if "..." in text:
        text = _TRAILING_CITATION.sub("", text)
    title = NON_WORD.sub(" ", text).strip()
    while title[: title.find(" ")] in _NOTICE_FIRST_WORDS:
        for prefix, kind in _NOTICE_PREFIXES:
            if title.startswith(prefix):
                title = title[len(prefix) :]
                kinds.add(kind)
                break
        else:
            break
    if title[title.rfind(" ") + 1 :] in _NOTICE_LAST_WORDS:
        for suffix, kind in _NOTICE_SUFFIXES:
            if title.endswith(suffix) and len(title) > len(suffix) + 10:
                title = title[: -len(suffix)]
                kinds.add(kind)
                break
    if ("protocol" in title or "rationale" in title) and _PROTOCOL.search(title):
        kinds.add(PROTOCOL)
    return title, frozenset(kinds) if kinds else _NOTHING


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
    notices: frozenset[str]
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
            parts = dict.fromkeys(part for part in words(name).split() if len(part) > 1)
            if compact:
                parts[compact] = None
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
        folded_title = fold(record.title or "")
        title, notices = _analyse_folded_title(folded_title)
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
            notices=notices,
            erratum_noted="[" in folded_title and bool(_ERRATUM_NOTE.search(folded_title)),
            numbers=title_numbers(title),
            generic=title.count(" ") < GENERIC_MAX_WORDS or title in GENERIC_TITLES,
            surnames=tuple(surnames),
            initials=tuple(initials),
            name_tokens=tuple(tokens),
            year=record.year,
            pages=pages,
            page_start=first_page(pages),
            volume=self._volume(record.volume or ""),
            issue=self._volume(record.issue or ""),
            journal=self._journal(record.journal or ""),
            doi=normalise_doi(record.doi) if record.doi else "",
            pmid=(record.pmid or "").strip(),
        )


def prepare(record: DedupRecord) -> Prepared:
    """One record prepared on its own (tests, single comparisons)."""
    return Preparer().prepare(record)
