"""Counts read as English: "1 pair", "2 pairs", "1 batch", "1,204 records", across views."""

from __future__ import annotations

from PySide6.QtCore import Qt

from screener.gui.context import Workspace
from screener.gui.plural import plural
from screener.gui.screen_view import ScreenView
from tests.gui.shell_data import SCOPUS_RIS
from tests.gui.test_shell_batches import import_batch


def test_plural_forms_and_thousands() -> None:
    assert plural(0, "{n} pair", "{n} pairs") == "0 pairs"
    assert plural(1, "{n} pair", "{n} pairs") == "1 pair"
    assert plural(2, "{n} batch", "{n} batches") == "2 batches"
    assert plural(1204, "{n} record", "{n} records") == "1,204 records"


def test_one_batch_is_one_batch(qtbot, shell_workspace):  # type: ignore[no-untyped-def]
    from screener.gui.batches_view import BatchesView

    view = BatchesView(shell_workspace)
    qtbot.addWidget(view)
    import_batch(shell_workspace, SCOPUS_RIS, "Scopus")
    view.refresh()
    assert view.summary_label.text().startswith("1 batch · ")
    assert view.summary_label.text().endswith(" records imported")


def test_waiting_for_one_record(qtbot, make_screen_project, show_view):  # type: ignore[no-untyped-def]
    project = make_screen_project(1, reviewers=("ana", "ben"), required=2)
    view = show_view(ScreenView(Workspace(project, "ana")))
    qtbot.keyClick(view.table, Qt.Key.Key_I)
    assert view.empty_text().startswith("Waiting for the other reviewer: 1 record")
    assert "1 records" not in view.empty_text()
