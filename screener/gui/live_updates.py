"""Seeing what the rest of the team does, as they do it.

Twice a second a worker thread of its own asks the project for the history entries written
since the last look (``ChangeCursor.poll``: one indexed range read). What it finds comes
back to the GUI thread as ``Workspace.records_changed`` with the ids of the records that
changed, and each view updates those rows only. A change to a whole list (an import, the
settings) comes as ``data_changed``, as after one's own. The same works for a project on a
server and for two windows on one project file.

When the server cannot be reached, ``connection_changed(False)`` says so and polling goes
on, more slowly, until it answers again; then ``connection_changed(True)``.
"""

from __future__ import annotations

import logging
import time

from PySide6.QtCore import QObject, QThreadPool, QTimer, Signal

from screener.core.project import Project
from screener.core.services.live import ChangeCursor, Changes
from screener.gui.worker import WorkRunner
from screener.types import ConnectionLost, Work

log = logging.getLogger(__name__)

INTERVAL_MS = 500
OFFLINE_INTERVAL_MS = 2000


def poll_work(cursor: ChangeCursor) -> Work[Changes]:
    yield from ()
    return cursor.poll()


def start_work(project: Project) -> Work[ChangeCursor]:
    yield from ()
    return ChangeCursor(project.live)


class LiveUpdates(QObject):
    changed = Signal(object)  # Changes, on the GUI thread
    connection_changed = Signal(bool)  # False: the server cannot be reached; True: back

    def __init__(self, project: Project, parent: QObject | None = None,
                 interval_ms: int = INTERVAL_MS) -> None:
        super().__init__(parent)
        self.project = project
        self.online = True
        self.cursor: ChangeCursor | None = None
        self.polls = 0
        self.last_poll_s = 0.0  # how long the last poll took (on its thread)
        self._busy = False
        self._failing = False
        self._stopped = False
        self._pool = QThreadPool(self)  # its own thread: never queued behind an import
        self._pool.setMaxThreadCount(1)
        self.runner = WorkRunner(self._pool, self)
        self.interval_ms = interval_ms
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.poll_now)

    def start(self) -> None:
        """Begin from the history's current end: what is on screen was read after it."""
        self._busy = True
        self.runner.start(start_work(self.project), self._started, self._failed)

    def _started(self, cursor: ChangeCursor) -> None:
        self._busy = False
        self.cursor = cursor
        self._set_online(True)
        self._schedule()

    def stop(self) -> None:
        self._stopped = True
        self._timer.stop()
        self._pool.waitForDone(15000)

    def poll_now(self) -> None:
        if self._stopped or self._busy:
            return
        if self.cursor is None:
            self.start()
            return
        self._busy = True
        started = time.perf_counter()

        def done(changes: Changes) -> None:
            self._busy = False
            self.polls += 1
            self._failing = False
            self.last_poll_s = time.perf_counter() - started
            if self._stopped:
                return
            self._set_online(True)
            if changes:
                self.changed.emit(changes)
            if changes.more:
                self.poll_now()
            else:
                self._schedule()

        self.runner.start(poll_work(self.cursor), done, self._failed)

    def _failed(self, error: Exception) -> None:
        self._busy = False
        if self._stopped:
            return
        if isinstance(error, ConnectionLost):
            self._set_online(False)
        elif not self._failing:  # once per streak, not twice a second
            log.warning("looking for others' changes failed: %s", error)
        self._failing = True
        self._schedule()

    def _schedule(self) -> None:
        if not self._stopped:
            self._timer.start(self.interval_ms if self.online else OFFLINE_INTERVAL_MS)

    def _set_online(self, online: bool) -> None:
        if online != self.online:
            self.online = online
            log.info("server %s", "reachable again" if online else "cannot be reached")
            self.connection_changed.emit(online)
