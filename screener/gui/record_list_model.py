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

import numpy as np
from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QPointF,
    Qt,
)
from PySide6.QtGui import (
    QBrush,
    QColor,
    QIcon,
    QPainter,
    QPainterPath,
    QPen,
    QPixmap,
    QPolygonF,
)

from screener.core.services.records import RecordSummary
from screener.gui.final_icons import TEXT as FINAL_TEXT
from screener.gui.final_icons import final_icon

IdsFetcher = Callable[[str, bool], list[int]]  # (sort key, descending) -> ids
Orderer = Callable[[list[int], str, bool], list[int]]  # (ids, sort key, descending) -> the ids in that order
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
        order_ids: Orderer | None = None,
    ) -> None:
        super().__init__(parent)
        self._fetch_ids = fetch_ids
        self._order_ids = order_ids
        # The list as it is without its search (``base_key`` says for which view and filters,
        # ``base_sort`` in which order): a search narrows it, without a query of the list.
        # Records decided since it was read are in ``base_gone``; anything else that may
        # change it (a record coming back, others' changes) forgets it.
        self._base: list[int] | None = None
        self._base_key: object = None
        self._base_sort: tuple[str, bool] = ("id", False)
        self._base_gone: set[int] = set()
        self._base_array: np.ndarray | None = None
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
    def reload(self, fresh: bool = True) -> None:
        """Query the ids again (filters or sort changed, or the data did); not ``fresh``:
        only the view, tag or search changed (the list without its search is still true)."""
        if fresh:
            self.forget_base()
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
        """Put the list in a column's order: its own records are ordered again (no query of
        the list, no reset: cached rows, the current row and the selection stay with their
        records)."""
        key = COLUMNS[column][0] if 0 <= column < len(COLUMNS) else "id"
        self.sort_key = key if key in SORTABLE else "id"
        self.descending = order == Qt.SortOrder.DescendingOrder
        if self._order_ids is None:
            self.reload()
            return
        base = self._current_base()
        if base is not None:  # one read of the sort's index orders both
            ordered = self._in_order(base)
            self._base, self._base_sort, self._base_array = ordered, (self.sort_key, self.descending), None
            shown = set(self._ids)
            ids = [i for i in ordered if i in shown] if len(shown) < len(ordered) else list(ordered)
            if len(ids) != len(self._ids):  # not all of the list's records are in its base
                ids = self._in_order(self._ids)
        else:
            ids = self._in_order(self._ids)
        self._reorder(ids)

    def _in_order(self, ids: list[int]) -> list[int]:
        if self.sort_key == "id" and self.order_key is not None:
            return sorted(ids, key=self.order_key)
        assert self._order_ids is not None
        return self._order_ids(ids, self.sort_key, self.descending)

    def _reorder(self, ids: list[int]) -> None:
        """The same records in a new order, as a layout change that keeps persistent indexes
        (the current row, the selection) on their records."""
        self.layoutAboutToBeChanged.emit()
        old = self._ids
        persistent = self.persistentIndexList()
        rows: dict[int, int] = {}
        for rid in {old[i.row()] for i in persistent if 0 <= i.row() < len(old)}:
            try:
                rows[rid] = ids.index(rid)
            except ValueError:
                rows[rid] = -1
        moved = []
        for i in persistent:
            row = rows.get(old[i.row()], -1) if 0 <= i.row() < len(old) else -1
            moved.append(self.index(row, i.column()) if row >= 0 else QModelIndex())
        self._ids = ids
        self.changePersistentIndexList(persistent, moved)
        self.layoutChanged.emit()

    # the list without its search
    def base(self, key: object) -> list[int] | None:
        """The list without its search, read for ``key`` (view and filters) in the current
        sort, if still known."""
        if self._base_key != key or self._base_sort != (self.sort_key, self.descending):
            return None
        return self._current_base()

    def _current_base(self) -> list[int] | None:
        if self._base is not None and self._base_gone:
            self._base = [i for i in self._base if i not in self._base_gone]
            self._base_gone.clear()
            self._base_array = None
        return self._base

    def base_array(self) -> np.ndarray:
        """The list without its search (``base``), as an int64 array (kept while it holds)."""
        base = self._current_base() or []
        if self._base_array is None or len(self._base_array) != len(base):
            self._base_array = np.array(base, dtype=np.int64)
        return self._base_array

    def set_base(self, key: object, ids: list[int]) -> None:
        self._base, self._base_key, self._base_array = list(ids), key, None
        self._base_sort = (self.sort_key, self.descending)
        self._base_gone.clear()

    def forget_base(self) -> None:
        """The data changed in ways the list's own edits do not say: read it again."""
        self._base = self._base_array = None
        self._base_gone.clear()

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
            if self._base is not None:
                self._base_gone.add(record_id)
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
        # the list may be out of its order (apply_order kept the current record at its row,
        # or a new order is not applied yet): a record still listed is not listed twice
        listed = self.row_of(record_id)
        if listed >= 0:
            return listed
        self.forget_base()
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

    def refresh_id(self, record_id: int, row: int | None = None) -> None:
        """Forget one cached row (its decision changed) so it is built again when painted
        (``row``: where it is, if known)."""
        self._cache.pop(record_id, None)
        row = self.row_of(record_id) if row is None or self.id_at(row) != record_id else row
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
        self.forget_base()
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
