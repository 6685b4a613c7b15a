"""The PDF inside the full-text stage: shown beside the decision panel with the terms
marked and counted, decision keys working while it has focus, its own keys (scroll, hits,
search, zoom), text selection and copy, clear messages, and the layout at 1,024 x 700."""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

import pytest
from PySide6.QtCore import QEvent, QPointF, Qt
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QApplication, QDialog

from screener.core.project import Project
from screener.gui.context import Workspace
from screener.gui.screen_view import ScreenView
from tests.gui.conftest import parsed
from tests.pdf_factory import make_pdf

FT = "full_text"
BODY = ("Peer support workers offered peer support to adults in mental health services. Trials in mice "
        "were not considered. ")  # 2 include terms ("peer support"), 1 exclude term ("mice")


@pytest.fixture
def pdf_project(make_screen_project, tmp_path: Path, qapp):  # type: ignore[no-untyped-def]
    """Four records included at title/abstract; records 1 and 2 have a PDF with known terms."""
    project = make_screen_project([parsed(i, f"Peer roles study number {i} in community services") for i in
                                   range(1, 5)], reviewers=("ana",), required=1,
                                  include_terms=["peer support"], exclude_terms=["mice"])
    for rid in range(1, 5):
        project.screening.decide(rid, "ana", "include")
    for rid in (1, 2):
        pdf = make_pdf(tmp_path / "in" / f"{rid}.pdf", f"Peer roles study number {rid} in community services",
                       body=BODY * 4, paragraphs=20)  # several pages
        project.retrieval.set_retrieval(rid, True, pdf)
    return project


def full_text_view(project: Project, show_view, size: tuple[int, int] = (1280, 800)) -> ScreenView:  # type: ignore[no-untyped-def]
    ws = Workspace(project, "ana")
    ws.stage = FT
    return show_view(ScreenView(ws), size)


def scanned(view: ScreenView) -> None:
    view.full_text.pdf.terms.finish()


def test_the_pdf_is_shown_beside_the_decisions_with_every_term_marked_and_counted(qtbot, pdf_project, show_view) -> None:
    view = full_text_view(pdf_project, show_view)
    panel = view.full_text.pdf
    assert view.full_text.currentWidget() is view.full_text.pdf_page and panel.pages is not None
    assert panel.pages.page_count >= 2 and view.panel.buttons["include"].isVisible()
    scanned(view)
    pages = [panel.pages.text(i) for i in range(panel.pages.page_count)]
    words = sum(len(re.findall(r"peer\s+support", t, re.IGNORECASE)) for t in pages)
    # as written (some across a line break; Qt's printing also repeats a line cut by a page
    # break in the text layer): every one is found...
    assert words >= 2 * 4 * 20
    mice = sum(len(re.findall(r"\bmice\b", t, re.IGNORECASE)) for t in pages)
    assert panel.terms.count("inc") == words and panel.terms.count("exc") == mice >= 4 * 20
    assert f"include {words}" in panel.counts.text() and f"exclude {mice}" in panel.counts.text()
    assert all(hit.rects for hit in panel.terms.hits)  # ...and has a place on its page
    assert "#1" in view.full_text.header.text()  # the record the PDF belongs to


def test_decision_keys_work_while_the_pdf_has_focus(qtbot, pdf_project, show_view, monkeypatch) -> None:
    monkeypatch.setattr(QDialog, "exec", lambda self: (_ for _ in ()).throw(AssertionError("no dialog")))
    view = full_text_view(pdf_project, show_view)
    pdf = view.full_text.pdf.view
    qtbot.mouseClick(pdf.viewport(), Qt.MouseButton.LeftButton, pos=pdf.viewport().rect().center())
    assert QApplication.focusWidget() is pdf
    qtbot.keyClick(pdf, Qt.Key.Key_J)
    assert view.pane.record_id == 2
    qtbot.keyClick(pdf, Qt.Key.Key_K)
    assert view.pane.record_id == 1
    qtbot.keyClick(pdf, Qt.Key.Key_I)
    assert [d.decision for d in pdf_project.screening.decisions_of(1) if d.stage == FT] == ["include"]
    assert view.pane.record_id == 2 and QApplication.focusWidget() is pdf
    qtbot.keyClick(pdf, Qt.Key.Key_E)
    assert view.panel.awaiting_reason
    qtbot.keyClick(pdf, Qt.Key.Key_2)
    assert [d.reason for d in pdf_project.screening.decisions_of(2) if d.stage == FT] == ["Wrong intervention"]
    assert view.panel.reason_prompt.text() == "Exclusion reason: press 1–3"  # no longer asking "why?"
    qtbot.keyClick(pdf, Qt.Key.Key_M)
    assert [d.decision for d in pdf_project.screening.decisions_of(3) if d.stage == FT] == ["maybe"]
    qtbot.keyClick(pdf, Qt.Key.Key_3)
    assert [d.reason for d in pdf_project.screening.decisions_of(4) if d.stage == FT] == ["Wrong study design"]


def test_the_pdf_keys_scroll_jump_between_hits_search_and_zoom(qtbot, pdf_project, show_view) -> None:
    view = full_text_view(pdf_project, show_view)
    panel = view.full_text.pdf
    pdf = panel.view
    pdf.setFocus()
    bar = pdf.verticalScrollBar()
    qtbot.keyClick(pdf, Qt.Key.Key_Down)  # scrolls the PDF; does not move to the next record
    assert bar.value() > 0 and view.pane.record_id == 1
    qtbot.keyClick(pdf, Qt.Key.Key_PageDown)
    qtbot.keyClick(pdf, Qt.Key.Key_Home)
    assert bar.value() == 0
    qtbot.keyClick(pdf, Qt.Key.Key_N)
    first = pdf.current_hit
    assert first is not None and first == panel.terms.hits[0]
    qtbot.keyClick(pdf, Qt.Key.Key_N)
    assert pdf.current_hit == panel.terms.hits[1]
    qtbot.keyClick(pdf, Qt.Key.Key_N, Qt.KeyboardModifier.ShiftModifier)
    assert pdf.current_hit == first
    view.table.setFocus()  # N works from the record list too
    qtbot.keyClick(view.table, Qt.Key.Key_N)
    assert pdf.current_hit == panel.terms.hits[1]
    pdf.setFocus()
    qtbot.keyClick(pdf, Qt.Key.Key_Slash)
    assert panel.find_bar.isVisible() and QApplication.focusWidget() is panel.find_edit
    qtbot.keyClicks(panel.find_edit, "adults in")
    panel._run_find()
    panel.found.finish()
    n = sum(len(re.findall(r"adults\s+in", panel.pages.text(i))) for i in range(panel.pages.page_count))
    assert len(panel.found.hits) == n >= 4 * 20
    qtbot.keyClick(panel.find_edit, Qt.Key.Key_Return)
    assert pdf.current_hit == panel.found.hits[1] and f"2 of {n}" in panel.find_count.text()
    qtbot.keyClick(panel.find_edit, Qt.Key.Key_Escape)
    assert not panel.find_bar.isVisible() and QApplication.focusWidget() is pdf
    fit = pdf.scale()
    qtbot.keyClick(pdf, Qt.Key.Key_Equal, Qt.KeyboardModifier.ControlModifier)
    assert pdf.scale() == pytest.approx(fit * 1.25) and not panel.fit.isChecked()
    qtbot.keyClick(pdf, Qt.Key.Key_0, Qt.KeyboardModifier.ControlModifier)
    assert pdf.scale() == pytest.approx(fit) and panel.fit.isChecked()
    assert view.pane.record_id == 1  # none of these keys moved on


def _drag(widget, start: QPointF, end: QPointF) -> None:  # type: ignore[no-untyped-def]
    for kind, at, buttons in ((QEvent.Type.MouseButtonPress, start, Qt.MouseButton.LeftButton),
                              (QEvent.Type.MouseMove, end, Qt.MouseButton.LeftButton),
                              (QEvent.Type.MouseButtonRelease, end, Qt.MouseButton.NoButton)):
        QApplication.sendEvent(widget, QMouseEvent(kind, at, widget.mapToGlobal(at), Qt.MouseButton.LeftButton,
                                                   buttons, Qt.KeyboardModifier.NoModifier))


def test_text_in_the_pdf_can_be_selected_and_copied(qtbot, pdf_project, show_view) -> None:
    view = full_text_view(pdf_project, show_view)
    panel = view.full_text.pdf
    pdf = panel.view
    scanned(view)
    hit = next(h for h in panel.terms.hits if h.kind == "inc")
    pdf.show_hit(hit)
    r = pdf.viewport_rect_of(hit)
    _drag(pdf.viewport(), QPointF(r.left() + 1, r.center().y()), QPointF(r.right() - 1, r.center().y()))
    assert pdf.selected_text().lower() == "peer support"
    QApplication.clipboard().clear()
    qtbot.keyClick(pdf, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    assert QApplication.clipboard().text().lower() == "peer support"
    qtbot.mouseDClick(pdf.viewport(), Qt.MouseButton.LeftButton, pos=r.center())
    assert pdf.selected_text().lower() in ("peer", "support")


def test_no_pdf_a_missing_pdf_and_a_refused_path_each_say_what_is_wrong(qtbot, pdf_project, show_view) -> None:
    stored = pdf_project.retrieval.pdf(2).path
    stored.unlink()
    with sqlite3.connect(pdf_project.target) as conn:
        conn.execute("UPDATE retrieval SET pdf_path = 'pdf_files/../../../../etc/passwd' WHERE record_id = 1")
    view = full_text_view(pdf_project, show_view)
    panel = view.full_text.pdf
    assert "was refused" in panel.message_text() and "etc/passwd" in panel.message_text()
    qtbot.keyClick(view.table, Qt.Key.Key_J)
    assert "is missing" in panel.message_text()
    qtbot.keyClick(view.table, Qt.Key.Key_J)
    assert "No PDF attached yet" in panel.message_text() and panel.message.folder.isVisible()
    view.panel.not_retrieved.click()  # record 3 leaves the queue; record 4 is shown
    assert view.pane.record_id == 4
    view.filters.set_view("all", "not_retrieved")
    assert view.model.rowCount() == 1 and view.pane.record_id == 3
    assert "Report not retrieved" in panel.message_text()


def test_not_retrieved_leaves_my_queue_counts_as_done_and_can_be_undone(qtbot, pdf_project, show_view) -> None:
    view = full_text_view(pdf_project, show_view)
    qtbot.mouseClick(view.panel.not_retrieved, Qt.MouseButton.LeftButton)
    assert view.pane.record_id == 2 and view.model.row_of(1) < 0
    assert "Done 1 / 4 (25%) · 1 not retrieved" in view.progress_label.text()
    view.filters.set_view("all")
    view.select_row(view.model.row_of(1))
    assert view.panel.not_retrieved.isChecked()
    qtbot.mouseClick(view.panel.not_retrieved, Qt.MouseButton.LeftButton)  # retrieved after all
    assert pdf_project.retrieval.retrieval(1)[0] is True
    view.filters.set_view("my_queue")
    assert view.model.row_of(1) >= 0 and "not retrieved" not in view.progress_label.text()


def test_open_pdf_with_no_viewer_on_the_computer_says_so(qtbot, pdf_project, show_view, monkeypatch) -> None:
    view = full_text_view(pdf_project, show_view)
    opened: list[str] = []
    monkeypatch.setattr("screener.gui.full_text_pane.QDesktopServices.openUrl",
                        lambda url: opened.append(url.toLocalFile()) or True)
    qtbot.mouseClick(view.panel.open_pdf, Qt.MouseButton.LeftButton)
    assert opened == [str(pdf_project.retrieval.pdf(1).path)]
    monkeypatch.setattr("screener.gui.full_text_pane.QDesktopServices.openUrl", lambda url: False)
    qtbot.mouseClick(view.panel.open_pdf, Qt.MouseButton.LeftButton)
    assert "No application to open PDFs" in view.error_label.text()


@pytest.mark.parametrize("reasons", [3, 9])
def test_every_full_text_control_is_in_view_at_1024_by_700(qtbot, make_screen_project, tmp_path, reasons) -> None:  # type: ignore[no-untyped-def]
    from screener.gui.main_window import MainWindow

    project = make_screen_project(4, reviewers=("ana",), required=1)
    project.settings.update(reasons=[f"Reason number {i} with some words" for i in range(1, reasons + 1)],
                            question="Which peer support roles improve recovery in adult mental health services?")
    for rid in range(1, 5):
        project.screening.decide(rid, "ana", "include")
    target = project.target
    project.close()
    window = MainWindow()
    qtbot.addWidget(window)
    window.resize(1024, 700)
    window.show()
    qtbot.waitExposed(window)
    assert window.open_project(target, "ana")
    window.workspace.stage = FT
    screen = window.findChild(ScreenView)
    panel = screen.panel
    scroll = panel.parentWidget().parentWidget()
    qtbot.waitUntil(lambda: scroll.verticalScrollBar().maximum() == 0)
    assert window.width() <= 1024 and window.height() <= 700
    viewport = panel.parentWidget()
    controls = [*panel.buttons.values(), *panel.reason_buttons, panel.not_retrieved, panel.attach_pdf,
                panel.attach_folder, panel.open_pdf, panel.history_button]
    assert len(panel.reason_buttons) == reasons
    for w in controls:
        top_left = w.mapTo(viewport, w.rect().topLeft())
        bottom_right = w.mapTo(viewport, w.rect().bottomRight())
        assert w.isVisible() and viewport.rect().contains(top_left) and viewport.rect().contains(bottom_right), w
    window.close_project()
