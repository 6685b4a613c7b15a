"""Conflicts: both decisions side by side, resolve and reopen, agreement and calibration."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel

from screener.core.project import Project
from screener.gui.conflicts_view import ConflictsView
from screener.gui.context import Workspace

VOTES = {  # record: (ana, ben)
    1: ("include", "include"),
    2: ("exclude", "exclude"),
    3: ("exclude", "exclude"),
    4: ("include", "exclude"),
    5: ("maybe", "include"),
    6: ("exclude", "exclude"),
}


def screened(make_screen_project, reviewers=("ana", "ben", "carla")) -> Project:  # type: ignore[no-untyped-def]
    project = make_screen_project(6, reviewers=reviewers, required=2)
    for rid, (a, b) in VOTES.items():
        project.screening.decide(rid, "ana", a, note="small sample" if rid == 4 else "")
        project.screening.decide(rid, "ben", b)
    return project


def card_texts(view: ConflictsView) -> list[str]:
    return [" ".join(lbl.text() for lbl in view.cards.findChildren(QLabel))]


def test_conflicts_show_both_decisions_and_resolve(qtbot, make_screen_project, show_view):
    project = screened(make_screen_project)
    view = show_view(ConflictsView(Workspace(project, "carla")))
    assert [c.record_id for c in view.model.rows] == [4, 5]
    assert view.count_label.text() == "2 open conflicts at title/abstract"
    assert view.model.index(0, 1).data() == "include vs exclude"
    assert view.model.index(1, 1).data() == "a maybe"
    assert view.pane.record_id == 4
    cards = card_texts(view)[0]
    assert "<b>ana</b>: include" in cards and "<b>ben</b>: exclude" in cards and "small sample" in cards

    changed: list[int] = []
    view.workspace.data_changed.connect(lambda: changed.append(1))
    view.note_edit.setText("Meets criterion 2 on reading the methods")
    qtbot.mouseClick(view.include_button, Qt.MouseButton.LeftButton)
    assert project.records.detail(4).status["title_abstract"] == "included"
    r = project.conflicts.resolutions("title_abstract")[0]
    assert (r.record_id, r.decision, r.reviewer, r.note) == (4, "include", "carla", "Meets criterion 2 on reading the methods")
    assert [c.record_id for c in view.model.rows] == [5]
    assert view.pane.record_id == 5  # on to the next conflict
    assert changed  # the other views hear about it
    assert view.resolved_model.rowCount() == 1 and view.tabs.tabText(0) == "Resolved (1)"

    view.resolved_table.selectRow(0)
    qtbot.mouseClick(view.reopen_button, Qt.MouseButton.LeftButton)
    assert [c.record_id for c in view.model.rows] == [4, 5]
    assert project.conflicts.resolutions("title_abstract") == []


def test_full_text_conflict_excluded_with_a_reason(qtbot, make_screen_project, show_view):
    project = make_screen_project(1, reviewers=("ana", "ben"), required=2)
    for who in ("ana", "ben"):
        project.screening.decide(1, who, "include")
    project.screening.decide(1, "ana", "include", stage="full_text")
    project.screening.decide(1, "ben", "exclude", stage="full_text", reason="Wrong population")
    ws = Workspace(project, "ana")
    ws.stage = "full_text"
    view = show_view(ConflictsView(ws))
    assert view.reason_combo.isVisible()
    view.reason_combo.setCurrentText("Wrong study design")
    qtbot.mouseClick(view.exclude_button, Qt.MouseButton.LeftButton)
    assert project.conflicts.resolutions("full_text")[0].reason == "Wrong study design"
    assert project.prisma.counts()["dbr_excluded"] == [("Wrong study design", 1)]
    assert view.model.rowCount() == 0


def test_agreement_and_a_calibration_sample(qtbot, make_screen_project, show_view):
    project = screened(make_screen_project)
    for rid in (1, 2, 3):  # a third reviewer on the first three, for Fleiss' kappa
        project.screening.decide(rid, "carla", VOTES[rid][0])
    view = show_view(ConflictsView(Workspace(project, "ana")))
    panel = view.agreement
    view.tabs.setCurrentWidget(panel)
    expected = {a.reviewers: a for a in project.conflicts.agreement("title_abstract")}
    shown = {tuple(panel.model.index(r, 0).data().split(" & ")): [panel.model.index(r, c).data() for c in range(1, 6)]
             for r in range(panel.model.rowCount())}
    ab = expected[("ana", "ben")]
    assert shown[("ana", "ben")] == [str(ab.n), f"{ab.percent_agreement:.1f}", f"{ab.kappa:.2f}",
                                     f"{ab.pabak:.2f}", f"{ab.gwet_ac1:.2f}"]
    assert shown[("ana", "ben")][:2] == ["6", "66.7"]
    assert panel.fleiss_label.isVisible() and "Fleiss' κ over 3 records" in panel.fleiss_label.text()

    panel.mode.setCurrentIndex(0)  # the first N records
    panel.size.setValue(5)
    qtbot.mouseClick(panel.sample_button, Qt.MouseButton.LeftButton)
    assert panel.sample == [1, 2, 3, 4, 5]
    row = [panel.model.index(0, c).data() for c in range(6)]
    assert row[:3] == ["ana & ben", "5", "60.0"]
    assert "Calibration sample: 5 records (the first records)" in panel.scope_label.text()
    panel.mode.setCurrentIndex(1)
    panel.seed.setValue(7)
    qtbot.mouseClick(panel.sample_button, Qt.MouseButton.LeftButton)
    first = list(panel.sample or [])
    qtbot.mouseClick(panel.sample_button, Qt.MouseButton.LeftButton)
    assert panel.sample == first and "random, seed 7" in panel.scope_label.text()
    qtbot.mouseClick(panel.all_button, Qt.MouseButton.LeftButton)
    assert panel.sample is None and panel.model.index(0, 1).data() == "6"
