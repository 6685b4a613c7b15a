"""Where the project's include and exclude terms, and a search, occur in a PDF.

The same term rules as in the abstract (``highlight.term_pattern``: whole words, plurals,
``diagnos*``), applied to each page's text; each hit keeps its rectangles on the page.
Pages are scanned a few at a time from the event loop, so a long PDF never freezes the
window; ``changed`` says when more hits are known. How hits are drawn is here too:
colour from the colour-blind-safe palette *and* a mark that does not need colour
(a solid underline for include terms, a zigzag one for exclude terms, a frame for search).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from PySide6.QtCore import QObject, QPointF, QRectF, QTimer, Signal
from PySide6.QtGui import QColor, QPainter, QPainterPath, QPen

from screener.core.pdf.pages import PdfPages, Rect

INCLUDE, EXCLUDE, FIND = "inc", "exc", "find"
PAGES_PER_TICK = 4
# Okabe & Ito (2008): blue for include, vermilion for exclude, yellow for a search.
COLOURS = {INCLUDE: "#0072B2", EXCLUDE: "#D55E00", FIND: "#E6C200"}


@dataclass(frozen=True)
class Hit:
    kind: str  # inc | exc | find
    page: int
    start: int
    length: int
    rects: tuple[Rect, ...]


def find_pattern(text: str) -> re.Pattern[str] | None:
    """A search as typed: case-insensitive, any run of spaces or line breaks between words."""
    words = text.split()
    if not words:
        return None
    return re.compile(r"\s+".join(re.escape(w) for w in words), re.IGNORECASE)


def page_hits(pages: PdfPages, page: int, pattern: re.Pattern[str], kind: str | None = None) -> list[Hit]:
    """The hits of ``pattern`` on one page. With ``kind`` None the pattern's ``inc``/``exc``
    groups say which kind each hit is."""
    text = pages.text(page)
    out = []
    for m in pattern.finditer(text):
        if m.end() == m.start():
            continue
        k = kind or (INCLUDE if "inc" in pattern.groupindex and m.group("inc") else EXCLUDE)
        rects = pages.rects(page, m.start(), m.end() - m.start())
        if rects:
            out.append(Hit(k, page, m.start(), m.end() - m.start(), tuple(rects)))
    return out


class HitScanner(QObject):
    """Scans a document's pages for a pattern, a few pages per turn of the event loop."""

    changed = Signal()
    finished = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.pages: PdfPages | None = None
        self.pattern: re.Pattern[str] | None = None
        self.kind: str | None = None
        self.hits: list[Hit] = []
        self.by_page: dict[int, list[Hit]] = {}
        self._next = 0
        self._timer = QTimer(self, interval=0)
        self._timer.timeout.connect(self._scan)

    def start(self, pages: PdfPages | None, pattern: re.Pattern[str] | None, kind: str | None = None) -> None:
        self._timer.stop()
        self.pages, self.pattern, self.kind = pages, pattern, kind
        self.hits, self.by_page, self._next = [], {}, 0
        if pages is not None and pattern is not None and pages.page_count:
            self._scan()  # the first pages at once: what the reader sees first is marked first
            if self._next < pages.page_count:
                self._timer.start()
        self.changed.emit()

    @property
    def done(self) -> bool:
        return self.pages is None or self.pattern is None or self._next >= self.pages.page_count

    def finish(self) -> None:
        """Scan the remaining pages now (tests, and a jump to the last hit)."""
        while not self.done:
            self._scan()

    def count(self, kind: str) -> int:
        return sum(1 for h in self.hits if h.kind == kind)

    def _scan(self) -> None:
        if self.pages is None or self.pattern is None:
            self._timer.stop()
            return
        end = min(self.pages.page_count, self._next + PAGES_PER_TICK)
        for page in range(self._next, end):
            found = page_hits(self.pages, page, self.pattern, self.kind)
            if found:
                self.by_page[page] = found
                self.hits.extend(found)
        self._next = end
        if self.done:
            self._timer.stop()
            self.finished.emit()
        self.changed.emit()


def paint_hit(p: QPainter, hit: Hit, to_view: QRectF, scale: float, current: bool = False) -> None:
    """Draw one hit over a page whose top-left is at ``to_view``'s origin, at ``scale``."""
    colour = QColor(COLOURS[hit.kind])
    fill = QColor(colour)
    fill.setAlpha(70 if hit.kind != FIND else 110)
    for left, top, right, bottom in hit.rects:
        r = QRectF(to_view.x() + left * scale, to_view.y() + top * scale,
                   (right - left) * scale, (bottom - top) * scale).adjusted(-1, -1, 1, 1)
        p.fillRect(r, fill)
        width = max(1.5, scale * 1.2)
        if hit.kind == INCLUDE:  # a solid underline
            p.setPen(QPen(colour, width))
            p.drawLine(QPointF(r.left(), r.bottom()), QPointF(r.right(), r.bottom()))
        elif hit.kind == EXCLUDE:  # a zigzag underline
            p.setPen(QPen(colour, width))
            step = max(3.0, scale * 2.5)
            path = QPainterPath(QPointF(r.left(), r.bottom()))
            x, up = r.left(), True
            while x < r.right():
                x = min(r.right(), x + step)
                path.lineTo(QPointF(x, r.bottom() - (step * 0.8 if up else 0)))
                up = not up
            p.drawPath(path)
        else:  # a search: framed
            p.setPen(QPen(QColor("#5a4a00"), 1.2))
            p.drawRect(r)
        if current:
            p.setPen(QPen(QColor("#000000"), 2.5))
            p.drawRect(r.adjusted(-2, -2, 2, 2))
