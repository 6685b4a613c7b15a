"""Empty states that teach, and decisions that survive a crash."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

from PySide6.QtCore import Qt

from screener.gui.context import Workspace
from screener.gui.screen_view import ScreenView

READ_DECISIONS = textwrap.dedent("""
    import json, sys
    from screener.core.project import Project
    p = Project.open(sys.argv[1])
    print(json.dumps([[d.record_id, d.reviewer, d.decision] for r in (1, 2, 3)
                      for d in p.screening.decisions_of(r)]))
""")


def decisions_seen_by_another_process(path: str) -> list[list[object]]:
    out = subprocess.run([sys.executable, "-c", READ_DECISIONS, path], capture_output=True, text=True,
                         timeout=60, check=True)
    return json.loads(out.stdout)


def test_an_empty_project_says_to_import_first(qtbot, make_screen_project, show_view):
    project = make_screen_project([], reviewers=("ana",))
    view = show_view(ScreenView(Workspace(project, "ana")))
    assert view.empty_text().startswith("Import a search export to start (File ▸ Import…)")
    assert not view.panel.buttons["include"].isEnabled()
    qtbot.keyClick(view.table, Qt.Key.Key_I)  # nothing to decide, nothing happens
    assert view.error_label.isHidden()


def test_an_empty_queue_says_why(qtbot, make_screen_project, show_view):
    project = make_screen_project(2, reviewers=("ana", "ben"), required=2)
    view = show_view(ScreenView(Workspace(project, "ana")))
    qtbot.keyClick(view.table, Qt.Key.Key_I)
    qtbot.keyClick(view.table, Qt.Key.Key_E)
    assert view.empty_text().startswith("Waiting for the other reviewer: 2 records")
    for rid in (1, 2):
        project.screening.decide(rid, "ben", "include")
    view.workspace.data_changed.emit()  # another view or window changed the data
    assert view.empty_text().startswith("All done at this stage")

    single = make_screen_project(1, reviewers=("ana",), required=1, name="single.screener")
    solo = show_view(ScreenView(Workspace(single, "ana")))
    qtbot.keyClick(solo.table, Qt.Key.Key_M)
    assert solo.empty_text().startswith("All done at this stage")


def test_a_decision_is_on_disk_when_the_key_press_returns(qtbot, make_screen_project, show_view):
    project = make_screen_project(3, reviewers=("ana",), required=1)
    view = show_view(ScreenView(Workspace(project, "ana")))
    qtbot.keyClick(view.table, Qt.Key.Key_E)
    # the app is still running, nothing was closed or flushed: another process sees it
    assert decisions_seen_by_another_process(project.target) == [[1, "ana", "exclude"]]


CRASHING_SESSION = textwrap.dedent("""
    import os, signal, sys
    os.environ["QT_QPA_PLATFORM"] = "offscreen"
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication
    from screener.core.project import Project
    from screener.gui.context import Workspace
    from screener.gui.screen_view import ScreenView
    app = QApplication([])
    view = ScreenView(Workspace(Project.open(sys.argv[1]), "ana"))
    view.show()
    view.activateWindow()
    for _ in range(50):
        app.processEvents()
    QTest.keyClick(view.table, Qt.Key.Key_I)
    QTest.keyClick(view.table, Qt.Key.Key_E)
    os.kill(os.getpid(), signal.SIGKILL)  # the app dies right after the key presses
""")


def test_decisions_survive_the_app_being_killed(make_screen_project, tmp_path):
    project = make_screen_project(3, reviewers=("ana",), required=1)
    project.close()
    done = subprocess.run([sys.executable, "-c", CRASHING_SESSION, project.target], capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == -9, done.stderr
    assert decisions_seen_by_another_process(project.target) == [[1, "ana", "include"], [2, "ana", "exclude"]]


def test_the_log_is_folded_into_the_project_file_in_the_background(qtbot, make_screen_project, show_view, tmp_path):
    from screener.gui.screen_actions import CHECKPOINT_EVERY

    project = make_screen_project(CHECKPOINT_EVERY + 2, reviewers=("ana",), required=1)
    view = show_view(ScreenView(Workspace(project, "ana")))
    for _ in range(CHECKPOINT_EVERY):
        qtbot.keyClick(view.table, Qt.Key.Key_I)
    qtbot.waitUntil(lambda: not view._checkpointing, timeout=10000)
    assert view.workspace.runner.wait(10000)
    # the main file alone, without its write-ahead log, already holds every decision
    alone = tmp_path / "alone.screener"
    alone.write_bytes(open(project.target, "rb").read())
    out = subprocess.run([sys.executable, "-c", READ_DECISIONS, str(alone)], capture_output=True, text=True,
                         timeout=60, check=True)
    assert json.loads(out.stdout) == [[1, "ana", "include"], [2, "ana", "include"], [3, "ana", "include"]]
