"""Screenshots of the Duplicates views in the real app on an X display (run by hand):

    Xvfb :26 -screen 0 1440x900x24 & DISPLAY=:26 openbox &
    DISPLAY=:26 .venv/bin/python tests/bench/screenshots_duplicates.py [--out DIR]

Builds a project from the trap corpus (tests/trap_corpus.py: four databases, notices,
generic titles, ...), imports it batch by batch and deduplicates it as the app does, then
opens the main window and captures the whole screen with ImageMagick's ``import`` (so
the window manager's frame, dialogs and focus are as a user sees them): the queue of
pairs, a merged record inspected, the Unmerge question, the empty state after every
pair is settled, "Mark as duplicate of…" from the Screen tab, and the queue in a small
(1,024 x 700) window.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", type=Path, default=Path("/tmp/shot-duplicates"))
    args = parser.parse_args()
    if not os.environ.get("DISPLAY"):
        raise SystemExit("needs an X display (DISPLAY=:NN), see the module's doc")
    os.environ["XDG_CONFIG_HOME"] = tempfile.mkdtemp()
    args.out.mkdir(parents=True, exist_ok=True)

    from PySide6.QtCore import QTimer
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QMessageBox

    from screener.core.project import Project
    from screener.core.readers import read_file
    from screener.gui.app import create_app
    from screener.gui.duplicates_view import DuplicatesView
    from screener.gui.main_window import MainWindow
    from screener.gui.mark_duplicate_dialog import MarkDuplicateDialog
    from screener.gui.project_pane import ProjectPane
    from screener.types import run_work
    from tests.trap_corpus import build, write

    folder = Path(tempfile.mkdtemp(prefix="screener-dup-shots-"))
    write(build(14), folder / "exports")
    target = folder / "aHUS.screener"
    with Project.create(target, title="Complement inhibitors in aHUS",
                        include_criteria=["Atypical haemolytic uraemic syndrome"]) as project:
        project.settings.add_reviewer("ana")
        for database in ("pubmed", "embase", "scopus", "wos"):
            result = read_file(folder / "exports" / f"{database}.ris")
            run_work(project.imports.store_batch([result], source=database))
            run_work(project.dedup.run())

    app = create_app()
    window = MainWindow()
    window.resize(1440, 900)
    window.show()
    window.open_project(str(target), reviewer="ana")

    def settle() -> None:
        """Wait for the counts in the header and tabs, made in the background."""
        QTest.qWait(300)
        pane = window.findChild(ProjectPane)
        for _ in range(100):
            if pane is None or not (pane._counting or pane._timer.isActive()):
                break
            QTest.qWait(100)
        QTest.qWait(200)

    def shoot(name: str) -> None:
        settle()
        path = args.out / name
        subprocess.run(["import", "-window", "root", str(path)], check=True)
        print("wrote", path)

    def view() -> DuplicatesView:
        found = window.findChild(DuplicatesView)
        assert found is not None
        return found

    def run() -> None:
        window.show_view("duplicates")
        shoot("duplicates_queue.png")
        dups = view()
        dups.merged_table.setCurrentIndex(dups.merged_model.index(0, 0))
        shoot("duplicates_merged.png")

        def answer() -> None:
            shoot("duplicates_unmerge_question.png")
            box = app.activeModalWidget()
            if isinstance(box, QMessageBox):
                box.reject()

        QTimer.singleShot(600, answer)
        dups.unmerge_selected()
        settle()
        dups.reject_spin.setValue(0.99)
        dups.reject_below()  # every pair settled: the empty state
        shoot("duplicates_empty.png")
        dups.undo()

        window.show_view("screen")
        settle()

        def pick() -> None:
            dialog = app.activeModalWidget()
            if isinstance(dialog, MarkDuplicateDialog):
                dialog.search.setText("statistics")
                dialog.run_search()
                shoot("mark_duplicate_of.png")
                dialog.reject()

        QTimer.singleShot(600, pick)
        from screener.gui import mark_duplicate_dialog
        from screener.gui.screen_view import ScreenView

        screen = window.findChild(ScreenView)
        mark_duplicate_dialog.mark_current(screen)
        window.show_view("duplicates")
        window.resize(1024, 700)
        shoot("duplicates_small_window.png")
        app.quit()

    QTimer.singleShot(1500, run)
    app.exec()


if __name__ == "__main__":
    main()
