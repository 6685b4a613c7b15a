"""Conflicts: the open ones with both reviewers' decisions beside the record and a resolve
bar; the resolved ones with Reopen; and agreement between reviewers, over the stage or a
calibration sample."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from screener.core.services.conflicts import ConflictInfo, ResolutionInfo
from screener.core.services.live import Changes
from screener.gui.agreement_panel import AgreementPanel
from screener.gui.context import Workspace
from screener.gui.highlight import escape
from screener.gui.history_view import STAGE_NAMES, when
from screener.gui.lazy_refresh import RefreshWhenVisible
from screener.gui.reading_pane import ReadingPane
from screener.gui.record_list_model import status_icon
from screener.gui.rows_model import RowDetail, RowsModel, compact_table
from screener.gui.widgets import KeyboardExit
from screener.types import ScreenerError, Stage

KIND_TEXT = {"decision": "include vs exclude", "maybe": "a maybe", "reason": "different reasons"}


def _table(parent: QWidget, model: RowsModel, name: str, stretch: int | None = None) -> QTableView:
    t = compact_table(parent, model, stretch)
    t.setAccessibleName(name)
    return t


class DecisionCard(QFrame):
    """One reviewer's decision, reason and note."""

    def __init__(self, d: dict[str, str], parent: QWidget) -> None:
        super().__init__(parent)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 8, 10, 8)
        head = QHBoxLayout()
        icon = QLabel(self)
        icon.setPixmap(status_icon(d["decision"]).pixmap(16, 16))
        name = QLabel(f"<b>{escape(d['reviewer'])}</b>: {escape(d['decision'])}", self)
        head.addWidget(icon)
        head.addWidget(name, 1)
        layout.addLayout(head)
        for label, key in (("Reason", "reason"), ("Note", "note")):
            if d.get(key):
                text = QLabel(f"<i>{label}:</i> {escape(d[key])}", self)
                text.setWordWrap(True)
                layout.addWidget(text)
        self.setAccessibleName(f"{d['reviewer']}: {d['decision']} {d.get('reason', '')}")


class ConflictsView(RefreshWhenVisible, RowDetail, QWidget):
    def __init__(self, workspace: Workspace, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.workspace = workspace
        self.project = workspace.project
        self._dirty = False
        self._own_change = False
        self.model = RowsModel(
            [(self.tr("#"), lambda c: c.record_id),
             (self.tr("Disagree on"), lambda c: KIND_TEXT.get(c.kind, c.kind)),
             (self.tr("Decisions"), lambda c: " · ".join(f"{d['reviewer']}: {d['decision']}" for d in c.decisions)),
             (self.tr("Title"), lambda c: c.title)],
            self,
        )
        self.table = _table(self, self.model, self.tr("Open conflicts"), stretch=3)
        self.count_label = QLabel(self)
        self.pane = ReadingPane(self, editable=False)
        self.cards = QWidget(self)
        self.cards_layout = QHBoxLayout(self.cards)
        self.cards_layout.setContentsMargins(12, 6, 12, 6)
        self.include_button = QPushButton(self.tr("&Include"), self)
        self.exclude_button = QPushButton(self.tr("&Exclude"), self)
        self.reason_combo = QComboBox(self)
        self.reason_combo.setAccessibleName(self.tr("Reason for the exclusion"))
        self.note_edit = QLineEdit(self)
        self.note_edit.setPlaceholderText(self.tr("Note on the resolution (optional)"))
        self.note_edit.setAccessibleName(self.tr("Resolution note"))
        KeyboardExit(self.note_edit, lambda: self.table.setFocus())  # as Esc leaves search
        self.error_label = QLabel(self)
        self.error_label.setWordWrap(True)
        self.error_label.setStyleSheet("color: #a33a00;")
        self.error_label.hide()
        self.include_button.clicked.connect(lambda: self.resolve("include"))
        self.exclude_button.clicked.connect(lambda: self.resolve("exclude"))
        bar = QHBoxLayout()
        bar.setContentsMargins(12, 4, 12, 8)
        bar.addWidget(QLabel(self.tr("<b>Resolve:</b>"), self))
        for w in (self.include_button, self.exclude_button, self.reason_combo):
            bar.addWidget(w)
        bar.addWidget(self.note_edit, 1)

        detail = QWidget(self)
        dl = QVBoxLayout(detail)
        dl.setContentsMargins(0, 0, 0, 0)
        dl.setSpacing(0)
        dl.addWidget(self.pane, 1)
        dl.addWidget(self.cards)
        dl.addLayout(bar)
        dl.addWidget(self.error_label)
        self.detail = detail
        left = QWidget(self)
        lv = QVBoxLayout(left)
        lv.setContentsMargins(6, 6, 0, 0)
        lv.addWidget(self.count_label)
        lv.addWidget(self.table, 1)
        top = QSplitter(Qt.Orientation.Horizontal, self)
        top.addWidget(left)
        top.addWidget(detail)
        top.setStretchFactor(1, 1)
        top.setSizes([560, 700])

        self.resolved_model = RowsModel(
            [(self.tr("#"), lambda r: r.record_id), (self.tr("Final"), lambda r: r.decision),
             (self.tr("Reason"), lambda r: r.reason), (self.tr("By"), lambda r: r.reviewer),
             (self.tr("When"), lambda r: when(r.resolved_at)), (self.tr("Note"), lambda r: r.note)],
            self,
        )
        self.resolved_table = _table(self, self.resolved_model, self.tr("Resolved conflicts"))
        self.reopen_button = QPushButton(self.tr("&Reopen"), self)
        self.reopen_button.clicked.connect(self.reopen_selected)
        resolved = QWidget(self)
        rl = QVBoxLayout(resolved)
        rl.addWidget(self.resolved_table, 1)
        rl.addWidget(self.reopen_button, 0, Qt.AlignmentFlag.AlignLeft)
        self.agreement = AgreementPanel(workspace, self)
        self.tabs = QTabWidget(self)
        self.tabs.addTab(resolved, self.tr("Resolved"))
        self.tabs.addTab(self.agreement, self.tr("Agreement"))

        split = QSplitter(Qt.Orientation.Vertical, self)
        split.addWidget(top)
        split.addWidget(self.tabs)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(split)

        self.table.selectionModel().currentRowChanged.connect(self._current_changed)
        workspace.data_changed.connect(self._data_changed)
        workspace.records_changed.connect(self._records_changed)
        workspace.stage_changed.connect(lambda _s: self.refresh())
        workspace.reviewer_changed.connect(lambda _r: self.refresh())
        self.refresh()

    # data
    def refresh(self) -> None:
        self._dirty = False
        stage = self.workspace.stage
        try:
            keep = self.current_conflict()
            conflicts = self.project.conflicts.conflicts(stage)
            resolutions = self.project.conflicts.resolutions(stage)
            info = self.project.settings.info()
        except ScreenerError as e:
            self.show_error(str(e))
            return
        self.pane.set_terms(info.include_terms, info.exclude_terms)
        self.reason_combo.clear()
        self.reason_combo.addItems(info.reasons)
        full = stage == Stage.FULL_TEXT.value
        self.reason_combo.setVisible(full)
        self.model.set_rows(conflicts)
        self.resolved_model.set_rows(resolutions)
        self._show_counts()
        row = next((i for i, c in enumerate(conflicts) if keep and c.record_id == keep.record_id), 0)
        self.select_row(row)
        self.agreement.refresh()

    def _records_changed(self, changes: Changes) -> None:
        """Others decided, resolved or reopened: update the rows of those records only. If
        the conflict on screen was resolved meanwhile, say so rather than slide the next one
        under the resolve buttons."""
        ids = changes.record_ids
        if not ids:
            return
        stage = self.workspace.stage
        try:
            conflicts = self.project.conflicts.conflicts(stage, among=ids)
            resolutions = self.project.conflicts.resolutions(stage, among=ids)
        except ScreenerError:
            return  # the server is away: the next look brings these changes again
        current = self.current_conflict()
        gone = self.model.update_rows(ids, conflicts, key=lambda c: c.record_id)
        self.resolved_model.update_rows(ids, resolutions, key=lambda r: r.record_id)
        self._show_counts()
        if current is not None and current.record_id in gone:
            self.table.clearSelection()
            self.table.setCurrentIndex(self.model.index(-1, 0))
            self._show(None)
            self.show_error(self.tr("The conflict on #{id} was just resolved or changed by "
                                    "another reviewer.").format(id=current.record_id))
        elif current is not None and current.record_id in ids:
            self._show(self.current_conflict())
        if self.isVisible():
            self.agreement.refresh()

    def _show_counts(self) -> None:
        self.count_label.setText(self.tr("{n} open conflicts at {stage}").format(
            n=self.model.rowCount(), stage=STAGE_NAMES[self.workspace.stage]))
        self.tabs.setTabText(0, self.tr("Resolved ({n})").format(n=self.resolved_model.rowCount()))

    def current_conflict(self) -> ConflictInfo | None:
        return self.model.row(self.table.currentIndex().row())

    def _show(self, c: ConflictInfo | None) -> None:
        while self.cards_layout.count():
            item = self.cards_layout.takeAt(0)
            if item.widget():
                item.widget().deleteLater()
        for w in (self.include_button, self.exclude_button, self.reason_combo, self.note_edit):
            w.setEnabled(c is not None)
        self.note_edit.clear()
        if c is None:
            self.pane.show_record(None)
            return
        try:
            self.pane.show_record(self.project.records.detail(c.record_id, viewer=None))
        except ScreenerError as e:
            self.show_error(str(e))
            return
        for d in c.decisions:
            self.cards_layout.addWidget(DecisionCard(d, self.cards), 1)

    def show_error(self, text: str) -> None:
        self.error_label.setText(text)
        self.error_label.setVisible(bool(text))

    # actions
    def resolve(self, decision: str) -> bool:
        c = self.current_conflict()
        if c is None:
            return False
        stage = self.workspace.stage
        reason = self.reason_combo.currentText() if decision == "exclude" and stage == Stage.FULL_TEXT.value else ""
        try:
            self.project.conflicts.resolve(c.record_id, decision, self.workspace.reviewer, stage,
                                           reason=reason, note=self.note_edit.text().strip())
        except ScreenerError as e:
            self.show_error(str(e))
            return False
        self.show_error("")
        row = self.table.currentIndex().row()
        self.workspace.notify(self.tr("Conflict on #{id} resolved: {d}").format(id=c.record_id, d=decision))
        self._changed()
        self.select_row(row)
        return True

    def reopen_selected(self) -> bool:
        r: ResolutionInfo | None = self.resolved_model.row(self.resolved_table.currentIndex().row())
        if r is None:
            self.show_error(self.tr("Select a resolved conflict to reopen."))
            return False
        try:
            self.project.conflicts.reopen(r.record_id, self.workspace.reviewer, r.stage)
        except ScreenerError as e:
            self.show_error(str(e))
            return False
        self.workspace.notify(self.tr("Conflict on #{id} reopened").format(id=r.record_id))
        self._changed()
        return True

    def _changed(self) -> None:
        self.refresh()
        self._own_change = True
        try:
            self.workspace.data_changed.emit()
        finally:
            self._own_change = False
