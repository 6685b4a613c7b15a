"""The Batches tab: what was imported, adding to a batch, deleting an unscreened one."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from screener.gui.batches_view import BatchesView
from screener.types import run_work
from tests.gui.shell_data import SCOPUS_RIS, SEED_RIS

pytest_plugins = ["tests.gui.shell_support"]


def import_batch(ws, path, source):  # type: ignore[no-untyped-def]
    report = run_work(ws.project.imports.import_files(
        [path], source=source, search_date="2024-03-01", search_string=f"{source} search"))
    ws.data_changed.emit()
    return report


def cell(view: BatchesView, row: int, col: int) -> str:
    return str(view.table.model().index(row, col).data())


def test_an_empty_project_teaches_what_to_do(qtbot, shell_workspace):  # type: ignore[no-untyped-def]
    view = BatchesView(shell_workspace)
    qtbot.addWidget(view)
    assert view.stack.currentIndex() == 0
    assert "Import" in view.stack.currentWidget().text()
    assert not view.add_button.isEnabled() and not view.delete_button.isEnabled()


def test_batches_are_listed_with_their_search(qtbot, shell_workspace):  # type: ignore[no-untyped-def]
    view = BatchesView(shell_workspace)
    qtbot.addWidget(view)
    import_batch(shell_workspace, SCOPUS_RIS, "Scopus")
    import_batch(shell_workspace, SEED_RIS, "Embase")

    assert view.stack.currentIndex() == 1
    assert view.model.rowCount() == 2
    assert [cell(view, 0, c) for c in range(7)] == [
        "1", "Scopus", "Database", "2024-03-01", SCOPUS_RIS.name, "10", "0"]
    assert cell(view, 1, 1) == "Embase" and cell(view, 1, 5) == "1"
    view.table.selectRow(0)
    assert view.search_text.toPlainText() == "Scopus search"
    assert view.delete_button.isEnabled()


def test_delete_a_batch_after_confirming(qtbot, monkeypatch, shell_workspace):  # type: ignore[no-untyped-def]
    view = BatchesView(shell_workspace)
    qtbot.addWidget(view)
    import_batch(shell_workspace, SCOPUS_RIS, "Scopus")
    import_batch(shell_workspace, SEED_RIS, "Embase")
    asked: list[str] = []
    answer = [QMessageBox.StandardButton.No]
    monkeypatch.setattr(QMessageBox, "question",
                        lambda parent, title, text, *a, **k: asked.append(text) or answer[0])
    view.table.selectRow(0)

    qtbot.mouseClick(view.delete_button, Qt.MouseButton.LeftButton)  # No: nothing happens
    assert "Delete batch 1 (Scopus) and its 10 records?" in asked[0]
    assert len(shell_workspace.project.imports.batches()) == 2

    answer[0] = QMessageBox.StandardButton.Yes
    qtbot.mouseClick(view.delete_button, Qt.MouseButton.LeftButton)
    assert [b.source for b in shell_workspace.project.imports.batches()] == ["Embase"]
    assert view.model.rowCount() == 1 and cell(view, 0, 1) == "Embase"
    assert shell_workspace.project.records.counts("title_abstract")["total"] == 1


def test_a_screened_batch_cannot_be_deleted(qtbot, shell_workspace):  # type: ignore[no-untyped-def]
    view = BatchesView(shell_workspace)
    qtbot.addWidget(view)
    import_batch(shell_workspace, SCOPUS_RIS, "Scopus")
    first = shell_workspace.project.records.ids("title_abstract")[0]
    shell_workspace.project.screening.decide(first, "ana", "include")
    shell_workspace.data_changed.emit()

    view.table.selectRow(0)
    assert cell(view, 0, 6) == "1"
    assert not view.delete_button.isEnabled()
    assert "cannot be deleted" in view.hint.text()
    assert view.add_button.isEnabled()


def test_the_buttons_ask_the_window_to_import(qtbot, shell_workspace):  # type: ignore[no-untyped-def]
    view = BatchesView(shell_workspace)
    qtbot.addWidget(view)
    import_batch(shell_workspace, SCOPUS_RIS, "Scopus")
    requests: list[object] = []
    view.import_requested.connect(requests.append)
    view.table.selectRow(0)
    qtbot.mouseClick(view.import_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(view.add_button, Qt.MouseButton.LeftButton)
    assert requests[0] is None
    assert requests[1].id == 1 and requests[1].source == "Scopus"
