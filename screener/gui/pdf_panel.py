"""The PDF tab of the full-text stage: a tool row (pages, zoom, term counts and hit keys,
search), the view, and clear messages when there is no PDF to show.

It shows what it is given (``show_pages`` or ``show_message``) and emits what the
reviewer asks for; loading PDFs from the project is ``full_text_pane``'s job.
"""

from __future__ import annotations

import re

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QStackedWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from screener.core.pdf.pages import PdfPages
from screener.gui.highlight import term_pattern
from screener.gui.pdf_highlight import (
    COLOURS,
    EXCLUDE,
    FIND,
    INCLUDE,
    Hit,
    HitScanner,
    find_pattern,
)
from screener.gui.pdf_view import PdfView


def _tool(text: str, tip: str, parent: QWidget) -> QToolButton:
    b = QToolButton(parent)
    b.setText(text)
    b.setToolTip(tip)
    b.setAccessibleName(tip)
    b.setAutoRaise(True)
    b.setFocusPolicy(Qt.FocusPolicy.NoFocus)
    return b


class PdfMessage(QWidget):
    """Why no PDF is shown, and what to do about it."""

    attach_requested = Signal()
    folder_requested = Signal()
    record_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = QLabel(self)
        self.title.setWordWrap(True)
        self.title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        f = self.title.font()
        f.setPointSizeF(max(f.pointSizeF(), 10.0) * 1.3)
        self.title.setFont(f)
        self.detail = QLabel(self)
        self.detail.setWordWrap(True)
        self.detail.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.detail.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.attach = QPushButton(self.tr("Attach PDF…"), self)
        self.folder = QPushButton(self.tr("Attach PDFs from a folder…"), self)
        self.record = QPushButton(self.tr("Read the abstract"), self)
        for b in (self.attach, self.folder, self.record):
            b.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.attach.clicked.connect(self.attach_requested)
        self.folder.clicked.connect(self.folder_requested)
        self.record.clicked.connect(self.record_requested)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        for b in (self.attach, self.folder, self.record):
            buttons.addWidget(b)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addStretch(2)
        layout.addWidget(self.title)
        layout.addSpacing(6)
        layout.addWidget(self.detail)
        layout.addSpacing(12)
        layout.addLayout(buttons)
        layout.addStretch(3)

    def show_state(self, title: str, detail: str = "", actions: bool = True) -> None:
        self.title.setText(title)
        self.detail.setText(detail)
        self.detail.setVisible(bool(detail))
        for b in (self.attach, self.folder):
            b.setVisible(actions)

    def text(self) -> str:
        return f"{self.title.text()} {self.detail.text()}".strip()


class PdfPanel(QWidget):
    attach_requested = Signal()
    folder_requested = Signal()
    record_requested = Signal()
    open_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.pages: PdfPages | None = None
        held: list[PdfPages | None] = [None]  # closed with the panel (no reference to it kept)
        self._held = held
        self.destroyed.connect(lambda *_: held[0].close() if held[0] is not None else None)
        self.view = PdfView(self)
        self.terms = HitScanner(self)
        self.found = HitScanner(self)
        self._term_pattern: re.Pattern[str] | None = None

        bar = QWidget(self)
        bar.setObjectName("pdfToolBar")
        row = QHBoxLayout(bar)
        row.setContentsMargins(6, 3, 6, 3)
        row.setSpacing(2)
        self.prev_page = _tool("◀", self.tr("Previous page (←)"), bar)
        self.next_page = _tool("▶", self.tr("Next page (→)"), bar)
        self.page_label = QLabel(bar)
        self.page_label.setMinimumWidth(self.page_label.fontMetrics().horizontalAdvance("88 / 888") + 6)
        self.page_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.zoom_out = _tool("−", self.tr("Zoom out (Ctrl+−)"), bar)
        self.fit = _tool(self.tr("Fit"), self.tr("Zoom to the page width (Ctrl+0)"), bar)
        self.fit.setCheckable(True)
        self.zoom_in = _tool("+", self.tr("Zoom in (Ctrl++)"), bar)
        self.counts = QLabel(self)  # placed by whoever shows the panel (the full-text header)
        self.counts.setTextFormat(Qt.TextFormat.RichText)
        self.counts.setContentsMargins(6, 0, 8, 0)
        self.counts.setAccessibleName(self.tr("Term hits in the PDF"))
        self.prev_hit = _tool("▲", self.tr("Previous hit (Shift+N)"), bar)
        self.next_hit = _tool("▼", self.tr("Next hit (N)"), bar)
        self.find_button = _tool(self.tr("Find"), self.tr("Find in the PDF ( / )"), bar)
        self.open_button = _tool("↗", self.tr("Open the PDF in another application"), bar)
        for w in (self.prev_page, self.page_label, self.next_page):
            row.addWidget(w)
        row.addSpacing(4)
        for w in (self.zoom_out, self.fit, self.zoom_in):
            row.addWidget(w)
        row.addStretch(1)
        for w in (self.prev_hit, self.next_hit, self.find_button, self.open_button):
            row.addWidget(w)

        self.find_bar = QWidget(self)
        fr = QHBoxLayout(self.find_bar)
        fr.setContentsMargins(6, 0, 6, 3)
        self.find_edit = QLineEdit(self.find_bar)
        self.find_edit.setPlaceholderText(self.tr("Find in the PDF (Enter: next, Shift+Enter: previous, Esc: close)"))
        self.find_edit.setAccessibleName(self.tr("Find in the PDF"))
        self.find_edit.setClearButtonEnabled(True)
        self.find_edit.installEventFilter(self)
        self.find_count = QLabel(self.find_bar)
        close = _tool("✕", self.tr("Close the search (Esc)"), self.find_bar)
        fr.addWidget(self.find_edit, 1)
        fr.addWidget(self.find_count)
        fr.addWidget(close)
        self.find_bar.hide()
        self._find_timer = QTimer(self, singleShot=True, interval=150)
        self._find_timer.timeout.connect(self._run_find)

        self.message = PdfMessage(self)
        self.stack = QStackedWidget(self)
        self.stack.addWidget(self.view)
        self.stack.addWidget(self.message)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(bar)
        layout.addWidget(self.find_bar)
        layout.addWidget(self.stack, 1)
        self.tool_bar = bar

        self.prev_page.clicked.connect(lambda: self.view.go_to_page(self.view.current_page() - 1))
        self.next_page.clicked.connect(lambda: self.view.go_to_page(self.view.current_page() + 1))
        self.zoom_out.clicked.connect(lambda: self.view.zoom_by(0.8))
        self.zoom_in.clicked.connect(lambda: self.view.zoom_by(1.25))
        self.fit.clicked.connect(lambda: self.view.set_zoom(None))
        self.prev_hit.clicked.connect(lambda: self.jump(-1))
        self.next_hit.clicked.connect(lambda: self.jump(1))
        self.find_button.clicked.connect(self.open_find)
        self.open_button.clicked.connect(self.open_requested)
        close.clicked.connect(self.close_find)
        self.find_edit.textChanged.connect(self._find_timer.start)
        self.find_edit.returnPressed.connect(lambda: self.jump(1))
        self.view.page_changed.connect(self._page_changed)
        self.view.zoom_changed.connect(self._zoom_changed)
        self.view.find_requested.connect(self.open_find)
        self.view.hit_requested.connect(self.jump)
        self.terms.changed.connect(self._hits_changed)
        self.found.changed.connect(self._hits_changed)
        self.message.attach_requested.connect(self.attach_requested)
        self.message.folder_requested.connect(self.folder_requested)
        self.message.record_requested.connect(self.record_requested)
        self._zoom_changed()
        self.show_message(self.tr("No record"), "", actions=False)

    # what is shown
    def set_terms(self, include: list[str], exclude: list[str]) -> None:
        self._term_pattern = term_pattern(include, exclude)
        if self.pages is not None:
            self.terms.start(self.pages, self._term_pattern)

    def show_pages(self, pages: PdfPages) -> None:
        old, self.pages = self.pages, pages
        self._held[0] = pages
        self.view.set_pages(pages)
        self.terms.start(pages, self._term_pattern)
        self.found.start(pages, find_pattern(self.find_edit.text()) if self.find_bar.isVisible() else None, FIND)
        self.stack.setCurrentWidget(self.view)
        self._set_tools_enabled(True)
        if old is not None and old is not pages:
            old.close()

    def show_message(self, title: str, detail: str = "", actions: bool = True) -> None:
        old, self.pages = self.pages, None
        self._held[0] = None
        self.view.set_pages(None)
        self.terms.start(None, None)
        self.found.start(None, None)
        self.message.show_state(title, detail, actions)
        self.stack.setCurrentWidget(self.message)
        self._set_tools_enabled(False)
        self.page_label.setText("")
        if old is not None:
            old.close()

    def _set_tools_enabled(self, on: bool) -> None:
        for w in (self.prev_page, self.next_page, self.zoom_out, self.fit, self.zoom_in, self.prev_hit,
                  self.next_hit, self.find_button, self.open_button):
            w.setEnabled(on)

    def message_text(self) -> str:
        return self.message.text() if self.stack.currentWidget() is self.message else ""

    # hits
    def active_hits(self) -> list[Hit]:
        """The hits N and Shift+N go through: the search's while one is open, else the terms'."""
        if self.find_bar.isVisible() and self.find_edit.text().strip():
            return self.found.hits
        return self.terms.hits

    def jump(self, step: int) -> None:
        scanner = self.found if self.active_hits() is self.found.hits else self.terms
        if step < 0 or not scanner.hits:
            scanner.finish()  # going back (or finding any) needs the whole document scanned
        hits = scanner.hits
        if not hits:
            return
        current = self.view.current_hit
        if current in hits:
            i = (hits.index(current) + step) % len(hits)
        else:
            page = self.view.current_page()
            after = [i for i, h in enumerate(hits) if h.page >= page]
            i = after[0] if step > 0 and after else (after[0] - 1 if after else len(hits) - 1)
        self.view.show_hit(hits[i])
        self._update_find_count()

    def _hits_changed(self) -> None:
        self.view.layers = [self.terms.by_page, self.found.by_page]
        inc, exc = self.terms.count(INCLUDE), self.terms.count(EXCLUDE)
        more = "" if self.terms.done else "+"
        if self._term_pattern is None or self.pages is None:
            self.counts.setText("")  # nothing to count: no terms, or no PDF shown
        else:
            self.counts.setText(
                f"<span style='color:{COLOURS[INCLUDE]}; font-weight:600; text-decoration:underline'>"
                f"{self.tr('include')} {inc}{more}</span> &nbsp; "
                f"<span style='color:{COLOURS[EXCLUDE]}; font-weight:600; font-style:italic; "
                f"text-decoration:underline'>{self.tr('exclude')} {exc}{more}</span>")
            self.counts.setToolTip(self.tr("Include and exclude terms found in the PDF; N / Shift+N go "
                                           "to the next / previous one"))
        self._update_find_count()
        self.view.viewport().update()

    # search
    def open_find(self) -> None:
        if self.pages is None:
            return
        self.find_bar.show()
        self.find_edit.setFocus()
        self.find_edit.selectAll()
        self._run_find()

    def close_find(self) -> None:
        self.find_bar.hide()
        self.found.start(None, None)
        self.view.current_hit = None
        self.view.setFocus()
        self._hits_changed()

    def _run_find(self) -> None:
        self._find_timer.stop()
        self.found.start(self.pages, find_pattern(self.find_edit.text()), FIND)
        if self.found.hits:
            self.view.show_hit(self.found.hits[0])

    def _update_find_count(self) -> None:
        if not self.find_bar.isVisible() or not self.find_edit.text().strip():
            self.find_count.setText("")
            return
        hits = self.found.hits
        current = self.view.current_hit
        n = f"{len(hits)}" + ("" if self.found.done else "+")
        self.find_count.setText(self.tr("{i} of {n}").format(i=hits.index(current) + 1, n=n)
                                if current in hits else self.tr("{n} found").format(n=n))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.find_edit and event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent):
            if event.key() == Qt.Key.Key_Escape:
                self.close_find()
                return True
            if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and \
                    event.modifiers() & Qt.KeyboardModifier.ShiftModifier:
                self.jump(-1)
                return True
        return super().eventFilter(watched, event)

    # tool row
    def _page_changed(self, page: int, pages: int) -> None:
        self.page_label.setText(self.tr("{p} / {n}").format(p=page + 1, n=pages) if pages else "")
        self.page_label.setAccessibleName(self.tr("Page {p} of {n}").format(p=page + 1, n=pages))

    def _zoom_changed(self) -> None:
        self.fit.setChecked(self.view.fit_width)
