"""What every view of an open project shares: the project, who is at the keyboard,
the stage, and a way to tell the others that data changed.

Views get a ``Workspace`` instead of the main window, so they stay testable alone.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from screener.core.project import Project
from screener.gui.unsaved import UnsavedDecisions
from screener.gui.worker import WorkRunner
from screener.types import Stage


class Workspace(QObject):
    data_changed = Signal()  # decisions, merges, imports: views refresh what they show
    records_changed = Signal(object)  # Changes: others changed these records; update those rows
    connection_changed = Signal(bool)  # the project's server can (True) or cannot be reached
    stage_changed = Signal(str)
    reviewer_changed = Signal(str)
    message = Signal(str, int)  # a status-bar message and its timeout in ms (0 = until replaced)

    def __init__(self, project: Project, reviewer: str, runner: WorkRunner | None = None,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.project = project
        self._reviewer = reviewer
        self._stage = Stage.TITLE_ABSTRACT.value
        self.runner = runner or WorkRunner(parent=self)
        self.online = True
        self.unsaved = UnsavedDecisions(self)  # decisions the server could not take yet
        self.connection_changed.connect(self._connection_changed)

    @property
    def reviewer(self) -> str:
        return self._reviewer

    @reviewer.setter
    def reviewer(self, name: str) -> None:
        if name != self._reviewer:
            self._reviewer = name
            self.reviewer_changed.emit(name)

    @property
    def stage(self) -> str:
        return self._stage

    @stage.setter
    def stage(self, stage: str) -> None:
        stage = Stage(stage).value
        if stage != self._stage:
            self._stage = stage
            self.stage_changed.emit(stage)

    def notify(self, text: str, timeout_ms: int = 5000) -> None:
        self.message.emit(text, timeout_ms)

    def _connection_changed(self, online: bool) -> None:
        self.online = online
        if online:
            if self.unsaved:
                self.unsaved.retry(self.project)
            self.data_changed.emit()  # views that could not read meanwhile read again
