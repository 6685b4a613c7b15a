"""Normalisers for the identifiers and numbers every reader extracts: DOI, PMID, year, pages.

DOIs are returned lower-cased without any prefix (``doi:``, ``https://doi.org/`` …), as
``ParsedRecord.doi`` documents; DOIs are case-insensitive, and the form the database
printed stays in ``raw``.
"""

from __future__ import annotations

import re
from urllib.parse import unquote

# A DOI: "10." + registrant code + "/" + suffix (anything up to white space).
_DOI = re.compile(r"10\.\d{4,9}/\S+")
# Inside a URL the suffix also ends at a query/fragment separator or a quote.
_DOI_IN_URL = re.compile(
    r"(?:doi\.org/|doi[:=]\s*|/doi/(?:abs/|full/|pdf/|epdf/|pdfdirect/|book/)?)"
    r"(10\.\d{4,9}/[^\s&?#\"'<>]+)",
    re.IGNORECASE,
)
# Cochrane CENTRAL puts the DOI of its own database entry in UR; that is not the article's.
_NOT_ARTICLE_DOI = ("10.1002/central/",)
_TRAILING_JUNK = ".,;:'\"]}>"

_PMID_LABELLED = re.compile(r"(?:PMID|PUBMED)\s*[:#]?\s*(\d{1,9})(?!\d)", re.IGNORECASE)
_PMID_SUFFIXED = re.compile(r"(\d{1,9})\s*\[pmid\]", re.IGNORECASE)
_PMID_IN_URL = re.compile(r"(?:pubmed\.ncbi\.nlm\.nih\.gov/|ncbi\.nlm\.nih\.gov/pubmed/)(\d{1,9})(?!\d)")

# A year: four digits, optionally glued to a month and day (20170812), not inside a longer number.
_YEAR = re.compile(r"(?<!\d)(\d{4})(?:\d{2}(?:\d{2})?)?(?!\d)")
MIN_YEAR = 1500
MAX_YEAR = 2100

_PAGE_PREFIX = re.compile(r"^(?:pp?\.?\s*)", re.IGNORECASE)
_DIGIT = re.compile(r"\d")


def _clean_doi(candidate: str) -> str:
    doi = candidate.rstrip(_TRAILING_JUNK)
    # A closing bracket belongs to the DOI only when it opens one as well: "10.1002/(SICI)…".
    while doi.endswith(")") and doi.count("(") < doi.count(")"):
        doi = doi[:-1].rstrip(_TRAILING_JUNK)
    doi = doi.lower()
    if doi.startswith(_NOT_ARTICLE_DOI):
        return ""
    return doi


def doi_from_text(value: str) -> str:
    """The DOI in a field that holds a DOI, with or without a prefix; "" if there is none."""
    if "10." not in value:
        return ""
    match = _DOI.search(value)
    if match is None:
        return ""
    doi = match.group(0)
    if "%2f" in doi.lower():
        doi = unquote(doi)
    return _clean_doi(doi)


def doi_from_url(url: str) -> str:
    """The DOI in a link (doi.org resolver, ``doi:``/``doi=`` parameter, ``/doi/`` path)."""
    if "10." not in url:
        return ""
    match = _DOI_IN_URL.search(unquote(url) if "%" in url else url)
    return _clean_doi(match.group(1)) if match else ""


def pmid_from_digits(value: str) -> str:
    """The value (its first line) when it is a bare PubMed ID of 1 to 9 digits; else ""."""
    value = value.split("\n", 1)[0].strip() if "\n" in value else value.strip()
    return value if len(value) <= 9 and value.isascii() and value.isdigit() else ""


def pmid_from_labelled(value: str) -> str:
    """A PMID written with its label: 'PMID: 123', 'PUBMED 123', '123[pmid]'."""
    if not value:
        return ""
    match = _PMID_SUFFIXED.search(value) or _PMID_LABELLED.search(value)
    return match.group(1) if match else ""


def pmid_from_url(url: str) -> str:
    match = _PMID_IN_URL.search(url) if "pubmed" in url else None
    return match.group(1) if match else ""


def parse_year(value: str) -> int | None:
    """The publication year in a date as databases write it, or None.

    '2025/1/13' → 2025, '2024///' → 2024, 'Start date: 20170812' → 2017,
    '4-8 Aug. 2020' → 2020, 'faulty' → None.
    """
    if len(value) == 4 and value.isdecimal():  # the usual case, without the regex ("²" is a digit, not decimal)
        year = int(value)
        return year if MIN_YEAR <= year <= MAX_YEAR else None
    for match in _YEAR.finditer(value):
        year = int(match.group(1))
        if MIN_YEAR <= year <= MAX_YEAR:
            return year
    return None


def _page_part(value: str) -> str:
    if value.isdigit():
        return value
    value = " ".join(value.split())
    if value[:1] in ("p", "P"):
        value = _PAGE_PREFIX.sub("", value)
    # 'No' / 'Specified' (Ovid's "No Specified") and other words without a digit are not pages.
    return value if _DIGIT.search(value) else ""


def join_pages(start: str, end: str) -> str:
    """'SP-EP' from a start and an end page, dropping values without any digit."""
    first = _page_part(start)
    last = _page_part(end)
    if first and last and first != last and "-" not in first:
        return f"{first}-{last}"
    return first or last
