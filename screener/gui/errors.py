"""Logging, and what a reviewer sees when something goes wrong.

A user error (``ScreenerError``: a bad file, an unknown reviewer, …) is shown as its
one-line message. Anything unexpected is written with its traceback to the log file in
the user's log folder, and the reviewer sees a calm dialog with the message and the
log's path, never a raw traceback. The application keeps running: decisions are
committed as they are made, so an error never takes the current decision with it.
"""

from __future__ import annotations

import logging
import sys
import threading
import traceback
from logging.handlers import RotatingFileHandler
from pathlib import Path
from types import TracebackType
from typing import Any

from PySide6.QtCore import QObject, QtMsgType, Signal, qInstallMessageHandler
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from screener.paths import user_log_dir
from screener.types import ConnectionLost, ScreenerError

LOG_NAME = "screener.log"
log = logging.getLogger("screener")

_QT_LEVELS = {
    QtMsgType.QtDebugMsg: logging.DEBUG,
    QtMsgType.QtInfoMsg: logging.INFO,
    QtMsgType.QtWarningMsg: logging.WARNING,
    QtMsgType.QtCriticalMsg: logging.ERROR,
    QtMsgType.QtFatalMsg: logging.CRITICAL,
}


def log_file() -> Path:
    return user_log_dir() / LOG_NAME


def setup_logging(level: int = logging.INFO) -> Path:
    """Log to a rotating file in the user's log folder; returns the file's path."""
    path = log_file()
    for h in list(log.handlers):
        if getattr(h, "_screener", False) and Path(h.baseFilename) != path:  # type: ignore[attr-defined]
            log.removeHandler(h)  # the log folder moved (tests, a changed XDG_STATE_HOME)
            h.close()
    if not any(getattr(h, "_screener", False) for h in log.handlers):
        handler = RotatingFileHandler(path, maxBytes=1_000_000, backupCount=3, encoding="utf-8")
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        handler._screener = True  # type: ignore[attr-defined]
        log.addHandler(handler)
    log.setLevel(level)
    return path


def _qt_message(kind: QtMsgType, _context: object, message: str) -> None:
    log.log(_QT_LEVELS.get(kind, logging.WARNING), "Qt: %s", message)


def short_message(error: BaseException) -> str:
    """The error as one readable line: its message, or its type when it has none."""
    text = str(error).strip().splitlines()[0] if str(error).strip() else ""
    return text or type(error).__name__


class ErrorReporter(QObject):
    """Catches uncaught exceptions (``sys.excepthook``, ``threading.excepthook``)."""

    _from_thread = Signal(object)

    def __init__(self, parent_widget: QWidget | None = None) -> None:
        super().__init__()
        self.parent_widget = parent_widget
        self._showing = False
        self._previous_hook = sys.excepthook
        self._previous_thread_hook = threading.excepthook
        self._previous_qt_handler: Any = None
        self._from_thread.connect(self.show)

    def install(self) -> None:
        sys.excepthook = self.handle
        threading.excepthook = self._handle_thread
        self._previous_qt_handler = qInstallMessageHandler(_qt_message)

    def uninstall(self) -> None:
        sys.excepthook = self._previous_hook
        threading.excepthook = self._previous_thread_hook
        qInstallMessageHandler(self._previous_qt_handler)

    def handle(
        self, kind: type[BaseException], error: BaseException, tb: TracebackType | None
    ) -> None:
        if issubclass(kind, KeyboardInterrupt):
            self._previous_hook(kind, error, tb)
            return
        if isinstance(error, ConnectionLost):  # a view could not read: the banner says why
            log.info("the server cannot be reached: %s", error)
            return
        log.error("Unexpected error:\n%s", "".join(traceback.format_exception(kind, error, tb)))
        if threading.current_thread() is threading.main_thread():
            self.show(error)
        else:
            self._from_thread.emit(error)

    def _handle_thread(self, args: threading.ExceptHookArgs) -> None:
        if args.exc_value is not None:
            self.handle(args.exc_type, args.exc_value, args.exc_traceback)

    def show(self, error: BaseException) -> None:
        if self._showing or QApplication.instance() is None:
            return  # one dialog at a time; the log has every error
        self._showing = True
        try:
            if isinstance(error, ScreenerError):  # e.g. the server cannot be reached: said as it is
                QMessageBox.warning(self.parent_widget, QApplication.translate("Errors", "Screener"),
                                    str(error))
                return
            show_unexpected(self.parent_widget, error)
        finally:
            self._showing = False


def show_unexpected(parent: QWidget | None, error: BaseException) -> None:
    tr = QApplication.translate
    text = tr(
        "Errors",
        "Screener ran into an unexpected problem:\n\n{message}\n\n"
        "Your decisions are saved the moment you make them, so none is lost. "
        "The details were written to the log file:\n{path}",
    ).format(message=short_message(error), path=log_file())
    QMessageBox.critical(parent, tr("Errors", "Unexpected problem"), text)


def report_error(parent: QWidget | None, error: BaseException, title: str = "") -> None:
    """Show an error from a finished job or an action: user errors as their message,
    anything else logged with its traceback and shown as unexpected."""
    tr = QApplication.translate
    if isinstance(error, ScreenerError):
        log.info("%s: %s", title or "User error", error)
        QMessageBox.warning(parent, title or tr("Errors", "Screener"), str(error))
        return
    setup_logging()  # the log file named in the dialog must exist
    log.error(
        "Unexpected error%s:\n%s",
        f" ({title})" if title else "",
        "".join(traceback.format_exception(type(error), error, error.__traceback__)),
    )
    show_unexpected(parent, error)


def install_error_hook(parent_widget: QWidget | None = None) -> ErrorReporter:
    setup_logging()
    reporter = ErrorReporter(parent_widget)
    reporter.install()
    return reporter
