"""The screen's workspace tools: filters with counts kept per reviewer, search hits marked
in a colour of their own, the final-status column, bulk steps on a selection (asked
first, undone whole by one Ctrl+Z), labels by Alt+number, and the resolution shown."""

from __future__ import annotations

from PySide6.QtCore import QItemSelectionModel, Qt

from screener.core.services.record_filters import RecordFilter
from screener.gui import bulk_bar, screen_workspace
from screener.gui.context import Workspace
from screener.gui.record_list_model import COLUMNS
from screener.gui.screen_view import ScreenView

from .conftest import parsed

RECORDS = [parsed(i, f"Peer support trial {i}", year=2010 + i) for i in range(1, 9)]


def two_sources(make_screen_project, reviewers=("ana", "ben"), required=2):  # type: ignore[no-untyped-def]
    project = make_screen_project(RECORDS[:5], reviewers=reviewers, required=required, source="Scopus")
    from screener.types import ReadResult, run_work

    embase = [parsed(i, f"Recovery college study {i}", year=2020 + i) for i in range(1, 4)]
    path = project.target + ".embase.ris"
    with open(path, "w", encoding="utf-8") as f:
        f.write("TY  - JOUR\nER  - \n")
    run_work(project.imports.store_batch([ReadResult(path, "ris", "utf-8", embase)], source="Embase"))
    return project


def select_rows(view: ScreenView, rows: list[int]) -> None:
    sel = view.table.selectionModel()
    sel.clearSelection()
    for r in rows:
        sel.select(view.model.index(r, 1), QItemSelectionModel.SelectionFlag.Select
                   | QItemSelectionModel.SelectionFlag.Rows)


def test_filters_combine_show_counts_and_are_kept_per_reviewer(qtbot, make_screen_project, show_view):
    project = two_sources(make_screen_project)
    view = show_view(ScreenView(Workspace(project, "ana")))
    view.filters.set_view("all")
    view.filter_panel.toggle.setChecked(True)  # Filters ▸: the values and their counts
    view.filter_panel.set_filter(RecordFilter(sources=("Embase",), year_from=2022))
    view.filter_panel.changed.emit()  # as after the reviewer's clicks
    assert view.model.ids == [7, 8]  # Embase records of 2022 and 2023
    tree = view.filter_panel.model
    sources = next(tree.item(i) for i in range(tree.rowCount()) if tree.item(i).text() == "Source")

    def texts() -> list[str]:
        return sorted(sources.child(j).text() for j in range(sources.rowCount()))

    qtbot.waitUntil(lambda: not view._counting and texts() == ["Embase  (2)", "Scopus  (0)"])  # under the year filter
    assert view.filter_panel.summary.text().startswith("2 match: Embase · 2022–…")
    assert " · 2 shown" in view.progress_label.text()
    view.close()
    again = show_view(ScreenView(Workspace(project, "ana")))
    assert again.list_filter() == RecordFilter(sources=("Embase",), year_from=2022)
    assert again.model.ids == [7, 8]
    ben = show_view(ScreenView(Workspace(project, "ben")))
    assert ben.list_filter() == RecordFilter() and len(ben.model.ids) == 8


def test_search_hits_are_marked_apart_from_include_and_exclude_terms(qtbot, make_screen_project, show_view):
    project = make_screen_project(RECORDS, reviewers=("ana",), required=1, include_terms=["peer support"])
    view = show_view(ScreenView(Workspace(project, "ana")))
    view.filters.search.setText("trial")
    view.filters.flush()
    html = view.pane.browser.toHtml()
    assert "overline" in html and "#fff07a" in html  # the search's own mark (colour and a line over)
    assert "underline" in html  # the include term keeps its own mark
    assert "search hit" in view.pane.browser.toPlainText()  # and the legend says which is which


def test_final_status_column_follows_blinding(qtbot, make_screen_project, show_view):
    project = make_screen_project(RECORDS[:3], reviewers=("ana", "ben"), required=2)
    project.settings.add_reviewer("carla", "resolver")
    project.screening.decide(1, "ana", "include")
    ben = show_view(ScreenView(Workspace(project, "ben")))
    ben.filters.set_view("all")
    final = next(c for c, (key, _) in enumerate(COLUMNS) if key == "final")
    tip = ben.model.index(0, final).data(Qt.ItemDataRole.ToolTipRole)
    assert tip == "No decision yet"  # ana's decision does not show to ben
    ana = show_view(ScreenView(Workspace(project, "ana")))
    ana.filters.set_view("all")
    assert ana.model.index(0, final).data(Qt.ItemDataRole.ToolTipRole).startswith("Pending")
    project.screening.decide(1, "ben", "exclude")
    project.conflicts.resolve(1, "include", "carla", note="criteria met")
    ana.refresh()
    ana.select_row(0, force=True)
    assert ana.model.index(0, final).data(Qt.ItemDataRole.ToolTipRole) == "Final: included"
    assert ana.panel.resolution_label.isVisible()
    assert "Resolved" in ana.panel.resolution_label.text() and "carla" in ana.panel.resolution_label.text()


def test_a_bulk_tag_on_a_selection_is_asked_first_and_one_ctrl_z_undoes_it(
        qtbot, make_screen_project, show_view, monkeypatch):
    project = make_screen_project(RECORDS, reviewers=("ana",), required=1)
    view = show_view(ScreenView(Workspace(project, "ana")))
    asked: list[str] = []
    monkeypatch.setattr(screen_workspace.QInputDialog, "getItem", lambda *a, **k: ("to discuss", True))

    def accept(dialog):  # type: ignore[no-untyped-def]
        asked.append(dialog.findChildren(bulk_bar.QLabel)[0].text())
        return 1

    monkeypatch.setattr(bulk_bar.StepDialog, "exec", accept)
    qtbot.mouseClick(view.table.viewport(), Qt.MouseButton.LeftButton,
                     pos=view.table.visualRect(view.model.index(1, 1)).center())
    qtbot.mouseClick(view.table.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.ShiftModifier,
                     view.table.visualRect(view.model.index(3, 1)).center())
    qtbot.mouseClick(view.table.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.ControlModifier,
                     view.table.visualRect(view.model.index(6, 1)).center())
    assert view.selected_ids() == [2, 3, 4, 7]
    assert view.bulk_bar.isVisible() and "4" in view.bulk_bar.count_label.text()
    qtbot.mouseClick(view.bulk_bar.tag_button, Qt.MouseButton.LeftButton)
    assert asked and "on 4 record(s)" in asked[0]
    qtbot.waitUntil(lambda: not view.step_running)  # saved on a worker thread
    assert project.records.ids(tag="to discuss") == [2, 3, 4, 7]
    assert view.table.hasFocus()  # the keys that decide work on at once
    qtbot.keyClick(view.table, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: not view.step_running)
    assert project.records.ids(tag="to discuss") == []


def test_a_bulk_decision_names_count_and_stage_and_is_one_step(qtbot, make_screen_project, show_view, monkeypatch):
    project = make_screen_project(RECORDS, reviewers=("ana", "ben"), required=2)
    view = show_view(ScreenView(Workspace(project, "ana")))
    asked: list[str] = []

    def accept(dialog):  # type: ignore[no-untyped-def]
        asked.append(" ".join(label.text() for label in dialog.findChildren(bulk_bar.QLabel)))
        return 1

    monkeypatch.setattr(bulk_bar.StepDialog, "exec", accept)
    select_rows(view, [0, 1, 2, 3, 4])
    qtbot.keyClick(view.table, Qt.Key.Key_E)  # with several selected, E is one bulk step
    assert "Exclude 5 record(s) at title/abstract as ana?" in asked[0]
    qtbot.waitUntil(lambda: not view.step_running)
    assert "only your own decisions" in asked[0]  # a blind project
    assert view.model.ids == [6, 7, 8]  # gone from ana's queue
    history = project.history.history(3)
    assert any(e.kind == "decision" and e.detail.get("bulk") for e in history)
    assert project.records.ids(view="my_queue", reviewer="ben") == list(range(1, 9))
    qtbot.keyClick(view.table, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: not view.step_running)
    assert view.model.ids == list(range(1, 9))
    assert all(not project.screening.decisions_of(rid) for rid in range(1, 9))


def test_labels_by_alt_number_are_the_reviewers_own(qtbot, make_screen_project, show_view):
    project = make_screen_project(RECORDS, reviewers=("ana", "ben"), required=2)
    project.labels.set_labels(["RCT", "Adults"])
    view = show_view(ScreenView(Workspace(project, "ana")))
    assert view.panel.labels_box.isVisible()
    qtbot.keyClick(view.table, Qt.Key.Key_2, Qt.KeyboardModifier.AltModifier)
    assert project.labels.of(1, "ana") == ["Adults"]
    assert [b.isChecked() for b in view.panel.labels_box.buttons] == [False, True]
    assert "Adults" in view.pane.browser.toPlainText()
    assert project.labels.of(1, "ben") == []
    qtbot.keyClick(view.table, Qt.Key.Key_2, Qt.KeyboardModifier.AltModifier)
    assert project.labels.of(1, "ana") == []
    qtbot.keyClick(view.table, Qt.Key.Key_7, Qt.KeyboardModifier.AltModifier)
    assert "no label 7" in view.error_label.text()


def test_history_of_bulk_steps_labels_and_updates_reads_as_words_and_labels_stay_private(make_screen_project):
    import re

    from screener.gui.history_view import describe

    project = make_screen_project(RECORDS[:4], reviewers=("ana", "ben"), required=2)
    project.labels.set_labels(["Wrong population"])
    project.bulk.decide([1, 2], "ana", "exclude")
    project.bulk.tag([1, 2], "check", "ana")
    project.labels.toggle(1, "ben", "Wrong population")
    project.screening.undo_last("ana")  # the whole bulk step
    texts = [describe(e) for e in project.history.history(1)]
    assert any("exclude at title/abstract (in a bulk step)" in t for t in texts)
    assert any(t.startswith("ana undid exclude") and "bulk" in t for t in texts)
    assert any("(added check) (in a bulk step)" in t for t in texts)
    assert any("ben put the label Wrong population on" in t for t in texts)
    for t in texts:
        assert not re.search(r"\b[a-z]+_[a-z_]+\b", t), t
    seen_by_ana = [e.kind for e in project.history.visible_history(1, "ana")]
    assert "label" not in seen_by_ana  # ben's label would say how he decided
