"""The list's filters that combine: source, batch, year range, record type, my decision,
final status, tag and label, each value with the number of records it would leave given
the other filters. Kept per reviewer (and project) between sessions.

A panel of its own under the search row: a header line that says which filters are on
and how many records match, and (shown with the Filters button) a tree of checkable
values with their counts and a year range. The counts come from a worker thread, so
choosing a value never waits for them.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from PySide6.QtCore import QCoreApplication, QModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QFont, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QLabel,
    QSizePolicy,
    QSpinBox,
    QToolButton,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from screener.core.services.record_filters import FINAL_WORDS, MY_WORDS, RecordFilter
from screener.gui.recent import app_settings, normalise
from screener.gui.widgets import muted

VALUE_ROLE = Qt.ItemDataRole.UserRole + 1
NAME_ROLE = Qt.ItemDataRole.UserRole + 2
# (facet, heading); the year range has spin boxes of its own
FACETS = (
    ("final", "Final status"),
    ("mine", "My decision"),
    ("sources", "Source"),
    ("batches", "Batch"),
    ("types", "Record type"),
    ("tags", "Tag"),
    ("labels", "Label"),
)
FINAL_LABELS = {"undecided": "Undecided", "pending": "Pending (waiting for others)", "conflict": "In conflict",
                "included": "Included", "excluded": "Excluded", "not_retrieved": "Report not retrieved"}
MY_LABELS = {"include": "Include", "exclude": "Exclude", "maybe": "Maybe", "none": "Not decided by me"}
NO_YEAR = 0  # the spin boxes' "any"


def settings_key(target: str, reviewer: str) -> str:
    """Where a reviewer's filters for a project are kept (the target hashed: no paths or
    URLs in keys)."""
    digest = hashlib.sha1(normalise(target).encode("utf-8")).hexdigest()[:16]
    return f"filters/{digest}/{hashlib.sha1(reviewer.encode('utf-8')).hexdigest()[:12]}"


def save_state(target: str, reviewer: str, state: dict[str, Any]) -> None:
    app_settings().setValue(settings_key(target, reviewer), json.dumps(state))


def load_state(target: str, reviewer: str) -> dict[str, Any]:
    raw = app_settings().value(settings_key(target, reviewer), "")
    try:
        state = json.loads(raw) if isinstance(raw, str) and raw else {}
    except ValueError:
        return {}
    return state if isinstance(state, dict) else {}


class FilterPanel(QWidget):
    changed = Signal()
    shown_changed = Signal(bool)  # the values (and their counts) shown or hidden

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName(self.tr("Filters"))
        self._building = False
        self._options: dict[str, list[tuple[Any, str]]] = {}
        self._counts: dict[str, dict[Any, int]] = {}
        self.toggle = QToolButton(self)
        self.toggle.setCheckable(True)
        self.toggle.setAutoRaise(True)
        self.toggle.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.toggle.setAccessibleName(self.tr("Show the filters"))
        self.toggle.toggled.connect(self._show_body)
        self.clear_button = QToolButton(self)
        self.clear_button.setText(self.tr("Clear"))
        self.clear_button.setAutoRaise(True)
        self.clear_button.setAccessibleName(self.tr("Clear every filter"))
        self.clear_button.clicked.connect(self.clear)
        self.summary = muted(QLabel(self))
        # one line that never pushes the values below it about; the whole text in the tooltip
        self.summary.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.summary.setAccessibleName(self.tr("Filters in use"))

        self.year_from = self._year_box(self.tr("Year from"))
        self.year_to = self._year_box(self.tr("Year to"))
        self.model = QStandardItemModel(self)
        self.tree = QTreeView(self)
        self.tree.setModel(self.model)
        self.tree.setHeaderHidden(True)
        self.tree.setRootIsDecorated(True)
        self.tree.setUniformRowHeights(True)
        self.tree.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.tree.setAccessibleName(self.tr("Filter values"))
        self.tree.setMinimumHeight(self.fontMetrics().lineSpacing() * 9)
        self.model.itemChanged.connect(self._item_changed)
        self.tree.activated.connect(self._activated)

        head = QHBoxLayout()
        head.setContentsMargins(0, 0, 0, 0)
        head.addWidget(self.toggle)
        head.addWidget(self.summary, 1)
        head.addWidget(self.clear_button)
        years = QHBoxLayout()
        years.setContentsMargins(4, 0, 0, 0)
        label = QLabel(self.tr("&Years"), self)
        label.setBuddy(self.year_from)
        years.addWidget(label)
        years.addWidget(self.year_from)
        years.addWidget(QLabel("–", self))
        years.addWidget(self.year_to)
        years.addStretch(1)
        self.body = QWidget(self)
        bl = QVBoxLayout(self.body)
        bl.setContentsMargins(0, 2, 0, 0)
        bl.setSpacing(4)
        bl.addLayout(years)
        bl.addWidget(self.tree, 1)
        self.body.hide()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 0, 6, 2)
        layout.setSpacing(2)
        layout.addLayout(head)
        layout.addWidget(self.body, 1)
        self._timer = QTimer(self, singleShot=True, interval=250)
        self._timer.timeout.connect(self.changed)
        self._matching: int | None = None
        self._current: RecordFilter | None = None
        for signal in (self.model.itemChanged, self.model.modelReset, self.model.rowsInserted,
                       self.model.rowsRemoved, self.year_from.valueChanged, self.year_to.valueChanged):
            signal.connect(self._forget)
        self._update_header()

    def _forget(self, *_: object) -> None:
        self._current = None

    def _year_box(self, name: str) -> QSpinBox:
        box = QSpinBox(self)
        box.setRange(NO_YEAR, 2100)
        box.setSpecialValueText(self.tr("any"))
        box.setAccessibleName(name)
        box.setKeyboardTracking(False)
        box.valueChanged.connect(self._year_changed)
        return box

    def _year_changed(self, _value: int) -> None:
        self._current = None
        if not self._building:
            self._update_header()
            self._timer.start()

    def _show_body(self, shown: bool) -> None:
        self.body.setVisible(shown)
        self._update_header()
        self.shown_changed.emit(shown)  # the counts are wanted now

    # values and counts
    def set_options(self, options: dict[str, list[tuple[Any, str]]]) -> None:
        """The values each filter offers, as (value, label), keeping what is checked."""
        chosen = self.current()
        self._options = options
        self._building = True
        expanded = {self.model.item(i).data(NAME_ROLE) for i in range(self.model.rowCount())
                    if self.tree.isExpanded(self.model.index(i, 0))}
        self.model.clear()
        bold = QFont(self.font())
        bold.setBold(True)
        for name, heading in FACETS:
            values = list(options.get(name, []))
            picked = set(getattr(chosen, name))
            values += [(v, str(v)) for v in picked if v not in {x for x, _ in values}]
            if not values:
                continue
            parent = QStandardItem(self.tr(heading))
            parent.setData(name, NAME_ROLE)
            parent.setFont(bold)
            parent.setSelectable(False)
            for value, label in values:
                child = QStandardItem(label)
                child.setCheckable(True)
                child.setData(value, VALUE_ROLE)
                child.setData(label, NAME_ROLE)
                child.setCheckState(Qt.CheckState.Checked if value in picked else Qt.CheckState.Unchecked)
                parent.appendRow(child)
            self.model.appendRow(parent)
            if name in expanded or picked:
                self.tree.expand(parent.index())
        self._building = False
        self._show_counts()
        self._update_header()

    def set_counts(self, counts: dict[str, dict[Any, int]], matching: int) -> None:
        """Each value's count (``{}``: none shown), and how many records the list holds."""
        self._counts = counts
        self._matching = matching
        self._show_counts()
        self._update_header()

    def _show_counts(self) -> None:
        self._building = True
        for i in range(self.model.rowCount()):
            parent = self.model.item(i)
            name = parent.data(NAME_ROLE)
            facet = self._counts.get("year" if name == "year" else name, {})
            for j in range(parent.rowCount()):
                child = parent.child(j)
                n = facet.get(child.data(VALUE_ROLE), 0)
                text = f"{child.data(NAME_ROLE)}  ({n:,})" if self._counts else child.data(NAME_ROLE)
                if child.text() != text:
                    child.setText(text)
                child.setToolTip(self.tr("{n:,} records with the other filters").format(n=n))
        self._building = False

    # the filter
    def current(self) -> RecordFilter:
        """The filter the panel shows (kept, and read again only when something changed)."""
        if self._current is None:
            self._current = self._read()
        return self._current

    def _read(self) -> RecordFilter:
        parts: dict[str, tuple[Any, ...]] = {}
        for i in range(self.model.rowCount()):
            parent = self.model.item(i)
            parts[parent.data(NAME_ROLE)] = tuple(
                parent.child(j).data(VALUE_ROLE) for j in range(parent.rowCount())
                if parent.child(j).checkState() == Qt.CheckState.Checked)
        lo, hi = self.year_from.value() or None, self.year_to.value() or None
        if lo is not None and hi is not None and lo > hi:
            lo, hi = hi, lo
        return RecordFilter.from_dict({**{k: list(v) for k, v in parts.items()}, "year_from": lo, "year_to": hi})

    def set_filter(self, f: RecordFilter) -> None:
        """Check exactly what ``f`` says (values not offered are added, so nothing is lost)."""
        self._building = True
        self.year_from.setValue(f.year_from or NO_YEAR)
        self.year_to.setValue(f.year_to or NO_YEAR)
        self._building = False
        current = self.current()
        self._building = True
        for i in range(self.model.rowCount()):
            parent = self.model.item(i)
            wanted = set(getattr(f, parent.data(NAME_ROLE)))
            for j in range(parent.rowCount()):
                child = parent.child(j)
                child.setCheckState(Qt.CheckState.Checked if child.data(VALUE_ROLE) in wanted
                                    else Qt.CheckState.Unchecked)
        self._building = False
        if any(set(getattr(f, n)) - set(getattr(current, n)) for n, _ in FACETS):
            self.set_options(self._options)  # re-adds the values that are not offered
        self._update_header()

    def is_active(self) -> bool:
        return bool(self.current().active())

    def clear(self) -> None:
        self.set_filter(RecordFilter())
        self._timer.stop()
        self.changed.emit()

    def _item_changed(self, _item: QStandardItem) -> None:
        self._current = None
        if not self._building:
            self._update_header()
            self._timer.start()

    def _activated(self, index: QModelIndex) -> None:
        item = self.model.itemFromIndex(index)
        if item is not None and item.isCheckable():  # Enter toggles, as Space does
            checked = item.checkState() == Qt.CheckState.Checked
            item.setCheckState(Qt.CheckState.Unchecked if checked else Qt.CheckState.Checked)

    def flush(self) -> None:
        if self._timer.isActive():
            self._timer.stop()
            self.changed.emit()

    def _update_header(self) -> None:
        f = self.current()
        active = f.active()
        words = describe(f, self._options)
        self.toggle.setText((self.tr("Filters ▾") if self.body.isVisible() else self.tr("Filters ▸"))
                            + (f" ({len(words)})" if words else ""))
        text = " · ".join(words) if words else self.tr("No filters")
        if self._matching is not None and active:
            text = self.tr("{n:,} match: {what}").format(n=self._matching, what=text)
        self.summary.setText(text)
        self.summary.setToolTip(text)
        self.clear_button.setVisible(bool(active))


SHORT = {"final": {"pending": "Pending", "conflict": "In conflict"}, "mine": {"none": "Not mine"}}


def describe(f: RecordFilter, options: dict[str, list[tuple[Any, str]]]) -> list[str]:
    """The filters in use, in words, for the header line."""
    labels = {name: {**dict(values), **SHORT.get(name, {})} for name, values in options.items()}
    out = []
    for name, _ in FACETS:
        chosen = getattr(f, name)
        if chosen:
            out.append(", ".join(str(labels.get(name, {}).get(v, v)) for v in chosen))
    if f.year_from or f.year_to:
        out.append(f"{f.year_from or '…'}–{f.year_to or '…'}")
    return out


def _tr(text: str) -> str:
    return QCoreApplication.translate("FilterPanel", text)


def facet_options(types: list[str], batches: list[Any], labels: list[str], tags: list[str],
                  stage: str) -> dict[str, list[tuple[Any, str]]]:
    """What each filter offers, in a reviewer's order (cheap: no counting)."""
    def words(d: dict[str, str], keys: tuple[str, ...]) -> list[tuple[Any, str]]:
        return [(k, _tr(d[k])) for k in keys]

    batch_words = []
    for b in batches:
        when = f" {b.search_date}" if b.search_date else ""
        update = f" (update {b.update_round})" if b.update_round else ""
        batch_words.append((b.id, f"#{b.id} {b.source}{when}{update}"))
    return {
        "final": [(w, _tr(FINAL_LABELS[w])) for w in FINAL_WORDS if w != "not_retrieved" or stage == "full_text"],
        "mine": words(MY_LABELS, MY_WORDS),
        "sources": [(src, src) for src in sorted({b.source for b in batches}, key=str.casefold)],
        "batches": batch_words,
        "types": [(t, t or "(no type)") for t in sorted(types)],
        "tags": [(t, t) for t in sorted(tags, key=str.casefold)],
        "labels": [(name, name) for name in labels],
    }
