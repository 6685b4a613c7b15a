"""Duplicates: pairs side by side with differing words marked; D, N and U; find duplicates in
the background with progress and Cancel while screening goes on; inspecting, unmerging
(asked first) and merging back with U; bulk verdicts by score and their undo; the empty
state; "Mark as duplicate of…" from the Screen tab."""

from __future__ import annotations

import time

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog

from screener.core.project import Project
from screener.gui import mark_duplicate_dialog
from screener.gui.context import Workspace
from screener.gui.duplicates_view import DuplicatesView
from screener.gui.mark_duplicate_dialog import MarkDuplicateDialog
from screener.gui.screen_view import ScreenView
from screener.types import Progress, run_work

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
    assert view.stack.currentIndex() == 1  # the empty state, not an empty comparison
    seen: list[int] = []
    view.progress.valueChanged.connect(seen.append)
    found(qtbot, view)
    assert seen  # progress was shown
    assert [(p.record_a, p.record_b) for p in view.model.rows] == [(1, 2), (3, 4)]
    assert "2 pairs to review" in view.status_label.text()
    assert "DOIs or PMIDs differ" in view.compare.why_label.text()  # why the pair is queued
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


def test_a_merged_record_is_inspected_side_by_side_and_unmerged_after_asking(
        qtbot, make_screen_project, show_view):
    project = make_screen_project(RECORDS + [parsed(6, TITLE + ".", authors=["Moran G", "Smith J"], year=2020,
                                                     journal="BMC Psychiatry", doi="10.1/aaa", volume="20",
                                                     pages="11-19")], reviewers=("ana",))
    view = show_view(DuplicatesView(Workspace(project, "ana")))
    found(qtbot, view)
    assert [(m.record_id, m.canonical_id, m.how) for m in project.dedup.merged()] == [(6, 1, "auto")]
    view.merged_table.setCurrentIndex(view.merged_model.index(0, 0))
    assert view.mode == "merge" and view.stack.currentIndex() == 0
    assert "Score 1.00" in view.score_label.text() and "#6 merged into #1" in view.score_label.text()
    assert "Merged automatically" in view.compare.why_label.text()
    assert "same PMID" in view.compare.why_label.text() or "same DOI" in view.compare.why_label.text()
    assert "#6" in view.left.toPlainText() and "#1" in view.right.toPlainText()
    assert view.unmerge_button.isVisible() and not view.dup_button.isVisible()

    asked: list[str] = []
    view.confirm = lambda title, text: asked.append(text) or False  # type: ignore[method-assign]
    qtbot.mouseClick(view.unmerge_button, Qt.MouseButton.LeftButton)
    assert asked and "Separate #6 from #1" in asked[0]
    assert project.records.detail(6).duplicate_of == 1  # declined: nothing changed

    view.confirm = lambda title, text: True  # type: ignore[method-assign]
    qtbot.mouseClick(view.unmerge_button, Qt.MouseButton.LeftButton)
    assert project.records.detail(6).duplicate_of is None
    assert view.merged_model.rowCount() == 0
    qtbot.keyClick(view.table, Qt.Key.Key_U)  # merged again, as it was
    assert project.records.detail(6).duplicate_of == 1
    assert view.merged_model.rowCount() == 1 and view.merged_model.row(0).how == "auto"


def test_bulk_accept_and_reject_by_score_and_undo(qtbot, make_screen_project, show_view):
    project = make_screen_project(RECORDS, reviewers=("ana",))
    view = show_view(DuplicatesView(Workspace(project, "ana")))
    found(qtbot, view)
    scores = {(p.record_a, p.record_b): p.score for p in view.model.rows}
    assert set(scores) == {(1, 2), (3, 4)} and scores[(1, 2)] > scores[(3, 4)]
    middle = round((scores[(1, 2)] + scores[(3, 4)]) / 2, 2)
    view.reject_spin.setValue(1.0)
    assert view.reject_button.text() == ("Reject 2 pairs scoring below" if scores[(1, 2)] < 1
                                         else "Reject 1 pair scoring below")
    view.accept_spin.setValue(middle)
    view.reject_spin.setValue(middle)
    assert view.accept_button.text() == "Accept 1 pair scoring at least"
    assert view.reject_button.text() == "Reject 1 pair scoring below"
    qtbot.mouseClick(view.accept_button, Qt.MouseButton.LeftButton)
    assert [(m.record_id, m.canonical_id) for m in project.dedup.merged()] == [(2, 1)]
    assert pairs(project) == [(3, 4)]
    qtbot.mouseClick(view.reject_button, Qt.MouseButton.LeftButton)
    assert pairs(project) == [] and view.stack.currentIndex() == 1
    assert not view.accept_button.isEnabled() and view.accept_button.text() == "Accept 0 pairs scoring at least"
    qtbot.keyClick(view.table, Qt.Key.Key_U)  # the rejection taken back
    assert pairs(project) == [(3, 4)]
    qtbot.keyClick(view.table, Qt.Key.Key_U)  # the acceptance taken back
    assert pairs(project) == [(1, 2), (3, 4)] and project.dedup.merged() == []


def test_empty_state_says_what_happened_with_the_right_plurals(qtbot, make_screen_project, show_view):
    empty = make_screen_project([], reviewers=("ana",), name="empty.screener")
    view = show_view(DuplicatesView(Workspace(empty, "ana")))
    assert view.stack.currentIndex() == 1 and view.empty_title.text() == "No records yet"

    project = make_screen_project([RECORDS[0], parsed(6, TITLE, authors=["Moran G", "Smith J"], year=2020,
                                                       journal="BMC Psychiatry", doi="10.1/aaa", volume="20",
                                                       pages="11-19"), RECORDS[4]], reviewers=("ana",))
    run_work(project.dedup.run())
    view = show_view(DuplicatesView(Workspace(project, "ana")))
    assert view.stack.currentIndex() == 1
    assert view.empty_title.text() == "1 duplicate merged automatically after the last import; no pairs need review"
    assert "1 record merged in all" in view.empty_text.text()
    assert view.status_label.text() == "No pairs to review · 1 record merged"


def test_mark_as_duplicate_of_from_the_screen_tab(qtbot, make_screen_project, show_view, monkeypatch):
    project = make_screen_project(RECORDS, reviewers=("ana",), required=1)
    screen = show_view(ScreenView(Workspace(project, "ana")))
    action = screen.mark_duplicate_action
    assert action.shortcut().toString() == "Ctrl+Shift+D" and action in screen.table.actions()
    assert screen.current_id() == 1

    seen: list[MarkDuplicateDialog] = []

    class Picking(MarkDuplicateDialog):
        def exec(self):  # type: ignore[no-untyped-def]
            seen.append(self)
            qtbot.keyClicks(self.search, "housing first")
            qtbot.waitUntil(lambda: self.model.rowCount() > 0, timeout=5000)  # the search ran
            return QDialog.DialogCode.Accepted

    monkeypatch.setattr(mark_duplicate_dialog, "MarkDuplicateDialog", Picking)
    qtbot.keyClick(screen.table, Qt.Key.Key_D, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert seen and [h.record_id for h in seen[0].model.rows] == [3]
    assert seen[0].count_label.text() == "1 record found"
    assert project.records.detail(1).duplicate_of == 3  # the record picked is kept
    assert 1 not in project.records.ids(view="my_queue", reviewer="ana")
    project.dedup.unmerge(1)
    screen.refresh()
    screen.table.setCurrentIndex(screen.model.index(0, 0))
    assert screen.current_id() == 1
    action.trigger()  # a pair separated before is merged again
    assert project.records.detail(1).duplicate_of == 3


def test_the_picker_finds_by_number_and_never_offers_the_record_itself(qtbot, make_screen_project):
    project = make_screen_project(RECORDS, reviewers=("ana",))
    dialog = MarkDuplicateDialog(project, 1, TITLE)
    qtbot.addWidget(dialog)
    assert not dialog.ok_button.isEnabled()
    dialog.search.setText("#4")
    dialog.run_search()
    assert [h.record_id for h in dialog.model.rows] == [4] and dialog.ok_button.isEnabled()
    dialog.search.setText("peer workers community")
    dialog.run_search()
    assert [h.record_id for h in dialog.model.rows] == [2]  # 1 matches too, but it is the record itself
    dialog.search.setText("nothing like this")
    dialog.run_search()
    assert dialog.model.rowCount() == 0 and not dialog.ok_button.isEnabled()
    assert dialog.count_label.text() == "0 records found"


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
