"""Which record a PDF is the report of: by DOI, then by title, then by file name.

Pure functions over ``PdfFacts`` and the records at full text. A PDF is matched only
when the evidence names exactly one record and nothing in the PDF contradicts it: a
title or file-name match is refused when the PDF shows DOIs and none of them is the
record's own. When the evidence names several records, the PDF is ``ambiguous``; when it
names none, ``unmatched``. Attaching the wrong report is worse than attaching none.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from screener.core.pdf.facts import PdfFacts

MATCHED, UNMATCHED, AMBIGUOUS = "matched", "unmatched", "ambiguous"
ROUTES = ("doi", "title", "filename")  # strongest first
MIN_TITLE_KEY = 24  # letters and digits; a shorter title is too generic to find on a page
TRUNCATED_TITLE_KEY = 40  # a file name may hold only the start of a long title (Zotero: 100 chars)
MIN_DOI_KEY = 10
_TAG = re.compile(r"</?[a-zA-Z][^<>]{0,30}>")
# Words that, just before a title on a page, say the page is about that article, not it
# (compared letters-and-digits only, as ``text_key`` leaves them).
_QUOTED_AFTER = re.compile(
    r"(comments?on|commentaryon|commentaryto|responseto|responses?|replyto|inreplyto|reply|erratumto|erratum|"
    r"errata|correctionto|correction|corrigendumto|corrigendum|retractionof|retractionnote|retraction|"
    r"retracted|expressionofconcern|letterto|lettertotheeditor|notice)$")
_PMID_NAME = re.compile(r"^(?:pmid)?[\s_:-]*(\d{6,9})$|pmid[\s_:-]*(\d{6,9})(?!\d)", re.IGNORECASE)


@dataclass(frozen=True)
class RecordKey:
    """What a record offers to be matched on."""

    record_id: int
    doi: str = ""
    title: str = ""
    pmid: str = ""


@dataclass(frozen=True)
class PdfMatch:
    path: str
    outcome: str  # matched | unmatched | ambiguous
    record_id: int | None = None
    by: str = ""  # doi | title | filename (for matched, and the route that was ambiguous)
    candidates: tuple[int, ...] = ()  # the records an ambiguous PDF could be
    why: str = ""  # for people: why unmatched or ambiguous


def text_key(text: str) -> str:
    """Letters and digits only, case-folded, accents dropped: line breaks, hyphenation,
    punctuation and spacing of a title on a page or in a file name stop mattering."""
    text = unicodedata.normalize("NFKD", _TAG.sub("", text))
    return "".join(ch for ch in text.casefold() if ch.isalnum() and not unicodedata.combining(ch))


class RecordIndex:
    """The records at full text, indexed for matching."""

    def __init__(self, records: Sequence[RecordKey]) -> None:
        self.records = {r.record_id: r for r in records}
        self.by_doi: dict[str, list[int]] = defaultdict(list)
        self.by_pmid: dict[str, list[int]] = defaultdict(list)
        self.doi_keys: list[tuple[str, int]] = []
        self.title_keys: list[tuple[str, int]] = []
        for r in records:
            if r.doi:
                self.by_doi[r.doi.lower()].append(r.record_id)
                key = text_key(r.doi)
                if len(key) >= MIN_DOI_KEY:
                    self.doi_keys.append((key, r.record_id))
            if r.pmid:
                self.by_pmid[r.pmid.strip()].append(r.record_id)
            key = text_key(r.title)
            if len(key) >= MIN_TITLE_KEY:
                self.title_keys.append((key, r.record_id))
        self.title_key_of = {rid: key for key, rid in self.title_keys}


def _longest_only(found: dict[int, str]) -> list[int]:
    """Drop a title found only because it is part of a longer title also found."""
    return sorted(rid for rid, key in found.items()
                  if not any(key != other and key in other for other in found.values()))


def _consistent(index: RecordIndex, facts: PdfFacts, rid: int) -> bool:
    """False when the PDF shows DOIs and the record has a DOI that is not one of them."""
    shown = set(facts.meta_dois) | set(facts.text_dois)
    doi = index.records[rid].doi.lower()
    return not (shown and doi and doi not in shown)


def _by_doi(index: RecordIndex, facts: PdfFacts, page_key: str) -> PdfMatch | None:
    meta = sorted({rid for d in facts.meta_dois for rid in index.by_doi.get(d, ())})
    found = sorted(set(meta) | {rid for d in facts.text_dois for rid in index.by_doi.get(d, ())})
    if not found:
        return None
    if len(found) == 1:
        return PdfMatch(facts.path, MATCHED, found[0], "doi")
    if len(meta) == 1:  # the metadata names the article itself; the page may cite others
        return PdfMatch(facts.path, MATCHED, meta[0], "doi")
    titled = [rid for rid in found if index.title_key_of.get(rid, "\0") in page_key]
    if len(titled) == 1:  # the DOI whose record's title is on the page
        return PdfMatch(facts.path, MATCHED, titled[0], "doi")
    return PdfMatch(facts.path, AMBIGUOUS, by="doi", candidates=tuple(found),
                    why=f"the PDF shows the DOIs of records {_ids(found)}")


def _stands_alone(page_key: str, key: str) -> bool:
    """True when the title is on the page as a title, not quoted by a commentary, a reply,
    an erratum or a retraction notice ("Comment on: <title>")."""
    at = page_key.find(key)
    while at >= 0:
        if not _QUOTED_AFTER.search(page_key[max(0, at - 24):at]):
            return True
        at = page_key.find(key, at + 1)
    return False


def _by_title(index: RecordIndex, facts: PdfFacts, page_key: str) -> PdfMatch | None:
    found: dict[int, str] = {}
    meta_key = text_key(facts.meta_title)
    for key, rid in index.title_keys:
        if (key in page_key and _stands_alone(page_key, key)) or key == meta_key:
            found[rid] = key
    return _decide(index, facts, _longest_only(found), "title")


def _by_filename(index: RecordIndex, facts: PdfFacts) -> PdfMatch | None:
    stem = Path(facts.path).stem
    name_key = text_key(stem)
    if not name_key:
        return None
    found = sorted({rid for key, rid in index.doi_keys if key in name_key})
    if not found:
        m = _PMID_NAME.search(stem.strip())
        if m:
            found = sorted(index.by_pmid.get(m.group(1) or m.group(2), []))
    if not found:
        scores: dict[int, int] = {}
        for key, rid in index.title_keys:
            if key in name_key:
                scores[rid] = len(key)
                continue
            if len(key) <= TRUNCATED_TITLE_KEY:
                continue
            at = name_key.find(key[:TRUNCATED_TITLE_KEY])
            if at < 0:
                continue
            n = TRUNCATED_TITLE_KEY
            while at + n < len(name_key) and n < len(key) and name_key[at + n] == key[n]:
                n += 1
            if at + n == len(name_key):  # the name ends with the start of the title
                scores[rid] = n
        if scores:
            best = max(scores.values())
            found = sorted(rid for rid, n in scores.items() if n == best)
    return _decide(index, facts, found, "filename")


def _decide(index: RecordIndex, facts: PdfFacts, found: list[int], by: str) -> PdfMatch | None:
    if not found:
        return None
    kept = [rid for rid in found if _consistent(index, facts, rid)]
    if not kept:
        return PdfMatch(facts.path, UNMATCHED, by=by,
                        why=f"its {by} points to record {_ids(found)}, but the PDF shows another DOI")
    if len(kept) == 1:
        return PdfMatch(facts.path, MATCHED, kept[0], by)
    return PdfMatch(facts.path, AMBIGUOUS, by=by, candidates=tuple(kept),
                    why=f"its {by} fits records {_ids(kept)}")


def match_one(index: RecordIndex, facts: PdfFacts) -> PdfMatch:
    """The record this one PDF is the report of, by the strongest route that finds one."""
    if facts.error:
        m = _by_filename(index, facts)  # an unreadable file is never attached
        hint = f"; its name fits record {m.record_id}" if m is not None and m.record_id else ""
        return PdfMatch(facts.path, UNMATCHED, why=facts.error + hint)
    page_key = text_key(facts.first_page)
    refused: PdfMatch | None = None
    for step in (lambda: _by_doi(index, facts, page_key), lambda: _by_title(index, facts, page_key),
                 lambda: _by_filename(index, facts)):
        m = step()
        if m is not None and m.outcome != UNMATCHED:
            return m
        refused = refused or m
    if refused is not None:
        return refused
    if facts.meta_dois or facts.text_dois:
        why = "its DOIs are not those of any record at full text"
    elif not facts.has_text:
        why = "the PDF has no text (a scan?) and its file name names no record"
    else:
        why = "no DOI, title or file name of a record at full text found"
    return PdfMatch(facts.path, UNMATCHED, why=why)


def match_all(index: RecordIndex, facts: Sequence[PdfFacts]) -> list[PdfMatch]:
    """Match each PDF, then settle records claimed by several different PDFs: the one
    matched by the strongest route keeps it if it is the only one so matched; otherwise
    they are all ambiguous. Copies of one file (same checksum) are left to the caller."""
    out = [match_one(index, f) for f in facts]
    sha = {f.path: f.sha256 for f in facts}
    claims: dict[int, list[int]] = defaultdict(list)
    for i, m in enumerate(out):
        if m.outcome == MATCHED and m.record_id is not None:
            claims[m.record_id].append(i)
    for rid, items in claims.items():
        if len({sha[out[i].path] for i in items}) < 2:
            continue
        best = min(ROUTES.index(out[i].by) for i in items)
        winners = [i for i in items if ROUTES.index(out[i].by) == best]
        winner_sha = {sha[out[i].path] for i in winners}
        for i in items:
            if len(winner_sha) == 1 and sha[out[i].path] in winner_sha:
                continue
            others = [Path(out[j].path).name for j in items if j != i]
            out[i] = replace(out[i], outcome=AMBIGUOUS, record_id=None, candidates=(rid,),
                             why=f"record {rid} is also matched by {', '.join(others[:3])}")
    return out


def _ids(ids: Sequence[int]) -> str:
    ids = list(ids)
    return ", ".join(str(i) for i in ids[:-1]) + f" and {ids[-1]}" if len(ids) > 1 else str(ids[0])
