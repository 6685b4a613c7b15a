"""Progress and Cancel for long work (import, dedup, export) run by a ``WorkRunner``.

``ProgressPanel`` is a small bar with a label and a Cancel button. Embedded in the
status bar it shows background jobs one after another (later jobs wait their turn);
embedded in a dialog it shows that dialog's own work. The window stays usable meanwhile.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QPushButton, QWidget

from screener.gui.worker import WorkRunnable, WorkRunner
from screener.types import Work


@dataclass
class _Job:
    work: Work[Any]
    title: str
    on_done: Callable[[Any], None] | None
    on_error: Callable[[Exception], None] | None
    on_cancelled: Callable[[], None] | None


class ProgressPanel(QWidget):
    """Runs work through a WorkRunner, one job at a time, with a bar and Cancel."""

    started = Signal(str)  # a job's title
    ended = Signal()  # when no job is left

    def __init__(
        self, runner: WorkRunner, parent: QWidget | None = None, *, auto_hide: bool = True
    ) -> None:
        super().__init__(parent)
        self.runner = runner
        self.auto_hide = auto_hide
        self.job: WorkRunnable | None = None
        self._title = ""
        self._queue: deque[_Job] = deque()

        self.label = QLabel(self)
        self.bar = QProgressBar(self)
        self.bar.setMinimumWidth(160)
        self.bar.setTextVisible(True)
        self.cancel_button = QPushButton(self.tr("Cancel"), self)
        self.cancel_button.setAccessibleName(self.tr("Cancel the running task"))
        self.cancel_button.clicked.connect(self.cancel)
        self.bar.setAccessibleName(self.tr("Progress of the running task"))

        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.label, 1)
        layout.addWidget(self.bar)
        layout.addWidget(self.cancel_button)
        self.setVisible(not auto_hide)

    @property
    def busy(self) -> bool:
        return self.job is not None

    def run(
        self,
        work: Work[Any],
        title: str,
        on_done: Callable[[Any], None] | None = None,
        on_error: Callable[[Exception], None] | None = None,
        on_cancelled: Callable[[], None] | None = None,
    ) -> None:
        """Start the work now, or after the job that is running."""
        self._queue.append(_Job(work, title, on_done, on_error, on_cancelled))
        if self.job is None:
            self._next()

    def _next(self) -> None:
        if not self._queue:
            self.job = None
            if self.auto_hide:
                self.hide()
            self.ended.emit()
            return
        item = self._queue.popleft()
        self._title = item.title
        self.label.setText(item.title)
        self.bar.setRange(0, 0)  # busy until the first progress arrives
        self.cancel_button.setEnabled(True)
        self.cancel_button.setText(self.tr("Cancel"))
        self.show()
        self.started.emit(item.title)

        def finish(callback: Callable[..., None] | None, *args: Any) -> None:
            self.job = None  # callbacks see the panel idle, and may start more work
            try:
                if callback is not None:
                    callback(*args)
            finally:
                if self.job is None:
                    self._next()

        self.job = self.runner.start(
            item.work,
            on_done=lambda value: finish(item.on_done, value),
            on_error=lambda error: finish(item.on_error, error),
            on_progress=self._progress,
            on_cancelled=lambda: finish(item.on_cancelled),
        )

    def _progress(self, done: int, total: int, message: str) -> None:
        if total > 0:
            self.bar.setRange(0, total)
            self.bar.setValue(min(done, total))
        else:
            self.bar.setRange(0, 0)
        if message:
            self.label.setText(f"{self._title}: {message}" if message != self._title else message)

    def cancel(self) -> None:
        """Stop the running job at its next step (its transaction rolls back) and drop
        the jobs waiting after it."""
        while self._queue:
            dropped = self._queue.popleft()
            dropped.work.close()  # never started: nothing to undo
            if dropped.on_cancelled is not None:
                dropped.on_cancelled()
        if self.job is not None:
            self.job.cancel()
            self.cancel_button.setEnabled(False)
            self.cancel_button.setText(self.tr("Cancelling…"))
