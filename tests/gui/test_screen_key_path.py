"""The key path at speed: after a decision only the next record is shown (no other record
is rendered on the way), and a Ctrl still held after Ctrl+Z selects no second row."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from screener.gui.context import Workspace
from screener.gui.screen_view import ScreenView


def test_a_decision_in_my_queue_shows_the_next_record_and_no_other(qtbot, make_screen_project, show_view):
    project = make_screen_project(8)
    view = show_view(ScreenView(Workspace(project, "ana")))
    qtbot.keyClick(view.table, Qt.Key.Key_J)
    qtbot.keyClick(view.table, Qt.Key.Key_J)
    assert view.pane.record_id == 3
    shown: list[int | None] = []
    real = view.pane.show_record
    view.pane.show_record = lambda d: (shown.append(None if d is None else d.record_id), real(d))[1]  # type: ignore[method-assign]
    qtbot.keyClick(view.table, Qt.Key.Key_I)
    assert shown == [4]  # the record below took its place, and only it was rendered
    qtbot.keyClick(view.table, Qt.Key.Key_E)
    assert shown == [4, 5]
    assert view.model.ids == [1, 2, 5, 6, 7, 8]


def test_a_ctrl_held_after_undo_selects_one_row_only(qtbot, make_screen_project, show_view):
    project = make_screen_project(6)
    view = show_view(ScreenView(Workspace(project, "ana")))
    qtbot.keyClick(view.table, Qt.Key.Key_I)
    qtbot.keyClick(view.table, Qt.Key.Key_I)
    assert view.pane.record_id == 3
    # Ctrl+Z, and Ctrl still down when the record comes back (a fast hand)
    qtbot.keyClick(view.table, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyPress(view.table, Qt.Key.Key_Control, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(view.table, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyRelease(view.table, Qt.Key.Key_Control)
    assert view.pane.record_id == 1
    assert view.selected_ids() == [1]  # one record: the next key decides it alone, not as a bulk step
    qtbot.keyClick(view.table, Qt.Key.Key_E)
    assert [d.decision for d in project.screening.decisions_of(1, viewer="ana") if d.reviewer == "ana"] == ["exclude"]
    assert view.model.ids == [2, 3, 4, 5, 6]


def test_keys_back_to_back_pay_for_no_read_ahead_and_a_pause_prepares_the_next(qtbot, make_screen_project, show_view):
    project = make_screen_project(10)
    view = show_view(ScreenView(Workspace(project, "ana")))
    qtbot.waitUntil(lambda: view._ahead is not None and view._ahead.record_id == 2)  # the reviewer reads 1
    prepared: list[int] = []
    real = view.pane.prepare
    view.pane.prepare = lambda d: (prepared.append(d.record_id), real(d))[1]  # type: ignore[method-assign]
    for _ in range(4):  # each key arrives as soon as the record before it is painted
        qtbot.keyClick(view.table, Qt.Key.Key_I)
        view.pane.browser.viewport().repaint()
        QApplication.processEvents()  # what was queued by the time the next key comes
    assert view.pane.record_id == 5
    assert prepared == []  # no key waited while a record it would skip was laid out
    qtbot.waitUntil(lambda: prepared == [6])  # once the reviewer pauses, the next one is ready
    assert view._ahead is not None and view._ahead.record_id == 6
    qtbot.keyClick(view.table, Qt.Key.Key_I)
    assert view.pane.record_id == 6


def test_a_decision_repaints_the_rows_that_changed_not_the_whole_list(qtbot, make_screen_project, show_view):
    project = make_screen_project(60)
    view = show_view(ScreenView(Workspace(project, "ana")))
    view.table.viewport().repaint()
    delegate = view.table.itemDelegate()
    painted: list[int] = []
    real = delegate.paint
    delegate.paint = lambda p, o, i: (painted.append(i.row()), real(p, o, i))[1]  # type: ignore[method-assign]
    visible = view.table.rowAt(view.table.viewport().height() - 1) - view.table.rowAt(0) + 1
    assert visible >= 10
    for key in (Qt.Key.Key_I, Qt.Key.Key_E):
        painted.clear()
        qtbot.keyClick(view.table, key)
        QApplication.processEvents()
        rows = set(painted)
        assert 0 in rows  # the next record took the decided one's place, and is shown selected
        assert len(rows) <= 3, sorted(rows)  # the rows below moved as pixels; only the one exposed is painted
    # what is on screen is what the list holds, row by row (the moved pixels are right)
    shown = view.table.grab()
    painted.clear()
    view.table.viewport().update()
    QApplication.processEvents()
    assert len(set(painted)) >= visible  # a full repaint draws what the moved pixels showed
    assert view.table.grab().toImage() == shown.toImage()
    assert view.model.ids[:3] == [3, 4, 5]


def test_a_decision_in_the_whole_list_repaints_its_row_and_the_next(qtbot, make_screen_project, show_view):
    project = make_screen_project(60)
    view = show_view(ScreenView(Workspace(project, "ana")))
    view.filters.set_view("all")
    qtbot.waitUntil(lambda: view.model.rowCount() == 60)
    view.table.viewport().repaint()
    delegate = view.table.itemDelegate()
    painted: list[int] = []
    real = delegate.paint
    delegate.paint = lambda p, o, i: (painted.append(i.row()), real(p, o, i))[1]  # type: ignore[method-assign]
    qtbot.keyClick(view.table, Qt.Key.Key_I)
    QApplication.processEvents()
    assert set(painted) == {0, 1}  # its status icon changed, and the next row became the current one
    assert view.pane.record_id == 2
