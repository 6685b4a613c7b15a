"""Others' work arrives live: a real second process (the ``screener`` command) decides and
resolves on the same PostgreSQL project while the window is open, and within 2 s the
window shows it: the affected rows only (the list is never reset), the Conflicts badge, the
team's progress and PRISMA. The same for two windows on one project file."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

from PySide6.QtCore import Qt

from screener.core.project import Project
from screener.gui.main_window import MainWindow
from tests.factories import add_batch, make_record, new_project

pytest_plugins = ["tests.gui.shell_support"]
LIVE_MS = 2000  # the promise: within 2 s


def cli(*args: str) -> float:
    """Run the screener command as a second client would; the time its work was committed."""
    done = subprocess.run([sys.executable, "-m", "screener", *args], capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    return time.perf_counter()


def open_as(qtbot, window: MainWindow, target: str, reviewer: str):  # type: ignore[no-untyped-def]
    assert window.open_project(target, reviewer)
    qtbot.waitUntil(lambda: window.workspace is not None and window.live is not None
                    and window.live.cursor is not None, timeout=20000)
    return window.pane.views["screen"]


def tab_title(window: MainWindow, key: str) -> str:
    return window.pane.tabs.tabText(window.pane.tabs.indexOf(window.pane.views[key]))


def resets_of(model) -> list[int]:  # type: ignore[no-untyped-def]
    seen: list[int] = []
    model.modelAboutToBeReset.connect(lambda: seen.append(1))
    return seen


def test_another_reviewers_decisions_and_resolution_arrive_within_2_s(qtbot, window, postgres,
                                                                       tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    url = postgres.new_database()
    with new_project(url, reviewers=("ana", "bob")) as p:
        p.settings.add_reviewer("carla", "resolver")
        add_batch(p, [make_record(i) for i in range(1, 9)], tmp=tmp_path)
    screen = open_as(qtbot, window, url, "ana")
    screen.table.setFocus()
    qtbot.keyClick(screen.table, Qt.Key.Key_I)  # ana includes #1 (blind: bob's not yet there)
    qtbot.keyClick(screen.table, Qt.Key.Key_I)  # and #2
    assert screen.current_id() == 3
    resets = resets_of(screen.model)
    qtbot.waitUntil(lambda: "Conflicts" == tab_title(window, "conflicts"), timeout=5000)

    committed = cli("decide", url, "1", "exclude", "--reviewer", "bob")
    conflicts = window.pane.views["conflicts"]
    # the badge (from the counts) and the list (from the changed rows) each arrive by then
    qtbot.waitUntil(lambda: tab_title(window, "conflicts") == "Conflicts (1)"
                    and [c.record_id for c in conflicts.model.rows] == [1], timeout=LIVE_MS)
    assert time.perf_counter() - committed < LIVE_MS / 1000
    qtbot.waitUntil(lambda: window.pane.header.team_label.text() == "Team 1 / 8 complete",
                    timeout=LIVE_MS)

    cli("decide", url, "2", "include", "--reviewer", "bob")  # they agree: no conflict
    qtbot.waitUntil(lambda: window.pane.header.team_label.text() == "Team 2 / 8 complete",
                    timeout=LIVE_MS)
    assert tab_title(window, "conflicts") == "Conflicts (1)"

    window.show_view("prisma")
    prisma = window.pane.views["prisma"]
    screened = prisma.counts.get("records_screened")
    cli("resolve", url, "1", "exclude", "--reviewer", "carla")
    qtbot.waitUntil(lambda: tab_title(window, "conflicts") == "Conflicts"
                    and [r.record_id for r in conflicts.resolved_model.rows] == [1], timeout=LIVE_MS)
    assert conflicts.model.rows == []
    qtbot.waitUntil(lambda: prisma.counts.get("records_screened") != screened, timeout=LIVE_MS)
    assert screen.current_id() == 3  # the record being read never moved
    assert resets == []  # rows updated in place: the list was never reset


def test_records_another_reviewer_decides_leave_my_queue_but_the_one_i_read_stays(
        qtbot, window, postgres, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    url = postgres.new_database()
    with new_project(url, reviewers=("ana", "bob"), per_record=1) as p:  # single screening
        add_batch(p, [make_record(i) for i in range(1, 9)], tmp=tmp_path)
    screen = open_as(qtbot, window, url, "ana")
    assert screen.model.ids == list(range(1, 9)) and screen.current_id() == 1
    resets = resets_of(screen.model)
    arrived: list[frozenset[int]] = []  # after the screen's own handler (connected first)
    window.workspace.records_changed.connect(lambda c: arrived.append(c.record_ids))
    cli("decide", url, "4", "exclude", "--reviewer", "bob")
    qtbot.waitUntil(lambda: 4 not in screen.model.ids, timeout=LIVE_MS)
    assert screen.model.ids == [1, 2, 3, 5, 6, 7, 8]
    cli("decide", url, "1", "include", "--reviewer", "bob")  # the record ana is reading
    qtbot.waitUntil(lambda: window.pane.header.team_label.text() == "Team 2 / 8 complete",
                    timeout=LIVE_MS)
    # the list has taken in bob's decision on #1 while ana still reads it
    qtbot.waitUntil(lambda: any(1 in ids for ids in arrived), timeout=LIVE_MS)
    assert screen.current_id() == 1 and 1 in screen.model.ids  # not pulled from under her
    assert screen.pane.record_id == 1
    qtbot.keyClick(screen.table, Qt.Key.Key_J)
    assert screen.current_id() == 2
    bulk = tmp_path / "bob.csv"
    bulk.write_text("record_id,reviewer,stage,decision,reason,note\n"
                    "6,bob,title_abstract,exclude,,\n7,bob,title_abstract,include,,\n",
                    encoding="utf-8")
    cli("decide", url, "--from-csv", str(bulk))  # bob decides in bulk
    qtbot.waitUntil(lambda: 6 not in screen.model.ids and 7 not in screen.model.ids,
                    timeout=LIVE_MS)
    with Project.open(url) as bobs_laptop:  # bob undoes his last decision: #7 comes back
        bobs_laptop.screening.undo_last("bob")
    qtbot.waitUntil(lambda: 7 in screen.model.ids, timeout=LIVE_MS)
    assert screen.model.ids == [1, 2, 3, 5, 7, 8]  # at its place
    assert screen.current_id() == 2
    assert resets == []


def test_two_windows_on_one_project_file_see_each_other(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "shared.screener"
    with new_project(str(path), reviewers=("ana", "bob"), per_record=1) as p:
        add_batch(p, [make_record(i) for i in range(1, 7)], tmp=tmp_path)
    windows = []
    for _ in ("ana", "bob"):
        w = MainWindow()
        qtbot.addWidget(w)
        w.show()
        windows.append(w)
    try:
        ana = open_as(qtbot, windows[0], str(path), "ana")
        bob = open_as(qtbot, windows[1], str(path), "bob")
        windows[1].activateWindow()
        bob.table.setFocus()
        qtbot.keyClick(bob.table, Qt.Key.Key_E)  # bob excludes #1, ana's current record
        qtbot.keyClick(bob.table, Qt.Key.Key_E)  # and #2
        decided = time.perf_counter()
        qtbot.waitUntil(lambda: 2 not in ana.model.ids, timeout=LIVE_MS)
        assert time.perf_counter() - decided < LIVE_MS / 1000
        assert ana.current_id() == 1
        qtbot.waitUntil(lambda: windows[0].pane.header.team_label.text() == "Team 2 / 6 complete",
                        timeout=LIVE_MS)
    finally:
        for w in windows:
            w.close_project()
