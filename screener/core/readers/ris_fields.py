"""From a RIS record's (tag, value) pairs to the fields of a ParsedRecord.

Decisions (each follows what databases actually write; see tests/core/test_readers_ris*.py):

* title: the first TI or T1 (then CT, BT, and the short title ST); line breaks become spaces.
* T2 for journal-like types (JOUR, EJOUR, MGZN, …): the journal when there is no JF/JO/JA;
  nothing when it repeats one of them; the full journal name when JO is only its
  abbreviation ("J. Chem. Phys." for "The Journal of Chemical Physics"); otherwise, with the
  journal already in JF/JO, it is the title's subtitle and is appended as "title: T2".
  For other types (CHAP, CONF, BOOK, GEN, …) T2 is the secondary title (book, proceedings)
  and becomes the journal field.
* authors: AU and A1 (primary authors) in file order; A2–A4 (editors, series editors,
  translators) stay in ``raw`` and are used only when a record has no AU/A1 at all.
* abstract: the first non-empty AB or N2; another AB/N2 with different text (CINAHL's
  copyright line) goes to ``notes`` after the N1 notes.
* year: the first PY, then Y1, then DA value holding a plausible year.
* DOI: DO, DI, L3, M3 (when it holds a DOI), then DOI links in UR, L2, LK, L1, L4.
* PMID: PMID; digits-only C2 (Scopus); digits-only C5 in Embase records; digits-only AN in
  PubMed/MEDLINE records (DB or DP names PubMed, MEDLINE or NLM); a labelled value
  ('23690738[pmid]', 'PMID: …', 'PUBMED …') in AN, U1–U5, C1–C8 or N1; a PubMed link in UR/L2.
"""

from __future__ import annotations

import re

from screener.core.readers.identifiers import (
    MAX_YEAR,
    MIN_YEAR,
    doi_from_text,
    doi_from_url,
    join_pages,
    parse_year,
    pmid_from_digits,
    pmid_from_labelled,
    pmid_from_url,
)
from screener.core.readers.ris_parser import RawRecord
from screener.types import ParsedRecord

JOURNAL_TYPES = frozenset({"JOUR", "EJOUR", "JFULL", "MGZN", "NEWS", "INPR", "ABST", "JOURNAL ARTICLE"})
_DOI_TAGS = ("DO", "DI", "L3", "M3")
_URL_TAGS_FOR_DOI = ("UR", "L2", "LK", "L1", "L4")
_LABELLED_PMID_TAGS = ("AN", "U1", "U2", "U3", "U4", "U5", "C1", "C2", "C3", "C4", "C5", "C6", "C7", "C8", "N1")
_PUBMED_SOURCES = ("pubmed", "medline", "nlm")
# Several links in one UR: "a; b", "a;b" (rispy's delimiter) or "a b" (EPPI-Reviewer).
_URL_SPLIT = re.compile(r"(?:;\s*|\s+)(?=https?://|www\.)")
_NON_ALNUM = re.compile(r"[\W_]+")
_COMMA_WITHOUT_SPACE = re.compile(r",[^\s]")
_STOPWORDS = frozenset({"the", "of", "and", "for", "in", "on", "a", "an", "de", "la", "le", "&"})


def one_line(value: str) -> str:
    """Collapse line breaks and runs of blanks into single spaces (values are stripped)."""
    if "\n" in value or "  " in value or "\t" in value:
        return " ".join(value.split())
    return value


def _in_file_order(pairs: list[tuple[str, str]], values: dict[str, list[str]], a: str, b: str) -> list[str]:
    """The non-empty values of tags ``a`` and ``b`` in file order."""
    first = values.get(a)
    second = values.get(b)
    if first is None:
        return second or []
    if second is None:
        return first
    return [value for tag, value in pairs if value and (tag == a or tag == b)]


def _first(values: dict[str, list[str]], tag: str, other: str = "") -> str:
    """The first value of ``tag``, else of ``other``, else ""."""
    found = values.get(tag) or (values.get(other) if other else None)
    return found[0] if found else ""


def _key(name: str) -> str:
    return _NON_ALNUM.sub("", name.casefold())


def _abbreviates(short: str, full: str) -> bool:
    """True when every word of ``short`` starts a later word of ``full``, in order
    ("J. Chem. Phys." → "The Journal of Chemical Physics")."""
    short_words = [w for w in _NON_ALNUM.split(short.casefold()) if w]
    full_words = [w for w in _NON_ALNUM.split(full.casefold()) if w and w not in _STOPWORDS]
    if not short_words or len(short_words) > len(full_words):
        return False
    i = 0
    for word in short_words:
        while i < len(full_words) and not full_words[i].startswith(word):
            i += 1
        if i == len(full_words):
            return False
        i += 1
    return True


def _join_subtitle(title: str, subtitle: str) -> str:
    if not title:
        return subtitle
    if _key(subtitle) in _key(title):
        return title
    if title.endswith((":", "?", "!", ".")):
        return f"{title} {subtitle}"
    return f"{title}: {subtitle}"


def _title_and_journal(kind: str, values: dict[str, list[str]], title: str) -> tuple[str, str]:
    secondary = one_line(_first(values, "T2"))
    full = one_line(_first(values, "JF", "JO"))
    kind = kind.upper()
    if kind not in JOURNAL_TYPES:
        journal = secondary or full or one_line(_first(values, "JA", "J2"))
        if not journal and kind != "BOOK":
            journal = one_line(_first(values, "BT"))
        return title, journal
    if not full:
        return title, secondary or one_line(_first(values, "JA", "J2"))
    if not secondary:
        return title, full
    known = {_key(v) for tag in ("JF", "JO", "JA", "J2") for v in values.get(tag, ())}
    if _key(secondary) in known:
        return title, full
    if "JF" not in values and _abbreviates(full, secondary):
        return title, secondary  # JO is the abbreviation of the journal in T2
    return _join_subtitle(title, secondary), full


def _needs_tidying(items: list[str]) -> bool:
    """Whether any item holds a line break, a tab or a double space (one scan for all)."""
    joined = "\x1f".join(items)
    return "\n" in joined or "\t" in joined or "  " in joined


def _authors(pairs: list[tuple[str, str]], values: dict[str, list[str]]) -> list[str]:
    names = _in_file_order(pairs, values, "AU", "A1")
    if not names:
        for tag in ("A2", "A3", "A4"):
            names = values.get(tag, [])
            if names:
                break
    joined = "\x1f".join(names)  # one scan for all names (a consortium paper has hundreds)
    if "\n" in joined or "\t" in joined or "  " in joined:
        names = [one_line(name) for name in names]
        joined = "\x1f".join(names)
    if "," in joined and _COMMA_WITHOUT_SPACE.search(joined):
        names = [name.replace(",", ", ") if ", " not in name else name for name in names]  # 'Shi,Yu'
    return list(names)


def _loose(text: str) -> str:
    return " ".join(text.split()).casefold()


def _abstract_and_notes(pairs: list[tuple[str, str]], values: dict[str, list[str]]) -> tuple[str, str]:
    abstracts, summaries = values.get("AB"), values.get("N2")
    if (abstracts and summaries and abstracts.count(abstracts[0]) == len(abstracts)
            and summaries.count(abstracts[0]) == len(summaries)):
        found = abstracts[:1]  # the same text throughout: file order does not matter
    else:
        found = _in_file_order(pairs, values, "AB", "N2")
    if len(found) > 1 and all(value == found[0] for value in found):
        found = found[:1]  # the same text twice (N2 and AB): no need to compare loosely
    if len(found) > 1:  # drop copies (Scopus via Pure writes N2 and AB alike)
        seen: set[str] = set()
        distinct = []
        for value in found:
            key = _loose(value)
            if key and key not in seen:
                seen.add(key)
                distinct.append(value)
        found = distinct
    # Values are non-empty and stripped already (the parser strips every line).
    notes = values.get("N1", [])
    if len(found) > 1:
        notes = notes + found[1:]
    return (found[0] if found else ""), "\n\n".join(notes)


def _doi(values: dict[str, list[str]]) -> str:
    for tag in _DOI_TAGS:
        for value in values.get(tag, ()):
            doi = doi_from_text(value)
            if doi:
                return doi
    for tag in _URL_TAGS_FOR_DOI:
        for value in values.get(tag, ()):
            doi = doi_from_url(value)
            if doi:
                return doi
    return ""


def _pmid(values: dict[str, list[str]]) -> str:
    for tag in ("PMID", "C2"):
        if tag in values:
            for value in values[tag]:
                if pmid := pmid_from_digits(value):
                    return pmid
    if "C5" in values or "AN" in values:
        source = " ".join([*values.get("DB", ()), *values.get("DP", ())]).lower()
        if "embase" in source:
            for value in values.get("C5", ()):
                if pmid := pmid_from_digits(value):
                    return pmid
        if any(name in source for name in _PUBMED_SOURCES):
            for value in values.get("AN", ()):
                if pmid := pmid_from_digits(value):
                    return pmid
    if values.keys().isdisjoint(_LABELLED_PMID_TAGS) and "UR" not in values and "L2" not in values:
        return ""
    labelled = [value for tag in _LABELLED_PMID_TAGS if tag in values for value in values[tag]]
    # A label is "PMID" (its I may be the Turkish İ or ı) or "PUBMED", in any case: without
    # "pm" or "pubmed" in the lower-cased values there is none to look for.
    if labelled and ("pm" in (low := "\x1f".join(labelled).lower()) or "pubmed" in low):
        for value in labelled:
            if pmid := pmid_from_labelled(value):
                return pmid
    for tag in ("UR", "L2"):
        for value in values.get(tag, ()):
            if pmid := pmid_from_url(value):
                return pmid
    return ""


def _urls(values: dict[str, list[str]]) -> list[str]:
    urls: list[str] = []
    for tag in ("UR", "L2"):
        for value in values.get(tag, ()):
            for url in _URL_SPLIT.split(value) if (";" in value or " " in value) else (value,):
                url = url.strip()
                if url and url not in urls:
                    urls.append(url)
    return urls


def _keywords(values: dict[str, list[str]]) -> list[str]:
    found = values.get("KW")
    if not found:
        return []
    return list(dict.fromkeys(map(one_line, found) if _needs_tidying(found) else found))


def _year(values: dict[str, list[str]]) -> int | None:
    for tag in ("PY", "Y1", "DA"):
        for value in values.get(tag, ()):
            year = parse_year(value)
            if year is not None:
                return year
    return None


def to_parsed_record(raw: RawRecord) -> ParsedRecord:
    # The helpers above, with their common cases inlined: a record has 20 to 40 fields,
    # and a large import reads a few hundred thousand records.
    pairs = raw.pairs
    values = raw.values
    get = values.get
    kind = pairs[0][1]
    if "\n" in kind:
        kind = kind.split("\n", 1)[0]  # an untagged line after TY is not part of the type
    found = get("TI")
    if found is None:
        found = get("T1")
    elif "T1" in values:
        found = _in_file_order(pairs, values, "TI", "T1")
    if found:
        title = found[0]
    else:
        title = _first(values, "CT", "BT") or _first(values, "ST")
    if "\n" in title or "  " in title or "\t" in title:
        title = " ".join(title.split())
    title, journal = _title_and_journal(kind, values, title)
    abstract, notes = _abstract_and_notes(pairs, values)
    found = get("VL") or get("VO")
    volume = one_line(found[0]) if found else ""
    found = get("IS")
    issue = one_line(found[0]) if found else ""
    found = get("SP")
    start = found[0] if found else ""
    found = get("EP")
    end = found[0] if found else ""
    if start.isdigit() and (end.isdigit() or not end):  # the usual case, as join_pages decides it
        pages = f"{start}-{end}" if end and start != end else start
    else:
        pages = join_pages(start, end)
    if not pages:
        found = get("PG")
        if found:
            pages = join_pages(found[0], "")
    found = get("PY")
    if found is None:
        found = get("Y1")
    year = None
    if found:  # the first PY (or, without PY, Y1) value as "2024" or "2024/…": as parse_year reads it
        first = found[0]
        head = first[:4]
        if (len(head) == 4 and head.isdecimal() and (len(first) == 4 or first[4] == "/")
                and MIN_YEAR <= int(head) <= MAX_YEAR):
            year = int(head)
    if year is None:
        year = _year(values)
    found = get("KW")
    return ParsedRecord(
        raw.position,
        raw.line,
        kind,
        title,
        _authors(pairs, values),
        year,
        journal,
        volume,
        issue,
        pages,
        _doi(values),
        _pmid(values),
        abstract,
        _keywords(values) if found else [],
        _urls(values) if "UR" in values or "L2" in values else [],
        notes,
        pairs,
    )
