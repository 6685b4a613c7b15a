"""The PDF itself: pages one under the other, zoomed to the page width by default, with
the terms and a search marked, and text that can be selected and copied.

Keys while it has focus: arrows, Page Up/Down, Space, Home/End scroll; Ctrl+= / Ctrl+-
zoom, Ctrl+0 fits the width again; ``/`` asks for a search; N / Shift+N (and F3) go to
the next or previous hit; Ctrl+C copies the selection. Every other key (I, E, M, 1–9,
J, K…) is left to the window, so the decision keys work while the PDF has focus.
"""

from __future__ import annotations

from collections import OrderedDict
from typing import Any

from PySide6.QtCore import QEvent, QPointF, QRect, QRectF, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QGuiApplication,
    QImage,
    QKeyEvent,
    QKeySequence,
    QPainter,
    QPalette,
)
from PySide6.QtWidgets import QAbstractScrollArea, QMenu, QWidget

from screener.core.pdf.pages import PdfPages
from screener.gui.pdf_highlight import Hit, paint_hit

MARGIN = 10  # pixels around the pages
SPACING = 10  # pixels between pages
MIN_ZOOM, MAX_ZOOM = 0.25, 6.0
CACHE_PAGES = 10
Pos = tuple[int, int]  # (page, character index)

_SCROLL_KEYS = {Qt.Key.Key_Up, Qt.Key.Key_Down, Qt.Key.Key_PageUp, Qt.Key.Key_PageDown,
                Qt.Key.Key_Home, Qt.Key.Key_End, Qt.Key.Key_Space, Qt.Key.Key_Left, Qt.Key.Key_Right}


class PdfView(QAbstractScrollArea):
    page_changed = Signal(int, int)  # page shown (0-based), pages
    zoom_changed = Signal()
    find_requested = Signal()  # "/" pressed here
    hit_requested = Signal(int)  # +1 next hit, -1 previous hit
    selection_changed = Signal(str)
    remove_requested = Signal()  # the reviewer wants the PDF taken off the record

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setAccessibleName(self.tr("PDF"))
        self.viewport().setCursor(Qt.CursorShape.IBeamCursor)
        self.viewport().setMouseTracking(False)
        self.pages: PdfPages | None = None
        self.fit_width = True
        self._zoom = 1.0  # pixels per point when not fitting the width
        self._tops: list[int] = []
        self._height = 0
        self._cache: OrderedDict[tuple[int, float], QImage] = OrderedDict()
        self.layers: list[dict[int, list[Hit]]] = []  # hits to draw, by page (terms, search)
        self.current_hit: Hit | None = None
        self._anchor: Pos | None = None
        self._head: Pos | None = None
        self._sel_rects: dict[int, list[tuple[float, float, float, float]]] = {}
        self._last_page = -1
        self.verticalScrollBar().valueChanged.connect(self._scrolled)
        self.verticalScrollBar().setSingleStep(40)

    # the document
    def set_pages(self, pages: PdfPages | None) -> None:
        self.pages = pages
        self._cache.clear()
        self.layers = []
        self.current_hit = None
        self.clear_selection()
        self._last_page = -1
        self._relayout()
        self.verticalScrollBar().setValue(0)
        self.horizontalScrollBar().setValue(0)
        self._scrolled()
        self.viewport().update()

    # geometry
    def scale(self) -> float:
        """Pixels per point."""
        if self.pages is None or not self.pages.page_count:
            return 1.0
        if self.fit_width:
            widest = max(self.pages.size(i)[0] for i in range(self.pages.page_count))
            return max(0.1, (self.viewport().width() - 2 * MARGIN) / max(widest, 1.0))
        return self._zoom

    def _relayout(self) -> None:
        self._tops = []
        y = MARGIN
        s = self.scale()
        width = 0
        if self.pages is not None:
            for i in range(self.pages.page_count):
                w, h = self.pages.size(i)
                self._tops.append(y)
                y += round(h * s) + SPACING
                width = max(width, round(w * s))
        self._height = y - SPACING + MARGIN if self._tops else 0
        vbar, hbar = self.verticalScrollBar(), self.horizontalScrollBar()
        vbar.setPageStep(self.viewport().height())
        vbar.setRange(0, max(0, self._height - self.viewport().height()))
        hbar.setPageStep(self.viewport().width())
        hbar.setRange(0, max(0, width + 2 * MARGIN - self.viewport().width()))

    def page_rect(self, index: int) -> QRectF:
        """Where a page is, in viewport pixels."""
        assert self.pages is not None
        s = self.scale()
        w, h = self.pages.size(index)
        content_w = max(w * s + 2 * MARGIN, self.viewport().width())
        x = (content_w - w * s) / 2 - self.horizontalScrollBar().value()
        y = self._tops[index] - self.verticalScrollBar().value()
        return QRectF(x, y, w * s, h * s)

    def visible_pages(self) -> list[int]:
        if self.pages is None:
            return []
        top = self.verticalScrollBar().value()
        bottom = top + self.viewport().height()
        s = self.scale()
        return [i for i, y in enumerate(self._tops)
                if y < bottom and y + self.pages.size(i)[1] * s > top]

    def current_page(self) -> int:
        """The page at the upper third of the view."""
        if not self._tops:
            return 0
        probe = self.verticalScrollBar().value() + self.viewport().height() / 3
        page = 0
        for i, y in enumerate(self._tops):
            if y <= probe:
                page = i
        return page

    def go_to_page(self, index: int) -> None:
        if self.pages is None or not self.pages.page_count:
            return
        index = min(max(index, 0), self.pages.page_count - 1)
        self.verticalScrollBar().setValue(self._tops[index] - MARGIN)

    def show_hit(self, hit: Hit) -> None:
        """Scroll so that ``hit`` is in view (about a third from the top) and mark it."""
        self.current_hit = hit
        if self.pages is not None and hit.rects:
            s = self.scale()
            top = min(r[1] for r in hit.rects) * s
            left = min(r[0] for r in hit.rects) * s
            y = self._tops[hit.page] + top
            vbar = self.verticalScrollBar()
            if not vbar.value() + 20 <= y <= vbar.value() + self.viewport().height() - 40:
                vbar.setValue(round(y - self.viewport().height() / 3))
            hbar = self.horizontalScrollBar()
            if hbar.maximum() and not hbar.value() <= left <= hbar.value() + self.viewport().width() - 40:
                hbar.setValue(round(left - 40))
        self.viewport().update()

    # zoom
    def set_zoom(self, zoom: float | None) -> None:
        """``None`` fits the page width; otherwise pixels per point."""
        page = self.current_page()
        if zoom is None:
            self.fit_width = True
        else:
            self.fit_width = False
            self._zoom = min(MAX_ZOOM, max(MIN_ZOOM, zoom))
        self._cache.clear()
        self._relayout()
        self.go_to_page(page)
        self.viewport().update()
        self.zoom_changed.emit()

    def zoom_by(self, factor: float) -> None:
        self.set_zoom(self.scale() * factor)

    # painting
    def _image(self, index: int, scale: float, ratio: float) -> QImage:
        assert self.pages is not None
        key = (index, round(scale * ratio, 4))
        image = self._cache.get(key)
        if image is None:
            rendered = self.pages.render(index, scale * ratio)
            image = QImage(rendered.data, rendered.width, rendered.height, rendered.stride,
                           QImage.Format.Format_RGB32).copy()
            image.setDevicePixelRatio(ratio)
            self._cache[key] = image
            while len(self._cache) > CACHE_PAGES:
                self._cache.popitem(last=False)
        else:
            self._cache.move_to_end(key)
        return image

    def paintEvent(self, event: Any) -> None:
        p = QPainter(self.viewport())
        p.fillRect(self.viewport().rect(), self.palette().color(QPalette.ColorRole.Mid).lighter(130))
        if self.pages is None:
            return
        s = self.scale()
        ratio = self.devicePixelRatioF()
        for i in self.visible_pages():
            r = self.page_rect(i)
            p.fillRect(r.adjusted(1, 2, 2, 3), QColor(0, 0, 0, 40))
            p.fillRect(r, QColor("white"))
            p.drawImage(r.topLeft(), self._image(i, s, ratio))
            p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
            for layer in self.layers:
                for hit in layer.get(i, ()):
                    paint_hit(p, hit, r, s, current=hit == self.current_hit)
            if self.current_hit is not None and self.current_hit.page == i and not any(
                    self.current_hit in layer.get(i, ()) for layer in self.layers):
                paint_hit(p, self.current_hit, r, s, current=True)
            sel = QColor(self.palette().color(QPalette.ColorRole.Highlight))
            sel.setAlpha(90)
            for left, top, right, bottom in self._sel_rects.get(i, ()):
                p.fillRect(QRectF(r.x() + left * s, r.y() + top * s, (right - left) * s, (bottom - top) * s), sel)
            p.setRenderHint(QPainter.RenderHint.Antialiasing, False)

    def _scrolled(self, _value: int = 0) -> None:
        page = self.current_page()
        if page != self._last_page:
            self._last_page = page
            self.page_changed.emit(page, self.pages.page_count if self.pages else 0)
        self.viewport().update()

    def resizeEvent(self, event: Any) -> None:
        super().resizeEvent(event)
        page = self.current_page()
        offset = self.verticalScrollBar().value() - (self._tops[page] if self._tops else 0)
        old = self.scale()
        self._relayout()
        if self._tops and self.fit_width and old:
            self.verticalScrollBar().setValue(self._tops[page] + round(offset * self.scale() / old))

    # selection
    def _pos_at(self, point: QPointF) -> Pos | None:
        if self.pages is None:
            return None
        s = self.scale()
        for i in self.visible_pages():
            r = self.page_rect(i)
            if r.top() - SPACING / 2 <= point.y() <= r.bottom() + SPACING / 2:
                x = min(max(point.x(), r.left()), r.right())
                index = self.pages.char_at(i, (x - r.left()) / s, (point.y() - r.top()) / s, 6.0)
                return (i, index) if index >= 0 else None
        return None

    def clear_selection(self) -> None:
        had = bool(self._sel_rects)
        self._anchor = self._head = None
        self._sel_rects = {}
        if had:
            self.selection_changed.emit("")
            self.viewport().update()

    def _selection_ranges(self) -> list[tuple[int, int, int]]:
        """(page, start, length) of each page's part of the selection."""
        if self.pages is None or self._anchor is None or self._head is None:
            return []
        a, b = sorted((self._anchor, self._head))
        out = []
        for page in range(a[0], b[0] + 1):
            n = len(self.pages.text(page))
            start = a[1] if page == a[0] else 0
            end = b[1] if page == b[0] else n - 1
            if end >= start:
                out.append((page, start, end - start + 1))
        return out

    def select(self, anchor: Pos, head: Pos) -> None:
        if self.pages is None:
            return
        self._anchor, self._head = anchor, head
        self._sel_rects = {page: self.pages.rects(page, start, n) for page, start, n in self._selection_ranges()}
        self.viewport().update()
        self.selection_changed.emit(self.selected_text())

    def selected_text(self) -> str:
        if self.pages is None:
            return ""
        parts = [self.pages.text(page)[start:start + n] for page, start, n in self._selection_ranges()]
        return "\n".join(parts).replace("\r\n", "\n").replace("\r", "\n").strip()

    def copy(self) -> bool:
        text = self.selected_text()
        if text:
            QGuiApplication.clipboard().setText(text)
        return bool(text)

    def mousePressEvent(self, event: Any) -> None:
        self.setFocus(Qt.FocusReason.MouseFocusReason)
        if event.button() == Qt.MouseButton.LeftButton:
            pos = self._pos_at(event.position())
            self.clear_selection()
            self._anchor = pos
        super().mousePressEvent(event)

    def mouseMoveEvent(self, event: Any) -> None:
        if self._anchor is not None and event.buttons() & Qt.MouseButton.LeftButton:
            pos = self._pos_at(event.position())
            if pos is not None:
                self.select(self._anchor, pos)
            self._autoscroll(event.position().y())

    def _autoscroll(self, y: float) -> None:
        vbar = self.verticalScrollBar()
        if y < 0:
            vbar.setValue(vbar.value() + round(y))
        elif y > self.viewport().height():
            vbar.setValue(vbar.value() + round(y - self.viewport().height()))

    def mouseDoubleClickEvent(self, event: Any) -> None:
        pos = self._pos_at(event.position())
        if pos is None or self.pages is None:
            return
        text = self.pages.text(pos[0])
        start = end = pos[1]
        while start > 0 and text[start - 1].isalnum():
            start -= 1
        while end + 1 < len(text) and text[end + 1].isalnum():
            end += 1
        self.select((pos[0], start), (pos[0], end))

    def contextMenuEvent(self, event: Any) -> None:
        menu = QMenu(self)
        copy = menu.addAction(self.tr("Copy"), self.copy)
        copy.setShortcut(QKeySequence.StandardKey.Copy)
        copy.setEnabled(bool(self._sel_rects))
        menu.addSeparator()
        menu.addAction(self.tr("Fit page width"), lambda: self.set_zoom(None))
        menu.addAction(self.tr("Zoom in"), lambda: self.zoom_by(1.25))
        menu.addAction(self.tr("Zoom out"), lambda: self.zoom_by(0.8))
        menu.addSeparator()
        menu.addAction(self.tr("Take this PDF off the record…"), self.remove_requested)
        menu.exec(event.globalPos())

    # keys
    def _own_key(self, event: QKeyEvent) -> bool:
        """Keys this view acts on itself; every other key goes on to the window's shortcuts."""
        key, mods = event.key(), event.modifiers()
        ctrl = bool(mods & Qt.KeyboardModifier.ControlModifier)
        if event.matches(QKeySequence.StandardKey.Copy):
            return True
        if ctrl:
            return key in (Qt.Key.Key_Plus, Qt.Key.Key_Equal, Qt.Key.Key_Minus, Qt.Key.Key_0)
        if mods & Qt.KeyboardModifier.AltModifier:
            return False
        return key in _SCROLL_KEYS or key in (Qt.Key.Key_Slash, Qt.Key.Key_N, Qt.Key.Key_F3)

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ShortcutOverride and isinstance(event, QKeyEvent) and self._own_key(event):
            event.accept()  # the window's J/K/↑/↓ shortcuts must not take these
            return True
        return super().event(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if not self._own_key(event):
            super().keyPressEvent(event)
            return
        key, mods = event.key(), event.modifiers()
        shift = bool(mods & Qt.KeyboardModifier.ShiftModifier)
        vbar = self.verticalScrollBar()
        if event.matches(QKeySequence.StandardKey.Copy):
            self.copy()
        elif mods & Qt.KeyboardModifier.ControlModifier:
            if key in (Qt.Key.Key_Plus, Qt.Key.Key_Equal):
                self.zoom_by(1.25)
            elif key == Qt.Key.Key_Minus:
                self.zoom_by(0.8)
            else:
                self.set_zoom(None)
        elif key == Qt.Key.Key_Slash:
            self.find_requested.emit()
        elif key in (Qt.Key.Key_N, Qt.Key.Key_F3):
            self.hit_requested.emit(-1 if shift else 1)
        elif key == Qt.Key.Key_Up:
            vbar.setValue(vbar.value() - vbar.singleStep())
        elif key == Qt.Key.Key_Down:
            vbar.setValue(vbar.value() + vbar.singleStep())
        elif key == Qt.Key.Key_PageUp or (key == Qt.Key.Key_Space and shift):
            vbar.setValue(vbar.value() - round(vbar.pageStep() * 0.9))
        elif key in (Qt.Key.Key_PageDown, Qt.Key.Key_Space):
            vbar.setValue(vbar.value() + round(vbar.pageStep() * 0.9))
        elif key == Qt.Key.Key_Home:
            vbar.setValue(0)
        elif key == Qt.Key.Key_End:
            vbar.setValue(vbar.maximum())
        elif key == Qt.Key.Key_Left:
            self.go_to_page(self.current_page() - 1)
        elif key == Qt.Key.Key_Right:
            self.go_to_page(self.current_page() + 1)

    def wheelEvent(self, event: Any) -> None:
        if event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            self.zoom_by(1.1 if event.angleDelta().y() > 0 else 1 / 1.1)
            return
        super().wheelEvent(event)

    def viewport_rect_of(self, hit: Hit) -> QRect:
        """Where a hit is drawn now (for tests and accessibility)."""
        r = self.page_rect(hit.page)
        s = self.scale()
        left, top, right, bottom = hit.rects[0]
        return QRectF(r.x() + left * s, r.y() + top * s, (right - left) * s, (bottom - top) * s).toRect()
