"""Full-text actions in the GUI: attaching a folder of PDFs off the GUI thread (progress,
Cancel, the result of every file), the once-only question about the old default reason,
and a long title at title/abstract that must not push the abstract out of a small window."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from PySide6.QtWidgets import QMessageBox

from screener.gui.attach_folder_dialog import AttachFolderDialog
from screener.gui.context import Workspace
from screener.gui.legacy_reason_dialog import ask_legacy_reason
from screener.gui.screen_view import ScreenView
from tests.gui.conftest import parsed
from tests.pdf_factory import make_pdf, make_scanned_pdf

FIXTURES = Path(__file__).parent.parent / "data" / "projects"
TITLES = ["Peer support workers in community mental health teams", "Recovery colleges and personal recovery",
          "Lived experience practitioners in acute psychiatry"]


def folder_project(make_screen_project, tmp_path: Path):  # type: ignore[no-untyped-def]
    project = make_screen_project([parsed(i, t, doi=f"10.1000/r.{i}") for i, t in enumerate(TITLES, 1)],
                                  reviewers=("ana",), required=1)
    for rid in (1, 2, 3):
        project.screening.decide(rid, "ana", "include")
    storage = tmp_path / "Zotero" / "storage"
    make_pdf(storage / "A1" / "one.pdf", TITLES[0], dois=("10.1000/r.1",))
    make_pdf(storage / "B2" / "two.pdf", TITLES[1])
    make_scanned_pdf(storage / "C3" / "scan.pdf")
    for i in range(6):  # enough files for the reading processes
        make_pdf(storage / f"D{i}" / f"other{i}.pdf", f"An unrelated report number {i} on something else")
    return project, storage


def test_attaching_a_folder_runs_off_the_gui_thread_and_reports_every_file(qtbot, make_screen_project, tmp_path,
                                                                          qapp) -> None:  # type: ignore[no-untyped-def]
    project, storage = folder_project(make_screen_project, tmp_path)
    ws = Workspace(project, "ana")
    ws.stage = "full_text"
    dialog = AttachFolderDialog(ws, folder=str(storage.parent))
    qtbot.addWidget(dialog)
    dialog.show()
    with qtbot.waitSignal(dialog.attached_some, timeout=120_000):
        dialog.start()
        assert dialog.progress.busy and dialog.progress.cancel_button.isEnabled()  # the window stays usable
    assert dialog.report is not None and dialog.report.attached == 2
    assert "9 PDFs: 2 attached, 0 matched but not attached, 0 ambiguous, 7 unmatched" in dialog.summary.text()
    rows = dialog.model.rows
    assert [r.result for r in rows].count("attached") == 2 and len(rows) == 9
    assert {(r.record, r.by) for r in rows if r.result == "attached"} == {("#1", "DOI"), ("#2", "title")}
    assert any("no text" in r.note for r in rows if r.file.endswith("scan.pdf"))
    assert project.retrieval.pdf(1) is not None and project.retrieval.pdf(3) is None


def test_cancelling_a_folder_attaches_nothing(qtbot, make_screen_project, tmp_path, qapp) -> None:  # type: ignore[no-untyped-def]
    project, storage = folder_project(make_screen_project, tmp_path)
    for i in range(30):  # a folder big enough to cancel in the middle
        shutil.copy(storage / "D0" / "other0.pdf", storage / "D0" / f"copy{i}.pdf")
    ws = Workspace(project, "ana")
    dialog = AttachFolderDialog(ws, folder=str(storage))
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.start()
    qtbot.waitUntil(lambda: dialog.progress.bar.maximum() > 0, timeout=60_000)
    dialog.progress.cancel()
    qtbot.waitUntil(lambda: not dialog.progress.busy, timeout=60_000)
    assert dialog.summary.text() == "Cancelled: nothing was attached."
    assert all(project.retrieval.pdf(rid) is None for rid in (1, 2, 3))


def test_the_old_default_reason_is_asked_about_once(qtbot, tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from screener.core.project import Project

    path = tmp_path / "old.screener"
    path.write_bytes((FIXTURES / "schema_0002.screener").read_bytes())
    project = Project.open(path)
    ws = Workspace(project, "ana")
    asked: list[str] = []

    def answer(box: QMessageBox) -> int:
        asked.append(box.text())
        box.buttons()[0].click()  # "Count as not retrieved"
        return 0

    monkeypatch.setattr(QMessageBox, "exec", answer)
    assert ask_legacy_reason(None or ScreenView(ws), ws) is True  # type: ignore[arg-type]
    assert "Not available in full text" in asked[0]
    assert "Not available in full text" not in project.settings.reasons()
    assert ask_legacy_reason(ScreenView(ws), ws) is None and len(asked) == 1  # never again
    project.close()


def test_a_long_title_does_not_push_the_abstract_out_of_a_1024_by_700_window(qtbot, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from screener.gui.main_window import MainWindow
    from tests.factories import add_batch, make_record, new_project

    long_title = ("Effectiveness of peer support workers, lived experience practitioners and recovery coaches "
                  "on personal recovery, hope, empowerment and readmission in adults with severe mental illness "
                  "in community and inpatient services: a systematic review and meta-analysis of randomised "
                  "controlled trials")
    project = new_project(str(tmp_path / "r.screener"), reviewers=("ana",), per_record=1)
    add_batch(project, [make_record(1, title=long_title, abstract="ABSTRACT-STARTS-HERE and goes on. " * 30,
                                    authors=[f"Author{i}, A." for i in range(8)]),
                        make_record(2, title="Peer support: a short title", abstract="ABSTRACT-STARTS-HERE " * 30)],
              tmp=tmp_path)
    project.close()
    window = MainWindow()
    qtbot.addWidget(window)
    window.resize(1024, 700)
    window.show()
    qtbot.waitExposed(window)
    assert window.open_project(str(tmp_path / "r.screener"), "ana")
    view = window.findChild(ScreenView)
    browser = view.pane.browser
    qtbot.waitUntil(lambda: view.pane.record_id == 1)

    def abstract_top() -> int:
        return browser.cursorRect(browser.document().find("ABSTRACT-STARTS-HERE")).top()

    lines = browser.viewport().height() - abstract_top()
    assert lines > 4 * browser.fontMetrics().lineSpacing()  # several lines of the abstract above the fold
    view.select_row(1)
    assert view.pane.record_id == 2
    sizes = [float(x) for x in re.findall(r"font-size:([\d.]+)pt; font-weight:600",
                                                           view.pane.record_html(view.pane._last))]
    long_sizes = [float(x) for x in re.findall(
        r"font-size:([\d.]+)pt; font-weight:600", view.pane.record_html(project_detail(window, 1)))]
    assert long_sizes[0] < sizes[0]  # a short title keeps its full size; the long one is smaller
    window.close_project()


def project_detail(window, rid: int):  # type: ignore[no-untyped-def]
    return window.workspace.project.records.detail(rid)
