"""The batches of a project: what was imported from where, and when."""

from __future__ import annotations

from PySide6.QtCore import (
    QAbstractTableModel,
    QItemSelection,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from screener.core.services.importing import BatchInfo
from screener.gui.context import Workspace
from screener.gui.plural import plural
from screener.gui.widgets import heading, muted
from screener.types import ScreenerError

Index = QModelIndex | QPersistentModelIndex
NUMERIC = {0, 5, 6}


class BatchTableModel(QAbstractTableModel):
    """A thin adapter over ``ImportService.batches()``."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.batches: list[BatchInfo] = []
        self.headers = [
            self.tr("Batch"), self.tr("Source"), self.tr("Kind"), self.tr("Search date"),
            self.tr("Files"), self.tr("Records"), self.tr("Screened"),
        ]

    def set_batches(self, batches: list[BatchInfo]) -> None:
        self.beginResetModel()
        self.batches = list(batches)
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.batches)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.headers)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if orientation != Qt.Orientation.Horizontal:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self.headers[section]
        if role == Qt.ItemDataRole.TextAlignmentRole:
            side = Qt.AlignmentFlag.AlignRight if section in NUMERIC else Qt.AlignmentFlag.AlignLeft
            return int(side | Qt.AlignmentFlag.AlignVCenter)
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid():
            return None
        b = self.batches[index.row()]
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return [
                str(b.id), b.source,
                b.kind.capitalize() + (self.tr(" · update {0}").format(b.update_round) if b.update_round else ""),
                b.search_date or "—",
                ", ".join(b.files), f"{b.records:,}", f"{b.screened:,}",
            ][col]
        if role == Qt.ItemDataRole.ToolTipRole and col == 4:
            return "\n".join(b.files)
        if role == Qt.ItemDataRole.TextAlignmentRole and col in NUMERIC:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def batch(self, row: int) -> BatchInfo | None:
        return self.batches[row] if 0 <= row < len(self.batches) else None


class BatchesView(QWidget):
    """Lists batches; asks the window to import (``import_requested``: None for a new
    batch, or the BatchInfo to add files to) and deletes unscreened batches."""

    import_requested = Signal(object)

    def __init__(self, workspace: Workspace, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.workspace = workspace
        self.setAccessibleName(self.tr("Batches"))

        self.model = BatchTableModel(self)
        self.table = QTableView(self)
        self.table.setModel(self.model)
        self.table.setAccessibleName(self.tr("Imported batches"))
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setAlternatingRowColors(True)
        self.table.setShowGrid(False)
        self.table.verticalHeader().hide()
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(4, QHeaderView.ResizeMode.Stretch)
        header.setHighlightSections(False)
        self.table.selectionModel().selectionChanged.connect(self._selection_changed)

        self.import_button = QPushButton(self.tr("Import…"), self)
        self.import_button.setAccessibleName(self.tr("Import a new batch"))
        self.add_button = QPushButton(self.tr("Add files to batch…"), self)
        self.add_button.setAccessibleName(self.tr("Add files to the selected batch"))
        self.delete_button = QPushButton(self.tr("Delete batch"), self)
        self.delete_button.setAccessibleName(self.tr("Delete the selected batch"))
        self.import_button.clicked.connect(lambda: self.import_requested.emit(None))
        self.add_button.clicked.connect(self._add_files)
        self.delete_button.clicked.connect(self.delete_selected)
        self.summary_label = muted(QLabel(self))
        buttons = QHBoxLayout()
        buttons.addWidget(heading(self.tr("Batches"), self, 1.2))
        buttons.addSpacing(12)
        buttons.addWidget(self.summary_label)
        buttons.addStretch(1)
        for b in (self.import_button, self.add_button, self.delete_button):
            buttons.addWidget(b)

        self.search_label = QLabel(self.tr("Search string of the selected batch"), self)
        self.search_text = QPlainTextEdit(self)
        self.search_text.setReadOnly(True)
        self.search_text.setAccessibleName(self.tr("Search string"))
        self.search_text.setMaximumHeight(self.fontMetrics().lineSpacing() * 5 + 14)
        self.hint = muted(QLabel(self))
        self.hint.setWordWrap(True)

        listing = QWidget(self)
        lay = QVBoxLayout(listing)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.table, 1)
        lay.addWidget(self.search_label)
        lay.addWidget(self.search_text)
        lay.addWidget(self.hint)

        empty = QLabel(self.tr(
            "<h3>No records yet</h3><p>Import the results of each database search as a "
            "batch: RIS, PubMed (.nbib) or CSV exports.<br>Each batch keeps its source, "
            "search date and search string for the PRISMA report.</p>"), self)
        empty.setWordWrap(True)
        empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.stack = QStackedWidget(self)
        self.stack.addWidget(empty)
        self.stack.addWidget(listing)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 12)
        layout.setSpacing(10)
        layout.addLayout(buttons)
        layout.addWidget(self.stack, 1)
        workspace.data_changed.connect(self.refresh)
        self.refresh()

    def refresh(self) -> None:
        selected = self.selected()
        self.model.set_batches(self.workspace.project.imports.batches())
        self.stack.setCurrentIndex(1 if self.model.rowCount() else 0)
        batches = self.model.batches
        self.summary_label.setText(self.tr("{batches} · {records} imported").format(
            batches=plural(len(batches), "{n} batch", "{n} batches"),
            records=plural(sum(b.records for b in batches), "{n} record", "{n} records")) if batches else "")
        if self.model.rowCount():
            row = next((i for i, b in enumerate(self.model.batches)
                        if selected and b.id == selected.id), self.model.rowCount() - 1)
            self.table.selectRow(row)
        self._selection_changed()

    def selected(self) -> BatchInfo | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.batch(rows[0].row()) if rows else None

    def _selection_changed(self, *_: QItemSelection) -> None:
        b = self.selected()
        self.add_button.setEnabled(b is not None)
        self.delete_button.setEnabled(b is not None and b.screened == 0)
        self.search_text.setPlainText(b.search_string if b else "")
        if b is None:
            self.hint.clear()
        elif b.screened:
            self.hint.setText(self.tr(
                "Batch {0} has screened records, so it cannot be deleted.").format(b.id))
        else:
            self.hint.setText(self.tr(
                "Batch {0} has no decisions yet; it can still be deleted.").format(b.id))

    def _add_files(self) -> None:
        b = self.selected()
        if b is not None:
            self.import_requested.emit(b)

    def delete_selected(self) -> None:
        b = self.selected()
        if b is None or b.screened:
            return
        answer = QMessageBox.question(
            self,
            self.tr("Delete batch"),
            self.tr("Delete batch {id} ({source}) and its {records}?\n"
                    "This cannot be undone.").format(id=b.id, source=b.source,
                                                     records=plural(b.records, "{n} record", "{n} records")),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        try:
            n = self.workspace.project.imports.delete_batch(b.id)
        except ScreenerError as e:
            QMessageBox.warning(self, self.tr("Cannot delete batch"), str(e))
            return
        self.workspace.data_changed.emit()
        self.workspace.notify(self.tr("Deleted batch {0} and its {1}.").format(
            b.id, plural(n, "{n} record", "{n} records")))
