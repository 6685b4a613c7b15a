"""Small widget helpers shared by the shell's pages and dialogs."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QPainter, QPalette
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
