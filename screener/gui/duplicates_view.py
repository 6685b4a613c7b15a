"""Duplicates: candidate pairs side by side with the differing words marked and the score
shown; D = duplicate, N = not a duplicate, U = undo the last verdict given here. "Find
duplicates now" runs deduplication in the background (screening stays usable), and merged
records can be separated again (Unmerge)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QPalette, QShortcut
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from screener.core.services.dedup import DedupSummary, PairInfo
from screener.core.services.records import RecordDetail
from screener.gui.context import Workspace
from screener.gui.decision_panel import KeyButton
from screener.gui.highlight import DIFF_STYLE, DIFF_STYLE_DARK, escape, word_diff_html
from screener.gui.lazy_refresh import RefreshWhenVisible
from screener.gui.reading_pane import RecordBrowser
from screener.gui.rows_model import RowDetail, RowsModel, compact_table
from screener.gui.worker import WorkRunnable
from screener.types import ScreenerError

FIELDS = (("Title", "title"), ("Authors", "authors"), ("Year", "year"), ("Journal", "journal"),
          ("Volume", "volume"), ("Issue", "issue"), ("Pages", "pages"), ("DOI", "doi"), ("PMID", "pmid"),
          ("Source", "source"), ("Abstract", "abstract"))


def field_text(d: RecordDetail, key: str) -> str:
    value = getattr(d, key)
    if isinstance(value, list):
        return "; ".join(value)
    if key == "source":
        return f"{d.source} (batch {d.batch_id}), {d.source_file} record {d.source_position}"
    return "" if value is None else str(value)


def comparison_html(a: RecordDetail, b: RecordDetail, mark: str = DIFF_STYLE, muted: str = "gray") -> tuple[str, str]:
    """Each record's fields as an HTML table, the words that differ from the other marked."""
    rows_a, rows_b = [], []
    for label, key in FIELDS:
        ha, hb = word_diff_html(field_text(a, key), field_text(b, key), mark)
        for rows, h in ((rows_a, ha), (rows_b, hb)):
            rows.append(f"<tr><td style='color:{muted}; padding:4px 12px 4px 0; vertical-align:top'>{label}</td>"
                        f"<td style='padding:4px 0; line-height:140%'>{h or '—'}</td></tr>")

    def page(d: RecordDetail, rows: list[str]) -> str:
        return f"<p style='font-size:large'><b>#{d.record_id}</b></p><table width='100%'>{''.join(rows)}</table>"

    return page(a, rows_a), page(b, rows_b)


class DuplicatesView(RefreshWhenVisible, RowDetail, QWidget):
    def __init__(self, workspace: Workspace, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.workspace = workspace
        self.project = workspace.project
        self.job: WorkRunnable | None = None
        self.verdicts: list[tuple[int, int, str, int | None]] = []  # a, b, verdict, merged record
        self._dirty = False
        self._own_change = False

        self.find_button = QPushButton(self.tr("&Find duplicates now"), self)
        self.find_button.clicked.connect(self.find_duplicates)
        self.progress = QProgressBar(self)
        self.progress.setAccessibleName(self.tr("Deduplication progress"))
        self.cancel_button = QPushButton(self.tr("Cancel"), self)
        self.cancel_button.clicked.connect(self.cancel)
        self.status_label = QLabel(self)
        top = QHBoxLayout()
        top.setContentsMargins(8, 6, 8, 2)
        top.addWidget(self.find_button)
        top.addWidget(self.progress, 1)
        top.addWidget(self.cancel_button)
        top.addWidget(self.status_label, 2)
        self._show_running(False)

        self.model = RowsModel(
            [(self.tr("Score"), lambda p: f"{p.score:.2f}"), (self.tr("Records"), lambda p: f"#{p.record_a} · #{p.record_b}")],
            self)
        self.table = compact_table(self, self.model)
        self.table.setAccessibleName(self.tr("Candidate duplicate pairs"))
        self.left = RecordBrowser(self)
        self.right = RecordBrowser(self)
        self.left.setAccessibleName(self.tr("First record"))
        self.right.setAccessibleName(self.tr("Second record"))
        self.score_label = QLabel(self)
        self.dup_button = KeyButton(self.tr("Duplicate"), "D", parent=self)
        self.not_button = KeyButton(self.tr("Not a duplicate"), "N", parent=self)
        self.undo_button = KeyButton(self.tr("Undo"), "U", parent=self)
        self.dup_button.clicked.connect(lambda: self.verdict(True))
        self.not_button.clicked.connect(lambda: self.verdict(False))
        self.undo_button.clicked.connect(self.undo)
        self.error_label = QLabel(self)
        self.error_label.setStyleSheet("color: #a33a00;")
        self.error_label.setWordWrap(True)
        actions = QHBoxLayout()
        actions.addWidget(self.score_label, 1)
        for b in (self.dup_button, self.not_button, self.undo_button):
            b.setMinimumWidth(150)
            actions.addWidget(b)
        pair = QWidget(self)
        pl = QVBoxLayout(pair)
        pl.setContentsMargins(6, 0, 6, 0)
        cols = QSplitter(Qt.Orientation.Horizontal, pair)
        cols.addWidget(self.left)
        cols.addWidget(self.right)
        pl.addLayout(actions)
        pl.addWidget(self.error_label)
        pl.addWidget(cols, 1)

        self.merged_model = RowsModel(
            [(self.tr("Duplicate"), lambda m: f"#{m.record_id}"), (self.tr("Kept as"), lambda m: f"#{m.canonical_id}"),
             (self.tr("Title"), lambda m: m.title)], self)
        self.merged_table = compact_table(self, self.merged_model)
        self.merged_table.setAccessibleName(self.tr("Merged records"))
        self.unmerge_button = QPushButton(self.tr("&Unmerge"), self)
        self.unmerge_button.clicked.connect(self.unmerge_selected)
        self.merged_label = QLabel(self)
        left = QWidget(self)
        ll = QVBoxLayout(left)
        ll.setContentsMargins(6, 0, 0, 0)
        ll.addWidget(QLabel(self.tr("<b>Pairs to review</b>"), self))
        ll.addWidget(self.table, 2)
        ll.addWidget(self.merged_label)
        ll.addWidget(self.merged_table, 1)
        ll.addWidget(self.unmerge_button, 0, Qt.AlignmentFlag.AlignLeft)
        split = QSplitter(Qt.Orientation.Horizontal, self)
        split.addWidget(left)
        split.addWidget(pair)
        split.setStretchFactor(1, 1)
        split.setSizes([300, 900])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addWidget(split, 1)

        for key, slot in (("D", lambda: self.verdict(True)), ("N", lambda: self.verdict(False)), ("U", self.undo)):
            sc = QShortcut(QKeySequence(key), self)
            sc.setContext(Qt.ShortcutContext.WindowShortcut)
            sc.activated.connect(slot)
        self.table.selectionModel().currentRowChanged.connect(self._current_changed)
        workspace.data_changed.connect(self._data_changed)
        self.refresh()

    # data
    def refresh(self) -> None:
        self._dirty = False
        try:
            pairs = self.project.dedup.candidates()
            merged = self.project.dedup.merged()
        except ScreenerError as e:
            self.show_error(str(e))
            return
        keep = self.current_pair()
        self.model.set_rows(pairs)
        self.merged_model.set_rows(merged)
        self.merged_label.setText(self.tr("<b>Merged records</b> ({n})").format(n=len(merged)))
        if not self.job:
            self.status_label.setText(self.tr("{n} pairs to review").format(n=len(pairs)) if pairs
                                      else self.tr("No pairs to review. Run “Find duplicates now” after an import."))
        row = next((i for i, p in enumerate(pairs) if keep and (p.record_a, p.record_b) == (keep.record_a, keep.record_b)), 0)
        self.select_row(row)

    def current_pair(self) -> PairInfo | None:
        return self.model.row(self.table.currentIndex().row())

    def _show(self, p: PairInfo | None) -> None:
        for b in (self.dup_button, self.not_button):
            b.setEnabled(p is not None)
        self.undo_button.setEnabled(bool(self.verdicts))
        if p is None:
            self.left.clear()
            self.right.clear()
            self.score_label.setText("")
            return
        try:
            a, b = self.project.records.detail(p.record_a), self.project.records.detail(p.record_b)
        except ScreenerError as e:
            self.show_error(str(e))
            return
        dark = self.palette().color(QPalette.ColorRole.Base).lightness() < 128
        ha, hb = comparison_html(a, b, DIFF_STYLE_DARK if dark else DIFF_STYLE)
        self.left.setHtml(ha)
        self.right.setHtml(hb)
        self.score_label.setText(self.tr("<b>Score {s:.2f}</b> · #{a} and #{b} · differing words marked").format(
            s=p.score, a=p.record_a, b=p.record_b))

    def show_error(self, text: str) -> None:
        self.error_label.setText(escape(text))
        self.error_label.setVisible(bool(text))

    # verdicts
    def verdict(self, duplicate: bool) -> bool:
        p = self.current_pair()
        if p is None:
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
        self.verdicts.append((p.record_a, p.record_b, "duplicate" if duplicate else "not_duplicate", merged))
        self.workspace.notify(
            self.tr("#{a} and #{b}: {v} — U to undo").format(
                a=p.record_a, b=p.record_b, v=self.tr("merged as duplicates") if duplicate else self.tr("not duplicates")))
        self._changed(row)
        return True

    def undo(self) -> bool:
        if not self.verdicts:
            self.workspace.notify(self.tr("Nothing to undo here"))
            return False
        a, b, verdict, merged = self.verdicts[-1]
        try:
            if verdict == "duplicate" and merged is not None:
                self.project.dedup.unmerge(merged, reviewer=self.workspace.reviewer)
            self.project.dedup.reset_pair(a, b, reviewer=self.workspace.reviewer)
        except ScreenerError as e:
            self.show_error(str(e))
            return False
        self.verdicts.pop()
        self.workspace.notify(self.tr("#{a} and #{b} are back among the pairs to review").format(a=a, b=b))
        self._changed(None)
        row = next((i for i, p in enumerate(self.model.rows) if (p.record_a, p.record_b) == (a, b)), 0)
        self.select_row(row)
        return True

    def unmerge_selected(self) -> bool:
        m = self.merged_model.row(self.merged_table.currentIndex().row())
        if m is None:
            self.show_error(self.tr("Select a merged record to separate."))
            return False
        try:
            self.project.dedup.unmerge(m.record_id, reviewer=self.workspace.reviewer)
        except ScreenerError as e:
            self.show_error(str(e))
            return False
        self.workspace.notify(self.tr("#{a} separated from #{b}").format(a=m.record_id, b=m.canonical_id))
        self._changed(None)
        return True

    def _changed(self, row: int | None) -> None:
        self.refresh()
        if row is not None:
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
        text = self.tr("Merged {m} certain duplicates; {c} pairs to review").format(
            m=summary.merged, c=len(summary.candidates))
        if summary.flagged:
            text += self.tr(" · {n} merged records had different decisions: check them").format(n=len(summary.flagged))
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
