"""The Team tab: each reviewer's progress at the stage (assigned, decided, left), and
sharing the records out (Assign records…).

Only counts are shown: how many records each reviewer has decided, never what they
decided, so the tab is safe in a blind project.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPalette
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

from screener.core.services.allocation import AllocationReport, ReviewerProgress, TeamProgress
from screener.gui.assign_dialog import AssignDialog
from screener.gui.context import Workspace
from screener.gui.errors import report_error
from screener.gui.lazy_refresh import RefreshWhenVisible
from screener.gui.rows_model import RowsModel, configure_read_only
from screener.gui.widgets import heading, muted
from screener.types import Progress, ScreenerError, Stage, Work

STAGE_WORDS = {Stage.TITLE_ABSTRACT.value: "title/abstract", Stage.FULL_TEXT.value: "full text"}
PROGRESS_COLUMN = 5


def share(r: ReviewerProgress, allocated: bool) -> tuple[int, int]:
    """(done, of): a reviewer's progress through what is theirs to screen."""
    if allocated and r.assigned:
        return r.decided, r.assigned
    return r.decided_all, r.decided_all + r.queue


class ProgressDelegate(QStyledItemDelegate):
    """A bar with the percentage beside it: the bar's length and the number, not colour alone."""

    def __init__(self, view: TeamView) -> None:
        super().__init__(view)
        self.view = view

    def paint(self, painter: QPainter, option: QStyleOptionViewItem,
              index: QModelIndex | QPersistentModelIndex) -> None:
        row = self.view.model.row(index.row())
        team = self.view.team
        if row is None or team is None:
            return
        widget = option.widget  # type: ignore[attr-defined]
        if option.state & QStyle.StateFlag.State_Selected and widget is not None:  # type: ignore[attr-defined]
            widget.style().drawPrimitive(QStyle.PrimitiveElement.PE_PanelItemViewItem, option, painter, widget)
        done, of = share(row, team.allocated)
        rect = option.rect.adjusted(6, 6, -64, -6)  # type: ignore[attr-defined]
        pal = option.palette  # type: ignore[attr-defined]
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(pal.color(QPalette.ColorRole.Mid))
        painter.setBrush(pal.color(QPalette.ColorRole.Base))
        painter.drawRoundedRect(QRectF(rect), 3, 3)
        if of:
            filled = QRectF(rect.x(), rect.y(), rect.width() * done / of, rect.height())
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(QColor("#0072B2"))
            painter.drawRoundedRect(filled, 3, 3)
        painter.setPen(pal.color(QPalette.ColorRole.Text))
        text_rect = option.rect.adjusted(option.rect.width() - 58, 0, -4, 0)  # type: ignore[attr-defined]
        pct = f"{round(100 * done / of)}%" if of else "–"
        painter.drawText(text_rect, int(Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignRight), pct)
        painter.restore()


def team_work(workspace: Workspace, stage: str) -> Work[TeamProgress]:
    yield Progress(0, 1, "")
    return workspace.project.allocation.team(stage)


class TeamView(RefreshWhenVisible, QWidget):
    def __init__(self, workspace: Workspace, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.workspace = workspace
        self.team: TeamProgress | None = None
        self._loading = False
        self.setAccessibleName(self.tr("Team"))
        self.title = heading("", self)
        self.summary = muted(QLabel(self))
        self.summary.setWordWrap(True)
        self.summary.setAccessibleName(self.tr("Team summary"))
        self.assign_button = QPushButton(self.tr("&Assign records…"), self)
        self.assign_button.setAccessibleName(self.tr("Assign records to reviewers"))
        self.assign_button.clicked.connect(self.assign)
        self.clear_button = QPushButton(self.tr("Take back assignments"), self)
        self.clear_button.setAccessibleName(self.tr("Take back the assignments of undecided records"))
        self.clear_button.clicked.connect(self.clear)

        def assigned(r: ReviewerProgress) -> str:
            return f"{r.assigned:,}" if self.team and self.team.allocated else self.tr("all")

        self.model = RowsModel([
            (self.tr("Reviewer"), lambda r: r.name),
            (self.tr("Role"), lambda r: self.tr(r.role)),
            (self.tr("Assigned"), assigned),
            (self.tr("Decided"), lambda r: f"{r.decided_all:,}"),
            (self.tr("Left in queue"), lambda r: f"{r.queue:,}"),
            (self.tr("Progress"), lambda r: ""),
        ], self)
        self.table = QTableView(self)
        self.table.setModel(self.model)
        configure_read_only(self.table, 14)
        self.table.setAccessibleName(self.tr("Progress per reviewer"))
        self.table.setItemDelegateForColumn(PROGRESS_COLUMN, ProgressDelegate(self))
        self.table.horizontalHeader().setStretchLastSection(True)
        for column, width in enumerate((160, 90, 90, 90, 110)):
            self.table.setColumnWidth(column, width)

        buttons = QHBoxLayout()
        buttons.addWidget(self.assign_button)
        buttons.addWidget(self.clear_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 12)
        layout.setSpacing(8)
        layout.addWidget(self.title)
        layout.addWidget(self.summary)
        layout.addLayout(buttons)
        layout.addWidget(self.table, 1)
        workspace.data_changed.connect(self._data_changed)
        workspace.stage_changed.connect(lambda _s: self._data_changed())
        workspace.records_changed.connect(lambda _c: self._data_changed())
        self.refresh()

    def refresh(self) -> None:
        self._dirty = False
        if self._loading:
            self._dirty = True
            return
        self._loading = True
        stage = self.workspace.stage

        def done(team: TeamProgress) -> None:
            if not isValid(self.model):  # the tab closed meanwhile
                return
            self._loading = False
            self.show_team(team)
            if self._dirty and self.isVisible():
                self.refresh()

        def failed(e: Exception) -> None:
            if isValid(self.summary):
                self._loading = False
                self.summary.setText(str(e))

        self.workspace.runner.start(team_work(self.workspace, stage), done, failed)

    def show_team(self, team: TeamProgress) -> None:
        self.team = team
        stage = self.tr(STAGE_WORDS[team.stage])
        self.title.setText(self.tr("Team progress at {0}").format(stage))
        parts = [self.tr("{done:,} of {total:,} records have a final decision.").format(
            done=team.final, total=team.total)]
        if not team.allocated:
            parts.append(self.tr("No records are assigned: every reviewer's queue holds every record "
                                 "they have not decided. Assign records to share the work out."))
        if team.shared:
            parts.append(self.tr("{n:,} records are screened by everyone assigned to them, for calibration.")
                         .format(n=team.shared))
        if team.allocated and team.unassigned:
            parts.append(self.tr("{n:,} undecided records are assigned to no one (imported since the last "
                                 "assignment): they are in everyone's queue until you assign again.")
                         .format(n=team.unassigned))
        self.summary.setText(" ".join(parts))
        self.clear_button.setEnabled(team.allocated)
        self.model.set_rows(team.reviewers)

    def assign(self) -> None:
        """Ask how, then assign on a worker thread (100,000 records take seconds)."""
        dialog = AssignDialog(self.workspace, self)
        if not dialog.exec():
            return
        params = dialog.params()
        allocation = self.workspace.project.allocation
        self.assign_button.setEnabled(False)
        self.summary.setText(self.tr("Assigning records…"))

        def work() -> Work[AllocationReport]:
            yield Progress(0, 1, self.tr("Assigning records"))
            return allocation.assign(**params)  # type: ignore[arg-type]

        def done(report: AllocationReport) -> None:
            if not isValid(self.assign_button):
                return
            self.assign_button.setEnabled(True)
            each = ", ".join(f"{name} {n:,}" for name, n in report.assignments.items())
            self.workspace.notify(self.tr("Assigned {n:,} records: {each}; {o:,} to everyone.").format(
                n=report.records, each=each, o=report.overlap), 0)
            self.workspace.data_changed.emit()

        def failed(e: Exception) -> None:
            if not isValid(self.assign_button):
                return
            self.assign_button.setEnabled(True)
            self.refresh()
            if isinstance(e, ScreenerError):
                QMessageBox.warning(self, self.tr("Cannot assign"), str(e))
            else:
                report_error(self, e, self.tr("Assign records"))

        self.workspace.runner.start(work(), done, failed)

    def clear(self) -> None:
        answer = QMessageBox.question(
            self, self.tr("Take back assignments"),
            self.tr("Take back the assignments of every undecided record at {0}? Every reviewer's "
                    "queue then holds every record they have not decided.").format(
                self.tr(STAGE_WORDS[self.workspace.stage])))
        if answer != QMessageBox.StandardButton.Yes:
            return
        try:
            n = self.workspace.project.allocation.clear(self.workspace.stage)
        except Exception as e:  # noqa: BLE001 - shown, never lost
            report_error(self, e, self.tr("Take back assignments"))
            return
        self.workspace.notify(self.tr("Took back the assignments of {n:,} records.").format(n=n))
        self.workspace.data_changed.emit()

    def cell(self, row: int, column: int) -> Any:
        return self.model.data(self.model.index(row, column))
