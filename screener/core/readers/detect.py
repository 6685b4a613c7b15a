"""Recognise what a decoded file is: RIS, PubMed MEDLINE (nbib), CSV — or something else,
described in words the user can act on.

The answer comes from the file's structure, never from a match somewhere inside it: a CSV
whose abstract holds a line starting ``TY  - `` is still a CSV. The first non-blank line
decides when it is a CSV header with a title or abstract column (or any delimited line in a
``.csv``/``.tsv`` file); otherwise the first line that starts a record (RIS ``TY``, MEDLINE
``PMID-``, BibTeX ``@type{``, EndNote ``%0``) does, after any preamble (Ovid's "1.",
Cochrane's "Record #3 of 18", "Provider: …"). ``--format`` overrides all of this.
"""

from __future__ import annotations

import re

from screener.core.readers.csv_reader import looks_like_csv_header
from screener.types import ImportFormatError

READABLE = ("ris", "nbib", "csv")
_LEAD_CHARS = 65536

_WOS_RECORD = re.compile(r"^PT [A-Z]\s*$", re.MULTILINE)
# The line that starts a record, in each format.
_RECORD_START = re.compile(
    r"^(?:(?P<ris>TY[ \t]{1,3}-(?:[ \t]|$))|(?P<nbib>PMID- ?\d)|(?P<bibtex>[ \t]*@[A-Za-z]+[ \t]*[{(])"
    r"|(?P<enw>%0 ))",
    re.MULTILINE,
)

# What each unreadable kind is, for the error message.
DESCRIPTIONS = {
    "ris": "this looks like a RIS file: choose RIS",
    "nbib": "this looks like a PubMed MEDLINE file: choose MEDLINE/nbib",
    "csv": "this looks like a CSV file: choose CSV",
    "wos": (
        "this is a Web of Science plain-text export (FN/PT field tags), not RIS: export from "
        "Web of Science as 'RIS (other reference software)' or 'Tab delimited file' instead"
    ),
    "html": "this is a web page (HTML), not a reference export; the download may have saved a login or error page",
    "xml": "this is an XML file (EndNote XML?), not RIS, MEDLINE or CSV: export the references as RIS",
    "json": "this is a JSON file, not RIS, MEDLINE or CSV: export the references as RIS",
    "bibtex": "this is a BibTeX file, not RIS, MEDLINE or CSV: export the references as RIS",
    "enw": "this is an EndNote tagged (.enw) file, not RIS: export the references as RIS",
    "unknown": "this is not a recognised reference export (RIS, PubMed MEDLINE/nbib or CSV)",
}


def _first_record_start(text: str) -> str:
    """The kind whose record start is the first line, among the file's lines, to start a
    record; "" when none does."""
    head = text[:_LEAD_CHARS].replace("\r\n", "\n").replace("\r", "\n")
    found = _RECORD_START.search(head)
    if found is None and len(text) > _LEAD_CHARS:
        found = _RECORD_START.search(text.replace("\r", "\n"))
    if found is None:
        return ""
    return next(kind for kind, group in found.groupdict().items() if group is not None)


def sniff(text: str, path: str = "") -> str:
    """One of READABLE or a key of DESCRIPTIONS for what the text is."""
    lead = text[:_LEAD_CHARS].lstrip()
    low = lead[:200].lower()
    if low.startswith(("<!doctype html", "<html", "<head", "<body")):
        return "html"
    if low.startswith(("<?xml", "<xml")):
        return "xml"
    head = lead.replace("\r\n", "\n").replace("\r", "\n")
    if low.startswith(("fn ", "vr ")) or (low.startswith("pt ") and _WOS_RECORD.search(head)):
        return "wos"
    first_line = head.split("\n", 1)[0]
    if looks_like_csv_header(first_line):
        return "csv"
    is_csv_name = path.lower().endswith((".csv", ".tsv"))
    if is_csv_name and any(d in first_line for d in ",;\t"):
        return "csv"  # a header the CSV reader will name, if it has no title column
    if low.startswith(("{", "[")):
        return "json"
    kind = _first_record_start(text)
    if kind:
        return kind
    return "csv" if is_csv_name else "unknown"


def require(path: str, kind: str) -> str:
    """``kind`` if it is readable, else ImportFormatError describing what the file is."""
    if kind in READABLE:
        return kind
    raise ImportFormatError(path, DESCRIPTIONS.get(kind, DESCRIPTIONS["unknown"]))
