"""Comparison of one pair of prepared records: certain duplicate, candidate, or neither.

The rules, in order:

* same PMID: certain (only a candidate when the titles are unrelated, which points to
  an accession number of another database read as a PMID);
* same DOI: certain when the titles are the same and both are the same kind of notice
  (or none), otherwise a candidate;
* a notice (correction, erratum, retraction, reply, comment, protocol) and a record that
  is not the same kind of notice: never, unless both sit at the same volume and page;
* identical normalised title, authors, year and pages: certain;
* the same title (near-identical or one continuing the other, with no differing number
  or substantive word), the same year and agreeing authors: certain when the first pages
  agree, or one is missing and volume and journal do not contradict; with different
  pages only in the same volume of the same journal under the same first author (an
  abstract and its article) and with no erratum note. Short and generic titles
  ("Editorial") need the same volume and first page;
* a title variant (translation, typo, truncation) at the same volume and first page, the
  same year and agreeing authors: certain;
* a year apart: certain only for the same title in the same volume and page or issue;
* everything else is a candidate when the titles are near-identical, the years at most
  one apart, the authors agree (or one record has none) and it is not the same work at
  another venue; or nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum

from rapidfuzz import process
from rapidfuzz.distance import Indel

from .features import Prepared
from .normalise import tokens_match
from .notices import NOTICE_KINDS

# Title similarity (rapidfuzz normalised Indel, as fuzz.ratio / 100) thresholds.
SAME_TITLE = 0.93
VARIANT_TITLE = 0.80
CANDIDATE_TITLE = 0.90
# Below this, titles are unrelated: a shared PMID between them is not trusted.
RELATED_TITLE = 0.5
# A shorter title contained in a longer one counts as a variant from this length on.
MIN_CONTAINED_CHARS = 30
# A title at least this long (without spaces) that another one continues may have been
# cut short by a database.
MIN_TRUNCATED_CHARS = 80
# Author agreement (share of leading authors found in the other record) needed to call
# the authors the same; less will do when the first authors are the same.
AUTHORS_AGREE = 0.75
AUTHORS_AGREE_SAME_FIRST = 0.5
SURNAME_FUZZY_CUTOFF = 0.84
MIN_FUZZY_SURNAME = 4
# Two title words this similar are spelling variants ("haemolytic" / "hemolytic").
WORD_VARIANT = 0.8
STOPWORDS = frozenset(
    "a an the of in on for and or with to at by from as is are vs versus its their".split()
)


# What decided a pair, as a reviewer inspecting a merge sees it.
RULE_SAME_PMID = "same PMID"
RULE_SAME_DOI = "same DOI and title"
RULE_KINDS_DIFFER = "same identifier, but one is a notice or protocol and the other is not"
RULE_NOTICE = "notices of the same kind with the same title, authors and source"
RULE_SAME_SOURCE = "same authors, journal, volume and first page"
RULE_IDENTICAL = "identical title, authors, year and pages"
RULE_SAME_TITLE = "same title, authors and year; the source agrees"
RULE_ABSTRACT = "same title, authors and year in one volume of one journal"
RULE_VARIANT = "title variant at the same volume and first page, same authors and year"
RULE_NEXT_YEAR = "same title and authors, a year apart, in the same volume"
RULE_NO_AUTHORS = "same title, year, volume and first page"
RULE_CANDIDATE = "similar title; not enough agreement to be sure"
RULE_NUMBERS = "similar titles that number different things (part 1 and part 2, two years)"
IDS_DIFFER = ", but their DOIs or PMIDs differ"


class Match(IntEnum):
    NONE = 0
    CANDIDATE = 1
    CERTAIN = 2


def title_similarity(a: Prepared, b: Prepared) -> float:
    """Normalised Indel similarity of the titles; 0 when below VARIANT_TITLE."""
    if a.title == b.title:
        return 1.0
    return Indel.normalized_similarity(a.title, b.title, score_cutoff=VARIANT_TITLE)


def _titles_related(a: Prepared, b: Prepared) -> bool:
    if Indel.normalized_similarity(a.title, b.title, score_cutoff=RELATED_TITLE):
        return True
    return _prefix(a, b)


def title_contained(a: Prepared, b: Prepared) -> bool:
    """One title starts or ends the other (a dropped subtitle, prefix or truncation)."""
    short, long = sorted((a.compact_title, b.compact_title), key=len)
    if len(short) < MIN_CONTAINED_CHARS or short == long:
        return False
    return long.startswith(short) or long.endswith(short)


def _share_found(surnames: tuple[str, ...], tokens: tuple[str, ...], fuzzy: bool) -> float:
    found = 0
    for surname in surnames:
        if surname in tokens:
            found += 1
        elif (
            fuzzy
            and len(surname) >= MIN_FUZZY_SURNAME
            and process.extractOne(
                surname,
                tokens,
                scorer=Indel.normalized_similarity,
                score_cutoff=SURNAME_FUZZY_CUTOFF,
            )
        ):
            found += 1
    return found / len(surnames)


def author_agreement(a: Prepared, b: Prepared) -> float | None:
    """Share of one record's leading authors found among the other's names (the better of
    both directions, so a truncated list still agrees); ``None`` when either has none.
    Surnames are matched exactly, then with a spelling tolerance ("Nürnberger" /
    "Nuernberger") when some are missing."""
    if not a.surnames or not b.surnames:
        return None
    exact = max(
        _share_found(a.surnames, b.name_tokens, False),
        _share_found(b.surnames, a.name_tokens, False),
    )
    if exact == 1.0:
        return exact
    return max(
        _share_found(a.surnames, b.name_tokens, True),
        _share_found(b.surnames, a.name_tokens, True),
    )


def pages_agree(a: Prepared, b: Prepared) -> bool | None:
    """Same first page ("c37" and "37" agree); ``None`` when either has no pages."""
    if not a.page_start or not b.page_start:
        return None
    if a.page_start == b.page_start:
        return True
    return a.page_start.strip("abcdefghijklmnopqrstuvwxyz") == b.page_start.strip(
        "abcdefghijklmnopqrstuvwxyz"
    )


def _number_agrees(x: str, y: str) -> bool | None:
    """Volumes and issues are only compared when both are numbers ("Ph.D.", "(Jul)")."""
    if not x.isdigit() or not y.isdigit():
        return None
    return x == y


def _numbers_conflict(a: Prepared, b: Prepared, contained: bool) -> bool:
    """The titles number different things ("part 1" / "part 2", "phase II" / "phase III").
    A number only one title has is no conflict when the other is a long title that was
    cut short."""
    only_a, only_b = a.numbers - b.numbers, b.numbers - a.numbers
    if only_a and only_b:
        return True
    if not only_a and not only_b:
        return False
    shorter = min(len(a.compact_title), len(b.compact_title))
    return not (contained and shorter >= MIN_TRUNCATED_CHARS)


def _unmatched_words(words: set[str], others: set[str], other: Prepared) -> bool:
    """Some word has no spelling variant among ``others`` nor is written apart in the
    other title ("multicentre" / "multi centre"; but "adult" inside "adults" is no match
    for "adolescent")."""
    for word in words:
        if word in other.compact_title and not any(word in w for w in other.title.split()):
            continue
        if not process.extractOne(
            word, others, scorer=Indel.normalized_similarity, score_cutoff=WORD_VARIANT
        ):
            return True
    return False


def words_conflict(a: Prepared, b: Prepared) -> bool:
    """Each title has a word the other lacks that is not a spelling variant of one of its
    own: "...in adult patients" / "...in pediatric patients", "resistant" / "sensitive".
    Words that only one title has (a subtitle, a truncation) are no conflict."""
    words_a = {w for w in a.title.split() if len(w) > 1 and w not in STOPWORDS}
    words_b = {w for w in b.title.split() if len(w) > 1 and w not in STOPWORDS}
    only_a, only_b = words_a - words_b, words_b - words_a
    if not only_a or not only_b:
        return False
    return _unmatched_words(only_a, only_b, b) and _unmatched_words(only_b, only_a, a)


def same_first_author(a: Prepared, b: Prepared) -> bool:
    if not a.surnames or not b.surnames:
        return False
    first_a, first_b = a.surnames[0], b.surnames[0]
    if first_a == first_b or first_a in b.name_tokens or first_b in a.name_tokens:
        return True
    return Indel.normalized_similarity(first_a, first_b) >= SURNAME_FUZZY_CUTOFF


def classify(a: Prepared, b: Prepared) -> tuple[Match, float]:
    """Decide one pair. The score (0..1) orders candidates for a reviewer."""
    verdict, score, _ = compare(a, b)
    return verdict, score


def compare(a: Prepared, b: Prepared) -> tuple[Match, float, str]:
    """Decide one pair: the verdict, a score (0..1) that orders candidates for a
    reviewer, and the rule that decided (shown to a reviewer inspecting a merge)."""
    same_doi = bool(a.doi) and a.doi == b.doi
    same_pmid = bool(a.pmid) and a.pmid == b.pmid
    if a.notices != b.notices:
        # A notice and its article, two kinds of notice, a protocol and its results:
        # never the same item. A shared identifier is a data error a reviewer should see.
        if same_doi or same_pmid:
            return Match.CANDIDATE, 0.5, RULE_KINDS_DIFFER
        return Match.NONE, 0.0, ""
    if same_pmid:
        # A shared PMID with unrelated titles is a data error (an accession number of
        # another database read as a PMID): a reviewer should look.
        if a.title and b.title and not _titles_related(a, b):
            return Match.CANDIDATE, 0.5, RULE_SAME_PMID
        if not (a.retracted != b.retracted and a.doi and b.doi and a.doi != b.doi):
            return Match.CERTAIN, 1.0, RULE_SAME_PMID
    if not a.title and not b.title and not (a.notices & NOTICE_KINDS):
        return (Match.CANDIDATE, 0.9, RULE_SAME_DOI) if same_doi else (Match.NONE, 0.0, "")
    similarity = title_similarity(a, b)
    contained = title_contained(a, b)
    if contained:
        similarity = max(similarity, VARIANT_TITLE)
    pages = pages_agree(a, b)
    volume = _number_agrees(a.volume, b.volume)
    if similarity < VARIANT_TITLE and not same_doi and not (pages and volume and _prefix(a, b)):
        return Match.NONE, 0.0, ""  # no rule below can apply
    evidence = Evidence(
        similarity=similarity,
        contained=contained,
        authors=author_agreement(a, b),
        year_gap=abs(a.year - b.year) if a.year is not None and b.year is not None else None,
        pages=pages,
        volume=volume,
        issue=_number_agrees(a.issue, b.issue),
        journal=journals_agree(a, b),
    )
    score = evidence.score()
    identifiers_conflict = bool(
        (a.pmid and b.pmid and a.pmid != b.pmid) or (a.doi and b.doi and a.doi != b.doi)
    )
    if a.notices & NOTICE_KINDS:
        verdict, rule = _decide_notices(a, b, evidence, same_doi, identifiers_conflict)
    elif a.generic or b.generic or a.retracted != b.retracted or _genres_differ(a, b):
        verdict, rule = _decide_on_identity(a, b, evidence, same_doi, identifiers_conflict)
    elif same_doi:
        if evidence.similarity >= SAME_TITLE or evidence.contained:
            return Match.CERTAIN, max(score, 0.95), RULE_SAME_DOI
        return Match.CANDIDATE, score, RULE_SAME_DOI
    else:
        verdict, rule = _decide(a, b, evidence)
        if verdict is Match.CERTAIN and identifiers_conflict:
            verdict, rule = Match.CANDIDATE, rule + IDS_DIFFER
    return verdict, score, rule


def _genres_differ(a: Prepared, b: Prepared) -> bool:
    return bool(a.genre) and bool(b.genre) and a.genre != b.genre


def _same_source(a: Prepared, b: Prepared, e: Evidence) -> bool:
    """The same journal (as far as both name one), volume and first page."""
    return bool(e.pages and e.volume and e.journal is not False)


def _decide_notices(
    a: Prepared, b: Prepared, e: Evidence, same_doi: bool, identifiers_conflict: bool
) -> tuple[Match, str]:
    """Two notices of the same kind: the same notice only with the same title, the same
    authors (or none) and the same DOI, or the same journal, volume and first page."""
    same_title = (not a.title and not b.title) or (
        (e.similarity >= SAME_TITLE or e.contained) and not _numbers_conflict(a, b, e.contained)
    )
    if not same_title:
        return Match.NONE, ""
    if identifiers_conflict or e.pages is False or e.volume is False or e.journal is False:
        return Match.NONE, ""  # two notices about one article (a second correction)
    if e.authors is not None and e.authors < AUTHORS_AGREE:
        return Match.NONE, ""
    if e.year_gap is not None and e.year_gap > 1:
        return Match.NONE, ""
    authors_known = e.authors is not None or (not a.surnames and not b.surnames)
    if same_doi and (authors_known or not a.title):
        return Match.CERTAIN, RULE_NOTICE
    if authors_known and e.pages and e.volume and e.journal and e.year_gap in (0, None):
        return Match.CERTAIN, RULE_NOTICE
    return Match.CANDIDATE, RULE_NOTICE


def _decide_on_identity(
    a: Prepared, b: Prepared, e: Evidence, same_doi: bool, identifiers_conflict: bool
) -> tuple[Match, str]:
    """A generic title ("Editorial"), a record marked "RETRACTED:" against an unmarked
    one, or two records the databases call different things (an abstract and an article):
    never merged on the title, only on the DOI or on the authors and the source."""
    same_title = (e.similarity >= SAME_TITLE or e.contained) and not _numbers_conflict(
        a, b, e.contained
    )
    if identifiers_conflict or (e.year_gap is not None and e.year_gap > 1):
        return Match.NONE, ""
    authors_agree = e.authors is not None and e.authors >= AUTHORS_AGREE
    same_source = bool(e.pages and e.volume and e.journal)
    if same_source and (same_title or _prefix(a, b)) and authors_agree:
        return Match.CERTAIN, RULE_SAME_SOURCE
    if not same_title and not (a.generic and b.generic and a.title == b.title):
        return Match.NONE, ""
    if same_doi and (authors_agree or e.authors is None):
        return Match.CERTAIN, RULE_SAME_DOI
    if same_doi or (_same_source(a, b, e) and (e.authors is None or e.authors >= AUTHORS_AGREE_SAME_FIRST)):
        return Match.CANDIDATE, RULE_SAME_SOURCE
    return Match.NONE, ""


@dataclass(frozen=True, slots=True)
class Evidence:
    """What two records say about each other; ``None`` where either lacks the field."""

    similarity: float
    contained: bool
    authors: float | None
    year_gap: int | None
    pages: bool | None
    volume: bool | None
    issue: bool | None
    journal: bool | None

    def score(self) -> float:
        title_part = max(self.similarity, 0.9 if self.contained else 0.0)
        author_part = 0.5 if self.authors is None else self.authors
        item_part = sum(0.5 if f is None else float(f) for f in (self.pages, self.volume)) / 2
        year_part = 0.5 if self.year_gap is None else max(0.0, 1.0 - self.year_gap / 2)
        return round(0.55 * title_part + 0.2 * author_part + 0.15 * item_part + 0.1 * year_part, 4)


def _decide(a: Prepared, b: Prepared, e: Evidence) -> tuple[Match, str]:
    """Two records of the same kind, neither with a generic title."""
    if a.title == b.title and a.year == b.year and a.pages == b.pages and a.pages:
        if (a.surnames, a.initials) == (b.surnames, b.initials):
            return Match.CERTAIN, RULE_IDENTICAL
    authors_agree = e.authors is not None and (
        e.authors >= AUTHORS_AGREE
        or (e.authors >= AUTHORS_AGREE_SAME_FIRST and same_first_author(a, b))
    )
    same_item = bool(e.pages and e.volume)  # same volume and first page
    same_title = (
        (e.similarity >= SAME_TITLE or e.contained)
        and not _numbers_conflict(a, b, e.contained)
        and not words_conflict(a, b)
    )
    venue_conflict = e.volume is False or (e.journal is False and e.volume is not True)

    same_year = e.year_gap == 0 or (e.year_gap is None and same_item)
    if authors_agree and same_year:
        if same_title:
            if e.pages and e.volume is not False:
                return Match.CERTAIN, RULE_SAME_TITLE
            if e.pages is None and not venue_conflict:
                return Match.CERTAIN, RULE_SAME_TITLE
            # Different pages in the same volume of the same journal: a conference
            # abstract printed before the article, or a page typed wrong; never an
            # erratum (a single page after the article, or announced by a note).
            if (
                e.pages is False
                and e.journal
                and e.volume
                and same_first_author(a, b)
                and not (a.erratum_noted or b.erratum_noted)
                and _abstract_or_typo(a, b)
            ):
                return Match.CERTAIN, RULE_ABSTRACT
        # A title variant (translation, typo, subtitle) of the same volume and page.
        if same_item and (e.similarity >= VARIANT_TITLE or e.contained or _prefix(a, b)):
            return Match.CERTAIN, RULE_VARIANT
    if authors_agree and e.year_gap == 1 and same_title and e.volume and (e.pages or e.issue):
        if e.journal is not False:
            return Match.CERTAIN, RULE_NEXT_YEAR
    if e.authors is None and same_year and same_title and same_item:
        return Match.CERTAIN, RULE_NO_AUTHORS

    # Candidates: near-identical titles that failed the rules above on one count only.
    if e.year_gap is not None and e.year_gap > 1:
        return Match.NONE, ""
    if e.authors is not None and not authors_agree and not same_item:
        return Match.NONE, ""
    if e.pages is False and e.journal is False:  # the same work at another venue
        return Match.NONE, ""
    if (e.similarity >= CANDIDATE_TITLE or e.contained) and not words_conflict(a, b):
        if _numbers_conflict(a, b, e.contained):
            return Match.CANDIDATE, RULE_NUMBERS
        return Match.CANDIDATE, RULE_CANDIDATE
    if same_item and e.similarity >= VARIANT_TITLE:
        return Match.CANDIDATE, RULE_CANDIDATE
    return Match.NONE, ""


def _page_number(page: str) -> int | None:
    digits = page.strip("abcdefghijklmnopqrstuvwxyz")
    return int(digits) if digits.isdigit() else None


def _abstract_or_typo(a: Prepared, b: Prepared) -> bool:
    """Two page ranges in one volume that are one item: they overlap or end on the same
    page (a typing error), or one is a single page before the other (a conference
    abstract in an earlier issue). A single page after the other is an erratum."""
    start_a, start_b = _page_number(a.page_start), _page_number(b.page_start)
    end_a, end_b = _page_number(a.page_end), _page_number(b.page_end)
    if None in (start_a, start_b, end_a, end_b):
        return False
    assert start_a is not None and start_b is not None and end_a is not None and end_b is not None
    if end_a == end_b or (start_a <= end_b and start_b <= end_a):
        return True
    single_a, single_b = start_a == end_a, start_b == end_b
    if single_a != single_b:
        single, other = (start_a, start_b) if single_a else (start_b, start_a)
        return single < other
    return False


def _prefix(a: Prepared, b: Prepared) -> bool:
    """One title starts or ends the other, however short."""
    short, long = sorted((a.compact_title, b.compact_title), key=len)
    return bool(short) and (long.startswith(short) or long.endswith(short))


def journals_agree(a: Prepared, b: Prepared) -> bool | None:
    if not a.journal or not b.journal:
        return None
    return tokens_match(a.journal, b.journal)
