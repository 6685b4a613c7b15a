"""Blind dual screening: the second reviewer sees no trace of the first's decisions (icons,
counts, colours, details, history) until both have decided."""

from __future__ import annotations

from PySide6.QtCore import Qt

from screener.gui.context import Workspace
from screener.gui.screen_view import ScreenView


def icons(view: ScreenView) -> list[str]:
    return [view.model.index(r, 0).data(Qt.ItemDataRole.ToolTipRole) for r in range(view.model.rowCount())]


def test_two_reviewers_screen_the_same_records_blind(qtbot, make_screen_project, show_view):
    project = make_screen_project(4, reviewers=("ana", "ben"), required=2)
    ana = show_view(ScreenView(Workspace(project, "ana")))
    for key in (Qt.Key.Key_I, Qt.Key.Key_E, Qt.Key.Key_I, Qt.Key.Key_M):
        qtbot.keyClick(ana.table, key)
    assert ana.model.rowCount() == 0
    assert "Waiting for the other reviewer: 4 records" in ana.empty_text()
    ana.close()

    ben = show_view(ScreenView(Workspace(project, "ben")))
    # ben's queue is complete, and nothing in it tells what ana decided
    assert ben.model.ids == [1, 2, 3, 4]
    ben.filters.set_view("all")
    assert icons(ben) == ["Not decided by you"] * 4
    assert "Done 0 / 4" in ben.progress_label.text()
    ben.filters.set_view("my_queue")
    for rid in (1, 2, 3, 4):
        ben.select_row(ben.model.row_of(rid))
        assert ben.pane.record_id == rid
        assert ben.panel.mine_label.text() == ""
        assert "ana" not in ben.pane.browser.toPlainText()
        ben.panel.history_button.setChecked(True)
        history = ben.history.entries_text()
        assert "Imported from Scopus" in history
        assert "ana" not in history and "include" not in history and "exclude" not in history
    # a status filter shows ana's records to nobody: they are undecided until ben decides
    ben.filters.set_view("all", "included")
    assert ben.model.rowCount() == 0
    ben.filters.set_view("my_queue")

    # ben decides: agreeing on 1 (include), disagreeing on 2
    ben.select_row(0)
    qtbot.keyClick(ben.table, Qt.Key.Key_I)
    qtbot.keyClick(ben.table, Qt.Key.Key_I)
    ben.filters.set_view("all")
    ben.select_row(0)
    assert "<b>ana</b>: Include" in ben.panel.mine_label.text()  # both decided: now visible
    assert "<b>You</b>: Include" in ben.panel.mine_label.text()
    ben.select_row(1)
    assert "<b>ana</b>: Exclude" in ben.panel.mine_label.text()
    assert "ana: exclude" in ben.history.entries_text()
    ben.select_row(2)
    assert ben.panel.mine_label.text() == ""  # record 3: ben has not decided, still blind
    assert "ana" not in ben.history.entries_text()
    assert icons(ben) == ["Your decision: include", "Your decision: include", "Not decided by you",
                          "Not decided by you"]
    assert [c.record_id for c in project.conflicts.conflicts("title_abstract")] == [2]
