"""Fixtures for the shell's GUI tests (main window, start page, dialogs, batches, settings).

Registered by the ``test_shell_*`` modules with ``pytest_plugins``. QSettings go to a fresh folder per test, so the
recent-projects list and window geometry never leak between tests or to the user.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings

from screener.core.project import Project
from screener.gui.context import Workspace
from screener.gui.main_window import MainWindow


@pytest.fixture(autouse=True)
def shell_settings(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("qsettings")
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(folder))
    return folder


@pytest.fixture
def shell_project(tmp_path: Path) -> Path:
    """An empty project with one reviewer, ana; one reviewer per record."""
    path = tmp_path / "peer-roles.screener"
    with Project.create(path, title="Peer roles review", question="Do peer roles help?",
                        include_criteria=["Peer support workers"],
                        exclude_criteria=["Not mental health"],
                        reasons=["Wrong population", "Wrong outcome"]) as project:
        project.settings.add_reviewer("ana")
    return path


@pytest.fixture
def shell_workspace(qtbot, shell_project: Path) -> Iterator[Workspace]:  # type: ignore[no-untyped-def]
    project = Project.open(shell_project)
    workspace = Workspace(project, "ana")
    yield workspace
    for job in list(workspace.runner.jobs):
        job.cancel()
    workspace.runner.wait()
    project.close()


@pytest.fixture
def window(qtbot) -> Iterator[MainWindow]:  # type: ignore[no-untyped-def]
    w = MainWindow()
    qtbot.addWidget(w)
    w.show()
    yield w
    w.close_project()
