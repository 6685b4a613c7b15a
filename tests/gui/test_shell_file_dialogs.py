"""File dialogs open where the reviewer's files are: the project's folder at first, then the
folder last used for that kind of file; never the folder Screener was started from. And File ▸
New leaves the open project alone until the new one is created."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QFileDialog

from screener.core.project import Project
from screener.gui.export_actions import choose_target
from screener.gui.import_dialog import ImportDialog
from screener.gui.new_project_dialog import NewProjectDialog
from screener.gui.recent import dialog_folder

pytest_plugins = ["tests.gui.shell_support"]


class Asked:
    """Stands in for QFileDialog's static functions: records the folder each was opened in
    and answers with the next chosen path."""

    def __init__(self, monkeypatch, answers: list[Path]) -> None:  # type: ignore[no-untyped-def]
        self.folders: list[Path] = []
        self.answers = list(answers)
        for name in ("getOpenFileName", "getSaveFileName"):
            monkeypatch.setattr(QFileDialog, name, self.one)
        monkeypatch.setattr(QFileDialog, "getOpenFileNames", self.many)

    def _start(self, args: tuple, kwargs: dict) -> None:  # type: ignore[type-arg]
        start = Path(kwargs.get("dir", args[2] if len(args) > 2 else ""))
        self.folders.append(start if start.is_dir() else start.parent)

    def one(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        self._start(args, kwargs)
        return str(self.answers.pop(0)), ""

    def many(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        self._start(args, kwargs)
        return [str(self.answers.pop(0))], ""


def test_every_file_dialog_opens_in_the_project_folder_then_the_last_one_of_its_kind(
        qtbot, window, shell_project, tmp_path, monkeypatch):  # type: ignore[no-untyped-def]
    elsewhere = tmp_path / "started-here"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)  # the process's working directory must never be offered
    exports, searches, figures = (tmp_path / name for name in ("exports", "searches", "figures"))
    for folder in (exports, searches, figures):
        folder.mkdir()
    assert window.open_project(str(shell_project), "ana")
    project_folder = shell_project.parent
    ws = window.workspace

    asked = Asked(monkeypatch, [exports / "a.ris", exports / "b.ris"])
    assert choose_target(window, ws, "all") is not None
    assert choose_target(window, ws, "all") is not None
    assert asked.folders == [project_folder, exports]

    asked = Asked(monkeypatch, [searches / "scopus.ris", searches / "embase.ris"])
    dialog = ImportDialog(ws, window)
    qtbot.addWidget(dialog)
    dialog.choose_files()
    dialog.choose_files()
    assert asked.folders == [project_folder, searches]

    window.show_view("prisma")
    prisma = window.pane.views["prisma"]
    asked = Asked(monkeypatch, [figures / "flow.svg", figures / "flow2.svg"])
    prisma.export("svg")
    prisma.export("svg")
    assert asked.folders == [project_folder, figures]
    assert (figures / "flow.svg").is_file()

    # each kind keeps its own folder
    assert dialog_folder("export", ws.project.target) == exports
    assert dialog_folder("import", ws.project.target) == searches
    assert dialog_folder("prisma", ws.project.target) == figures
    assert dialog_folder("package", ws.project.target) == project_folder
    assert elsewhere not in {dialog_folder(k) for k in ("export", "import", "prisma", "project")}


def test_file_new_keeps_the_open_project_when_cancelled(qtbot, window, shell_project, monkeypatch):  # type: ignore[no-untyped-def]
    assert window.open_project(str(shell_project), "ana")
    workspace = window.workspace
    monkeypatch.setattr(NewProjectDialog, "exec", lambda self: 0)
    window.menus.new.trigger()
    assert window.workspace is workspace and window.stack.currentWidget() is window.pane
    assert workspace.project.records.ids() == []  # still open and usable


def test_file_new_closes_the_old_project_only_once_the_new_one_exists(
        qtbot, window, shell_project, tmp_path, monkeypatch):  # type: ignore[no-untyped-def]
    assert window.open_project(str(shell_project), "ana")
    old = window.workspace
    new_path = tmp_path / "second.screener"

    def create(self) -> int:  # type: ignore[no-untyped-def]
        assert window.workspace is old  # still open while the dialog is up
        self.project = Project.create(new_path, title="Second review")
        self.project.settings.add_reviewer("ben")
        self.reviewer = "ben"
        return 1

    monkeypatch.setattr(NewProjectDialog, "exec", create)
    window.menus.new.trigger()
    assert window.workspace is not old and window.workspace.project.target == str(new_path)
    assert window.windowTitle() == "Second review — ben"
