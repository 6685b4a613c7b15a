"""Running long core work off the GUI thread.

A core ``Work`` generator runs on ``QThreadPool``; each yielded ``Progress`` becomes a
signal, the result or the error comes back on the GUI thread. Cancel closes the
generator at its next yield, so the work's own transaction rolls back.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal, Slot

from screener.types import Progress, Work


class _Signals(QObject):
    progress = Signal(int, int, str)
    finished = Signal(object)
    failed = Signal(object)
    cancelled = Signal()


class WorkRunnable(QRunnable):
    def __init__(self, work: Work[Any]) -> None:
        super().__init__()
        self.work = work
        self.signals = _Signals()
        self._cancel = threading.Event()
        self.setAutoDelete(False)

    def cancel(self) -> None:
        self._cancel.set()

    @property
    def is_cancelled(self) -> bool:
        return self._cancel.is_set()

    def run(self) -> None:
        try:
            while True:
                if self._cancel.is_set():
                    self.work.close()  # GeneratorExit at the yield: the transaction rolls back
                    self.signals.cancelled.emit()
                    return
                try:
                    p: Progress = next(self.work)
                except StopIteration as stop:
                    self.signals.finished.emit(stop.value)
                    return
                self.signals.progress.emit(p.done, p.total, p.message)
        except Exception as e:  # reported to the GUI thread, never lost
            self.signals.failed.emit(e)


class _Relay(QObject):
    """Lives on the GUI thread, so the worker's signals reach the callbacks there."""

    def __init__(self, parent: QObject, callbacks: dict[str, Callable[..., Any] | None]) -> None:
        super().__init__(parent)
        self.callbacks = callbacks

    def _call(self, name: str, *args: Any) -> None:
        cb = self.callbacks.get(name)
        if cb is not None:
            cb(*args)

    @Slot(int, int, str)
    def progress(self, done: int, total: int, message: str) -> None:
        self._call("progress", done, total, message)

    def _end(self, name: str, *args: Any) -> None:
        try:
            self._call(name, *args)
        finally:
            # Drop the closures (and what they hold) before the relay itself goes.
            self.callbacks = {}
            self.deleteLater()

    @Slot(object)
    def finished(self, value: object) -> None:
        self._end("done", value)

    @Slot(object)
    def failed(self, error: object) -> None:
        self._end("error", error)

    @Slot()
    def cancelled(self) -> None:
        self._end("cancelled")


class WorkRunner(QObject):
    """Starts jobs on a thread pool and keeps them alive until they end."""

    def __init__(self, pool: QThreadPool | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.pool = pool or QThreadPool.globalInstance()
        self.jobs: set[WorkRunnable] = set()

    def start(
        self,
        work: Work[Any],
        on_done: Callable[[Any], None],
        on_error: Callable[[Exception], None],
        on_progress: Callable[[int, int, str], None] | None = None,
        on_cancelled: Callable[[], None] | None = None,
    ) -> WorkRunnable:
        job = WorkRunnable(work)
        self.jobs.add(job)

        def end(callback: Callable[..., Any] | None) -> Callable[..., None]:
            def call(*args: Any) -> None:
                self.jobs.discard(job)
                if callback is not None:
                    callback(*args)

            return call

        relay = _Relay(
            self,
            {"done": end(on_done), "error": end(on_error), "cancelled": end(on_cancelled),
             "progress": on_progress},
        )
        job.signals.progress.connect(relay.progress)
        job.signals.finished.connect(relay.finished)
        job.signals.failed.connect(relay.failed)
        job.signals.cancelled.connect(relay.cancelled)
        self.pool.start(job)
        return job

    @property
    def busy(self) -> bool:
        return bool(self.jobs)

    def wait(self, msecs: int = 30000) -> bool:
        return self.pool.waitForDone(msecs)
