""""Mark as duplicate of…": from the Screen tab, say that the current record is a duplicate
of another one, picked with a search box (words of its title, authors or abstract, or its
number). The other record is kept; the current one leaves the screening queue. Undo it
in Duplicates ▸ Merged records (Unmerge), where it can also be inspected.

``install(view)`` adds the action (Ctrl+Shift+D, and the record list's context menu) to
a view that has ``table``, ``current_id()``, ``project``, ``workspace`` and
``show_error``.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from screener.core.project import Project
from screener.core.services.dedup import RecordHit
from screener.gui.plural import plural
from screener.gui.rows_model import RowsModel, compact_table
from screener.gui.widgets import muted
from screener.types import ScreenerError

SHORTCUT = "Ctrl+Shift+D"
SEARCH_DELAY_MS = 200


class MarkDuplicateDialog(QDialog):
    """Pick the record that ``record_id`` duplicates."""

    def __init__(self, project: Project, record_id: int, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.project = project
        self.record_id = record_id
        self.setWindowTitle(self.tr("Mark #{id} as a duplicate of…").format(id=record_id))
        self.setMinimumWidth(640)
        about = QLabel(self.tr("<b>#{id}</b> {title}").format(id=record_id, title=_escape(title)), self)
        about.setWordWrap(True)
        self.search = QLineEdit(self)
        self.search.setPlaceholderText(self.tr("Words of the other record's title or authors, or its number"))
        self.search.setAccessibleName(self.tr("Find the other record"))
        self.search.setClearButtonEnabled(True)
        self.model = RowsModel([(self.tr("Record"), lambda h: f"#{h.record_id}"),
                                (self.tr("Year"), lambda h: h.year or ""),
                                (self.tr("First author"), lambda h: h.first_author),
                                (self.tr("Merged into"), lambda h: f"#{h.duplicate_of}" if h.duplicate_of else ""),
                                (self.tr("Title"), lambda h: h.title)], self)
        self.results = compact_table(self, self.model)
        self.results.setAccessibleName(self.tr("Matching records"))
        self.count_label = muted(QLabel(self))
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel, self)
        self.ok_button = self.buttons.addButton(self.tr("Mark as duplicate"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.ok_button.setEnabled(False)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(about)
        layout.addWidget(self.search)
        layout.addWidget(self.results, 1)
        layout.addWidget(self.count_label)
        layout.addWidget(self.buttons)
        self._timer = QTimer(self, singleShot=True, interval=SEARCH_DELAY_MS)
        self._timer.timeout.connect(self.run_search)
        self.search.textChanged.connect(lambda _t: self._timer.start())
        self.search.returnPressed.connect(self._enter)
        self.results.selectionModel().currentRowChanged.connect(lambda *_: self._update_ok())
        self.results.doubleClicked.connect(lambda _i: self.accept() if self.chosen() else None)
        self.search.setFocus()

    def run_search(self) -> None:
        self._timer.stop()
        try:
            hits = [h for h in self.project.dedup.pick(self.search.text()) if h.record_id != self.record_id]
        except ScreenerError as e:
            self.count_label.setText(str(e))
            return
        self.model.set_rows(hits)
        if hits:
            self.results.setCurrentIndex(self.model.index(0, 0))
        text = self.search.text().strip()
        self.count_label.setText(plural(len(hits), "{n} record found", "{n} records found") if text else "")
        self._update_ok()

    def _enter(self) -> None:
        if self._timer.isActive() or not self.model.rowCount():
            self.run_search()
        if self.chosen() is not None:
            self.results.setFocus()

    def chosen(self) -> RecordHit | None:
        return self.model.row(self.results.currentIndex().row())

    def _update_ok(self) -> None:
        self.ok_button.setEnabled(self.chosen() is not None)


def _escape(text: str) -> str:
    from screener.gui.highlight import escape

    return escape(text)


def mark_current(view: Any, dialog_factory: Any = None) -> bool:
    """Open the dialog for the view's current record and merge it into the one picked."""
    rid = view.current_id()
    if rid is None:
        return False
    try:
        title = view.project.records.detail(rid).title
    except ScreenerError as e:
        view.show_error(str(e))
        return False
    dialog = (dialog_factory or MarkDuplicateDialog)(view.project, rid, title, view)
    if dialog.exec() != QDialog.DialogCode.Accepted or dialog.chosen() is None:
        return False
    other = dialog.chosen().record_id
    try:
        view.project.dedup.mark(rid, other, True, reviewer=view.workspace.reviewer, keep=other)
    except ScreenerError as e:
        view.show_error(str(e))
        return False
    view.workspace.notify(view.tr("#{a} marked as a duplicate of #{b} (Duplicates ▸ Merged records to undo)").format(
        a=rid, b=other))
    view.workspace.data_changed.emit()
    return True


def install(view: Any) -> QAction:
    """Add "Mark as duplicate of…" to a record list view (shortcut and context menu)."""
    action = QAction(view.tr("Mark as duplicate of…"), view)
    action.setShortcut(QKeySequence(SHORTCUT))
    action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
    action.triggered.connect(lambda: mark_current(view))
    view.addAction(action)
    view.table.addAction(action)
    view.table.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
    return action
