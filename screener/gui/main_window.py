"""The main window: the start page, or one open project (header and tabs).

It owns the project's lifecycle (open, create, close, who is screening) and hands
everything else to the pages, dialogs and controllers it hosts.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QByteArray, QCoreApplication, QTimer
from PySide6.QtGui import QCloseEvent, QIcon, QKeySequence
from PySide6.QtWidgets import QFileDialog, QMainWindow, QMessageBox, QStackedWidget, QWidget

from screener.core.connection import without_password
from screener.core.demo import ensure_demo_project
from screener.core.project import Project
from screener.core.services.importing import BatchInfo
from screener.gui import reviewer_dialog
from screener.gui.context import Workspace
from screener.gui.errors import report_error
from screener.gui.export_actions import export_records
from screener.gui.heap import settle_heap
from screener.gui.help_dialog import show_about, show_shortcuts
from screener.gui.import_dialog import start_import
from screener.gui.legacy_reason_dialog import ask_legacy_reason
from screener.gui.live_updates import LiveUpdates
from screener.gui.menus import Menus
from screener.gui.new_project_dialog import NewProjectDialog
from screener.gui.progress import ProgressPanel
from screener.gui.project_pane import ProjectPane
from screener.gui.recent import RecentProjects, app_settings, dialog_folder, is_url, remember_folder
from screener.gui.start_page import StartPage
from screener.gui.stopping_dock import StoppingDock
from screener.gui.team_actions import connect_team_project, reopen_team_project, start_live
from screener.gui.widgets import FILE_DIALOG_OPTIONS
from screener.gui.worker import WorkRunner
from screener.gui.write_wait import WriteWait
from screener.paths import resource_path, user_data_dir
from screener.types import Progress, ScreenerError, Work


def demo_work() -> Work[Path]:
    yield Progress(0, 0, QCoreApplication.translate("MainWindow", "Preparing the demo project"))
    return ensure_demo_project(user_data_dir() / "demo")


class MainWindow(QMainWindow):
    def __init__(self, recent: RecentProjects | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("MainWindow")
        self.setWindowIcon(QIcon(str(resource_path("icons", "screener.svg"))))
        self.setAccessibleName(self.tr("Screener"))
        self.recent = recent or RecentProjects()
        self.runner = WorkRunner(parent=self)  # work with no project open (the demo)
        self.workspace: Workspace | None = None
        self.pane: ProjectPane | None = None
        self.live: LiveUpdates | None = None  # others' changes, while a project is open

        self.tasks = ProgressPanel(self.runner, self)
        self.write_wait = WriteWait(self)  # what a change waits for, in the status bar
        self.statusBar().addPermanentWidget(self.tasks)
        self.statusBar().setAccessibleName(self.tr("Status"))
        self.start_page = StartPage(self.recent, self)
        self.start_page.new_requested.connect(self.new_project)
        self.start_page.open_requested.connect(self.open_project_dialog)
        self.start_page.connect_requested.connect(self.connect_team_project)
        self.start_page.demo_requested.connect(self.open_demo)
        self.start_page.recent_chosen.connect(self.open_project)
        self.stack = QStackedWidget(self)
        self.stack.addWidget(self.start_page)
        self.setCentralWidget(self.stack)
        self.stopping = StoppingDock(self)  # "When can I stop?", beside every tab
        self.menus = Menus(self)
        self._restore_geometry()
        self._update_state()

    # opening and closing
    def open_project(self, target: str, reviewer: str | None = None) -> bool:
        """Open a project file (or URL) and ask who is screening, unless that is known."""
        if is_url(target) and without_password(target) == target:
            return reopen_team_project(self, target, reviewer)  # with its kept password
        if not self.close_project():
            return False
        try:
            project = Project.open(target, on_wait=self.write_wait)
        except ScreenerError as e:
            if "no such project file" in str(e):
                self.recent.remove(target)
                self.start_page.refresh()
            QMessageBox.warning(self, self.tr("Cannot open project"), str(e))
            return False
        except Exception as e:  # noqa: BLE001 - a corrupt file must not end the session
            report_error(self, e, self.tr("Opening {0}").format(target))
            return False
        return self.start_workspace(project, reviewer)

    def start_workspace(self, project: Project, reviewer: str | None = None) -> bool:
        # on a strict server project you are the reviewer your login role is, and no one else
        name = project.settings.bound_reviewer() or reviewer or reviewer_dialog.choose_reviewer(
            project, self, self.recent.last_reviewer(project.target))
        if not name:
            project.close()
            return False
        project.on_wait(self.write_wait)
        ws = Workspace(project, name, parent=self)
        self.live = start_live(ws)
        ws.message.connect(self.statusBar().showMessage)
        ws.reviewer_changed.connect(self._reviewer_changed)
        ws.stage_changed.connect(lambda _s: self._update_state())
        ws.data_changed.connect(self._update_state)
        self.workspace = ws
        self.tasks.runner = ws.runner
        self.pane = ProjectPane(ws, self.stack)
        self.pane.header.switch_reviewer.connect(self.switch_reviewer)
        self.pane.batches.import_requested.connect(self.import_files)
        self.pane.tabs.currentChanged.connect(self._tab_changed)
        self.stack.addWidget(self.pane)
        self.stack.setCurrentWidget(self.pane)
        self.stopping.attach(ws, self.pane)
        self.recent.add(project.target)
        self.recent.set_last_reviewer(project.target, name)
        self._update_state()
        self._tab_changed()
        if not project.imports.batches():
            self.pane.show_view("batches")  # a new project starts with an import
        if not project.read_only:
            ask_legacy_reason(self, ws)  # once per project that has the old default reason
        ws.notify(self.tr("Opened {0} as {1}.").format(project.name, name) + self._read_only_note(project))
        QTimer.singleShot(0, settle_heap)  # once the views have been built
        return True

    def _read_only_note(self, project: Project) -> str:
        why = project.read_only
        if not why:
            return ""
        return " " + self.tr("It is open for reading only ({0}): nothing can be changed.").format(why)

    def close_project(self) -> bool:
        """Close the open project; False when the reviewer chose to keep it open."""
        ws, pane = self.workspace, self.pane
        if ws is None or pane is None:
            return True
        if ws.unsaved:
            answer = QMessageBox.warning(
                self, self.tr("Decisions not saved"),
                self.tr("{n} decision(s) could not be saved because the server cannot be "
                        "reached. Close the project and lose them?").format(n=len(ws.unsaved)),
                QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel,
                QMessageBox.StandardButton.Cancel)
            if answer != QMessageBox.StandardButton.Discard:
                return False
        if ws.runner.busy and self.tasks.busy:
            answer = QMessageBox.question(
                self, self.tr("Work in progress"),
                self.tr("{0} is still running. Cancel it and close the project?").format(
                    self.tasks.label.text()))
            if answer != QMessageBox.StandardButton.Yes:
                return False
        self.tasks.cancel()
        for job in list(ws.runner.jobs):
            job.cancel()
        ws.runner.wait()
        if self.live is not None:
            self.live.stop()
            self.live = None
        pane.closed = True
        self.stopping.detach()
        QCoreApplication.processEvents()  # deliver the last results while all is alive
        self.stack.removeWidget(pane)
        pane.deleteLater()
        ws.project.close()
        ws.deleteLater()
        self.workspace = self.pane = None
        self.tasks.runner = self.runner
        self.start_page.refresh()
        self.stack.setCurrentWidget(self.start_page)
        self._update_state()
        self._tab_changed()
        return True

    def new_project(self) -> None:
        """The open project stays open until the new one is created (Cancel changes nothing)."""
        current = self.workspace.project.target if self.workspace else None
        dialog = NewProjectDialog(self, str(dialog_folder("project", current)))
        if not dialog.exec() or dialog.project is None:
            return
        remember_folder("project", dialog.project.target)
        if not self.close_project():  # the reviewer kept the old one open (work in progress)
            target = dialog.project.target
            dialog.project.close()
            self.recent.add(target)
            self.statusBar().showMessage(self.tr("Created {0}; open it from File ▸ Open recent.").format(target))
            return
        self.start_workspace(dialog.project, dialog.reviewer)

    def open_project_dialog(self) -> None:
        current = self.workspace.project.target if self.workspace else None
        path, _ = QFileDialog.getOpenFileName(
            self, self.tr("Open project"), str(dialog_folder("project", current)),
            self.tr("Screener projects (*.screener);;All files (*)"),
            options=FILE_DIALOG_OPTIONS)
        if path:
            remember_folder("project", path)
            self.open_project(path)

    def connect_team_project(self) -> None:
        connect_team_project(self)

    def open_demo(self) -> None:
        """Create the demo project in the background (the first time), then open it."""
        if self.runner.busy or not self.close_project():
            return
        self.start_page.demo_button.setEnabled(False)

        def done(path: Path) -> None:
            self.start_page.demo_button.setEnabled(True)
            self.open_project(str(path))

        def failed(error: Exception) -> None:
            self.start_page.demo_button.setEnabled(True)
            report_error(self, error, self.tr("Demo project"))

        self.tasks.run(demo_work(), self.tr("Demo project"), on_done=done, on_error=failed,
                       on_cancelled=lambda: self.start_page.demo_button.setEnabled(True))

    # working in a project
    def switch_reviewer(self) -> None:
        ws = self.workspace
        if ws is None:
            return
        bound = ws.project.settings.bound_reviewer()
        if bound is not None:
            QMessageBox.information(self, self.tr("Switch reviewer"), self.tr(
                "On this strict team project you are {0}, the reviewer you logged in as. To screen "
                "as someone else, connect with their login.").format(bound))
            return
        name = reviewer_dialog.choose_reviewer(ws.project, self, ws.reviewer, ask=True)
        if name:
            ws.reviewer = name

    def _reviewer_changed(self, name: str) -> None:
        if self.workspace is not None:
            self.recent.set_last_reviewer(self.workspace.project.target, name)
            self.workspace.notify(self.tr("Now screening as {0}.").format(name))
        self._update_state()

    def set_stage(self, stage: str) -> None:
        if self.workspace is not None:
            self.workspace.stage = stage

    def show_view(self, key: str) -> None:
        if self.pane is not None:
            self.pane.show_view(key)

    def import_files(self, batch: BatchInfo | None = None) -> None:
        if self.workspace is not None:
            start_import(self.workspace, self, self.tasks, batch)

    def export(self, what: str) -> None:
        if self.workspace is not None:
            export_records(self, self.workspace, self.tasks, what)

    def _tab_changed(self, _index: int = -1) -> None:
        """On the Screen tab, F1 belongs to the screen's own shortcut overlay."""
        on_screen = self.pane is not None and \
            self.pane.tabs.currentWidget() is self.pane.views.get("screen")
        self.menus.shortcuts.setShortcut(
            QKeySequence() if on_screen else QKeySequence(QKeySequence.StandardKey.HelpContents))

    def show_shortcuts(self) -> None:
        show_shortcuts(self, self.menus.all)

    def show_about(self) -> None:
        show_about(self, self.menus.all)

    # window state
    def _update_state(self) -> None:
        ws = self.workspace
        if ws is None:
            self.setWindowTitle(self.tr("Screener"))
            self.menus.update(False)
            return
        title = ws.project.settings.info().title
        read_only = self.tr(" (read-only)") if ws.project.read_only else ""
        self.setWindowTitle(f"{title} — {ws.reviewer}{read_only}")
        self.menus.update(True, ws.stage)

    def _restore_geometry(self) -> None:
        geometry = app_settings().value("window/geometry")
        if isinstance(geometry, QByteArray) and self.restoreGeometry(geometry):
            return
        self.resize(1280, 820)

    def closeEvent(self, event: QCloseEvent) -> None:
        if not self.close_project():
            event.ignore()
            return
        settings = app_settings()
        settings.setValue("window/geometry", self.saveGeometry())
        settings.sync()
        self.runner.wait()
        event.accept()
