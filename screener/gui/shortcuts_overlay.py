"""The ``?`` overlay: every shortcut of a view, over the view itself (no dialog).

Any key or click closes it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QColor, QKeyEvent, QMouseEvent, QPainter, QPalette
from PySide6.QtWidgets import QFrame, QGridLayout, QLabel, QVBoxLayout, QWidget

Section = tuple[str, Sequence[tuple[str, str]]]  # heading, [(keys, what it does)]

SCREEN_SHORTCUTS: list[Section] = [
    ("Decide", [("I", "Include"), ("E", "Exclude (at full text: then 1–9 for the reason)"),
                ("M", "Maybe"), ("1 – 9", "Exclude with that reason"),
                ("Alt+1 – 9", "Put that label on the record, or take it off"),
                ("Ctrl+Z", "Undo your last decision, or your last bulk step")]),
    ("Move", [("J  or  ↓", "Next record"), ("K  or  ↑", "Previous record"),
              ("/", "Search"), ("Esc", "Leave the search box · cancel a reason")]),
    ("Many records", [("Shift+click  ·  Shift+↓", "Select a run of records"),
                      ("Ctrl+click", "Add a record to the selection"),
                      ("Ctrl+A", "Select every record in the list (the filter)"),
                      ("I  E  M  Alt+1 – 9", "With several selected: one step for all, asked first")]),
    ("The PDF (full text)", [("N  /  Shift+N", "Next / previous include or exclude term"),
                             ("Ctrl+F, or / in the PDF", "Find in the PDF"),
                             ("↑ ↓ PgUp PgDn Space", "Scroll the PDF (when it has focus)"),
                             ("Ctrl+=  Ctrl+−  Ctrl+0", "Zoom in, out, to the page width"),
                             ("Ctrl+C", "Copy the selected text")]),
    ("Records", [("Ctrl+Shift+D", "Mark as duplicate of… (pick the other record)")]),
    ("Help", [("?", "Show or hide this list")]),
]


class ShortcutsOverlay(QWidget):
    def __init__(self, sections: list[Section], parent: QWidget) -> None:
        super().__init__(parent)
        self.setAccessibleName(self.tr("Keyboard shortcuts"))
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.card = QFrame(self)
        self.card.setObjectName("shortcutCard")
        self.card.setAutoFillBackground(True)
        self.card.setBackgroundRole(QPalette.ColorRole.Base)
        self.card.setFrameShape(QFrame.Shape.StyledPanel)
        grid = QGridLayout()
        grid.setHorizontalSpacing(18)
        grid.setVerticalSpacing(6)
        row = 0
        for heading, items in sections:
            h = QLabel(f"<b>{self.tr(heading)}</b>", self.card)
            grid.addWidget(h, row, 0, 1, 2)
            row += 1
            for keys, what in items:
                k = QLabel(keys, self.card)
                k.setStyleSheet("font-family: monospace; border: 1px solid palette(mid); border-radius: 4px;"
                                " padding: 1px 6px;")
                k.setAlignment(Qt.AlignmentFlag.AlignCenter)
                grid.addWidget(k, row, 0)
                grid.addWidget(QLabel(self.tr(what), self.card), row, 1)
                row += 1
        title = QLabel(self.tr("<b style='font-size:large'>Keyboard shortcuts</b>"), self.card)
        hint = QLabel(self.tr("Shortcuts pause while you type in the search, notes or tags fields. "
                              "Press any key to close."), self.card)
        hint.setWordWrap(True)
        box = QVBoxLayout(self.card)
        box.setContentsMargins(22, 18, 22, 18)
        box.addWidget(title)
        box.addLayout(grid)
        box.addWidget(hint)
        self.labels_text = "\n".join(f"{k}\t{w}" for _, items in sections for k, w in items)
        parent.installEventFilter(self)
        self.hide()

    def toggle(self) -> None:
        if self.isVisible():
            self.close_overlay()
        else:
            self.open_overlay()

    def open_overlay(self) -> None:
        self._fit()
        self.show()
        self.raise_()
        self.setFocus()

    def close_overlay(self) -> None:
        self.hide()
        parent = self.parentWidget()
        if parent is not None:
            parent.setFocus()

    def _fit(self) -> None:
        parent = self.parentWidget()
        if parent is None:
            return
        self.setGeometry(parent.rect())
        self.card.adjustSize()
        hint = self.card.sizeHint()
        w = min(hint.width() + 20, max(200, self.width() - 40))
        h = min(hint.height(), max(120, self.height() - 40))
        self.card.setGeometry((self.width() - w) // 2, (self.height() - h) // 2, w, h)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.parentWidget() and event.type() == QEvent.Type.Resize and self.isVisible():
            self._fit()
        return False

    def paintEvent(self, event: Any) -> None:
        p = QPainter(self)
        shade = QColor(self.palette().color(QPalette.ColorRole.Window))
        shade.setAlpha(200)
        p.fillRect(self.rect(), shade)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        self.close_overlay()
        event.accept()

    def mousePressEvent(self, event: QMouseEvent) -> None:
        self.close_overlay()
        event.accept()
