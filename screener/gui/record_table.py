"""The record list's view: a table painted by ``RecordRowDelegate`` from the model's cached
summaries, and ``RecordTable``, which moves rows as pixels when one leaves the list."""

from __future__ import annotations

from collections import OrderedDict
from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QPointF, QRect, QRectF, Qt
from PySide6.QtGui import QPainter, QPalette, QStaticText, QTransform
from PySide6.QtWidgets import (
    QHeaderView,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QWidget,
)

from screener.gui.final_icons import paint_final
from screener.gui.record_list_model import COLUMNS, RecordListModel, icon_kind, status_icon
from screener.gui.rows_model import configure_read_only


class RecordRowDelegate(QStyledItemDelegate):
    """Paints a cell from the cached summary with one call, instead of the default delegate's
    dozen ``data()`` calls per cell: the list repaints in a fraction of the time, which is
    what lets the next record appear within a frame after a decision."""

    def __init__(self, model: RecordListModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = model
        self._texts: OrderedDict[tuple[int, int, int], tuple[QStaticText, float]] = OrderedDict()  # laid out, elided

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> None:
        # Every row below a decided one is painted again at each decision: the option's
        # state and features (enum flags, slow to read from Python) are asked of the table.
        row = index.row()
        s = self.model.summary(row)
        table = self.parent()
        rect = option.rect  # type: ignore[attr-defined]
        if isinstance(table, QTableView):
            selected = table.selectionModel().isSelected(index)
            pal = table.palette()
            alternate = bool(row & 1) and table.alternatingRowColors()
        else:
            selected = bool(option.state & QStyle.StateFlag.State_Selected)  # type: ignore[attr-defined]
            pal = option.palette  # type: ignore[attr-defined]
            alternate = bool(option.features & QStyleOptionViewItem.ViewItemFeature.Alternate)  # type: ignore[attr-defined]
        if selected:
            widget = option.widget  # type: ignore[attr-defined]
            style = widget.style() if widget is not None else None
            if style is not None:
                style.drawPrimitive(QStyle.PrimitiveElement.PE_PanelItemViewItem, option, painter, widget)
            pal = option.palette  # type: ignore[attr-defined]
        elif alternate:
            painter.fillRect(rect, pal.brush(QPalette.ColorRole.AlternateBase))
        if s is None:
            return
        column = index.column()
        if column == 0:
            status_icon(icon_kind(s)).paint(painter, rect.adjusted(2, 2, -2, -2), Qt.AlignmentFlag.AlignCenter)
            return
        if COLUMNS[column][0] == "final":
            paint_final(painter, QRectF(rect.adjusted(3, 3, -3, -3)), s.final)
            return
        role = QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
        painter.setPen(pal.color(role))
        area = rect.adjusted(5, 0, -4, 0)
        key = (s.record_id, column, area.width())
        cached = self._texts.get(key)
        if cached is None:
            text = s.title or "(no title)" if column == 1 else (
                ("" if s.year is None else str(s.year)) if column == 2 else s.first_author)
            fm = option.fontMetrics  # type: ignore[attr-defined]
            static = QStaticText(fm.elidedText(text, Qt.TextElideMode.ElideRight, area.width()))
            static.setTextFormat(Qt.TextFormat.PlainText)
            static.prepare(QTransform(), option.font)  # type: ignore[attr-defined]
            cached = self._texts[key] = (static, static.size().height())
            if len(self._texts) > 4096:
                self._texts.popitem(last=False)
        static, height = cached
        painter.drawStaticText(QPointF(area.x(), area.y() + (area.height() - height) / 2), static)


class RecordTable(QTableView):
    """The record list. A row leaving it (a decision in My queue) moves the rows below it up
    as pixels and paints only the row uncovered at the bottom: QTableView would paint every
    visible row again (a changed row, ``dataChanged`` on its range, it already repaints alone)."""

    _leaving: tuple[int, int, int] | None = None  # (y, height, scroll value) of the row going
    _coming: tuple[int, int, int] | None = None  # (y, height, scroll value) where a row comes in

    def setModel(self, model: Any) -> None:
        super().setModel(model)
        if model is not None:  # after the header's own handler: it has counted the rows again
            model.rowsRemoved.connect(self._rows_removed)
            model.rowsAboutToBeInserted.connect(self._rows_coming)
            model.rowsInserted.connect(self._rows_inserted)

    def rowsAboutToBeRemoved(self, parent: QModelIndex | QPersistentModelIndex, start: int, end: int) -> None:
        y = self.rowViewportPosition(start)
        simple = start == end and not parent.isValid() and 0 <= y < self.viewport().height() and self.isVisible()
        self._leaving = (y, self.rowHeight(start), self.verticalScrollBar().value()) if simple else None
        if simple:  # QTableView answers the header's new count by painting every row: it is done here
            self.verticalHeader().blockSignals(True)
        super().rowsAboutToBeRemoved(parent, start, end)

    def _rows_removed(self) -> None:
        leaving, self._leaving = self._leaving, None
        if leaving is None:
            return
        self.verticalHeader().blockSignals(False)
        bar = self.verticalScrollBar()
        self.updateGeometries()  # as QTableView.rowCountChanged does, less its update of the whole viewport
        if self.verticalScrollMode() == QTableView.ScrollMode.ScrollPerItem:
            self.verticalHeader().setOffsetToSectionPosition(bar.value())
        else:
            self.verticalHeader().setOffset(bar.value())
        y, height, value = leaving
        port = self.viewport()
        below = QRect(0, y + height, port.width(), port.height() - y - height)
        if bar.value() != value:  # the list was at its end and scrolled: paint it all
            port.update()
        elif below.height() > 0:
            port.scroll(0, -height, below)  # the pixels move; only the strip uncovered is painted
        else:
            port.update(QRect(0, y, port.width(), height))


    def _rows_coming(self, parent: QModelIndex, start: int, end: int) -> None:
        """One row coming back (an undo): the rows below it move down as pixels, and only
        the new row is painted (as for a row leaving)."""
        rows = self.model().rowCount()
        if start < rows:
            y = self.rowViewportPosition(start)
        elif rows:
            y = self.rowViewportPosition(rows - 1) + self.rowHeight(rows - 1)
        else:
            y = -1
        port = self.viewport()
        simple = start == end and not parent.isValid() and 0 <= y < port.height() and self.isVisible()
        height = self.verticalHeader().defaultSectionSize()
        self._coming = (y, height, self.verticalScrollBar().value()) if simple else None
        if simple:
            self.verticalHeader().blockSignals(True)

    def _rows_inserted(self) -> None:
        coming, self._coming = self._coming, None
        if coming is None:
            return
        self.verticalHeader().blockSignals(False)
        bar = self.verticalScrollBar()
        self.updateGeometries()
        if self.verticalScrollMode() == QTableView.ScrollMode.ScrollPerItem:
            self.verticalHeader().setOffsetToSectionPosition(bar.value())
        else:
            self.verticalHeader().setOffset(bar.value())
        y, height, value = coming
        port = self.viewport()
        if bar.value() != value:
            port.update()
        else:
            port.scroll(0, height, QRect(0, y, port.width(), port.height() - y))  # the new row's strip is painted


def setup_record_table(t: QTableView, model: RecordListModel) -> None:
    """A compact, sortable-by-header record table painted by ``RecordRowDelegate``."""
    t.setModel(model)
    t.setItemDelegate(RecordRowDelegate(model, t))
    configure_read_only(t, row_padding=10)
    h = t.horizontalHeader()
    h.setSectionsClickable(True)
    h.setSortIndicatorShown(True)
    h.setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
    h.setHighlightSections(False)
    fm = t.fontMetrics()
    h.setMinimumSectionSize(24)
    h.setSectionResizeMode(0, QHeaderView.ResizeMode.Fixed)
    h.resizeSection(0, 28)
    h.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
    h.setSectionResizeMode(2, QHeaderView.ResizeMode.Fixed)
    h.resizeSection(2, fm.horizontalAdvance("20000") + 14)
    h.setSectionResizeMode(3, QHeaderView.ResizeMode.Interactive)
    h.resizeSection(3, fm.horizontalAdvance("Xxxxxxxxxxxx") + 14)
    h.setSectionResizeMode(4, QHeaderView.ResizeMode.Fixed)
    h.resizeSection(4, 28)
