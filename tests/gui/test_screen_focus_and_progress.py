"""The Screen tab's small promises: Esc (and Tab) leave the note and tags for the record list,
so decision keys never type into them; the author line counts what it hides; the thin progress
bar shows what its label says; a resolver sees one progress figure, not two."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLineEdit, QPlainTextEdit

from screener.core.project import Project
from screener.gui.conflicts_view import ConflictsView
from screener.gui.context import Workspace
from screener.gui.reading_pane import author_line
from screener.gui.screen_view import ScreenView
from screener.types import ReadResult, run_work
from tests.gui.conftest import parsed

pytest_plugins = ["tests.gui.shell_support"]


def test_esc_leaves_the_note_and_the_next_key_decides(qtbot, make_screen_project, show_view):  # type: ignore[no-untyped-def]
    project = make_screen_project(3, reviewers=("ana",), required=1)
    view = show_view(ScreenView(Workspace(project, "ana")))
    view.pane.note.setFocus()
    qtbot.waitUntil(view.pane.note.hasFocus)
    qtbot.keyClicks(view.pane.note, "a sibling study")
    qtbot.keyClick(view.pane.note, Qt.Key.Key_Escape)
    assert view.table.hasFocus()
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_M)
    assert project.records.detail(1, viewer="ana").note == "a sibling study"  # no "m" typed into it
    assert [d.decision for d in project.screening.decisions_of(1)] == ["maybe"]
    assert view.pane.record_id == 2


def test_esc_leaves_the_tags_and_tab_from_the_note_skips_the_tags(qtbot, make_screen_project, show_view):  # type: ignore[no-untyped-def]
    project = make_screen_project(3, reviewers=("ana",), required=1)
    view = show_view(ScreenView(Workspace(project, "ana")))
    view.pane.tags.setFocus()
    qtbot.waitUntil(view.pane.tags.hasFocus)
    qtbot.keyClicks(view.pane.tags, "pilot")
    qtbot.keyClick(view.pane.tags, Qt.Key.Key_Escape)
    assert view.table.hasFocus()
    assert project.records.detail(1).tags == ["pilot"]  # saved on the way out
    view.pane.note.setFocus()
    qtbot.waitUntil(view.pane.note.hasFocus)
    qtbot.keyClick(view.pane.note, Qt.Key.Key_Tab)
    focused = QApplication.focusWidget()
    assert not isinstance(focused, QLineEdit | QPlainTextEdit) and focused is view.table
    assert view.pane.note.toPlainText() == ""  # no tab character typed either


def test_esc_leaves_the_resolution_note_for_the_conflict_list(qtbot, make_screen_project, show_view):  # type: ignore[no-untyped-def]
    project = make_screen_project(2)
    project.screening.decide(1, "ana", "include")
    project.screening.decide(1, "ben", "exclude")
    view = show_view(ConflictsView(Workspace(project, "ana")))
    view.note_edit.setFocus()
    qtbot.waitUntil(view.note_edit.hasFocus)
    qtbot.keyClick(view.note_edit, Qt.Key.Key_Escape)
    assert view.table.hasFocus()


def test_more_authors_counts_exactly_those_not_shown() -> None:
    authors = [f"Author{i}, A." for i in range(1, 9)]  # 8 authors, 6 shown: 5 first and the last
    line = author_line(authors, limit=6)
    shown = [a for a in authors if a in line]
    assert len(shown) == 6 and line.endswith(f"(+{len(authors) - len(shown)} more)")
    assert line.endswith("(+2 more)")
    assert author_line(authors[:7], limit=6).endswith("(+1 more)")
    assert author_line(authors[:6], limit=6) == "; ".join(authors[:6])


def test_the_thin_bar_shows_what_its_label_says(qtbot, make_screen_project, show_view):  # type: ignore[no-untyped-def]
    project = make_screen_project(7, reviewers=("ana",), required=1)
    view = show_view(ScreenView(Workspace(project, "ana")))
    assert view.progress_bar.maximum() == 7 and view.progress_bar.value() == 0
    for n in range(1, 5):
        qtbot.keyClick(view.table, Qt.Key.Key_I)
        assert f"Done {n} / 7 ({round(100 * n / 7)}%)" in view.progress_label.text()
        # the bar follows as soon as the decision's turn of the event loop is over
        qtbot.waitUntil(lambda n=n: view.progress_bar.value() == n, timeout=1000)


def test_a_resolver_sees_one_progress_figure(qtbot, window, tmp_path):  # type: ignore[no-untyped-def]
    path = tmp_path / "dual.screener"
    with Project.create(path, title="Dual review", reviewers_per_record=2) as project:
        for name, role in (("ana", "reviewer"), ("ben", "reviewer"), ("carla", "resolver")):
            project.settings.add_reviewer(name, role)
        records = [parsed(i) for i in range(1, 9)]
        run_work(project.imports.store_batch([ReadResult("x.ris", "ris", "utf-8", records, [], [])], "Scopus"))
        for rid in project.records.ids()[:2]:  # settled without carla
            project.screening.decide(rid, "ana", "include")
            project.screening.decide(rid, "ben", "include")
    assert window.open_project(str(path), "carla")
    header = window.pane.header
    qtbot.waitUntil(lambda: header.queue_label.text() == "My queue 6 / 8")
    window.pane.show_view("screen")
    screen = window.pane.views["screen"]
    assert header.queue_bar.value() == 2 and header.queue_bar.text() == "25% done"
    assert "Done 2 / 8 (25%)" in screen.progress_label.text()
    assert screen.progress_bar.value() == 2 and screen.progress_bar.maximum() == 8

