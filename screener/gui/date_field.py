"""A date typed as reviewers type it: ``2026-11-15``, ``20261115``, ``2026/11/15`` or
``2026.11.15`` (year first, so never ambiguous), with a calendar button beside it.

QDateEdit edits a date section by section and drops digits typed over a selection or
typed without separators (``20261115`` left the date unchanged, silently); this field
takes the text as typed, shows it back as ISO (``yyyy-MM-dd``) when the field is left, and
says when it cannot be read instead of keeping some other date.
"""

from __future__ import annotations

import re

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtWidgets import (
    QCalendarWidget,
    QHBoxLayout,
    QLineEdit,
    QMenu,
    QToolButton,
    QWidget,
    QWidgetAction,
)

ISO = "yyyy-MM-dd"
_DATE = re.compile(r"(\d{4})(\d{2})(\d{2})|(\d{4})[-/. ](\d{1,2})[-/. ](\d{1,2})")


def parse_date(text: str) -> QDate:
    """The date in ``text`` (year, month, day), or an invalid QDate."""
    match = _DATE.fullmatch(text.strip())
    if match is None:
        return QDate()
    year, month, day = (int(g) for g in match.groups() if g is not None)
    return QDate(year, month, day)  # invalid for 2026-02-30


class DateField(QWidget):
    """A line edit for a date plus a calendar; ``date()`` is invalid while the text is."""

    changed = Signal()

    def __init__(self, date: QDate, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.edit = QLineEdit(self)
        self.edit.setPlaceholderText(self.tr("YYYY-MM-DD"))
        self.edit.setMaxLength(10)
        self.edit.editingFinished.connect(self._tidy)
        self.edit.textChanged.connect(lambda _t: self.changed.emit())
        self.calendar = QCalendarWidget(self)
        self.calendar.clicked.connect(self._picked)
        menu = QMenu(self)
        action = QWidgetAction(menu)
        action.setDefaultWidget(self.calendar)
        menu.addAction(action)
        self.menu = menu
        self.button = QToolButton(self)
        self.button.setText("▾")
        self.button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.button.setMenu(menu)
        self.button.setAccessibleName(self.tr("Choose the date on a calendar"))
        menu.aboutToShow.connect(self._show_calendar)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self.edit, 1)
        layout.addWidget(self.button)
        self.setFocusProxy(self.edit)
        # a label's mnemonic (Search &date) reaches only a widget that takes focus itself
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setDate(date)

    def date(self) -> QDate:
        return parse_date(self.edit.text())

    def setDate(self, date: QDate) -> None:  # noqa: N802 - as QDateEdit names it
        self.edit.setText(date.toString(ISO) if date.isValid() else "")

    def setAccessibleName(self, name: str) -> None:  # noqa: N802
        super().setAccessibleName(name)
        self.edit.setAccessibleName(name)

    def _tidy(self) -> None:
        date = self.date()
        if date.isValid() and self.edit.text() != date.toString(ISO):
            self.edit.setText(date.toString(ISO))

    def _show_calendar(self) -> None:
        if self.date().isValid():
            self.calendar.setSelectedDate(self.date())

    def _picked(self, date: QDate) -> None:
        self.setDate(date)
        self.menu.hide()
        self.edit.setFocus()
