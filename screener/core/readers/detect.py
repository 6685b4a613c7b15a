"""Recognise what a decoded file is: RIS, PubMed MEDLINE (nbib), CSV — or something else,
described in words the user can act on."""

from __future__ import annotations

import re

from screener.core.readers.csv_reader import looks_like_csv_header
from screener.types import ImportFormatError

READABLE = ("ris", "nbib", "csv")
_HEAD_CHARS = 65536

_RIS_START = re.compile(r"^TY[ \t]{1,3}-(?:[ \t]|$)", re.MULTILINE)
_MEDLINE_START = re.compile(r"^PMID- ?\d", re.MULTILINE)
_WOS_RECORD = re.compile(r"^PT [A-Z]\s*$", re.MULTILINE)
_BIBTEX_ENTRY = re.compile(r"^\s*@[A-Za-z]+\s*[{(]", re.MULTILINE)
_ENDNOTE_TAGGED = re.compile(r"^%0 ", re.MULTILINE)

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


def sniff(text: str, path: str = "") -> str:
    """One of READABLE or a key of DESCRIPTIONS for what the text is."""
    head = text[:_HEAD_CHARS].replace("\r\n", "\n").replace("\r", "\n")
    lead = head.lstrip()[:200].lower()
    if lead.startswith(("<!doctype html", "<html", "<head", "<body")):
        return "html"
    if lead.startswith(("<?xml", "<xml")):
        return "xml"
    if lead.startswith(("fn ", "vr ")) or (lead.startswith("pt ") and _WOS_RECORD.search(head)):
        return "wos"
    if _RIS_START.search(head) or (len(text) > _HEAD_CHARS and _RIS_START.search(text.replace("\r", "\n"))):
        return "ris"
    if _MEDLINE_START.search(head):
        return "nbib"
    if lead.startswith(("{", "[")):
        return "json"
    if _BIBTEX_ENTRY.search(head):
        return "bibtex"
    if _ENDNOTE_TAGGED.search(head):
        return "enw"
    first_line = head.lstrip("\n").split("\n", 1)[0]
    if looks_like_csv_header(first_line):
        return "csv"
    if path.lower().endswith((".csv", ".tsv")):
        return "csv"
    return "unknown"


def require(path: str, kind: str) -> str:
    """``kind`` if it is readable, else ImportFormatError describing what the file is."""
    if kind in READABLE:
        return kind
    raise ImportFormatError(path, DESCRIPTIONS.get(kind, DESCRIPTIONS["unknown"]))
