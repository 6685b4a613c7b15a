"""Small parts of the screen view: the filter row, the empty state, the session counter."""

from __future__ import annotations

import time
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QTextEdit,
    QVBoxLayout,
    QWidget,
)

from screener.core.project import Project
from screener.core.services.records import RecordDetail
from screener.gui.plural import plural
from screener.types import ScreenerError, Stage

# (label, view, status)
VIEWS: list[tuple[str, str, str | None]] = [
    ("My queue", "my_queue", None),
    ("All records", "all", None),
    ("Undecided", "all", "undecided"),
    ("Included", "all", "included"),
    ("Excluded", "all", "excluded"),
    ("Conflicts", "all", "conflict"),
    ("Not retrieved", "all", "not_retrieved"),
    ("Duplicates", "all", "duplicate"),
]


class SessionCounter:
    """Decisions made in this sitting, and the current pace (over the last 30 decisions)."""

    def __init__(self) -> None:
        self.count = 0
        self.times: deque[float] = deque(maxlen=30)

    def add(self, now: float | None = None) -> None:
        self.count += 1
        self.times.append(time.monotonic() if now is None else now)

    def undo(self) -> None:
        self.count = max(0, self.count - 1)
        if self.times:
            self.times.pop()

    def reset(self) -> None:
        self.count = 0
        self.times.clear()

    def rate(self) -> float | None:
        """Decisions per minute, once there are three to go by."""
        if len(self.times) < 3:
            return None
        span = max(self.times[-1] - self.times[0], 1.0)
        return (len(self.times) - 1) * 60.0 / span

    def text(self) -> str:
        if self.count == 0:
            return ""
        rate = self.rate()
        pace = f" · {rate:.1f}/min" if rate is not None else ""
        return f"{self.count:,} decided this session{pace}"


class EmptyState(QWidget):
    """Says why there is nothing to read, and what to do about it."""

    action = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = QLabel(self)
        self.title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.title.setWordWrap(True)
        f = self.title.font()
        f.setPointSizeF(max(f.pointSizeF(), 10.0) * 1.5)
        self.title.setFont(f)
        self.detail = QLabel(self)
        self.detail.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.detail.setWordWrap(True)
        self.detail.setForegroundRole(self.detail.foregroundRole())
        self.button = QPushButton(self)
        self.button.clicked.connect(self.action)
        layout = QVBoxLayout(self)
        layout.addStretch(2)
        layout.addWidget(self.title)
        layout.addSpacing(8)
        layout.addWidget(self.detail)
        layout.addSpacing(12)
        layout.addWidget(self.button, 0, Qt.AlignmentFlag.AlignCenter)
        layout.addStretch(3)

    def show_state(self, title: str, detail: str = "", action: str = "") -> None:
        self.title.setText(title)
        self.detail.setText(detail)
        self.detail.setVisible(bool(detail))
        self.button.setText(action)
        self.button.setVisible(bool(action))

    def text(self) -> str:
        return f"{self.title.text()} {self.detail.text()}".strip()


class FilterBar(QWidget):
    """[My queue ▾] [tag ▾] [search …]: emits ``changed`` when the list must be queried again."""

    changed = Signal()
    leave_search = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.view_combo = QComboBox(self)
        self.view_combo.setAccessibleName(self.tr("Which records"))
        for label, view, status in VIEWS:
            self.view_combo.addItem(self.tr(label), (view, status))
        self.view_combo.insertSeparator(2)
        self.tag_combo = QComboBox(self)
        self.tag_combo.setAccessibleName(self.tr("Tag filter"))
        self.tag_combo.addItem(self.tr("Any tag"), None)
        # a long tag must not squeeze the search box
        self.tag_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.tag_combo.setMinimumContentsLength(8)
        self.search = QLineEdit(self)
        self.search.setPlaceholderText(self.tr("Search  ( / )"))
        self.search.setAccessibleName(self.tr("Search records"))
        self.search.setClearButtonEnabled(True)
        self.search.installEventFilter(self)
        self._timer = QTimer(self, singleShot=True, interval=180)
        self._timer.timeout.connect(self.changed)
        self.search.textChanged.connect(self._timer.start)
        self.search.returnPressed.connect(self._search_now)
        self.view_combo.currentIndexChanged.connect(lambda _i: self.changed.emit())
        self.tag_combo.currentIndexChanged.connect(lambda _i: self.changed.emit())
        row = QHBoxLayout(self)
        row.setContentsMargins(6, 6, 6, 4)
        row.setSpacing(4)
        row.addWidget(self.view_combo)
        row.addWidget(self.tag_combo)
        row.addWidget(self.search, 1)

    def _search_now(self) -> None:
        if self._timer.isActive():
            self._timer.stop()
            self.changed.emit()
        self.leave_search.emit()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.search and event.type() == QEvent.Type.KeyPress:
            if isinstance(event, QKeyEvent) and event.key() == Qt.Key.Key_Escape:
                self._search_now()
                return True
        return super().eventFilter(watched, event)

    @property
    def pending(self) -> bool:
        return self._timer.isActive()

    def flush(self) -> None:
        if self._timer.isActive():
            self._timer.stop()
            self.changed.emit()

    def view(self) -> str:
        return self.view_combo.currentData()[0]

    def status(self) -> str | None:
        return self.view_combo.currentData()[1]

    def tag(self) -> str | None:
        return self.tag_combo.currentData()

    def search_text(self) -> str:
        return self.search.text().strip()

    def is_filtered(self) -> bool:
        return bool(self.tag() or self.search_text() or self.status())

    def set_view(self, view: str, status: str | None = None) -> None:
        for i in range(self.view_combo.count()):
            if self.view_combo.itemData(i) == (view, status):
                self.view_combo.setCurrentIndex(i)
                return

    def clear_filters(self) -> None:
        self.blockSignals(True)
        self.search.clear()
        self._timer.stop()
        self.tag_combo.setCurrentIndex(0)
        if self.status():
            self.set_view("my_queue")
        self.blockSignals(False)
        self.changed.emit()

    def set_tags(self, tags: list[str]) -> None:
        current = self.tag()
        self.tag_combo.blockSignals(True)
        self.tag_combo.clear()
        self.tag_combo.addItem(self.tr("Any tag"), None)
        for t in tags:
            self.tag_combo.addItem(t, t)
        i = self.tag_combo.findData(current) if current else 0
        self.tag_combo.setCurrentIndex(max(0, i))
        self.tag_combo.blockSignals(False)
        if current and i < 0:
            self.changed.emit()


def _tr(text: str) -> str:
    return QCoreApplication.translate("ScreenView", text)


def empty_state(project: Project, stage: str, reviewer: str, filters: FilterBar) -> tuple[str, str, str]:
    """Why the list is empty, as (title, detail, action button text): it teaches."""
    try:  # counted only where the answer needs it: a search with no hits says so at once
        any_records = project.records.any_records()
        if any_records and not filters.is_filtered():
            at_stage = project.records.counts(stage)["total"]
            waiting = project.records.waiting_for_others(stage, reviewer) if reviewer else 0
    except ScreenerError:
        any_records, at_stage, waiting = True, 1, 0
    if not any_records:
        return (_tr("Import a search export to start (File ▸ Import…)"),
                _tr("RIS, PubMed (nbib) and CSV exports from any database work."), "")
    if filters.is_filtered():
        return (_tr("No records match the filter"), _tr("Change the search or the tag, or clear them."),
                _tr("Clear filter"))
    if filters.view() != "my_queue":
        return _tr("No records at this stage"), "", ""
    if stage == Stage.FULL_TEXT.value and at_stage == 0:
        return (_tr("No records have reached full text yet"),
                _tr("Records included at title/abstract come here."), "")
    if waiting:
        return (_tr("Waiting for the other reviewer: {records}").format(
                    records=plural(waiting, "{n} record", "{n} records")),
                _tr("You have decided on every record in your queue at this stage."), "")
    return _tr("All done at this stage"), _tr("Every record here has your decision."), ""


@dataclass
class ReadAhead:
    """The next record, loaded while the reviewer reads the current one."""

    record_id: int
    detail: RecordDetail
    retrieval: tuple[bool | None, Path | None]
    at: float = field(default_factory=time.monotonic)

    def fresh(self) -> bool:
        return time.monotonic() - self.at < 30.0


def is_text_input(w: QWidget | None) -> bool:
    """Typing goes to this widget, so single-key shortcuts must pause."""
    if isinstance(w, QLineEdit | QAbstractSpinBox | QPlainTextEdit):
        return not (isinstance(w, QPlainTextEdit) and w.isReadOnly())
    if isinstance(w, QTextEdit):
        return not w.isReadOnly()
    return isinstance(w, QComboBox)
