"""The server goes away in the middle of a session (the real PostgreSQL server is stopped,
then started again): a decision made meanwhile is never dropped in silence. The reviewer is
told it is not saved, the record stays, and the decision is saved once the server is back,
exactly once; or, if it can no longer be saved, the reviewer is told why."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from screener.core import credentials
from screener.core.project import Project
from screener.types import ConnectionLost
from tests.team_server import PASSWORD, TeamServer

pytest_plugins = ["tests.gui.shell_support", "tests.gui.team_support"]


def events_of(url: str, record_id: int) -> list[tuple[str, str]]:
    with Project.open(url, password=PASSWORD) as p:
        return [(e.kind, e.reviewer) for e in p.history.history(record_id) if e.kind != "import"]


def test_services_say_the_server_is_gone_and_work_again_when_it_is_back(
        team_server: TeamServer) -> None:
    c = team_server.new_project("lost_core")
    with Project.open(c.url, password=PASSWORD) as p:
        p.screening.decide(1, "ana", "include")
        team_server.server.halt()
        try:
            try:
                p.screening.decide(2, "ana", "include")
                raise AssertionError("a decision claimed to be saved with the server stopped")
            except ConnectionLost as e:
                assert "the server cannot be reached, so this was not saved" in str(e)
            try:
                p.records.ids()
                raise AssertionError("a read claimed to work with the server stopped")
            except ConnectionLost as e:  # a read says the server is away, not "not saved"
                assert "not saved" not in str(e)
        finally:
            team_server.server.resume()
        p.screening.decide(2, "ana", "exclude")  # the pool reconnects by itself
        assert [d.decision for d in p.screening.decisions_of(2)] == ["exclude"]


def test_a_decision_made_while_the_server_is_stopped_is_saved_when_it_is_back(
        qtbot, window, team_server: TeamServer, file_keyring, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    c = team_server.new_project("lost_gui")
    credentials.save_to_keyring(c, PASSWORD)
    assert window.open_project(c.url, "ana")
    qtbot.waitUntil(lambda: window.live is not None and window.live.cursor is not None, timeout=20000)
    ws, screen = window.workspace, window.pane.views["screen"]
    screen.table.setFocus()
    qtbot.keyClick(screen.table, Qt.Key.Key_I)  # #1, saved
    assert screen.current_id() == 2
    qtbot.waitUntil(lambda: screen.pane.record_id == 2 and not screen._announce_timer.isActive())

    team_server.server.halt()
    try:
        qtbot.waitUntil(lambda: window.pane.banner.isVisible(), timeout=5000)
        assert "server cannot be reached" in window.pane.banner.text()
        qtbot.keyClick(screen.table, Qt.Key.Key_E)  # #2, while the server is down
        assert screen.error_label.text().startswith("Not saved: the server cannot be reached.")
        assert "(exclude) on #2 is kept" in screen.error_label.text()
        assert screen.current_id() == 2 and 2 in screen.model.ids  # the record stays
        assert len(ws.unsaved) == 1
        assert "1 decision(s) wait to be saved" in window.pane.banner.text()
        qtbot.keyClick(screen.table, Qt.Key.Key_I)  # she changes her mind: the later one waits
        assert [u.decision for u in ws.unsaved.waiting] == ["include"]

        asked: list[str] = []
        monkeypatch.setattr(QMessageBox, "warning",
                            lambda *a, **k: asked.append(a[2]) or QMessageBox.StandardButton.Cancel)
        assert not window.close_project()  # closing now would lose it: she is asked first
        assert "1 decision(s) could not be saved" in asked[0]
        assert window.workspace is ws
    finally:
        team_server.server.resume()

    qtbot.waitUntil(lambda: not ws.unsaved, timeout=10000)
    qtbot.waitUntil(lambda: not window.pane.banner.isVisible(), timeout=5000)
    assert 2 not in screen.model.ids  # saved: it has left her queue
    assert "Saved your decision (include) on #2" in window.statusBar().currentMessage()
    assert screen.error_label.isHidden()
    assert events_of(c.url, 2) == [("decision", "ana")]  # exactly once
    qtbot.keyClick(screen.table, Qt.Key.Key_E)  # and screening goes on as before
    assert events_of(c.url, 3) == [("decision", "ana")]


def test_a_waiting_decision_that_can_no_longer_be_saved_is_said_and_its_record_stays(
        qtbot, window, team_server: TeamServer, file_keyring) -> None:  # type: ignore[no-untyped-def]
    c = team_server.new_project("lost_refused")
    credentials.save_to_keyring(c, PASSWORD)
    assert window.open_project(c.url, "ana")
    qtbot.waitUntil(lambda: window.live is not None and window.live.cursor is not None, timeout=20000)
    ws, screen, live = window.workspace, window.pane.views["screen"], window.live
    screen.table.setFocus()
    qtbot.keyClick(screen.table, Qt.Key.Key_J)  # to #2
    qtbot.waitUntil(lambda: screen.pane.record_id == 2)
    team_server.server.halt()
    try:
        qtbot.waitUntil(lambda: not ws.online, timeout=5000)
        qtbot.keyClick(screen.table, Qt.Key.Key_I)
        assert len(ws.unsaved) == 1
        live._timer.stop()  # hold the retry until the other client has acted
        qtbot.waitUntil(lambda: not live._busy, timeout=5000)
    finally:
        team_server.server.resume()
    with Project.open(c.url, password=PASSWORD) as other:  # meanwhile: #2 is a duplicate of #1
        other.dedup.mark(1, 2, True, reviewer="bob")
    live.poll_now()
    qtbot.waitUntil(lambda: not ws.unsaved, timeout=10000)
    said = screen.error_label.text()
    assert "(include) on #2, made while the server could not be reached, was not saved" in said
    assert "duplicate" in said
    assert events_of(c.url, 2)[-1][0] == "merge"  # nothing of hers was written


def test_a_view_that_cannot_read_while_the_server_is_away_raises_no_dialog(qtbot, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from screener.gui.errors import ErrorReporter

    shown: list[object] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda *a, **k: shown.append(a))
    monkeypatch.setattr(QMessageBox, "critical", lambda *a, **k: shown.append(a))
    reporter = ErrorReporter()
    error = ConnectionLost("the server cannot be reached (Connection refused)")
    reporter.handle(ConnectionLost, error, None)
    assert shown == []  # the banner already says it; a dialog per view would bury the window
