"""What identifies a PDF: the DOIs in its metadata and on its first pages, its title in
the metadata, the text of its first page, its checksum. Read once per file."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

from screener.core.pdf.engine import LOCK, PdfError, open_document, read_bytes
from screener.core.readers.identifiers import doi_from_text

TEXT_PAGES = 2  # pages whose text is searched for a DOI; the title is looked for on page 1
MAX_PAGE_CHARS = 20_000  # a first page longer than this is cut (a hostile or odd file)
_DOI_ANYWHERE = re.compile(r"10\.\d{4,9}/\S+")
# A DOI broken over two lines after one of these characters, e.g. "10.1016/j.lancet.\n2020.01.001".
_BROKEN_LINE = re.compile(r"(?<=[./\-_])[ \t]*\r?\n[ \t]*")
# XMP properties that hold the article's own DOI (PRISM, PDF/X, Crossmark, Dublin Core).
_XMP_PACKET = re.compile(rb"<x:xmpmeta[\s\S]{0,200000}?</x:xmpmeta>")
_XMP_DOI = re.compile(
    rb"(?:doi|identifier)[^<>]{0,40}>\s*(?:<rdf:\w+[^>]*>\s*<rdf:li[^>]*>\s*)?"
    rb"(?:doi:\s*|https?://(?:dx\.)?doi\.org/)?(10\.\d{4,9}/[^<\s\"]+)"
    rb"|doi\s*=\s*\"(?:doi:\s*)?(10\.\d{4,9}/[^\"\s]+)\"",
    re.IGNORECASE,
)
# Info dictionary keys publishers put a DOI in.
_INFO_DOI_KEYS = ("doi", "DOI", "Subject", "Keywords", "WPS-ARTICLEDOI", "Title")


@dataclass(frozen=True)
class PdfFacts:
    path: str
    sha256: str = ""
    size: int = 0
    pages: int = 0
    meta_dois: tuple[str, ...] = ()  # from the XMP metadata or the Info dictionary
    text_dois: tuple[str, ...] = ()  # from the first pages, in order of appearance
    meta_title: str = ""
    first_page: str = ""
    error: str = ""  # why the file could not be read ("" if it could)

    @property
    def has_text(self) -> bool:
        return bool(self.first_page.strip())


def dois_in_text(text: str) -> list[str]:
    """Every DOI in ``text``, normalised (lower case, no prefix), first seen first; also
    the DOIs that a line break cuts in two."""
    found: dict[str, None] = {}
    for source in (text, _BROKEN_LINE.sub("", text)):
        if "10." not in source:
            continue
        for m in _DOI_ANYWHERE.finditer(source):
            doi = doi_from_text(m.group(0))
            if doi and "/" in doi and len(doi.split("/", 1)[1]) > 0:
                found.setdefault(doi, None)
    return list(found)


def xmp_dois(data: bytes) -> list[str]:
    """DOIs in the PDF's XMP metadata packets (which are stored as plain text)."""
    found: dict[str, None] = {}
    if b"xmpmeta" not in data:
        return []
    for packet in _XMP_PACKET.finditer(data):
        for m in _XMP_DOI.finditer(packet.group(0)):
            raw = (m.group(1) or m.group(2) or b"").decode("utf-8", "replace")
            doi = doi_from_text(raw.replace("&amp;", "&"))
            if doi:
                found.setdefault(doi, None)
    return list(found)


def read_facts(path: str | Path, text_pages: int = TEXT_PAGES) -> PdfFacts:
    """Read what identifies one PDF. Never raises for a bad file: ``error`` says why."""
    name = str(path)
    try:
        data = read_bytes(path)
    except PdfError as e:
        return PdfFacts(name, error=str(e))
    sha, size = hashlib.sha256(data).hexdigest(), len(data)
    meta_dois = xmp_dois(data)
    try:
        with LOCK:
            doc = open_document(data, Path(name).name)
            try:
                pages = len(doc)
                info = {key: doc.get_metadata_value(key) for key in _INFO_DOI_KEYS}
                texts = []
                for i in range(min(pages, text_pages)):
                    page = doc[i]
                    try:
                        tp = page.get_textpage()
                        try:
                            texts.append(tp.get_text_bounded()[:MAX_PAGE_CHARS])
                        finally:
                            tp.close()
                    finally:
                        page.close()
            finally:
                doc.close()
    except PdfError as e:
        return PdfFacts(name, sha, size, error=str(e))
    except Exception as e:  # PDFium can fail in ways of its own on odd files
        return PdfFacts(name, sha, size, error=f"{Path(name).name}: cannot read the PDF ({type(e).__name__}: {e})")
    for value in info.values():
        for doi in dois_in_text(value):
            if doi not in meta_dois:
                meta_dois.append(doi)
    text_dois = dois_in_text("\n".join(texts))
    return PdfFacts(
        name, sha, size, pages, tuple(meta_dois), tuple(text_dois), info.get("Title", "").strip(),
        texts[0] if texts else "",
    )
