"""Duplicates: pairs side by side with differing words marked; D, N and U; find duplicates in
the background with progress and Cancel while screening goes on; unmerge."""

from __future__ import annotations

import time

from PySide6.QtCore import Qt

from screener.core.project import Project
from screener.gui.context import Workspace
from screener.gui.duplicates_view import DuplicatesView
from screener.gui.screen_view import ScreenView
from screener.types import Progress

from .conftest import parsed

TITLE = "Peer support workers in community mental health teams: a qualitative study"
RECORDS = [
    parsed(1, TITLE, authors=["Moran G", "Smith J"], year=2020, journal="BMC Psychiatry", doi="10.1/aaa",
           volume="20", pages="11-19", abstract="We interviewed 24 peer workers."),
    parsed(2, TITLE, authors=["Moran G", "Smith J"], year=2020, journal="BMC Psychiatry", doi="10.1/bbb",
           volume="20", pages="11-19", abstract="We interviewed 42 peer workers."),
    parsed(3, "Housing first for adults with psychosis", authors=["Kim C"], year=2019, doi="10.1/ccc"),
    parsed(4, "A randomised trial of supported housing", authors=["Kim C"], year=2019, doi="10.1/ccc"),
    parsed(5, "Something else entirely", authors=["Lee D"], year=2001),
]


def pairs(project: Project) -> list[tuple[int, int]]:
    return [(p.record_a, p.record_b) for p in project.dedup.candidates()]


def found(qtbot, view: DuplicatesView) -> None:  # type: ignore[no-untyped-def]
    qtbot.mouseClick(view.find_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: view.job is None, timeout=10000)


def test_find_then_d_n_and_u(qtbot, make_screen_project, show_view):
    project = make_screen_project(RECORDS, reviewers=("ana",))
    view = show_view(DuplicatesView(Workspace(project, "ana")))
    assert view.model.rowCount() == 0 and "No pairs to review" in view.status_label.text()
    seen: list[int] = []
    view.progress.valueChanged.connect(seen.append)
    found(qtbot, view)
    assert seen  # progress was shown
    assert [(p.record_a, p.record_b) for p in view.model.rows] == [(1, 2), (3, 4)]
    assert "2 pairs to review" in view.status_label.text()
    assert "Score 1.00" in view.score_label.text()
    left, right = view.left.toHtml(), view.right.toHtml()
    # the differing words are marked on both sides (background and underline), the rest is not
    assert "aaa</span>" in left and "bbb</span>" in right and "24</span>" in left and "42</span>" in right
    assert "underline" in left and "background-color:#fde6cf" in left
    assert "Moran G</span>" not in left

    qtbot.keyClick(view.table, Qt.Key.Key_D)
    assert pairs(project) == [(3, 4)]
    assert [(m.record_id, m.canonical_id) for m in project.dedup.merged()] == [(2, 1)]
    assert view.merged_model.rowCount() == 1
    assert project.records.detail(2).status["title_abstract"] == "duplicate"
    qtbot.keyClick(view.table, Qt.Key.Key_N)
    assert pairs(project) == [] and view.model.rowCount() == 0

    qtbot.keyClick(view.table, Qt.Key.Key_U)  # "not a duplicate" taken back
    assert pairs(project) == [(3, 4)]
    qtbot.keyClick(view.table, Qt.Key.Key_U)  # the merge taken back
    assert pairs(project) == [(1, 2), (3, 4)]
    assert project.dedup.merged() == [] and project.records.detail(2).duplicate_of is None
    assert view.model.rowCount() == 2 and view.current_pair().record_a == 1  # type: ignore[union-attr]
    qtbot.keyClick(view.table, Qt.Key.Key_U)  # nothing more to undo
    assert pairs(project) == [(1, 2), (3, 4)]


def test_unmerge_a_merged_record(qtbot, make_screen_project, show_view):
    project = make_screen_project(RECORDS, reviewers=("ana",))
    view = show_view(DuplicatesView(Workspace(project, "ana")))
    found(qtbot, view)
    qtbot.keyClick(view.table, Qt.Key.Key_D)
    view.merged_table.selectRow(0)
    qtbot.mouseClick(view.unmerge_button, Qt.MouseButton.LeftButton)
    assert project.dedup.merged() == []
    assert project.records.detail(2).duplicate_of is None
    assert view.merged_model.rowCount() == 0


def test_screening_goes_on_while_duplicates_are_found_and_cancel_leaves_nothing(
        qtbot, make_screen_project, show_view, monkeypatch):
    project = make_screen_project(RECORDS, reviewers=("ana",), required=1)
    ws = Workspace(project, "ana")
    dups = show_view(DuplicatesView(ws))

    def slow_run():  # type: ignore[no-untyped-def]
        for i in range(1000):
            time.sleep(0.01)
            yield Progress(i, 1000, "Comparing records")

    monkeypatch.setattr(project.dedup, "run", slow_run)
    qtbot.mouseClick(dups.find_button, Qt.MouseButton.LeftButton)
    assert dups.job is not None and dups.cancel_button.isVisible() and not dups.find_button.isEnabled()
    screen = show_view(ScreenView(ws))
    qtbot.keyClick(screen.table, Qt.Key.Key_I)  # the screen stays usable meanwhile
    assert project.records.detail(1).status["title_abstract"] == "included"
    qtbot.waitUntil(lambda: dups.progress.value() > 0, timeout=5000)
    qtbot.mouseClick(dups.cancel_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dups.job is None, timeout=5000)
    assert dups.status_label.text() == "Cancelled: nothing was changed."
    assert dups.find_button.isEnabled() and not dups.cancel_button.isVisible()
