"""An open PDF as the viewer needs it: page sizes, pictures of pages, and each page's
text with where every character is. Qt-free: the GUI turns the pixels into an image.

Coordinates are *display points*: 1/72 inch, origin at the top left of the page as shown
(crop box and page rotation applied), so a scale turns them into pixels directly.
"""

from __future__ import annotations

import ctypes
from dataclasses import dataclass

import pypdfium2 as pdfium
import pypdfium2.raw as raw

from screener.core.pdf.engine import LOCK, open_document

_FINE = 16  # PDFium maps to whole device pixels: map at 16 per point, for 1/16 pt precision

Rect = tuple[float, float, float, float]  # left, top, right, bottom in display points


@dataclass(frozen=True)
class PageImage:
    data: bytes  # 32-bit pixels, B G R x in memory (Qt's Format_RGB32 on little-endian)
    width: int
    height: int
    stride: int


class PdfPages:
    """One open document. Every call into PDFium holds the engine's lock."""

    def __init__(self, data: bytes, name: str = "PDF") -> None:
        self._data = data  # PDFium reads from this buffer for the document's lifetime
        self.name = name
        with LOCK:
            self._doc = open_document(data, name)
            self.page_count = len(self._doc)
            self._sizes = [self._doc.get_page_size(i) for i in range(self.page_count)]
        self._pages: dict[int, tuple[pdfium.PdfPage, pdfium.PdfTextPage]] = {}
        self._texts: dict[int, str] = {}

    def size(self, index: int) -> tuple[float, float]:
        """(width, height) of a page in points, as shown."""
        return self._sizes[index]

    def _page(self, index: int) -> tuple[pdfium.PdfPage, pdfium.PdfTextPage]:
        got = self._pages.get(index)
        if got is None:
            page = self._doc[index]
            got = (page, page.get_textpage())
            self._pages[index] = got
            if len(self._pages) > 24:  # keep the pages near the reader open, not all
                old = next(iter(self._pages))
                if old != index:
                    tp_page, tp = self._pages.pop(old)
                    tp.close()
                    tp_page.close()
        return got

    def render(self, index: int, scale: float) -> PageImage:
        """The page drawn at ``scale`` pixels per point, on white."""
        with LOCK:
            page, _ = self._page(index)
            bitmap = page.render(scale=scale, rev_byteorder=False, prefer_bgrx=True, may_draw_forms=False)
            try:
                image = PageImage(bytes(bitmap.buffer), bitmap.width, bitmap.height, bitmap.stride)
            finally:
                bitmap.close()
        return image

    def text(self, index: int) -> str:
        """The page's text, one character per PDFium character index (line breaks that
        PDFium infers included), so that a match's offsets are character indices."""
        cached = self._texts.get(index)
        if cached is not None:
            return cached
        with LOCK:
            _, tp = self._page(index)
            n = raw.FPDFText_CountChars(tp)
            chars = []
            for i in range(max(n, 0)):
                code = raw.FPDFText_GetUnicode(tp, i)
                chars.append(chr(code) if 0 < code < 0x110000 and not 0xD800 <= code <= 0xDFFF else " ")
        text = "".join(chars)
        self._texts[index] = text
        return text

    def rects(self, index: int, start: int, count: int) -> list[Rect]:
        """Where characters ``start`` … ``start + count - 1`` are, one rectangle per run on a line."""
        if count <= 0:
            return []
        out = []
        with LOCK:
            page, tp = self._page(index)
            n = raw.FPDFText_CountRects(tp, start, count)
            left, top, right, bottom = (ctypes.c_double() for _ in range(4))
            for i in range(max(n, 0)):
                if raw.FPDFText_GetRect(tp, i, left, top, right, bottom):
                    x0, y0 = self._to_display(page, index, left.value, top.value)
                    x1, y1 = self._to_display(page, index, right.value, bottom.value)
                    out.append((min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1)))
        return merge_runs(out)

    def char_at(self, index: int, x: float, y: float, tolerance: float = 4.0) -> int:
        """The index of the character at (or within ``tolerance`` points of) a display
        point, or -1."""
        with LOCK:
            page, tp = self._page(index)
            px, py = self._to_page(page, index, x, y)
            return int(raw.FPDFText_GetCharIndexAtPos(tp, px, py, tolerance, tolerance))

    def _to_display(self, page: pdfium.PdfPage, index: int, px: float, py: float) -> tuple[float, float]:
        w, h = self._sizes[index]
        dx, dy = ctypes.c_int(), ctypes.c_int()
        raw.FPDF_PageToDevice(page, 0, 0, round(w * _FINE), round(h * _FINE), 0, px, py, dx, dy)
        return dx.value / _FINE, dy.value / _FINE

    def _to_page(self, page: pdfium.PdfPage, index: int, x: float, y: float) -> tuple[float, float]:
        w, h = self._sizes[index]
        px, py = ctypes.c_double(), ctypes.c_double()
        raw.FPDF_DeviceToPage(page, 0, 0, round(w * _FINE), round(h * _FINE), 0,
                              round(x * _FINE), round(y * _FINE), px, py)
        return px.value, py.value

    def close(self) -> None:
        with LOCK:
            for page, tp in self._pages.values():
                tp.close()
                page.close()
            self._pages.clear()
            self._doc.close()


def merge_runs(rects: list[Rect]) -> list[Rect]:
    """Join neighbouring rectangles on one line (PDFs often place every glyph or word on
    its own), across gaps up to about a space wide."""
    out: list[Rect] = []
    for r in rects:
        if r[2] - r[0] < 0.5 or r[3] - r[1] < 0.5:
            continue  # a space or other empty box: it must not keep the words apart
        if out:
            last = out[-1]
            overlap = min(last[3], r[3]) - max(last[1], r[1])
            height = min(last[3] - last[1], r[3] - r[1])
            gap = max(2.0, 0.6 * max(last[3] - last[1], r[3] - r[1]))
            if height > 0 and overlap > 0.5 * height and -gap <= r[0] - last[2] <= gap:
                out[-1] = (min(last[0], r[0]), min(last[1], r[1]), max(last[2], r[2]), max(last[3], r[3]))
                continue
        out.append(r)
    return out
