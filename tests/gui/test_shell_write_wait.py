"""A window opened on a project while another process imports into it: it opens and
shows the records; a decision waits for the import, saying so in the status bar, and is
saved when the import ends."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, QTimer

from screener.core.project import Project
from screener.types import run_work
from tests.long_imports import ImportInAnotherWindow, write_export

pytest_plugins = ["tests.gui.shell_support"]

RIS = Path(__file__).parent.parent / "data" / "ris" / "lens_baseline__asreview.ris"


def test_a_decision_during_an_import_in_another_window_waits_and_says_so(qtbot, window, shell_project, tmp_path):  # type: ignore[no-untyped-def]
    with Project.open(shell_project) as p:
        run_work(p.imports.import_files([RIS], source="Lens"))
    other = ImportInAnotherWindow(shell_project, write_export(tmp_path / "big.ris", 80_000))
    try:
        other.wait_until_storing()
        other.hold()
        assert window.open_project(str(shell_project), "ana")  # opening needs no write lock
        view = window.pane.views["screen"]
        qtbot.waitUntil(lambda: view.model.rowCount() == 100)
        first = view.pane.record_id
        seen: list[str] = []

        def while_waiting() -> None:  # runs while the key press below waits
            message = window.statusBar().currentMessage()
            if not message.startswith("Waiting"):
                QTimer.singleShot(50, while_waiting)
                return
            seen.append(message)
            other.go_on()

        QTimer.singleShot(0, while_waiting)
        qtbot.keyClick(view.table, Qt.Key.Key_I)  # returns once the decision is saved
        assert seen == ["Waiting for an import in another window to finish…"]
        assert [d.decision for d in window.workspace.project.screening.decisions_of(first)] == ["include"]
        assert window.statusBar().currentMessage() == f"Included #{first} — Ctrl+Z to undo"
        other.finish()
    finally:
        other.kill()
    assert [b.records for b in window.workspace.project.imports.batches()] == [100, 80_000]
