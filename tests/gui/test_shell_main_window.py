"""The main window on an open project: header, tabs, menus, export, closing."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QComboBox,
    QFileDialog,
    QHeaderView,
    QLineEdit,
    QPlainTextEdit,
    QWidget,
)

from screener.core.project import Project
from screener.gui.export_actions import export_work
from screener.gui.recent import app_settings
from screener.gui.reviewer_dialog import ReviewerDialog
from screener.types import run_work
from tests.gui.shell_data import SCOPUS_RIS

pytest_plugins = ["tests.gui.shell_support"]


def open_with_records(window, path: Path, *files: Path, reviewer: str = "ana"):  # type: ignore[no-untyped-def]
    with Project.open(path) as project:
        for f in files:
            run_work(project.imports.import_files([f], source="Scopus"))
        run_work(project.dedup.run())
    assert window.open_project(str(path), reviewer)
    return window.workspace


def tab_titles(window) -> list[str]:  # type: ignore[no-untyped-def]
    tabs = window.pane.tabs
    return [tabs.tabText(i) for i in range(tabs.count())]


def test_header_tabs_and_title_on_an_open_project(qtbot, window, shell_project):  # type: ignore[no-untyped-def]
    ws = open_with_records(window, shell_project, SCOPUS_RIS)
    assert window.windowTitle() == "Peer roles review — ana"
    header = window.pane.header
    qtbot.waitUntil(lambda: header.queue_label.text() == "My queue 10 / 10")
    assert header.stage_combo.currentData() == "title_abstract"
    assert header.reviewer_button.text().startswith("ana")
    assert tab_titles(window) == ["Screen", "Duplicates", "Conflicts", "PRISMA", "Batches", "Settings", "Team"]

    for rid in ws.project.records.ids("title_abstract")[:4]:
        ws.project.screening.decide(rid, "ana", "include")
    ws.data_changed.emit()
    qtbot.waitUntil(lambda: header.queue_label.text() == "My queue 6 / 10")
    assert header.queue_bar.value() == 4 and header.queue_bar.maximum() == 10


def test_duplicates_and_conflicts_are_counted_in_the_tab_titles(qtbot, window, tmp_path):  # type: ignore[no-untyped-def]
    path = tmp_path / "dual.screener"
    with Project.create(path, title="Dual review", reviewers_per_record=2) as project:
        for name in ("ana", "ben"):
            project.settings.add_reviewer(name)
    # one DOI under two different titles: a pair for a reviewer to check
    first, second = tmp_path / "embase.ris", tmp_path / "scopus.ris"
    first.write_text("TY  - JOUR\nTI  - Peer support workers in mental health services\n"
                     "DO  - 10.1000/peer.2020.1\nPY  - 2020\nER  - \n", encoding="utf-8")
    second.write_text("TY  - JOUR\nTI  - Recovery colleges and lived experience\n"
                      "DO  - 10.1000/peer.2020.1\nPY  - 2020\nER  - \n", encoding="utf-8")
    ws = open_with_records(window, path, first, second, SCOPUS_RIS)
    assert len(ws.project.dedup.candidates()) == 1
    qtbot.waitUntil(lambda: tab_titles(window)[1:3] == ["Duplicates (1)", "Conflicts"])

    record = ws.project.records.ids("title_abstract")[-1]
    ws.project.screening.decide(record, "ana", "include")
    ws.project.screening.decide(record, "ben", "exclude")
    ws.data_changed.emit()
    qtbot.waitUntil(lambda: tab_titles(window)[2] == "Conflicts (1)")
    window.set_stage("full_text")  # the count is per stage
    qtbot.waitUntil(lambda: tab_titles(window)[2] == "Conflicts")


def test_keyboard_moves_between_tabs_and_stages(qtbot, window, shell_project):  # type: ignore[no-untyped-def]
    ws = open_with_records(window, shell_project, SCOPUS_RIS)
    window.activateWindow()
    qtbot.keyClick(window, Qt.Key.Key_5, Qt.KeyboardModifier.ControlModifier)
    assert window.pane.tabs.currentWidget() is window.pane.batches
    qtbot.keyClick(window, Qt.Key.Key_6, Qt.KeyboardModifier.ControlModifier)
    assert window.pane.tabs.currentWidget() is window.pane.settings

    window.menus.stages["full_text"].trigger()
    assert ws.stage == "full_text"
    assert window.pane.header.stage_combo.currentData() == "full_text"
    assert window.menus.stages["full_text"].isChecked()
    qtbot.waitUntil(lambda: window.pane.header.queue_label.text() == "My queue 0 / 0")


def test_switch_reviewer_from_the_menu(qtbot, monkeypatch, window, shell_project):  # type: ignore[no-untyped-def]
    with Project.open(shell_project) as project:
        project.settings.add_reviewer("ben")
    assert window.open_project(str(shell_project), reviewer="ana")

    def pick_ben(self: ReviewerDialog) -> int:
        self.view.setCurrentIndex(self.model.index(self.model.row_of("ben")))
        self.accept()
        return 1

    monkeypatch.setattr(ReviewerDialog, "exec", pick_ben)
    window.menus.switch.trigger()
    assert window.workspace.reviewer == "ben"
    assert window.windowTitle() == "Peer roles review — ben"
    assert window.pane.header.reviewer_button.text().startswith("ben")
    assert "Now screening as ben" in window.statusBar().currentMessage()


def test_export_included_records_as_ris(qtbot, monkeypatch, window, shell_project, tmp_path):  # type: ignore[no-untyped-def]
    ws = open_with_records(window, shell_project, SCOPUS_RIS)
    for rid in ws.project.records.ids("title_abstract")[:3]:
        ws.project.screening.decide(rid, "ana", "include")
    target = tmp_path / "included.ris"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), "RIS (*.ris)"))
    window.menus.exports["included"].trigger()  # at the current stage: title/abstract
    qtbot.waitUntil(lambda: "Exported 3 records" in window.statusBar().currentMessage(), timeout=10000)
    assert target.read_text(encoding="utf-8").count("ER  -") == 3
    assert not list(tmp_path.glob(".*.part"))


def test_a_cancelled_export_leaves_the_old_file(qtbot, shell_project, tmp_path):  # type: ignore[no-untyped-def]
    target = tmp_path / "all.csv"
    target.write_text("earlier export\n", encoding="utf-8")
    with Project.open(shell_project) as project:
        run_work(project.imports.import_files([SCOPUS_RIS], source="Scopus"))
        work = export_work(project, "all", "csv", target, "title_abstract")
        next(work)
        next(work)  # written to the side file...
        work.close()  # ...and Cancel pressed before it was moved into place
    assert target.read_text(encoding="utf-8") == "earlier export\n"
    assert not list(tmp_path.glob(".*.part"))


def test_close_project_returns_to_the_start_page_and_keeps_geometry(qtbot, window, shell_project):  # type: ignore[no-untyped-def]
    open_with_records(window, shell_project, SCOPUS_RIS)
    window.menus.close.trigger()
    assert window.workspace is None and window.stack.currentWidget() is window.start_page
    assert window.windowTitle() == "Screener"
    assert not window.menus.import_.isEnabled() and not window.menus.export_menu.isEnabled()
    window.resize(900, 640)
    window.close()
    assert app_settings().value("window/geometry") is not None


def inside_a_control(w: QWidget, page: QWidget) -> bool:
    p = w.parentWidget()
    while p is not None and p is not page:
        if isinstance(p, (QAbstractItemView, QComboBox)):
            return True
        p = p.parentWidget()
    return False


def test_every_action_and_control_is_named_for_assistive_technology(qtbot, window, shell_project):  # type: ignore[no-untyped-def]
    open_with_records(window, shell_project, SCOPUS_RIS)
    menu_actions = {a for m in window.menuBar().actions() for a in m.menu().actions()}
    menu_actions |= {a for a in list(menu_actions) if a.menu() for a in a.menu().actions()}
    for action in window.menus.all:
        assert isinstance(action, QAction) and action.text() and action.statusTip()
        assert action in menu_actions, f"{action.text()} is in no menu"
    own = [window.start_page, window.pane.header, window.pane.batches, window.pane.settings]
    kinds = (QAbstractButton, QComboBox, QLineEdit, QPlainTextEdit, QAbstractItemView)
    for page in own:
        for w in [w for w in page.findChildren(QWidget) if isinstance(w, kinds)]:
            if isinstance(w, QHeaderView) or inside_a_control(w, page):
                continue  # a table's header and corner, a combo box's popup list
            named = w.accessibleName() or (isinstance(w, QAbstractButton) and w.text())
            assert named, f"{type(w).__name__} in {type(page).__name__} has no accessible name"
