"""The screening loop by keyboard: one key, one decision, committed before the next record."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from screener.core.project import Project
from screener.gui.context import Workspace
from screener.gui.screen_view import ScreenView


def screen(project: Project, show_view, reviewer: str = "ana") -> ScreenView:  # type: ignore[no-untyped-def]
    return show_view(ScreenView(Workspace(project, reviewer)))


def my_decision(project: Project, rid: int, reviewer: str = "ana", stage: str = "title_abstract") -> str | None:
    found = [d for d in project.screening.decisions_of(rid, viewer=reviewer) if d.reviewer == reviewer and d.stage == stage]
    return found[0].decision if found else None


def test_i_e_m_decide_commit_and_move_on(qtbot, make_screen_project, show_view):
    project = make_screen_project(5)
    view = screen(project, show_view)
    messages: list[str] = []
    view.workspace.message.connect(lambda text, _ms: messages.append(text))
    assert view.pane.record_id == 1
    assert "Peer support record 1" in view.pane.browser.toPlainText()

    qtbot.keyClick(view.table, Qt.Key.Key_I)
    assert my_decision(project, 1) == "include"  # committed when the key press returns
    assert view.pane.record_id == 2  # the next record appears at once
    assert "Peer support record 2" in view.pane.browser.toPlainText()
    assert view.model.ids == [2, 3, 4, 5]  # it left My queue
    assert messages[-1] == "Included #1 — Ctrl+Z to undo"

    qtbot.keyClick(view.table, Qt.Key.Key_E)
    qtbot.keyClick(view.table, Qt.Key.Key_M)
    assert my_decision(project, 2) == "exclude"
    assert my_decision(project, 3) == "maybe"
    assert messages[-1] == "Marked maybe #3 — Ctrl+Z to undo"
    assert view.pane.record_id == 4
    assert view.session_label.text().startswith("3 decided this session · ")
    assert view.session_label.text().endswith("/min")
    assert "Done 3 / 5 (60%)" in view.progress_label.text()
    assert "My queue 2" in view.progress_label.text()


def test_the_mouse_buttons_decide_too(qtbot, make_screen_project, show_view):
    project = make_screen_project(3)
    view = screen(project, show_view)
    qtbot.mouseClick(view.panel.buttons["include"], Qt.MouseButton.LeftButton)
    assert my_decision(project, 1) == "include"
    assert view.pane.record_id == 2


def test_j_k_and_arrows_move_through_the_list(qtbot, make_screen_project, show_view):
    project = make_screen_project(4)
    view = screen(project, show_view)
    qtbot.keyClick(view.table, Qt.Key.Key_J)
    assert view.pane.record_id == 2
    qtbot.keyClick(view.table, Qt.Key.Key_Down)
    assert view.pane.record_id == 3
    qtbot.keyClick(view.table, Qt.Key.Key_K)
    assert view.pane.record_id == 2
    qtbot.keyClick(view.table, Qt.Key.Key_Up)
    qtbot.keyClick(view.table, Qt.Key.Key_Up)  # stays on the first
    assert view.pane.record_id == 1
    assert all(my_decision(project, i) is None for i in range(1, 5))  # moving decides nothing


def test_ctrl_z_undoes_the_last_decision_and_brings_the_record_back(qtbot, make_screen_project, show_view):
    project = make_screen_project(4)
    view = screen(project, show_view)
    qtbot.keyClick(view.table, Qt.Key.Key_I)
    qtbot.keyClick(view.table, Qt.Key.Key_E)
    assert view.model.ids == [3, 4]
    qtbot.keyClick(view.table, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert my_decision(project, 2) is None
    assert my_decision(project, 1) == "include"
    assert view.model.ids == [2, 3, 4]
    assert view.pane.record_id == 2  # the undone record is shown again
    assert view.session_label.text().startswith("1 decided")
    assert project.records.detail(2).title in view.pane.browser.toPlainText()  # its own text, kept from before
    qtbot.keyClick(view.table, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert view.pane.record_id == 1
    assert project.records.detail(1).title in view.pane.browser.toPlainText()
    qtbot.keyClick(view.table, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)  # nothing left
    assert my_decision(project, 1) is None
    assert view.model.ids == [1, 2, 3, 4]
    qtbot.keyClick(view.table, Qt.Key.Key_M)  # decided again after the undos: the list moves on as before
    assert view.model.ids == [2, 3, 4]
    assert view.pane.record_id == 2 and project.records.detail(2).title in view.pane.browser.toPlainText()
    assert my_decision(project, 1) == "maybe"


def test_all_view_keeps_the_record_and_shows_my_decision_icon(qtbot, make_screen_project, show_view):
    project = make_screen_project(3)
    view = screen(project, show_view)
    view.filters.set_view("all")
    qtbot.keyClick(view.table, Qt.Key.Key_E)
    assert view.model.ids == [1, 2, 3]
    assert view.pane.record_id == 2
    tip = view.model.index(0, 0).data(Qt.ItemDataRole.ToolTipRole)
    assert tip == "Your decision: exclude"
    assert view.model.index(1, 0).data(Qt.ItemDataRole.ToolTipRole) == "Not decided by you"


def test_question_mark_shows_every_shortcut_and_pauses_the_keys(qtbot, make_screen_project, show_view):
    project = make_screen_project(3)
    view = screen(project, show_view)
    qtbot.keyClick(view.table, Qt.Key.Key_Question)
    assert view.overlay.isVisible()
    for key in ("I", "E", "M", "J", "K", "/", "Ctrl+Z", "1 – 9", "?"):
        assert key in view.overlay.labels_text
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_I)  # closes the overlay, decides nothing
    assert not view.overlay.isVisible()
    assert my_decision(project, 1) is None
    qtbot.keyClick(view.table, Qt.Key.Key_I)
    assert my_decision(project, 1) == "include"


def test_keys_do_not_fire_while_typing_in_search_notes_or_tags(qtbot, make_screen_project, show_view):
    project = make_screen_project(3)
    view = screen(project, show_view)
    qtbot.keyClick(view.table, Qt.Key.Key_Slash)
    assert view.filters.search.hasFocus()
    qtbot.keyClicks(view.filters.search, "iem")
    assert view.filters.search.text() == "iem"
    view.filters.search.clear()
    qtbot.keyClick(view.filters.search, Qt.Key.Key_Escape)  # back to the list
    assert view.table.hasFocus()
    for field in (view.pane.note, view.pane.tags):
        field.setFocus()
        qtbot.waitUntil(field.hasFocus)
        qtbot.keyClicks(field, "mike jk")
        qtbot.keyClick(field, Qt.Key.Key_Down)
    assert view.pane.note.toPlainText() == "mike jk"
    assert view.pane.tags.text() == "mike jk"
    assert all(my_decision(project, i) is None for i in range(1, 4))
    assert view.pane.record_id == 1
