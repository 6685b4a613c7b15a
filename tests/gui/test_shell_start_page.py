"""The start page: recent projects and the demo open from it."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QFileDialog

from screener.core.project import Project
from screener.gui.recent import RecentProjects
from screener.gui.reviewer_dialog import ReviewerDialog

pytest_plugins = ["tests.gui.shell_support"]


def test_recent_projects_are_listed_newest_first(qtbot, window, shell_project, tmp_path):  # type: ignore[no-untyped-def]
    recent = RecentProjects()
    gone = tmp_path / "moved-away.screener"
    gone.write_bytes(b"")
    recent.add(gone)
    recent.add(shell_project)
    gone.unlink()
    window.start_page.refresh()

    model = window.start_page.recent_view.model()
    assert model.rowCount() == 1  # a project that no longer exists is not offered
    assert model.index(0, 0).data(Qt.ItemDataRole.ToolTipRole) == str(shell_project)
    assert window.start_page.recent_stack.currentWidget() is window.start_page.recent_view


def test_open_a_recent_project_with_the_keyboard(qtbot, window, shell_project):  # type: ignore[no-untyped-def]
    with Project.open(shell_project) as project:
        project.settings.add_reviewer("ben")
    RecentProjects().add(shell_project)
    RecentProjects().set_last_reviewer(shell_project, "ben")  # remembered: nobody is asked
    window.start_page.refresh()

    view = window.start_page.recent_view
    view.setFocus()
    qtbot.keyClick(view, Qt.Key.Key_Return)

    assert window.workspace is not None and window.workspace.reviewer == "ben"
    assert window.windowTitle() == "Peer roles review — ben"
    assert window.stack.currentWidget() is window.pane


def test_open_the_demo_project(qtbot, monkeypatch, window):  # type: ignore[no-untyped-def]
    def pick_ben(self: ReviewerDialog) -> QDialog.DialogCode:
        row = self.model.row_of("ben")
        self.view.setCurrentIndex(self.model.index(row))
        self.accept()
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(ReviewerDialog, "exec", pick_ben)
    qtbot.mouseClick(window.start_page.demo_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.workspace is not None, timeout=60000)

    ws = window.workspace
    assert ws.reviewer == "ben"
    assert ws.project.settings.info().title == "Overview of systematic reviews (demo)"
    assert len(ws.project.imports.batches()) == 3
    assert window.start_page.demo_button.isEnabled()
    assert RecentProjects().last_reviewer(ws.project.target) == "ben"


def test_open_with_the_file_dialog(qtbot, monkeypatch, window, shell_project):  # type: ignore[no-untyped-def]
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(shell_project), ""))
    qtbot.mouseClick(window.start_page.open_button, Qt.MouseButton.LeftButton)
    assert window.workspace is not None and window.workspace.reviewer == "ana"
    window.close_project()
    assert window.stack.currentWidget() is window.start_page
    assert window.start_page.recent_model.rowCount() == 1
