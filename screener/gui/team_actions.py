"""Opening team projects from the main window: the Connect dialog, and reopening a recent
one with its remembered password (in the background: a server that does not answer never
freezes the window). When the remembered password is refused or missing, the dialog
opens with the details filled in and says why."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication

from screener.core import credentials
from screener.core.connection import TeamConnection
from screener.core.project import Project
from screener.gui.connect_dialog import ConnectDialog, open_work
from screener.gui.live_updates import LiveUpdates
from screener.types import ScreenerError

if TYPE_CHECKING:
    from screener.gui.context import Workspace
    from screener.gui.main_window import MainWindow


def tr(text: str) -> str:
    return QCoreApplication.translate("TeamProjects", text)


def connect_team_project(window: MainWindow, connection: TeamConnection | None = None,
                         message: str = "") -> bool:
    """Show the Connect dialog (filled in from ``connection``) and open what it connects to."""
    if not window.close_project():
        return False
    dialog = ConnectDialog(window, connection, message)
    if dialog.exec() and dialog.project is not None:
        return window.start_workspace(dialog.project)
    return False


def reopen_team_project(window: MainWindow, url: str, reviewer: str | None = None) -> bool:
    """Connect to a recent team project with the password kept for it, if any."""
    try:
        c = TeamConnection.from_url(url)
    except ScreenerError as e:
        window.statusBar().showMessage(str(e), 10000)
        return False
    if not window.close_project():
        return False
    password = credentials.stored_password(c)[0]

    def done(project: Project) -> None:
        window.start_workspace(project, reviewer)

    def failed(error: Exception) -> None:
        text = str(error) if isinstance(error, ScreenerError) else \
            tr("Cannot connect: {0}").format(error)
        connect_team_project(window, c, text)

    window.tasks.run(open_work(c, password), tr("Connecting to {0}").format(c.label),
                     on_done=done, on_error=failed)
    return True


def start_live(ws: Workspace) -> LiveUpdates:
    """Watch for others' changes: records changed reach the views as ``records_changed``;
    an import or new settings as ``data_changed``, as after one's own."""
    live = LiveUpdates(ws.project, parent=ws)

    def changed(changes: object) -> None:
        if getattr(changes, "structural", False):
            ws.data_changed.emit()
        else:
            ws.records_changed.emit(changes)

    live.changed.connect(changed)
    live.connection_changed.connect(ws.connection_changed)
    live.start()
    return live
