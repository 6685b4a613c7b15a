"""File ▸ screening packages in the GUI: write one for a reviewer, merge it back."""

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
    window.menus.package.trigger()
    qtbot.waitUntil(package.exists, timeout=10000)
    qtbot.waitUntil(lambda: not window.tasks.busy, timeout=10000)

    with Project.open(package) as pkg:  # ben screens offline; ana's decision is not there
        assert pkg.screening.decisions_of(ids[0]) == []
        pkg.screening.decide(ids[0], "ben", "exclude")
        pkg.screening.decide(ids[1], "ben", "include")

    shown: list[str] = []
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(package), ""))
    monkeypatch.setattr(QMessageBox, "information", lambda _p, _t, text, *a, **k: shown.append(text))
    window.menus.merge.trigger()
    qtbot.waitUntil(lambda: bool(shown), timeout=10000)
    assert "ben: 2 decisions merged" in shown[0]
    assert [c.record_id for c in window.workspace.project.conflicts.conflicts()] == [ids[0]]
