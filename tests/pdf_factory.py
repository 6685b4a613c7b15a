"""Real PDFs for the tests and benchmarks, written by Qt (QTextDocument printed through
QPdfWriter, or painted as a picture for a scan without text) — never hand-written bytes.

Needs a QGuiApplication (pytest-qt's ``qapp`` in the tests)."""

from __future__ import annotations

import html
from pathlib import Path

from PySide6.QtCore import QMarginsF, QRectF, Qt
from PySide6.QtGui import (
    QColor,
    QFont,
    QImage,
    QPageLayout,
    QPageSize,
    QPainter,
    QPdfWriter,
    QTextDocument,
)

BODY = ("Peer support workers are people with lived experience of mental illness who are employed "
        "to support others in mental health services. ")


def _writer(path: Path, meta_title: str, xmp_doi: str) -> QPdfWriter:
    writer = QPdfWriter(str(path))
    writer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
    writer.setPageMargins(QMarginsF(18, 18, 18, 18), QPageLayout.Unit.Millimeter)
    writer.setResolution(150)
    writer.setCreator("Screener tests")
    if meta_title:
        writer.setTitle(meta_title)
    if xmp_doi:
        writer.setDocumentXmpMetadata(
            b'<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?><x:xmpmeta xmlns:x="adobe:ns:meta/">'
            b'<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description rdf:about="" '
            b'xmlns:prism="http://prismstandard.org/namespaces/basic/2.0/"><prism:doi>'
            + xmp_doi.encode() + b'</prism:doi></rdf:Description></rdf:RDF></x:xmpmeta><?xpacket end="w"?>'
        )
    return writer


def make_pdf(path: Path, title: str = "", *, authors: str = "Smith J, Jones K", dois: tuple[str, ...] = (),
             body: str = "", paragraphs: int = 12, meta_title: str = "", xmp_doi: str = "",
             header: str = "") -> Path:
    """A journal-article-like PDF: optional header line, title, authors, DOIs as printed
    ("https://doi.org/…"), then body text over one or more pages."""
    path.parent.mkdir(parents=True, exist_ok=True)
    writer = _writer(path, meta_title, xmp_doi)
    parts = []
    if header:
        parts.append(f"<p style='font-size:8pt'>{html.escape(header)}</p>")
    if title:
        parts.append(f"<h1 style='font-size:18pt'>{html.escape(title)}</h1>")
    parts.append(f"<p><i>{html.escape(authors)}</i></p>")
    for doi in dois:
        parts.append(f"<p style='font-size:8pt'>https://doi.org/{html.escape(doi)}</p>")
    text = body or BODY * 3
    parts += [f"<p>{html.escape(text)}</p>"] * paragraphs
    doc = QTextDocument()
    doc.setDefaultFont(QFont("DejaVu Serif", 10))
    doc.setHtml("".join(parts))
    doc.print_(writer)
    return path


def make_scanned_pdf(path: Path, title: str = "A scanned page", pages: int = 1) -> Path:
    """A PDF whose pages are pictures only (as a scanner makes): no text to extract."""
    path.parent.mkdir(parents=True, exist_ok=True)
    writer = _writer(path, "", "")
    painter = QPainter(writer)
    for page in range(pages):
        if page:
            writer.newPage()
        image = QImage(600, 800, QImage.Format.Format_RGB32)
        image.fill(QColor("white"))
        p = QPainter(image)
        p.setPen(QColor("black"))
        p.setFont(QFont("DejaVu Sans", 16))
        p.drawText(QRectF(30, 30, 540, 700), Qt.TextFlag.TextWordWrap, f"{title}\n\n{BODY * 4}")
        p.end()
        painter.drawImage(QRectF(0, 0, writer.width(), writer.height()), image)
    painter.end()
    return path


def make_broken_pdf(path: Path, source: Path) -> Path:
    """The first third of a real PDF: a download that stopped half-way."""
    data = source.read_bytes()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data[: len(data) // 3])
    return path
