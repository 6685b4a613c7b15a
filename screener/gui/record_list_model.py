"""The record list: a thin adapter over record ids that builds rows only as they are painted.

It holds the ids of the current list (one query) and fetches summaries in blocks when a
row is first asked for, keeping them in a bounded least-recently-used cache. 100,000
records cost a list of ints, never 100,000 row objects.
"""

from __future__ import annotations

import bisect
from collections import OrderedDict
from collections.abc import Callable, Collection
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QPointF,
    QRect,
    QRectF,
    Qt,
)
from PySide6.QtGui import (
    QBrush,
    QColor,
    QIcon,
    QPainter,
    QPainterPath,
    QPalette,
    QPen,
    QPixmap,
    QPolygonF,
    QStaticText,
    QTransform,
)
from PySide6.QtWidgets import (
    QHeaderView,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QWidget,
)

from screener.core.services.records import RecordSummary
from screener.gui.final_icons import TEXT as FINAL_TEXT
from screener.gui.final_icons import final_icon, paint_final
from screener.gui.rows_model import configure_read_only

IdsFetcher = Callable[[str, bool], list[int]]  # (sort key, descending) -> ids
RowsFetcher = Callable[[list[int]], list[RecordSummary]]

COLUMNS: tuple[tuple[str, str], ...] = (
    ("status", ""),
    ("title", "Title"),
    ("year", "Year"),
    ("first_author", "First author"),
    ("final", ""),
)
SORTABLE = {"title", "year", "first_author"}
RECORD_ID_ROLE = Qt.ItemDataRole.UserRole + 1

# Okabe-Ito colours; every status also has its own shape.
_ICON_SPEC = {
    "include": ("#0072B2", "circle"),
    "exclude": ("#D55E00", "square"),
    "maybe": ("#9a6a00", "diamond"),
    "duplicate": ("#7a7a7a", "stack"),
    "": ("#8c8c8c", "ring"),
}
_ICON_TEXT = {
    "include": "Your decision: include",
    "exclude": "Your decision: exclude",
    "maybe": "Your decision: maybe",
    "duplicate": "Duplicate of another record",
    "": "Not decided by you",
}
_icons: dict[str, QIcon] = {}


def status_icon(kind: str) -> QIcon:
    """A small shape-and-colour icon, drawn at 2x so it stays crisp at 200% scaling."""
    if kind in _icons:
        return _icons[kind]
    colour, shape = _ICON_SPEC.get(kind, _ICON_SPEC[""])
    icon = QIcon()
    for size in (16, 32):
        pm = QPixmap(size, size)
        pm.fill(Qt.GlobalColor.transparent)
        p = QPainter(pm)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        s = size / 16.0
        c = QColor(colour)
        p.setPen(QPen(c, 1.6 * s))
        p.setBrush(QBrush(c))
        white = QPen(QColor("white"), 1.8 * s)
        if shape == "circle":  # include: filled circle with a tick
            p.drawEllipse(QPointF(8 * s, 8 * s), 6 * s, 6 * s)
            p.setPen(white)
            path = QPainterPath(QPointF(4.8 * s, 8.2 * s))
            path.lineTo(7.2 * s, 10.6 * s)
            path.lineTo(11.2 * s, 5.6 * s)
            p.setBrush(Qt.BrushStyle.NoBrush)
            p.drawPath(path)
        elif shape == "square":  # exclude: filled square with a cross
            p.drawRoundedRect(2.5 * s, 2.5 * s, 11 * s, 11 * s, 1.5 * s, 1.5 * s)
            p.setPen(white)
            p.drawLine(QPointF(5.5 * s, 5.5 * s), QPointF(10.5 * s, 10.5 * s))
            p.drawLine(QPointF(10.5 * s, 5.5 * s), QPointF(5.5 * s, 10.5 * s))
        elif shape == "diamond":  # maybe: outlined diamond with a dot
            p.setBrush(Qt.BrushStyle.NoBrush)
            p.drawPolygon(QPolygonF([QPointF(8 * s, 1.5 * s), QPointF(14.5 * s, 8 * s),
                                     QPointF(8 * s, 14.5 * s), QPointF(1.5 * s, 8 * s)]))
            p.setBrush(QBrush(c))
            p.drawEllipse(QPointF(8 * s, 8 * s), 1.6 * s, 1.6 * s)
        elif shape == "stack":  # duplicate: two overlapping outlines
            p.setBrush(Qt.BrushStyle.NoBrush)
            p.drawRect(2 * s, 2 * s, 8 * s, 8 * s)
            p.drawRect(6 * s, 6 * s, 8 * s, 8 * s)
        else:  # not decided: an empty ring
            p.setBrush(Qt.BrushStyle.NoBrush)
            p.drawEllipse(QPointF(8 * s, 8 * s), 5 * s, 5 * s)
        p.end()
        icon.addPixmap(pm)
    _icons[kind] = icon
    return icon


def icon_kind(summary: RecordSummary) -> str:
    """Blind-safe: the icon shows the viewer's own decision, never another reviewer's."""
    if summary.status == "duplicate":
        return "duplicate"
    return summary.mine or ""


class RecordListModel(QAbstractTableModel):
    def __init__(
        self,
        fetch_ids: IdsFetcher,
        fetch_rows: RowsFetcher,
        block: int = 64,
        cache_rows: int = 512,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._fetch_ids = fetch_ids
        self._fetch_rows = fetch_rows
        self.block = block
        self.cache_rows = max(cache_rows, 2 * block)
        self._ids: list[int] = []
        self._cache: OrderedDict[int, RecordSummary] = OrderedDict()
        self.sort_key = "id"
        self.descending = False
        # The screen's chosen order (relevance, random: gui/screen_order.py) as a sort key of
        # record ids, used while no header sort is in force; None: by id.
        self.order_key: Callable[[int], int] | None = None
        # Since the last reload (``loads`` counts them): ids that left the list, and -id for
        # those that came back, so a new order computed meanwhile can be brought up to date.
        self.loads = 0
        self.edits: list[int] = []
        self.fetch_calls = 0  # how many times rows were fetched (for tests and the bench)
        self.rows_built = 0

    # the list
    def reload(self) -> None:
        """Query the ids again (filters or sort changed, or the data did)."""
        ids = self._fetch_ids(self.sort_key, self.descending)
        if self.order_key is not None and self.sort_key == "id":
            ids.sort(key=self.order_key)
        self.beginResetModel()
        self.loads += 1
        self.edits = []
        self._ids = ids
        self._cache.clear()
        self.endResetModel()

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        key = COLUMNS[column][0] if 0 <= column < len(COLUMNS) else "id"
        self.sort_key = key if key in SORTABLE else "id"
        self.descending = order == Qt.SortOrder.DescendingOrder
        self.reload()

    @property
    def ids(self) -> list[int]:
        return self._ids

    @property
    def cache_size(self) -> int:
        return len(self._cache)

    def id_at(self, row: int) -> int | None:
        return self._ids[row] if 0 <= row < len(self._ids) else None

    def row_of(self, record_id: int) -> int:
        try:
            return self._ids.index(record_id)
        except ValueError:
            return -1

    def remove_id(self, record_id: int) -> int:
        """Drop one record from the list without querying again; returns its old row."""
        row = self.row_of(record_id)
        if row >= 0:
            self.beginRemoveRows(QModelIndex(), row, row)
            del self._ids[row]
            self.edits.append(record_id)
            self._cache.pop(record_id, None)
            self.endRemoveRows()
        return row

    def insert_id(self, record_id: int) -> int:
        """Put one record back into a list sorted by id (after an undo); returns its row."""
        if self.sort_key != "id":
            raise ValueError("insert_id needs a list sorted by id; reload() instead")
        if self.order_key is not None:
            row = bisect.bisect_left(self._ids, self.order_key(record_id), key=self.order_key)
        else:
            keys = [-i for i in self._ids] if self.descending else self._ids
            row = bisect.bisect_left(keys, -record_id if self.descending else record_id)
        if row < len(self._ids) and self._ids[row] == record_id:
            return row
        self.beginInsertRows(QModelIndex(), row, row)
        self._ids.insert(row, record_id)
        self.edits.append(-record_id)
        self.endInsertRows()
        return row

    def apply_order(self, order: list[int], keep: int | None = None) -> None:
        """Put the list's records in ``order`` (the same records), in place: no reset, no
        relayout, cached rows kept; ``keep`` (the record being read) stays at its row, so the
        current row and its selection stay on it."""
        if len(order) != len(self._ids):
            raise ValueError("apply_order needs the list's own records")
        if keep is not None:
            row = self._ids.index(keep)
            order.remove(keep)
            order.insert(row, keep)
        self._ids = order
        if order:
            self.dataChanged.emit(self.index(0, 0), self.index(len(order) - 1, len(COLUMNS) - 1))

    def refresh_id(self, record_id: int) -> None:
        """Forget one cached row (its decision changed) so it is built again when painted."""
        self._cache.pop(record_id, None)
        row = self.row_of(record_id)
        if row >= 0:
            self.dataChanged.emit(self.index(row, 0), self.index(row, len(COLUMNS) - 1))

    def update_records(self, changed: Collection[int], in_list: Collection[int],
                       keep: int | None = None) -> tuple[list[int], list[int]]:
        """Others changed these records (``changed``), of which ``in_list`` now belong in this
        list. Their rows are built again when next painted; those that left the list go and
        those that joined it come in at their place. Nothing else is touched: no reset, the
        current row and the other cached rows stay. ``keep`` (the record being read) never
        leaves under the reader's eyes. Returns the ids removed and added."""
        changed, in_list = set(changed), set(in_list)
        present = changed & set(self._ids)
        removed = sorted(i for i in present if i not in in_list and i != keep)
        for rid in removed:
            self.remove_id(rid)
        added = sorted(i for i in in_list if i not in present)
        if added:
            self._insert_ids(added)
        for rid in changed & set(self._cache):
            self.refresh_id(rid)
        return removed, added

    def _insert_ids(self, ids: list[int]) -> None:
        if self.sort_key == "id":
            for rid in ids:
                self.insert_id(rid)
            return
        # Sorted by a record field: the fresh order says where each one goes.
        rank = {rid: i for i, rid in enumerate(self._fetch_ids(self.sort_key, self.descending))}
        for rid in sorted(ids, key=lambda i: rank.get(i, len(rank))):
            ranks = [rank.get(i, -1) for i in self._ids]
            row = bisect.bisect_left(ranks, rank.get(rid, len(rank)))
            self.beginInsertRows(QModelIndex(), row, row)
            self._ids.insert(row, rid)
            self.edits.append(-rid)
            self.endInsertRows()

    def summary(self, row: int) -> RecordSummary | None:
        rid = self.id_at(row)
        if rid is None:
            return None
        hit = self._cache.get(rid)
        if hit is not None:
            self._cache.move_to_end(rid)
            return hit
        start = row - row % self.block
        wanted = [i for i in self._ids[start : start + self.block] if i not in self._cache]
        self.fetch_calls += 1
        for s in self._fetch_rows(wanted):
            self._cache[s.record_id] = s
            self.rows_built += 1
        while len(self._cache) > self.cache_rows:
            self._cache.popitem(last=False)
        return self._cache.get(rid)

    # Qt
    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._ids)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(COLUMNS):
            if role == Qt.ItemDataRole.DisplayRole:
                return self.tr(COLUMNS[section][1]) if COLUMNS[section][1] else ""
            if role == Qt.ItemDataRole.ToolTipRole and section == 0:
                return self.tr("Your own decision (other reviewers' stay hidden)")
            if role == Qt.ItemDataRole.ToolTipRole and COLUMNS[section][0] == "final":
                return self.tr("Final status (hidden in a blind project until blinding allows)")
        return None

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        if role == RECORD_ID_ROLE:
            return self.id_at(index.row())
        if role not in (
            Qt.ItemDataRole.DisplayRole,
            Qt.ItemDataRole.DecorationRole,
            Qt.ItemDataRole.ToolTipRole,
            Qt.ItemDataRole.AccessibleTextRole,
        ):
            return None
        s = self.summary(index.row())
        if s is None:
            return None
        key = COLUMNS[index.column()][0]
        if key == "final":
            if role == Qt.ItemDataRole.DecorationRole:
                return final_icon(s.final)
            if role in (Qt.ItemDataRole.ToolTipRole, Qt.ItemDataRole.AccessibleTextRole):
                return self.tr(FINAL_TEXT.get(s.final, ""))
            return None
        if key == "status":
            kind = icon_kind(s)
            if role == Qt.ItemDataRole.DecorationRole:
                return status_icon(kind)
            if role in (Qt.ItemDataRole.ToolTipRole, Qt.ItemDataRole.AccessibleTextRole):
                return self.tr(_ICON_TEXT.get(kind, ""))
            return None
        if role == Qt.ItemDataRole.DecorationRole:
            return None
        if key == "title":
            return s.title or self.tr("(no title)")
        if key == "year":
            return "" if s.year is None else str(s.year)
        return s.first_author


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

    def setModel(self, model: Any) -> None:
        super().setModel(model)
        if model is not None:  # after the header's own handler: it has counted the rows again
            model.rowsRemoved.connect(self._rows_removed)

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
