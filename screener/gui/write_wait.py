"""While a change waits for another window to finish writing (an import, say), say so.

The project calls a ``WriteWait`` with a message while a unit of work waits for the
write lock of its file, every quarter of a second, and with None once it has it. On the
GUI thread (a decision, a note) the message goes to the status bar and the window keeps
painting: events other than the user's input are processed, so progress bars move and
the message shows, while the key presses made meanwhile wait their turn, in order.
Closing the window waits too. From a worker thread (an import, dedup) the message is
sent to the status bar by a queued signal.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QEvent, QEventLoop, QObject, QThread, Signal
from PySide6.QtWidgets import QMainWindow

from screener.core.project import WAITING_FOR_IMPORT


class WriteWait(QObject):
    """Called by the project while a write waits; shows it in ``window``'s status bar."""

    message = Signal(str)  # "" when the wait is over

    def __init__(self, window: QMainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.waiting = False
        self.shown = ""
        self.message.connect(self._show)

    def text_for(self, message: str) -> str:
        if message == WAITING_FOR_IMPORT:
            return self.tr("Waiting for an import in another window to finish…")
        return self.tr("Waiting for another window to finish saving…")

    def __call__(self, message: str | None) -> None:
        text = "" if message is None else self.text_for(message)
        if QThread.currentThread() is not self.thread():
            self.message.emit(text)  # shown when the GUI thread gets to it
            return
        self._show(text)
        if message is None:
            if self.waiting:
                self.waiting = False
                QCoreApplication.instance().removeEventFilter(self)
            return
        if not self.waiting:
            self.waiting = True
            QCoreApplication.instance().installEventFilter(self)
        QCoreApplication.processEvents(QEventLoop.ProcessEventsFlag.ExcludeUserInputEvents)

    def _show(self, text: str) -> None:
        bar = self.window.statusBar()
        if text:
            bar.showMessage(text)
        elif bar.currentMessage() == self.shown:
            bar.clearMessage()
        self.shown = text

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        # A window closed while its own change waits would close the project under it.
        if self.waiting and event.type() in (QEvent.Type.Close, QEvent.Type.Quit):
            event.ignore()
            return True
        return False
