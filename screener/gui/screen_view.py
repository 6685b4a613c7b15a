"""The screen: list on the left, the record in the middle, criteria and decisions on the right.

One key, one decision: the decision is committed (``ScreeningService.decide`` returns after
the commit) before the next record is shown. In My queue the decided record leaves the list
without the list being queried again. Nothing here shows what another reviewer decided
before both have: rows, details and history all come from blind-safe service calls.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
from PySide6.QtCore import QEvent, QItemSelectionModel, QModelIndex, QObject, Qt, QTimer
from PySide6.QtGui import QShortcut
from PySide6.QtWidgets import (
    QApplication,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QScrollArea,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

from screener.core.services.records import RecordDetail, RecordSummary
from screener.gui import mark_duplicate_dialog
from screener.gui.context import Workspace
from screener.gui.decision_panel import DecisionPanel
from screener.gui.full_text_pane import FullTextPane
from screener.gui.history_view import HistoryView
from screener.gui.lazy_refresh import RefreshWhenVisible
from screener.gui.reading_pane import ReadingPane
from screener.gui.record_list_model import COLUMNS, SORTABLE, RecordListModel
from screener.gui.record_table import RecordTable, setup_record_table
from screener.gui.screen_actions import ScreenActions
from screener.gui.screen_live import ScreenLive
from screener.gui.screen_order import ScreenOrder
from screener.gui.screen_parts import (
    EmptyState,
    FilterBar,
    ReadAhead,
    SessionCounter,
    empty_state,
    is_text_input,
)
from screener.gui.screen_workspace import ScreenWorkspace
from screener.gui.shortcuts_overlay import SCREEN_SHORTCUTS, ShortcutsOverlay
from screener.types import ScreenerError, Stage

AHEAD_IDLE_MS = 20  # after the paint: no one reads a record faster, and a held key repeats more slowly


class ScreenView(RefreshWhenVisible, QWidget, ScreenActions, ScreenLive, ScreenWorkspace):
    def __init__(self, workspace: Workspace, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.workspace = workspace
        self.project = workspace.project
        self.session = SessionCounter()
        self._dirty = False
        self._own_change = False
        self._mine = 0
        self._total = 0
        self._count_not_retrieved = 0
        self._ahead: ReadAhead | None = None
        self._since_checkpoint = 0
        self._checkpointing = False
        self._want_ahead = False
        # the next record is read and laid out once the reviewer has had a moment on this one:
        # a key pressed before then stops it, so keys back to back pay for no read-ahead
        self._ahead_timer = QTimer(self, singleShot=True, interval=AHEAD_IDLE_MS)
        self._ahead_timer.timeout.connect(self._read_ahead)
        self._placing = False

        self.filters = FilterBar(self)
        self.model = RecordListModel(self._fetch_ids, self._fetch_rows, parent=self, order_ids=self._order_ids)
        self.table = RecordTable(self)
        self._setup_table()
        self.progress_label = QLabel(self)
        self.progress_bar = QProgressBar(self)
        self.progress_bar.setTextVisible(False)
        self.progress_bar.setMaximumHeight(6)
        self.progress_bar.setAccessibleName(self.tr("Screening progress"))
        left = QWidget(self)
        ll = QVBoxLayout(left)
        ll.setContentsMargins(0, 0, 0, 0)
        ll.setSpacing(2)
        ll.addWidget(self.filters)
        pl = QVBoxLayout()
        pl.setContentsMargins(8, 0, 8, 4)
        pl.addWidget(self.progress_label)
        pl.addWidget(self.progress_bar)
        ll.addLayout(pl)
        ll.addWidget(self.table, 1)

        self.pane = ReadingPane(self)
        self.pane.browser.viewport().installEventFilter(self)
        self.empty = EmptyState(self)
        self.empty.action.connect(self._clear_all_filters)
        self.stack = QStackedWidget(self)
        self.stack.addWidget(self.pane)
        self.stack.addWidget(self.empty)
        self.error_label = QLabel(self)
        self.error_label.setWordWrap(True)
        self.error_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.error_label.setStyleSheet(
            "QLabel { background: #fde6cf; color: #5a2600; border-left: 4px solid #D55E00; padding: 6px 10px; }"
        )
        self.error_label.setAccessibleName(self.tr("Problem"))
        self.error_label.hide()
        centre = QWidget(self)
        cl = QVBoxLayout(centre)
        cl.setContentsMargins(0, 0, 0, 0)
        cl.setSpacing(0)
        cl.addWidget(self.error_label)
        self.full_text = FullTextPane(workspace, self.stack, centre)  # the PDF beside the record
        cl.addWidget(self.full_text, 1)

        self.panel = DecisionPanel(self)
        self.history = HistoryView(workspace, self.panel)
        self.history.setMinimumHeight(160)
        self.history.hide()
        self.panel.history_slot.addWidget(self.history)
        right = QScrollArea(self)
        right.setWidget(self.panel)
        right.setWidgetResizable(True)
        right.setFrameShape(QScrollArea.Shape.NoFrame)
        right.setMinimumWidth(self.panel.minimumWidth() + right.verticalScrollBar().sizeHint().width())

        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        for w, stretch in ((left, 0), (centre, 1), (right, 0)):
            self.splitter.addWidget(w)
            self.splitter.setStretchFactor(self.splitter.count() - 1, stretch)
        self.splitter.setSizes([330, 760, 290])
        self.splitter.setChildrenCollapsible(False)
        self.full_text.splitter = self.splitter
        self.session_label = QLabel(self)
        self.session_label.setAccessibleName(self.tr("Session counter"))
        bottom = QHBoxLayout()
        bottom.setContentsMargins(8, 2, 8, 2)
        bottom.addStretch(1)
        bottom.addWidget(self.session_label)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.splitter, 1)
        layout.addLayout(bottom)

        self.overlay = ShortcutsOverlay(SCREEN_SHORTCUTS, self)
        self._shortcuts: list[QShortcut] = []
        self._make_shortcuts()
        self._setup_workspace(ll)
        self.order = ScreenOrder(self, ll, bottom)  # relevance, file or random order
        self._restored_for = ""
        self._shortcuts += self.full_text.shortcuts
        self.mark_duplicate_action = mark_duplicate_dialog.install(self)  # Ctrl+Shift+D, context menu
        self._counts_timer = QTimer(self, singleShot=True, interval=1500)
        self._counts_timer.timeout.connect(self._update_progress_off_thread)
        self._counts_timer.timeout.connect(self._recount_if_shown)  # filter counts follow decisions
        self._announce_timer = QTimer(self, singleShot=True, interval=400)
        self._announce_timer.timeout.connect(self._announce)

        self.filters.changed.connect(lambda: self._requery(fresh=False))  # view, tag or search: no data changed
        self.filters.leave_search.connect(self.table.setFocus)
        self.table.selectionModel().currentRowChanged.connect(self._current_changed)
        self.table.horizontalHeader().sectionClicked.connect(self._sort_clicked)
        self.panel.decided.connect(self.decide)
        self.panel.exclude_pressed.connect(lambda: self.decide("exclude"))
        self.panel.not_retrieved_toggled.connect(self._not_retrieved)
        self.panel.attach_pdf_requested.connect(self._attach_pdf)
        self.panel.open_pdf_requested.connect(self.full_text.open_externally)
        self.panel.attach_folder_requested.connect(self._attach_folder)
        self.full_text.attach_requested.connect(self._attach_pdf)
        self.full_text.folder_requested.connect(self._attach_folder)
        self.full_text.error.connect(self.show_error)
        self.panel.history_toggled.connect(self._toggle_history)
        self.pane.note_edited.connect(self._save_note)
        self.pane.tags_edited.connect(self._save_tags)
        self.pane.leave.connect(self.table.setFocus)
        app = QApplication.instance()
        if isinstance(app, QApplication):
            app.focusChanged.connect(self._focus_changed)
        workspace.data_changed.connect(self._data_changed)
        workspace.stage_changed.connect(lambda _s: self.refresh())
        workspace.reviewer_changed.connect(self._reviewer_changed)
        self._connect_live()
        self.refresh()

    # set-up
    def _setup_table(self) -> None:
        setup_record_table(self.table, self.model)
        self.table.setAccessibleName(self.tr("Records"))

    # the list
    def _fetch_ids(self, sort: str, descending: bool) -> list[int]:
        """The list's ids. A search narrows the list as it is without one (kept by the model
        while the view and filters stay): only the full-text index is read as one types."""
        f = self.filters
        view, records, reviewer = f.view(), self.project.records, self.workspace.reviewer or None
        list_filter = self.list_filter()
        key = (self.workspace.stage, view, reviewer, f.status(), f.tag(), repr(list_filter.to_dict()))
        try:
            base = self.model.base(key)
            if base is None:
                base = records.ids(self.workspace.stage, view=view, reviewer=reviewer, status=f.status(),
                                   tag=f.tag(), sort=sort, descending=descending, filters=list_filter)
                self.model.set_base(key, base)
            hits = records.matching(f.search_text()) if f.search_text() else None
        except ScreenerError as e:
            self.show_error(str(e))
            return []
        if hits is None:
            return list(base)
        ids = self.model.base_array()
        return ids[np.isin(ids, hits, assume_unique=True)].tolist()  # in the list's order

    def _order_ids(self, ids: list[int], sort: str, descending: bool) -> list[int]:
        try:
            return self.project.records.in_order(ids, sort, descending)
        except ScreenerError as e:
            self.show_error(str(e))
            return ids

    def _fetch_rows(self, ids: list[int]) -> list[RecordSummary]:
        try:
            return self.project.records.summaries(ids, self.workspace.stage, viewer=self.workspace.reviewer or None)
        except ScreenerError as e:
            self.show_error(str(e))
            return []

    def _requery(self, keep: int | None = None, fresh: bool = True) -> None:
        """The list again; ``fresh``: read again from the project (the data may have changed),
        else the view, tag or search changed only."""
        keep = self.current_id() if keep is None else keep
        if self.pane.set_search(self._search_words()):  # hits marked in the record shown
            self._ahead = None
            self.pane.record_id = None
        self.model.reload(fresh)
        row = self.model.row_of(keep) if keep is not None else -1
        self.select_row(row if row >= 0 else 0, force=True)
        QTimer.singleShot(0, lambda: self.table.scrollTo(self.table.currentIndex()))  # once laid out again
        self._update_empty_state()
        self._update_progress_label(bar=False)  # the counts do not depend on the filter

    def _sort_clicked(self, column: int) -> None:
        key = COLUMNS[column][0]
        if key not in SORTABLE:
            return
        keep = self.current_id()
        header = self.table.horizontalHeader()
        if self.model.sort_key == key and self.model.descending:  # third click: import order
            header.setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
            self.model.sort(0)
        else:
            desc = self.model.sort_key == key
            order = Qt.SortOrder.DescendingOrder if desc else Qt.SortOrder.AscendingOrder
            header.setSortIndicator(column, order)
            self.model.sort(column, order)
        row = self.model.row_of(keep) if keep is not None else 0
        self.select_row(max(row, 0))  # the record shown stays: its row moved with it

    def current_id(self) -> int | None:
        return self.model.id_at(self.table.currentIndex().row())

    def select_row(self, row: int, force: bool = False) -> None:
        if self.model.rowCount() == 0:
            self._show(None)
            return
        row = min(max(row, 0), self.model.rowCount() - 1)
        index = self.model.index(row, 1)
        selection = self.table.selectionModel()
        flags = QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows
        if index != self.table.currentIndex():
            # this row alone, whatever keys are held (a Ctrl still down after Ctrl+Z would add it)
            selection.setCurrentIndex(index, flags)
        else:
            if not selection.isRowSelected(row, QModelIndex()):
                # the row that took the place of a decided one: Qt made it current, not selected
                selection.select(index, flags)
            if force or self.pane.record_id != self.model.id_at(row):
                self._show(self.model.id_at(row))
        self.table.scrollTo(index)

    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if self._placing:  # a row leaving the list: the record that takes its place is shown next
            return
        rid = self.model.id_at(current.row()) if current.isValid() else None
        if rid != self.pane.record_id:
            self._show(rid)

    def move(self, step: int) -> None:
        if self.model.rowCount():
            row = self.table.currentIndex().row()
            self.select_row(row + step if row >= 0 else 0)

    def focus_search(self) -> None:
        self.filters.search.setFocus()
        self.filters.search.selectAll()

    # the record
    def _show(self, rid: int | None) -> None:
        self._ahead_timer.stop()  # a read-ahead not yet begun was for the record before
        self.panel.cancel_reason_wait()
        self.escape_key.setEnabled(False)
        if rid is None:
            self.pane.show_record(None)
            self.panel.show_state([], self.workspace.reviewer, enabled=False)
            self.full_text.show_record(None)
            self.history.show_record(None)
            return
        ahead, self._ahead = self._ahead, None
        try:
            if ahead is not None and ahead.record_id == rid and ahead.fresh():
                d, (retrieved, pdf) = ahead.detail, ahead.retrieval
            else:
                d, (retrieved, pdf) = self._load(rid)
        except ScreenerError as e:
            self.show_error(str(e))
            return
        self.pane.show_record(d)
        self.panel.show_state(d.decisions, self.workspace.reviewer, retrieved, pdf.name if pdf else None,
                              resolutions=d.resolutions)
        self.panel.labels_box.show_mine(d.labels)
        self.full_text.show_record(d, retrieved)
        self.history.show_record(rid)
        self._want_ahead = True

    def _load(self, rid: int) -> tuple[RecordDetail, tuple[bool | None, Path | None]]:
        d = self.project.records.detail(rid, viewer=self.workspace.reviewer or None)
        retrieval: tuple[bool | None, Path | None] = (None, None)
        if self.workspace.stage == Stage.FULL_TEXT.value:
            retrieval = self.project.retrieval.retrieval(rid)
        return d, retrieval

    def _read_ahead(self) -> None:
        """Once the record is on screen, load and lay out the next one in the list, so the
        next decision shows it at once."""
        row = self.model.row_of(self.pane.record_id) if self.pane.record_id is not None else -1
        rid = self.model.id_at(row + 1) if row >= 0 else None
        if rid is None or (self._ahead is not None and self._ahead.record_id == rid):
            return
        try:
            d, retrieval = self._load(rid)
        except ScreenerError:
            return
        self._ahead = ReadAhead(rid, d, retrieval)
        self.pane.prepare(d)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint and self._want_ahead and watched is self.pane.browser.viewport():
            self._want_ahead = False
            self._ahead_timer.start()
        return super().eventFilter(watched, event)

    def show_error(self, text: str) -> None:
        self.error_label.setText(text)
        self.error_label.setVisible(bool(text))

    # refreshing
    def refresh(self) -> None:
        """Read settings, the list and the counts again (after others changed the data)."""
        self._dirty = False
        self._ahead = None
        self.model.forget_base()
        try:
            info = self.project.settings.info()
            tags = self.project.records.tags()
        except ScreenerError as e:
            self.show_error(str(e))
            return
        self.pane.set_terms(info.include_terms, info.exclude_terms)
        self.full_text.set_terms(info.include_terms, info.exclude_terms)
        self.full_text.set_stage(self.workspace.stage)
        self.panel.set_criteria(info.include_criteria, info.exclude_criteria, info.question)
        self.panel.ta_reason_required = info.ta_reason_required
        self.panel.set_reasons(info.reasons)
        self.panel.set_stage(self.workspace.stage)
        self.labels = self.project.labels.labels()
        self.panel.labels_box.set_labels(self.labels)
        self.filters.set_tags(tags)
        self._filter_options()
        if self._restored_for != self.workspace.reviewer:  # each reviewer's own filters
            self._restored_for = self.workspace.reviewer
            self._restore_filters()
        self._requery()
        self._update_progress()
        self._count_filters()

    def _reviewer_changed(self, _name: str) -> None:
        self.session.reset()
        self.session_label.setText("")
        self.refresh()

    def hideEvent(self, event: Any) -> None:
        self.flush_saved_filters()
        super().hideEvent(event)

    def showEvent(self, event: Any) -> None:
        super().showEvent(event)  # refreshes first if data changed while hidden
        if not is_text_input(QApplication.focusWidget()):
            self.table.setFocus()

    def _update_progress(self) -> None:
        try:
            c = self.project.records.counts(self.workspace.stage, self.workspace.reviewer or None)
        except ScreenerError:
            c = {}
        self._show_counts(c)

    def _update_progress_off_thread(self) -> None:
        """The figures again a moment after decisions, counted on a worker thread: a count over
        100,000 records never holds up the next key press."""
        project, stage, reviewer = self.project, self.workspace.stage, self.workspace.reviewer or None

        def work():  # type: ignore[no-untyped-def]
            yield from ()
            return project.records.counts(stage, reviewer)

        def done(c: dict[str, int]) -> None:
            if isValid(self) and (stage, reviewer) == (self.workspace.stage, self.workspace.reviewer or None):
                self._show_counts(c)

        self.workspace.runner.start(work(), done, lambda _e: None)

    def _show_counts(self, c: dict[str, int]) -> None:
        # Done: what no longer needs me at this stage (decided by me, settled without me, or a
        # report not retrieved), the header's figure too ("My queue 82 / 97 · 15% done").
        self._count_not_retrieved = c.get("not_retrieved", 0)
        self._total = c.get("total", 0)
        self._mine = self._total - c.get("queue", self._total)
        self._update_progress_label()

    def _update_progress_label(self, bar: bool = True) -> None:
        total, mine = self._total, min(self._mine, self._total)
        pct = round(100 * mine / total) if total else 0
        text = self.tr("Done {mine} / {total} ({pct}%)").format(mine=f"{mine:,}", total=f"{total:,}", pct=pct)
        if self._count_not_retrieved:
            text = self.tr("Done {mine} / {total} ({pct}%) · {n} not retrieved").format(
                mine=f"{mine:,}", total=f"{total:,}", pct=pct, n=f"{self._count_not_retrieved:,}")
        if self.filters.view() == "my_queue" and not self.is_filtered():
            text += self.tr(" · My queue {n}").format(n=f"{self.model.rowCount():,}")
        elif self.is_filtered():
            text += self.tr(" · {n} shown").format(n=f"{self.model.rowCount():,}")
        self.progress_label.setText(text)
        if bar:
            self._update_progress_bar()
        else:  # QProgressBar repaints at once: not inside the decision, but straight after it
            QTimer.singleShot(0, self._update_progress_bar)

    def _update_progress_bar(self) -> None:
        """The bar shows what the label says."""
        self.progress_bar.setMaximum(max(self._total, 1))
        self.progress_bar.setValue(min(self._mine, self._total))

    def _update_empty_state(self) -> None:
        if self.model.rowCount():
            self.stack.setCurrentWidget(self.pane)
            return
        self.stack.setCurrentWidget(self.empty)
        if self.filter_panel.is_active() and not self.filters.is_filtered():
            self.empty.show_state(self.tr("No records match the filters"),
                                  self.tr("Change the filters, or clear them."), self.tr("Clear filters"))
            return
        self.empty.show_state(*empty_state(self.project, self.workspace.stage, self.workspace.reviewer, self.filters))

    def _clear_all_filters(self) -> None:
        self.filter_panel.set_filter(self.filter_panel.current().__class__())
        self.filters.clear_filters()

    def empty_text(self) -> str:
        return self.empty.text() if self.stack.currentWidget() is self.empty else ""
