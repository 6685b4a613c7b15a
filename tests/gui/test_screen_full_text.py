"""Full text: exclusion reasons by number key, E asking for a reason inline, retrieval, PDFs,
and service errors shown inline."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog

from screener.core.project import Project
from screener.gui.context import Workspace
from screener.gui.screen_view import ScreenView

FT = "full_text"


def included_at_title_abstract(make_screen_project, n: int = 4) -> Project:  # type: ignore[no-untyped-def]
    project = make_screen_project(n, reviewers=("ana",), required=1)
    for rid in range(1, n + 1):
        project.screening.decide(rid, "ana", "include")
    return project


def full_text_view(project: Project, show_view) -> ScreenView:  # type: ignore[no-untyped-def]
    ws = Workspace(project, "ana")
    ws.stage = FT
    return show_view(ScreenView(ws))


def ft_decision(project: Project, rid: int) -> tuple[str, str] | None:
    found = [d for d in project.screening.decisions_of(rid, viewer="ana") if d.stage == FT]
    return (found[0].decision, found[0].reason) if found else None


def test_a_number_key_excludes_with_that_reason(qtbot, make_screen_project, show_view):
    project = included_at_title_abstract(make_screen_project)
    view = full_text_view(project, show_view)
    assert view.panel.reason_box.isVisible()
    assert [b.text() for b in view.panel.reason_buttons] == [
        "1   Wrong population", "2   Wrong intervention", "3   Wrong study design"]
    qtbot.keyClick(view.table, Qt.Key.Key_2)
    assert ft_decision(project, 1) == ("exclude", "Wrong intervention")
    assert view.pane.record_id == 2
    qtbot.keyClick(view.table, Qt.Key.Key_9)  # no ninth reason: said inline, nothing recorded
    assert ft_decision(project, 2) is None
    assert view.error_label.isVisible() and "no reason 9" in view.error_label.text()


def test_e_at_full_text_asks_for_the_reason_inline_then_waits_for_a_number(qtbot, make_screen_project, show_view,
                                                                            monkeypatch):
    project = included_at_title_abstract(make_screen_project)
    view = full_text_view(project, show_view)
    monkeypatch.setattr(QDialog, "exec", lambda self: (_ for _ in ()).throw(AssertionError("no dialog")))
    qtbot.keyClick(view.table, Qt.Key.Key_E)
    assert view.panel.awaiting_reason
    assert "Press 1–3" in view.panel.reason_prompt.text()
    assert "#D55E00" in view.panel.reason_box.styleSheet()  # the reason list is highlighted
    assert ft_decision(project, 1) is None and view.pane.record_id == 1
    qtbot.keyClick(view.table, Qt.Key.Key_Escape)  # changed my mind
    assert not view.panel.awaiting_reason
    qtbot.keyClick(view.table, Qt.Key.Key_E)
    qtbot.keyClick(view.table, Qt.Key.Key_1)
    assert ft_decision(project, 1) == ("exclude", "Wrong population")
    assert not view.panel.awaiting_reason
    qtbot.keyClick(view.table, Qt.Key.Key_I)
    assert ft_decision(project, 2) == ("include", "")


def test_at_title_abstract_a_number_key_excludes_with_that_reason_and_e_needs_none(
        qtbot, make_screen_project, show_view):
    project = make_screen_project(3, reviewers=("ana",), required=1)
    view = show_view(ScreenView(Workspace(project, "ana")))
    assert view.panel.reason_box.isVisible()  # the project has reasons: optional here
    assert "optional" in view.panel.reason_prompt.text()
    qtbot.keyClick(view.table, Qt.Key.Key_1)
    first = project.screening.decisions_of(1)
    assert [(d.decision, d.reason) for d in first] == [("exclude", project.settings.reasons()[0])]
    qtbot.keyClick(view.table, Qt.Key.Key_E)  # no reason needed unless the project says so
    assert [(d.decision, d.reason) for d in project.screening.decisions_of(2)] == [("exclude", "")]


def test_a_project_that_requires_reasons_at_title_abstract_asks_for_one(qtbot, make_screen_project, show_view):
    project = make_screen_project(2, reviewers=("ana",), required=1)
    project.settings.update(ta_reason_required=True)
    view = show_view(ScreenView(Workspace(project, "ana")))
    qtbot.keyClick(view.table, Qt.Key.Key_E)
    assert view.panel.awaiting_reason and project.screening.decisions_of(1) == []
    qtbot.keyClick(view.table, Qt.Key.Key_2)
    assert [(d.decision, d.reason) for d in project.screening.decisions_of(1)] == [
        ("exclude", project.settings.reasons()[1])]


def test_service_errors_show_inline_never_in_a_dialog(qtbot, make_screen_project, show_view, monkeypatch):
    project = included_at_title_abstract(make_screen_project, 2)
    view = full_text_view(project, show_view)
    monkeypatch.setattr(QDialog, "exec", lambda self: (_ for _ in ()).throw(AssertionError("no dialog")))
    project.screening.undo_last("ana")  # elsewhere, record 2 loses its inclusion; the list is stale
    qtbot.keyClick(view.table, Qt.Key.Key_J)
    assert view.pane.record_id == 2
    qtbot.keyClick(view.table, Qt.Key.Key_I)
    assert view.error_label.isVisible()
    assert "record 2 is not included at title/abstract" in view.error_label.text()
    assert ft_decision(project, 2) is None
    assert view.pane.record_id == 2  # the loop did not move on
    qtbot.keyClick(view.table, Qt.Key.Key_K)
    qtbot.keyClick(view.table, Qt.Key.Key_I)
    assert ft_decision(project, 1) == ("include", "")
    assert not view.error_label.isVisible()


def test_report_not_retrieved_then_a_pdf_attached_shown_and_opened(qtbot, make_screen_project, show_view,
                                                                   monkeypatch, tmp_path, qapp):
    from tests.pdf_factory import make_pdf

    project = included_at_title_abstract(make_screen_project)
    view = full_text_view(project, show_view)
    qtbot.mouseClick(view.panel.not_retrieved, Qt.MouseButton.LeftButton)
    assert project.retrieval.retrieval(1) == (False, None)
    assert project.prisma.counts()["dbr_notretrieved_reports"] == 1
    assert view.pane.record_id == 2  # record 1 left my queue: nothing to assess

    pdf = make_pdf(tmp_path / "smith2020.pdf", "Peer support record 2")
    monkeypatch.setattr(view, "_ask_pdf_path", lambda: str(pdf))
    qtbot.mouseClick(view.panel.attach_pdf, Qt.MouseButton.LeftButton)
    retrieved, stored = project.retrieval.retrieval(2)
    assert retrieved is True and stored is not None
    assert stored.read_bytes() == pdf.read_bytes()
    assert stored != pdf and stored.is_relative_to(Path(project.target).parent / "review_files" / "pdfs")
    assert view.full_text.pdf.pages is not None  # shown in the PDF tab at once
    assert not view.panel.not_retrieved.isChecked()
    assert view.panel.open_pdf.isEnabled()
    opened = []
    monkeypatch.setattr("screener.gui.full_text_pane.QDesktopServices.openUrl",
                        lambda url: opened.append(url) or True)
    qtbot.mouseClick(view.panel.open_pdf, Qt.MouseButton.LeftButton)
    assert opened and opened[0].isLocalFile() and opened[0].toLocalFile() == str(stored)


def test_full_text_empty_state_says_nothing_has_reached_it(qtbot, make_screen_project, show_view):
    project = make_screen_project(2, reviewers=("ana",), required=1)
    view = full_text_view(project, show_view)
    assert "No records have reached full text yet" in view.empty_text()
