"""A thin read-only table model over a list of plain rows (conflicts, resolutions,
agreement, duplicate pairs, merged records): no item widgets, cells built when painted."""

from __future__ import annotations

import bisect
from collections.abc import Callable, Collection, Sequence
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView, QWidget

Column = tuple[str, Callable[[Any], Any]]  # header, cell text from a row


class RowsModel(QAbstractTableModel):
    def __init__(self, columns: Sequence[Column], parent: QObject | None = None,
                 tooltip: Callable[[Any], str] | None = None) -> None:
        super().__init__(parent)
        self.columns = list(columns)
        self.rows: list[Any] = []
        self._tooltip = tooltip

    def set_rows(self, rows: Sequence[Any]) -> None:
        self.beginResetModel()
        self.rows = list(rows)
        self.endResetModel()

    def update_rows(self, changed: Collection[Any], rows: Sequence[Any],
                    key: Callable[[Any], Any]) -> list[Any]:
        """The rows with these keys changed: ``rows`` is what they are now (those missing
        went away). Rows are replaced, removed and inserted in key order one by one, never
        with a reset, so the selection of the others stays. Returns the keys removed."""
        changed, fresh = set(changed), {key(r): r for r in rows}
        removed = []
        for i in range(len(self.rows) - 1, -1, -1):
            k = key(self.rows[i])
            if k in changed and k not in fresh:
                self.beginRemoveRows(QModelIndex(), i, i)
                del self.rows[i]
                self.endRemoveRows()
                removed.append(k)
            elif k in fresh:
                self.rows[i] = fresh.pop(k)
                self.dataChanged.emit(self.index(i, 0), self.index(i, len(self.columns) - 1))
        for k, r in sorted(fresh.items()):
            i = bisect.bisect_left([key(x) for x in self.rows], k)
            self.beginInsertRows(QModelIndex(), i, i)
            self.rows.insert(i, r)
            self.endInsertRows()
        return removed

    def row(self, i: int) -> Any:
        return self.rows[i] if 0 <= i < len(self.rows) else None

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.columns)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self.columns[section][0]
        return None

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self.rows):
            return None
        row = self.rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            value = self.columns[index.column()][1](row)
            return "" if value is None else str(value)
        if role == Qt.ItemDataRole.ToolTipRole:
            if self._tooltip is not None:
                return self._tooltip(row)
            value = self.columns[index.column()][1](row)
            return None if value is None else str(value)
        return None


def fmt_stat(value: float | None, digits: int = 2) -> str:
    return "n/a" if value is None else f"{value:.{digits}f}"


def configure_read_only(t: QTableView, row_padding: int) -> None:
    """One selectable row at a time, no editing, one line per row, no row numbers."""
    t.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    t.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    t.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    t.setWordWrap(False)
    t.setShowGrid(False)
    t.setAlternatingRowColors(True)
    t.setTextElideMode(Qt.TextElideMode.ElideRight)
    v = t.verticalHeader()
    v.hide()
    v.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
    v.setDefaultSectionSize(t.fontMetrics().height() + row_padding)


class RowDetail:
    """Mixin for a view whose table's current row is shown in detail by ``_show(row)``."""

    model: RowsModel
    table: QTableView

    def _show(self, row: Any) -> None:  # pragma: no cover - every view defines it
        raise NotImplementedError

    def select_row(self, row: int) -> None:
        if not self.model.rowCount():
            self._show(None)
            return
        index = self.model.index(min(row, self.model.rowCount() - 1), 0)
        if index == self.table.currentIndex():
            self._show(self.model.row(index.row()))
        else:
            self.table.setCurrentIndex(index)

    def _current_changed(self, current: QModelIndex, _prev: QModelIndex) -> None:
        self._show(self.model.row(current.row()) if current.isValid() else None)


def compact_table(parent: QWidget, model: RowsModel, stretch: int | None = None) -> QTableView:
    """A read-only, one-line-per-row table; column ``stretch`` (default: the last) takes the
    room left, the others fit their contents."""
    t = QTableView(parent)
    t.setModel(model)
    configure_read_only(t, row_padding=8)
    h = t.horizontalHeader()
    last = model.columnCount() - 1 if stretch is None else stretch
    for c in range(model.columnCount()):
        # Columns fit their contents (these tables are short), so no value is cut off.
        h.setSectionResizeMode(c, QHeaderView.ResizeMode.ResizeToContents)
    h.setSectionResizeMode(last, QHeaderView.ResizeMode.Stretch)
    return t
