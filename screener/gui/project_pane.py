"""An open project: the header line (title, stage, reviewer, my queue) and the tabs.

The tab views come from their own modules and are imported when the pane is built,
so the shell works (with a placeholder) before a view exists. Counts for the header
and the tab titles are computed in the background after data changes, so a decision's
key press never waits for them.
"""

from __future__ import annotations

import importlib
import logging
from dataclasses import dataclass

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from screener.core.project import Project
from screener.core.services.live import Changes, TeamProgress
from screener.gui.batches_view import BatchesView
from screener.gui.context import Workspace
from screener.gui.settings_view import SettingsView
from screener.gui.widgets import ElidedLabel, muted
from screener.types import Progress, Stage, Work

log = logging.getLogger(__name__)

# (key, module, class, tab title); the other views are written alongside the shell
HOSTED_VIEWS = [
    ("screen", "screener.gui.screen_view", "ScreenView", "Screen"),
    ("duplicates", "screener.gui.duplicates_view", "DuplicatesView", "Duplicates"),
    ("conflicts", "screener.gui.conflicts_view", "ConflictsView", "Conflicts"),
    ("prisma", "screener.gui.prisma_view", "PrismaView", "PRISMA"),
]
LIVE_TOTALS_MS = 400  # others' changes: totals again at most this often
DEDUP_KINDS = frozenset({"merge", "unmerge", "not_duplicate", "pair_reopened"})
STAGE_LABELS = {Stage.TITLE_ABSTRACT.value: "Title/abstract", Stage.FULL_TEXT.value: "Full text"}


@dataclass(frozen=True)
class Counts:
    stage: str
    reviewer: str
    total: int
    queue: int
    duplicates: int
    conflicts: int
    team: TeamProgress | None = None


def count_work(project: Project, stage: str, reviewer: str) -> Work[Counts]:
    """Blind-safe numbers for the header and tab titles (no other reviewer's counts)."""
    yield Progress(0, 1, "")
    counts = project.records.counts(stage, reviewer)  # the same figures as the Screen tab's
    total, queue = counts["total"], counts["queue"]
    duplicates = len(project.dedup.candidates())
    conflicts = len(project.conflicts.conflicts(stage))
    team = project.live.team_progress(stage)
    return Counts(stage, reviewer, total, queue, duplicates, conflicts, team)


def load_view(module: str, name: str, workspace: Workspace, parent: QWidget) -> QWidget:
    try:
        cls = getattr(importlib.import_module(module), name)
    except ModuleNotFoundError as e:
        if e.name != module:
            raise
        label = muted(QLabel(parent.tr("This view is not available in this build."), parent))
        label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        return label
    return cls(workspace, parent)  # type: ignore[no-any-return]


class HeaderBar(QWidget):
    switch_reviewer = Signal()

    def __init__(self, workspace: Workspace, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.workspace = workspace
        self.setAccessibleName(self.tr("Project header"))
        self.title_label = ElidedLabel(self)  # a long title is cut (…), never widens the window
        font = self.title_label.font()
        font.setPointSizeF(font.pointSizeF() * 1.25)
        font.setBold(True)
        self.title_label.setFont(font)
        self.title_label.setAccessibleName(self.tr("Project title"))

        self.stage_combo = QComboBox(self)
        for stage, stage_label in STAGE_LABELS.items():
            self.stage_combo.addItem(self.tr(stage_label), stage)
        self.stage_combo.setAccessibleName(self.tr("Stage"))
        self.stage_combo.activated.connect(
            lambda i: setattr(workspace, "stage", self.stage_combo.itemData(i)))
        self.reviewer_button = QPushButton(self)
        self.reviewer_button.setFlat(True)
        self.reviewer_button.setAccessibleName(self.tr("Reviewer (click to switch)"))
        self.reviewer_button.setToolTip(self.tr("Switch reviewer (Ctrl+Shift+R)"))
        self.reviewer_button.clicked.connect(self.switch_reviewer)
        self.queue_label = QLabel(self)
        self.queue_label.setAccessibleName(self.tr("My queue"))
        self.queue_bar = QProgressBar(self)
        self.queue_bar.setFixedWidth(180)
        self.queue_bar.setFormat(self.tr("%p% done"))
        self.queue_bar.setAccessibleName(self.tr("My progress at this stage"))
        self.team_label = muted(QLabel(self))
        self.team_label.setAccessibleName(self.tr("Team progress"))

        layout = QHBoxLayout(self)
        layout.setContentsMargins(16, 10, 16, 6)
        layout.setSpacing(10)
        layout.addWidget(self.title_label, 1)
        for caption, w in ((self.tr("Stage:"), self.stage_combo),
                           (self.tr("Reviewer:"), self.reviewer_button)):
            label = muted(QLabel(caption, self))
            label.setBuddy(w)
            layout.addSpacing(8)
            layout.addWidget(label)
            layout.addWidget(w)
        layout.addSpacing(8)
        layout.addWidget(self.queue_label)
        layout.addWidget(self.queue_bar)
        layout.addSpacing(8)
        layout.addWidget(self.team_label)
        self.update_identity()

    def update_identity(self) -> None:
        info = self.workspace.project.settings.info()
        self.title_label.setText(info.title)
        self.title_label.setToolTip(info.question or info.title)
        self.reviewer_button.setText(self.workspace.reviewer + "  ▾")
        self.stage_combo.setCurrentIndex(self.stage_combo.findData(self.workspace.stage))

    def show_counts(self, counts: Counts) -> None:
        self.queue_label.setText(self.tr("My queue {0:,} / {1:,}").format(
            counts.queue, counts.total))
        self.queue_bar.setRange(0, max(counts.total, 1))
        self.queue_bar.setValue(counts.total - counts.queue)
        done = counts.total - counts.queue
        pct = round(100 * done / counts.total) if counts.total else 0  # as the Screen tab rounds
        self.queue_bar.setFormat(self.tr("{pct}% done").format(pct=pct))
        self.show_team(counts.team)

    def show_team(self, team: TeamProgress | None) -> None:
        """Everyone's progress, blind-safe: how many records have all the decisions they need."""
        self.team_label.setVisible(team is not None and team.records > 0)
        if team is None or not team.records:
            return
        self.team_label.setText(self.tr("Team {done:,} / {total:,} complete").format(
            done=team.complete, total=team.records))
        self.team_label.setToolTip(self.tr(
            "Records with every decision they need at this stage (agreed, in conflict or "
            "resolved): {done:,} of {total:,}. Decisions made by the whole team: {n:,} of "
            "{needed:,}. Updated as others screen.").format(
                done=team.complete, total=team.records, n=team.decisions, needed=team.needed))


class ProjectPane(QWidget):
    """Header and tabs for one workspace."""

    def __init__(self, workspace: Workspace, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.workspace = workspace
        self.counts: Counts | None = None
        self.closed = False  # set when the project closes: late results are dropped
        self._counting = False
        self._stale = False
        self.header = HeaderBar(workspace, self)
        self.tabs = QTabWidget(self)
        self.tabs.setDocumentMode(True)
        self.tabs.setAccessibleName(self.tr("Project views"))
        self.views: dict[str, QWidget] = {}
        for key, module, name, title in HOSTED_VIEWS:
            self._add(key, load_view(module, name, workspace, self.tabs), self.tr(title))
        self.batches = BatchesView(workspace, self.tabs)
        self._add("batches", self.batches, self.tr("Batches"))
        self.settings = SettingsView(workspace, self.tabs)
        self._add("settings", self.settings, self.tr("Settings"))
        self._add("team", load_view("screener.gui.team_view", "TeamView", workspace, self.tabs), self.tr("Team"))

        self.banner = QLabel(self)  # the server cannot be reached
        self.banner.setWordWrap(True)
        self.banner.setAccessibleName(self.tr("Connection"))
        self.banner.setStyleSheet("QLabel { background: #fde6cf; color: #5a2600; "
                                  "border-left: 4px solid #D55E00; padding: 6px 16px; }")
        self.banner.hide()

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.header)
        layout.addWidget(self.banner)
        layout.addWidget(self.tabs, 1)

        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(80)
        self._timer.timeout.connect(self._count)
        workspace.data_changed.connect(self.schedule_counts)
        workspace.data_changed.connect(self.header.update_identity)
        workspace.stage_changed.connect(self.schedule_counts)
        workspace.stage_changed.connect(lambda _s: self.header.update_identity())
        workspace.reviewer_changed.connect(self.schedule_counts)
        workspace.reviewer_changed.connect(lambda _r: self.header.update_identity())
        self._live_kinds: frozenset[str] = frozenset()
        self._live_timer = QTimer(self, singleShot=True, interval=LIVE_TOTALS_MS)
        self._live_timer.timeout.connect(self._totals_changed)
        workspace.records_changed.connect(self._records_changed)
        workspace.connection_changed.connect(self._show_connection)
        workspace.unsaved.count_changed.connect(lambda _n: self._show_connection(workspace.online))
        self._count()

    def _records_changed(self, changes: Changes) -> None:
        """Others' changes: the counts again (in the background), and the views that show
        totals (PRISMA, duplicates) refresh when they are shown; at most twice a second
        however busy the team is."""
        self._live_kinds |= changes.kinds
        if not self._live_timer.isActive():
            self._live_timer.start()

    def _totals_changed(self) -> None:
        kinds, self._live_kinds = self._live_kinds, frozenset()
        self.schedule_counts()
        for key in ("prisma", "duplicates"):
            view = self.views.get(key)
            if key == "duplicates" and not kinds & DEDUP_KINDS:
                continue
            if hasattr(view, "_data_changed"):
                view._data_changed()

    def _show_connection(self, online: bool) -> None:
        waiting = len(self.workspace.unsaved)
        if online and not waiting:
            self.banner.hide()
            return
        if online:
            text = self.tr("Saving the decisions made while the server could not be reached…")
        else:
            text = self.tr("The server cannot be reached. Screener keeps trying; nothing is "
                           "saved until it answers.")
        if waiting:
            text += " " + self.tr("{n} decision(s) wait to be saved.").format(n=waiting)
        self.banner.setText(text)
        self.banner.show()

    def _add(self, key: str, view: QWidget, title: str) -> None:
        self.views[key] = view
        view.setAccessibleName(view.accessibleName() or title)
        self.tabs.addTab(view, title)

    def show_view(self, key: str) -> None:
        self.tabs.setCurrentWidget(self.views[key])

    def schedule_counts(self, *_: object) -> None:
        self._timer.start()

    def _count(self) -> None:
        if self.closed:
            return
        if self._counting:  # one count at a time; run again when it ends
            self._stale = True
            return
        self._counting = True
        self._stale = False
        ws = self.workspace
        ws.runner.start(count_work(ws.project, ws.stage, ws.reviewer),
                        on_done=self._counted, on_error=self._count_failed)

    def _counted(self, counts: Counts) -> None:
        self._counting = False
        if self.closed:
            return
        if self._stale or counts.stage != self.workspace.stage \
                or counts.reviewer != self.workspace.reviewer:
            self._count()
            return
        self.counts = counts
        self.header.show_counts(counts)
        for key, title, n in (("duplicates", self.tr("Duplicates"), counts.duplicates),
                              ("conflicts", self.tr("Conflicts"), counts.conflicts)):
            index = self.tabs.indexOf(self.views[key])
            self.tabs.setTabText(index, f"{title} ({n:,})" if n else title)

    def _count_failed(self, error: Exception) -> None:
        self._counting = False
        log.warning("counting failed: %s", error)
