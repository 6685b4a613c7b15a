"""File ▸ screening packages in the GUI: write one for a reviewer, merge it back. Each step
waits for the background work it started to end, and the package file never shows half-written."""

from __future__ import annotations

from PySide6.QtWidgets import QFileDialog, QInputDialog, QMessageBox

from screener.core.project import Project
from screener.types import run_work
from tests.gui.shell_data import SCOPUS_RIS

pytest_plugins = ["tests.gui.shell_support"]


def test_write_a_package_for_ben_and_merge_his_decisions(qtbot, window, tmp_path, monkeypatch):  # type: ignore[no-untyped-def]
    path = tmp_path / "dual.screener"
    with Project.create(path, title="Dual review", reviewers_per_record=2) as project:
        for name in ("ana", "ben"):
            project.settings.add_reviewer(name)
        run_work(project.imports.import_files([SCOPUS_RIS], source="Scopus"))
        ids = project.records.ids()
        project.screening.decide(ids[0], "ana", "include", note="ana's private note")
    assert window.open_project(str(path), "ana")
    package = tmp_path / "ben.screener"
    monkeypatch.setattr(QInputDialog, "getItem", lambda *a, **k: ("ben", True))
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(package), ""))
    # The work runs on the open project's runner, in the window's task panel: wait for the
    # panel to finish it (not on window.runner, which is idle while a project is open).
    written: list[str] = []
    window.workspace.message.connect(lambda text, _ms: written.append(text))
    with qtbot.waitSignal(window.tasks.ended, timeout=20000):
        window.menus.package.trigger()
    assert any(text.startswith("Wrote ") and str(package) in text for text in written)
    assert not list(tmp_path.glob(".*partial*"))  # nothing left of the writing

    with Project.open(package) as pkg:  # ben screens offline; ana's decision is not there
        assert pkg.screening.decisions_of(ids[0]) == []
        pkg.screening.decide(ids[0], "ben", "exclude")
        pkg.screening.decide(ids[1], "ben", "include")

    shown: list[str] = []
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(package), ""))
    monkeypatch.setattr(QMessageBox, "information", lambda _p, _t, text, *a, **k: shown.append(text))
    with qtbot.waitSignal(window.tasks.ended, timeout=20000):
        window.menus.merge.trigger()
    assert len(shown) == 1 and "ben: 2 decisions merged" in shown[0]
    assert [c.record_id for c in window.workspace.project.conflicts.conflicts()] == [ids[0]]
