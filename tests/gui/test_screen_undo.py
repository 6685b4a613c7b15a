"""Ctrl+Z in the screen: the undone record comes back into My queue at its own place, is the
current row and is shown, and its decision is gone from the project file (committed: another
connection sees it gone). After some reading (the next record laid out ahead), the record
comes back with the document it had, not laid out again."""

from __future__ import annotations

from PySide6.QtCore import Qt

from screener.core.project import Project
from screener.gui.context import Workspace
from screener.gui.screen_view import ScreenView


def my_decisions_on_file(path: str, rid: int) -> list[str]:
    """Ana's decisions on ``rid`` as another connection to the file reads them."""
    with Project.open(path) as other:
        return [d.decision for d in other.screening.decisions_of(rid, viewer="ana") if d.reviewer == "ana"]


def test_ctrl_z_puts_the_record_back_at_its_place_current_shown_and_its_decision_gone(
        qtbot, make_screen_project, show_view):
    project = make_screen_project(8)
    path = project.target
    view = show_view(ScreenView(Workspace(project, "ana")))
    for _ in range(3):
        qtbot.keyClick(view.table, Qt.Key.Key_J)
    assert view.pane.record_id == 4
    qtbot.keyClick(view.table, Qt.Key.Key_E)  # record 4, in the middle of the list
    qtbot.keyClick(view.table, Qt.Key.Key_I)  # record 5
    assert view.model.ids == [1, 2, 3, 6, 7, 8]
    assert my_decisions_on_file(path, 5) == ["include"]

    qtbot.keyClick(view.table, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert view.model.ids == [1, 2, 3, 5, 6, 7, 8]  # back between 3 and 6, where it was
    assert view.table.currentIndex().row() == 3 and view.selected_ids() == [5]
    assert view.pane.record_id == 5
    assert project.records.detail(5).title in view.pane.browser.toPlainText()
    assert my_decisions_on_file(path, 5) == []  # gone, as another connection reads the file
    assert my_decisions_on_file(path, 4) == ["exclude"]  # the decision before it stays

    qtbot.keyClick(view.table, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert view.model.ids == [1, 2, 3, 4, 5, 6, 7, 8]
    assert view.table.currentIndex().row() == 3 and view.pane.record_id == 4
    assert project.records.detail(4).title in view.pane.browser.toPlainText()
    assert my_decisions_on_file(path, 4) == []
    assert "Done 0 / 8" in view.progress_label.text()


def test_ctrl_z_after_reading_shows_the_record_with_the_document_it_had(qtbot, make_screen_project, show_view):
    project = make_screen_project(6)
    view = show_view(ScreenView(Workspace(project, "ana")))
    qtbot.waitUntil(lambda: view._ahead is not None and view._ahead.record_id == 2)  # reading record 1
    qtbot.keyClick(view.table, Qt.Key.Key_I)
    assert view.pane.record_id == 2
    shown = view.pane.browser.document()
    qtbot.waitUntil(lambda: view._ahead is not None and view._ahead.record_id == 3)  # reading 2: 3 laid out
    qtbot.keyClick(view.table, Qt.Key.Key_E)
    qtbot.waitUntil(lambda: view._ahead is not None and view._ahead.record_id == 4)  # reading 3: 4 laid out
    qtbot.keyClick(view.table, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert view.pane.record_id == 2 and view.model.ids[0] == 2
    assert view.pane.browser.document() is shown  # shown at once, not laid out again
    assert project.records.detail(2).title in view.pane.browser.toPlainText()
    assert my_decisions_on_file(project.target, 2) == []
    assert my_decisions_on_file(project.target, 1) == ["include"]


def test_the_record_read_is_the_one_row_selected_after_each_decision_and_undo(qtbot, make_screen_project, show_view):
    project = make_screen_project(6)
    view = show_view(ScreenView(Workspace(project, "ana")))
    for key, shown in ((Qt.Key.Key_I, 2), (Qt.Key.Key_E, 3), (Qt.Key.Key_J, 4), (Qt.Key.Key_M, 5)):
        qtbot.keyClick(view.table, key)
        assert view.pane.record_id == shown
        assert view.selected_ids() == [shown]  # the list highlights the record being read
    qtbot.keyClick(view.table, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert view.pane.record_id == 4 and view.selected_ids() == [4]
