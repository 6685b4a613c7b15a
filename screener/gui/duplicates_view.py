"""Duplicates: pairs queued for review and the records already merged, each shown side by
side with the differing words marked, the score and the rule that decided.

D = duplicate, N = not a duplicate, U = undo the last action taken here (a verdict, a
bulk verdict, an unmerge). A merged record can be inspected and separated again (Unmerge
asks first, and U merges it back). Bulk: accept every pair at or above a score, reject
every pair below one. "Find duplicates now" runs deduplication in the background while
screening stays usable. With nothing to review, the view says what happened.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QDoubleSpinBox,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from screener.core.services.dedup import BulkAction, DedupSummary, MergedInfo, PairInfo
from screener.gui.context import Workspace
from screener.gui.decision_panel import KeyButton
from screener.gui.duplicates_compare import ComparisonPanel
from screener.gui.highlight import escape
from screener.gui.lazy_refresh import RefreshWhenVisible
from screener.gui.plural import plural
from screener.gui.rows_model import RowsModel, compact_table
from screener.gui.widgets import heading, muted
from screener.gui.worker import WorkRunnable
from screener.types import ScreenerError

HOW = {"auto": "automatic", "manual": "by a reviewer", "": "—"}


@dataclass(frozen=True)
class Undo:
    """One step U takes back: a verdict on a pair, a bulk verdict or an unmerge."""

    kind: str  # "verdict", "bulk", "unmerge"
    a: int = 0
    b: int = 0
    duplicate: bool = False
    merged: int | None = None  # the record a "duplicate" verdict merged
    bulk: BulkAction | None = None
    separated: tuple[int, ...] = ()
    how: str = ""  # how the separated records had been merged


class DuplicatesView(RefreshWhenVisible, QWidget):
    def __init__(self, workspace: Workspace, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.workspace = workspace
        self.project = workspace.project
        self.job: WorkRunnable | None = None
        self.undo_stack: list[Undo] = []
        self.mode: str | None = None  # "pair" or "merge": what the right side shows
        self._dirty = False
        self._own_change = False

        self.find_button = QPushButton(self.tr("&Find duplicates now"), self)
        self.find_button.clicked.connect(self.find_duplicates)
        self.progress = QProgressBar(self)
        self.progress.setAccessibleName(self.tr("Deduplication progress"))
        self.cancel_button = QPushButton(self.tr("Cancel"), self)
        self.cancel_button.clicked.connect(self.cancel)
        self.status_label = QLabel(self)
        self.status_label.setAccessibleName(self.tr("Duplicates status"))
        top = QHBoxLayout()
        top.setContentsMargins(8, 6, 8, 2)
        top.addWidget(self.find_button)
        top.addWidget(self.progress, 1)
        top.addWidget(self.cancel_button)
        top.addWidget(self.status_label, 2)
        self._show_running(False)

        self.model = RowsModel([(self.tr("Score"), lambda p: f"{p.score:.2f}"),
                                (self.tr("Records"), lambda p: f"#{p.record_a} · #{p.record_b}")], self)
        self.table = compact_table(self, self.model)
        self.table.setAccessibleName(self.tr("Candidate duplicate pairs"))
        self.accept_spin, self.accept_button = self._bulk_control(0.95, self.accept_from)
        self.reject_spin, self.reject_button = self._bulk_control(0.60, self.reject_below)
        self.accept_spin.setAccessibleName(self.tr("Accept pairs scoring at least"))
        self.reject_spin.setAccessibleName(self.tr("Reject pairs scoring below"))
        bulk = QVBoxLayout()
        bulk.setSpacing(2)
        for spin, button in ((self.accept_spin, self.accept_button), (self.reject_spin, self.reject_button)):
            row = QHBoxLayout()
            row.addWidget(button, 1)
            row.addWidget(spin)
            bulk.addLayout(row)

        self.merged_model = RowsModel(
            [(self.tr("Duplicate"), lambda m: f"#{m.record_id}"), (self.tr("Kept as"), lambda m: f"#{m.canonical_id}"),
             (self.tr("How"), lambda m: self.tr(HOW.get(m.how, m.how))),
             (self.tr("Score"), lambda m: "" if m.score is None else f"{m.score:.2f}"),
             (self.tr("Title"), lambda m: m.title)], self)
        self.merged_table = compact_table(self, self.merged_model)
        self.merged_table.setAccessibleName(self.tr("Merged records"))
        self.merged_label = QLabel(self)
        self.pairs_label = heading(self.tr("Pairs to review"), self, 1.0)
        left = QWidget(self)
        ll = QVBoxLayout(left)
        ll.setContentsMargins(6, 0, 0, 0)
        ll.addWidget(self.pairs_label)
        ll.addWidget(self.table, 2)
        ll.addLayout(bulk)
        ll.addSpacing(6)
        ll.addWidget(self.merged_label)
        ll.addWidget(self.merged_table, 2)

        self.compare = ComparisonPanel(self)
        self.left, self.right = self.compare.left, self.compare.right
        self.score_label = QLabel(self)
        self.score_label.setWordWrap(True)
        self.dup_button = KeyButton(self.tr("Duplicate"), "D", parent=self)
        self.not_button = KeyButton(self.tr("Not a duplicate"), "N", parent=self)
        self.unmerge_button = QPushButton(self.tr("&Unmerge…"), self)
        self.unmerge_button.setAccessibleName(self.tr("Unmerge the selected merged record"))
        self.undo_button = KeyButton(self.tr("Undo"), "U", parent=self)
        self.dup_button.clicked.connect(lambda: self.verdict(True))
        self.not_button.clicked.connect(lambda: self.verdict(False))
        self.unmerge_button.clicked.connect(self.unmerge_selected)
        self.undo_button.clicked.connect(self.undo)
        self.error_label = QLabel(self)
        self.error_label.setStyleSheet("color: #a33a00;")
        self.error_label.setWordWrap(True)
        self.error_label.hide()
        actions = QHBoxLayout()
        actions.addWidget(self.score_label, 1)
        for b in (self.dup_button, self.not_button, self.unmerge_button, self.undo_button):
            b.setMinimumWidth(140)
            actions.addWidget(b)
        pair = QWidget(self)
        pl = QVBoxLayout(pair)
        pl.setContentsMargins(6, 0, 6, 0)
        pl.addLayout(actions)
        pl.addWidget(self.error_label)
        pl.addWidget(self.compare, 1)

        self.empty_title = heading("", self, 1.3)
        self.empty_title.setWordWrap(True)
        self.empty_text = muted(QLabel(self))
        self.empty_text.setWordWrap(True)
        empty = QWidget(self)
        el = QVBoxLayout(empty)
        el.setContentsMargins(40, 40, 40, 40)
        el.addWidget(self.empty_title)
        el.addWidget(self.empty_text)
        el.addStretch(1)
        self.empty_title.setAccessibleName(self.tr("Nothing to review"))
        self.stack = QStackedWidget(self)
        self.stack.addWidget(pair)
        self.stack.addWidget(empty)

        split = QSplitter(Qt.Orientation.Horizontal, self)
        split.addWidget(left)
        split.addWidget(self.stack)
        split.setStretchFactor(1, 1)
        split.setSizes([380, 900])
        split.setChildrenCollapsible(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addWidget(split, 1)

        for key, slot in (("D", lambda: self.verdict(True)), ("N", lambda: self.verdict(False)), ("U", self.undo)):
            sc = QShortcut(QKeySequence(key), self)
            sc.setContext(Qt.ShortcutContext.WindowShortcut)
            sc.activated.connect(slot)
        self.table.selectionModel().currentRowChanged.connect(self._pair_changed)
        self.merged_table.selectionModel().currentRowChanged.connect(self._merge_changed)
        self.table.clicked.connect(lambda index: self._pair_changed(index, QModelIndex()))
        self.merged_table.clicked.connect(lambda index: self._merge_changed(index, QModelIndex()))
        workspace.data_changed.connect(self._data_changed)
        self.refresh()

    def _bulk_control(self, value: float, slot: Any) -> tuple[QDoubleSpinBox, QPushButton]:
        spin = QDoubleSpinBox(self)
        spin.setRange(0.0, 1.0)
        spin.setSingleStep(0.01)
        spin.setDecimals(2)
        spin.setValue(value)
        spin.valueChanged.connect(lambda _v: self._update_bulk())
        button = QPushButton(self)
        button.clicked.connect(slot)
        return spin, button

    # data
    def refresh(self) -> None:
        self._dirty = False
        try:
            pairs = self.project.dedup.candidates()
            merged = self.project.dedup.merged()
            overview = self.project.dedup.overview()
        except ScreenerError as e:
            self.show_error(str(e))
            return
        keep_pair, keep_merge, mode = self.current_pair(), self.current_merge(), self.mode
        self.model.set_rows(pairs)
        self.merged_model.set_rows(merged)
        self.merged_label.setText(self.tr("<b>Merged records</b> ({n})").format(n=f"{len(merged):,}"))
        if not self.job:
            self.status_label.setText(self._status_text(len(pairs), len(merged)))
        self._update_bulk()
        self._set_empty_text(overview.merged_since_import, len(merged), overview.imported)
        if mode == "merge" and keep_merge is not None:
            row = next((i for i, m in enumerate(merged) if m.record_id == keep_merge.record_id), None)
            if row is not None:
                self.merged_table.setCurrentIndex(self.merged_model.index(row, 0))
                self._show_merge(merged[row])
                return
        row = next((i for i, p in enumerate(pairs)
                    if keep_pair and (p.record_a, p.record_b) == (keep_pair.record_a, keep_pair.record_b)), 0)
        self.select_row(row)

    def _status_text(self, pairs: int, merged: int) -> str:
        to_review = plural(pairs, "{n} pair to review", "{n} pairs to review") if pairs else self.tr(
            "No pairs to review")
        done = plural(merged, "{n} record merged", "{n} records merged") if merged else self.tr("none merged yet")
        return f"{to_review} · {done}"

    def _set_empty_text(self, since_import: int, merged: int, imported: bool) -> None:
        if not imported:
            self.empty_title.setText(self.tr("No records yet"))
            self.empty_text.setText(self.tr("Import a search export (File ▸ Import). Duplicates are looked for "
                                            "after each import, and certain ones are merged automatically."))
            return
        self.empty_title.setText(self.tr("{merged} after the last import; no pairs need review").format(
            merged=plural(since_import, "{n} duplicate merged automatically", "{n} duplicates merged automatically")))
        self.empty_text.setText(self.tr(
            "{total} in all. Select one under Merged records to see both records side by side and why "
            "they were merged, or to separate them again. To mark a record as a duplicate of another by hand, "
            "use “Mark as duplicate of…” in the Screen tab (Ctrl+Shift+D).").format(
            total=plural(merged, "{n} record merged", "{n} records merged")))

    def _update_bulk(self) -> None:
        scores = [p.score for p in self.model.rows]
        at_least = sum(1 for s in scores if s >= self.accept_spin.value())
        below = sum(1 for s in scores if s < self.reject_spin.value())
        self.accept_button.setText(self.tr("Accept {pairs} scoring at least").format(
            pairs=plural(at_least, "{n} pair", "{n} pairs")))
        self.reject_button.setText(self.tr("Reject {pairs} scoring below").format(
            pairs=plural(below, "{n} pair", "{n} pairs")))
        self.accept_button.setEnabled(at_least > 0)
        self.reject_button.setEnabled(below > 0)

    def current_pair(self) -> PairInfo | None:
        return self.model.row(self.table.currentIndex().row())

    def current_merge(self) -> MergedInfo | None:
        return self.merged_model.row(self.merged_table.currentIndex().row())

    def select_row(self, row: int) -> None:
        if not self.model.rowCount():
            self.table.setCurrentIndex(QModelIndex())
            self._show_pair(None)
            return
        index = self.model.index(min(row, self.model.rowCount() - 1), 0)
        self.table.setCurrentIndex(index)
        self._show_pair(self.model.row(index.row()))

    def _pair_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if current.isValid():
            self._show_pair(self.model.row(current.row()))

    def _merge_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if current.isValid():
            self._show_merge(self.merged_model.row(current.row()))

    def _set_mode(self, mode: str | None) -> None:
        self.mode = mode
        self.stack.setCurrentIndex(0 if mode else 1)
        for b in (self.dup_button, self.not_button):
            b.setVisible(mode != "merge")
            b.setEnabled(mode == "pair")
        self.unmerge_button.setVisible(mode == "merge")
        self.undo_button.setEnabled(bool(self.undo_stack))

    def _show_pair(self, p: PairInfo | None) -> None:
        if p is None:
            self.compare.clear()
            self.score_label.setText("")
            self._set_mode(None)
            return
        self.merged_table.clearSelection()
        try:
            a, b = self.project.records.detail(p.record_a), self.project.records.detail(p.record_b)
            detail = self.project.dedup.merge_detail(p.record_a, p.record_b)
        except ScreenerError as e:
            self.show_error(str(e))
            return
        self._set_mode("pair")
        self.score_label.setText(self.tr("<b>Score {s:.2f}</b> · #{a} and #{b} · differing words marked").format(
            s=p.score, a=p.record_a, b=p.record_b))
        self.compare.show_pair(a, b, self.compare.why(detail))

    def _show_merge(self, m: MergedInfo | None) -> None:
        if m is None:
            return
        self.table.clearSelection()
        try:
            a, b = self.project.records.detail(m.record_id), self.project.records.detail(m.canonical_id)
            detail = self.project.dedup.merge_detail(m.record_id, m.canonical_id)
        except ScreenerError as e:
            self.show_error(str(e))
            return
        self._set_mode("merge")
        score = m.score if m.score is not None else detail.score
        self.score_label.setText(self.tr("<b>Score {s:.2f}</b> · #{a} merged into #{b} · differing words marked").format(
            s=score, a=m.record_id, b=m.canonical_id))
        self.compare.show_pair(a, b, self.compare.why(detail))

    def show_error(self, text: str) -> None:
        self.error_label.setText(escape(text))
        self.error_label.setVisible(bool(text))

    def confirm(self, title: str, text: str) -> bool:
        """Ask before a change the reviewer may not expect (tests replace this)."""
        answer = QMessageBox.question(self, title, text)
        return answer == QMessageBox.StandardButton.Yes

    # verdicts
    def verdict(self, duplicate: bool) -> bool:
        p = self.current_pair()
        if p is None or self.mode != "pair":
            return False
        row = self.table.currentIndex().row()
        try:
            merged = None
            if duplicate:  # the canonical records of the two; one of them gets merged
                canon = [self.project.records.detail(r).duplicate_of or r for r in (p.record_a, p.record_b)]
            self.project.dedup.mark(p.record_a, p.record_b, duplicate, reviewer=self.workspace.reviewer)
            if duplicate:
                merged = next((c for c in canon if self.project.records.detail(c).duplicate_of is not None), None)
        except ScreenerError as e:
            self.show_error(str(e))
            return False
        self.show_error("")
        self.undo_stack.append(Undo("verdict", p.record_a, p.record_b, duplicate, merged))
        self.workspace.notify(
            self.tr("#{a} and #{b}: {v} — U to undo").format(
                a=p.record_a, b=p.record_b, v=self.tr("merged as duplicates") if duplicate else self.tr("not duplicates")))
        self._changed(row)
        return True

    def accept_from(self) -> bool:
        return self._bulk(self.project.dedup.accept_from, self.accept_spin.value(),
                          self.tr("Accepted {pairs} scoring {s:.2f} or more: {merged} — U to undo"))

    def reject_below(self) -> bool:
        return self._bulk(self.project.dedup.reject_below, self.reject_spin.value(),
                          self.tr("Rejected {pairs} scoring below {s:.2f} — U to undo"))

    def _bulk(self, action: Any, threshold: float, message: str) -> bool:
        try:
            done: BulkAction = action(threshold, reviewer=self.workspace.reviewer)
        except ScreenerError as e:
            self.show_error(str(e))
            return False
        if done.pairs:
            self.undo_stack.append(Undo("bulk", bulk=done))
        self.mode = None  # back to the queue (or, with nothing left, to what happened)
        self.merged_table.clearSelection()
        self.workspace.notify(message.format(pairs=plural(len(done.pairs), "{n} pair", "{n} pairs"), s=threshold,
                                             merged=plural(done.merged, "{n} record merged", "{n} records merged")))
        self._changed(0)
        return True

    def undo(self) -> bool:
        if not self.undo_stack:
            self.workspace.notify(self.tr("Nothing to undo here"))
            return False
        step = self.undo_stack[-1]
        reviewer = self.workspace.reviewer
        try:
            if step.kind == "verdict":
                if step.duplicate and step.merged is not None:
                    self.project.dedup.unmerge(step.merged, reviewer=reviewer)
                self.project.dedup.reset_pair(step.a, step.b, reviewer=reviewer)
                text = self.tr("#{a} and #{b} are back among the pairs to review").format(a=step.a, b=step.b)
            elif step.kind == "bulk":
                assert step.bulk is not None
                self.project.dedup.undo_bulk(step.bulk, reviewer=reviewer)
                text = self.tr("{pairs} back among the pairs to review").format(
                    pairs=plural(len(step.bulk.pairs), "{n} pair is", "{n} pairs are"))
            else:
                self.project.dedup.remerge(step.b, list(step.separated), reviewer=reviewer,
                                           was="auto" if step.how == "auto" else "manual")
                text = self.tr("#{a} merged into #{b} again").format(
                    a=", #".join(map(str, step.separated)), b=step.b)
        except ScreenerError as e:
            self.show_error(str(e))
            return False
        self.undo_stack.pop()
        self.workspace.notify(text)
        self._changed(None)
        if step.kind == "verdict":
            row = next((i for i, p in enumerate(self.model.rows) if (p.record_a, p.record_b) == (step.a, step.b)), 0)
            self.select_row(row)
        return True

    def unmerge_selected(self) -> bool:
        m = self.current_merge()
        if m is None:
            self.show_error(self.tr("Select a merged record to separate."))
            return False
        if not self.confirm(self.tr("Unmerge"), self.tr(
                "Separate #{a} from #{b}? #{a} goes back to the screening queue as a record of its own, and "
                "the two are remembered as not duplicates. U merges them again.").format(a=m.record_id, b=m.canonical_id)):
            return False
        try:
            separated = self.project.dedup.unmerge(m.record_id, reviewer=self.workspace.reviewer)
        except ScreenerError as e:
            self.show_error(str(e))
            return False
        self.show_error("")
        self.undo_stack.append(Undo("unmerge", m.record_id, m.canonical_id, separated=tuple(separated), how=m.how))
        self.workspace.notify(self.tr("#{a} separated from #{b} — U to undo").format(a=m.record_id, b=m.canonical_id))
        self.mode = None
        self._changed(None)
        return True

    def _changed(self, row: int | None) -> None:
        self.refresh()
        if row is not None and self.mode != "merge":
            self.select_row(row)
        self._own_change = True
        try:
            self.workspace.data_changed.emit()
        finally:
            self._own_change = False

    # finding duplicates in the background
    def find_duplicates(self) -> None:
        if self.job is not None:
            return
        self._show_running(True)
        self.status_label.setText(self.tr("Looking for duplicates…"))
        self.job = self.workspace.runner.start(
            self.project.dedup.run(), self._found, self._failed, self._progress, self._cancelled)

    def cancel(self) -> None:
        if self.job is not None:
            self.job.cancel()

    def _progress(self, done: int, total: int, message: str) -> None:
        self.progress.setMaximum(max(total, 1))
        self.progress.setValue(done)
        self.progress.setFormat(f"{message} %p%")

    def _found(self, summary: DedupSummary) -> None:
        self.job = None
        self._show_running(False)
        text = self.tr("Merged {merged}; {pairs} to review").format(
            merged=plural(summary.merged, "{n} certain duplicate", "{n} certain duplicates"),
            pairs=plural(len(summary.candidates), "{n} pair", "{n} pairs"))
        if summary.flagged:
            text += self.tr(" · {groups} had different decisions: check them").format(
                groups=plural(len(summary.flagged), "{n} merged group", "{n} merged groups"))
        self.workspace.notify(text)
        self._changed(0)
        self.status_label.setText(text)

    def _failed(self, error: Exception) -> None:
        self.job = None
        self._show_running(False)
        self.show_error(self.tr("Finding duplicates failed: {e}").format(e=error))

    def _cancelled(self) -> None:
        self.job = None
        self._show_running(False)
        self.status_label.setText(self.tr("Cancelled: nothing was changed."))

    def _show_running(self, running: bool) -> None:
        self.find_button.setEnabled(not running)
        self.progress.setVisible(running)
        self.cancel_button.setVisible(running)
