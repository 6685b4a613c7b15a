"""Opening a PDF with PDFium (through pypdfium2), with one lock and clear errors.

PDFium may be used by one thread at a time only, whatever the document, so every call
into it in this process goes through ``LOCK``. PDFs read in bulk are read in worker
processes (``pool``), so a hostile file can only ever bring down a worker.
"""

from __future__ import annotations

import threading
from pathlib import Path

import pypdfium2 as pdfium

from screener.types import ScreenerError

LOCK = threading.RLock()
MAX_BYTES = 512 * 1024 * 1024  # larger than any article; refused rather than read into memory
PDF_MAGIC = b"%PDF-"


class PdfError(ScreenerError):
    """A PDF that cannot be read: names the file and says why."""


def check_pdf_bytes(data: bytes, name: str) -> None:
    """Refuse what is plainly not a PDF before PDFium sees it."""
    if not data:
        raise PdfError(f"{name}: the file is empty")
    if PDF_MAGIC not in data[:1024]:
        raise PdfError(f"{name}: not a PDF (it does not start with %PDF-)")


def read_bytes(path: str | Path) -> bytes:
    p = Path(path)
    try:
        size = p.stat().st_size
        if size > MAX_BYTES:
            raise PdfError(f"{p}: too large to read ({size // (1024 * 1024)} MB)")
        return p.read_bytes()
    except PdfError:
        raise
    except OSError as e:
        raise PdfError(f"{p}: cannot read the file ({e.strerror or e})") from None


def open_document(data: bytes, name: str) -> pdfium.PdfDocument:
    """A PDFium document over ``data`` (which must stay alive as long as the document).
    Call with ``LOCK`` held."""
    check_pdf_bytes(data, name)
    try:
        return pdfium.PdfDocument(data)
    except pdfium.PdfiumError as e:
        text = str(e)
        if "password" in text.lower():
            raise PdfError(f"{name}: the PDF is protected by a password") from None
        raise PdfError(f"{name}: the PDF is damaged or not a PDF ({text})") from None
