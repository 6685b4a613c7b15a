"""Which database an export came from, told by what its records say about themselves, so
the import dialog can name the batch's source before the reviewer types it.

Read from the head of the file only: the first ``DB`` (database) tag of a RIS export
(Ovid writes ``DB  - APA PsycInfo <2021>``, ``DB  - Ovid MEDLINE(R) …``, ``DB  - Embase <1974
to …>``; Embase.com, Scopus and EBSCO write their own), a RIS ``DP  - NLM`` (PubMed through a
reference manager), Web of Science's ``AN  - WOS:`` and Cochrane's ``AN  - CN-`` accession
numbers, and a MEDLINE file's ``PMID-`` lines (PubMed). The names are those the import
dialog lists.
"""

from __future__ import annotations

import re

_HEAD_BYTES = 65536
# (pattern on the first DB value, source), first match wins: PsycInfo before MEDLINE, as
# Ovid names the segment ("APA PsycInfo", "Ovid MEDLINE(R) and Epub Ahead of Print").
_DATABASES = (
    (re.compile(r"psyc ?info", re.I), "PsycINFO"),
    (re.compile(r"embase", re.I), "Embase"),
    (re.compile(r"medline", re.I), "MEDLINE (Ovid)"),
    (re.compile(r"scopus", re.I), "Scopus"),
    (re.compile(r"cinahl", re.I), "CINAHL"),
    (re.compile(r"cochrane|\bcentral\b", re.I), "Cochrane CENTRAL"),
    (re.compile(r"\beric\b", re.I), "ERIC"),
    (re.compile(r"web of science|\bwos\b", re.I), "Web of Science"),
)
_DB = re.compile(r"^DB {1,2}- ?(.+)$", re.M)
_DP_PUBMED = re.compile(r"^DP {1,2}- ?(?:NLM|PubMed)\b", re.M | re.I)
_WOS = re.compile(r"^(?:AN|UT) {1,2}- +WOS:", re.M)
_CENTRAL = re.compile(r"^AN {1,2}- +CN-\d", re.M)
_MEDLINE_FILE = re.compile(r"^PMID- ?\d", re.M)


def guess_source(path: str) -> str | None:
    """The database ``path`` was exported from, when its records say so; else None."""
    try:
        with open(path, "rb") as f:
            head = f.read(_HEAD_BYTES)
    except OSError:
        return None
    text = head.decode("utf-8", errors="replace").lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    found = _DB.search(text)
    if found:
        for pattern, source in _DATABASES:
            if pattern.search(found.group(1)):
                return source
    if _WOS.search(text):
        return "Web of Science"
    if _CENTRAL.search(text):
        return "Cochrane CENTRAL"
    if _DP_PUBMED.search(text) or _MEDLINE_FILE.search(text):
        return "PubMed"
    return None
