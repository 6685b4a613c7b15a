"""Small widget helpers shared by the shell's pages and dialogs."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QEvent, QObject, QSize, Qt
from PySide6.QtGui import QKeyEvent, QPainter, QPalette
from PySide6.QtWidgets import QFileDialog, QLabel, QListView, QPlainTextEdit, QWidget

# Non-native file dialogs look the same everywhere and can be driven in tests.
FILE_DIALOG_OPTIONS = QFileDialog.Option.DontUseNativeDialog


def heading(text: str, parent: QWidget | None = None, scale: float = 1.1) -> QLabel:
    label = QLabel(text, parent)
    font = label.font()
    font.setBold(True)
    font.setPointSizeF(font.pointSizeF() * scale)
    label.setFont(font)
    return label


def muted(label: QLabel) -> QLabel:
    """Secondary text: the palette's placeholder colour, still readable and enabled."""
    label.setForegroundRole(QPalette.ColorRole.PlaceholderText)
    return label


def lines(edit: QPlainTextEdit) -> list[str]:
    """The non-empty lines of a multi-line field, stripped."""
    return [line.strip() for line in edit.toPlainText().splitlines() if line.strip()]


class CompactTextEdit(QPlainTextEdit):
    """Asks for no more height than its minimum; grows when the layout has room."""

    def sizeHint(self) -> QSize:
        return QSize(super().sizeHint().width(), self.minimumHeight())


class CompactListView(QListView):
    def sizeHint(self) -> QSize:
        return QSize(super().sizeHint().width(), self.minimumHeight())


def list_edit(parent: QWidget, items: list[str], placeholder: str, name: str) -> QPlainTextEdit:
    """A multi-line field holding one item per line."""
    edit = CompactTextEdit("\n".join(items), parent)
    edit.setMinimumHeight(edit.fontMetrics().lineSpacing() * 4 + 14)
    edit.setPlaceholderText(placeholder)
    edit.setAccessibleName(name)
    edit.setTabChangesFocus(True)
    return edit


class KeyboardExit(QObject):
    """Esc in a text field (and, with ``on_tab``, Tab) hands the keyboard back to the list
    whose plain keys decide, as Esc does from search: typed letters never reach a note
    after the reviewer meant to leave it."""

    def __init__(self, field: QWidget, leave: Callable[[], None], on_tab: bool = False) -> None:
        super().__init__(field)
        self.leave = leave
        self.keys = {Qt.Key.Key_Escape, Qt.Key.Key_Tab} if on_tab else {Qt.Key.Key_Escape}
        field.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent)
                and event.key() in self.keys and not event.modifiers()):
            self.leave()
            return True
        return super().eventFilter(watched, event)
class ElidedLabel(QLabel):
    """One line of text, cut with … to the width it is given (never widens its parent)."""

    def sizeHint(self) -> QSize:
        return QSize(100, self.fontMetrics().height() + 6)

    def minimumSizeHint(self) -> QSize:
        return QSize(20, self.fontMetrics().height() + 6)

    def paintEvent(self, event: Any) -> None:
        p = QPainter(self)
        r = self.contentsRect()
        p.drawText(r, Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft,
                   self.fontMetrics().elidedText(self.text(), Qt.TextElideMode.ElideRight, r.width()))
