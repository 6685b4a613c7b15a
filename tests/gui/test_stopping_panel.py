"""The "When can I stop?" panel: its figures with how each was computed, the random sample
and its next record, and a stop recorded (and withdrawn) from the panel."""

from __future__ import annotations

from PySide6.QtWidgets import QInputDialog, QMessageBox

from screener.gui.context import Workspace
from screener.gui.stopping_panel import StoppingPanel

pytest_plugins = ["tests.gui.shell_support"]


def _panel(qtbot, project) -> StoppingPanel:  # type: ignore[no-untyped-def]
    ws = Workspace(project, "ana")
    panel = StoppingPanel(ws)
    qtbot.addWidget(panel)
    panel.resize(420, 700)
    panel.show()
    qtbot.waitUntil(lambda: panel.figures is not None, timeout=10000)
    return panel


def _wait_for(qtbot, panel: StoppingPanel, test) -> None:  # type: ignore[no-untyped-def]
    """Wait for a computation that shows what ``test`` checks (the panel recomputes after a change)."""
    qtbot.waitUntil(lambda: panel.figures is not None and not panel._busy and test(panel.figures),
                    timeout=10000)


def test_the_panel_shows_each_figure_with_how_it_was_computed(qtbot, make_screen_project):  # type: ignore[no-untyped-def]
    project = make_screen_project(20, reviewers=("ana",), required=1)
    project.screening.decide(1, "ana", "include")
    for rid in range(2, 6):
        project.screening.decide(rid, "ana", "exclude")
    panel = _panel(qtbot, project)
    assert "4 consecutive irrelevant" in panel.streak.text()
    assert "25.0%" in panel.share.text()
    assert "5 of 20 records screened" in panel.share_how.text()
    assert "not estimated yet" in panel.remaining.text()
    assert "Hypergeometric" not in panel.sample_how.text()  # no sample: nothing claimed
    assert "K = " in panel.ranked_how.text() and "p = " in panel.ranked_how.text()
    assert "156 - min(1, 150)" in panel.knee_how.text()
    assert "☐ 2. Screen with the model" in panel.safe.text()
    assert not panel.next_button.isEnabled()
    assert not panel.withdraw_button.isEnabled()
    panel.help_button.click()  # the methods, cited, and where a rule fell short of its target
    dialog = panel.help_dialog
    assert dialog is not None
    from PySide6.QtWidgets import QTextBrowser

    text = dialog.findChild(QTextBrowser).toPlainText()
    assert "Callaghan MW, Müller-Hansen F." in text and "Cormack GV" in text and "Boetje J" in text
    assert "STOPPED BELOW ITS 95% TARGET on Cohen_2006_Antihistamines" in text
    assert "only just: it stopped at exactly 95.0% recall" in text
    dialog.close()


def test_drawing_the_sample_then_screening_it_in_order_gives_the_estimate(qtbot, make_screen_project):  # type: ignore[no-untyped-def]
    project = make_screen_project(30, reviewers=("ana",), required=1)
    project.screening.decide(1, "ana", "include")
    panel = _panel(qtbot, project)
    panel.draw_sample()
    _wait_for(qtbot, panel, lambda f: f.sample is not None)
    queue = project.stopping.sample_queue()
    assert panel.figures.sample.next_record_id == queue[0]
    assert panel.next_button.isEnabled()
    with qtbot.waitSignal(panel.go_to_record) as sent:
        panel.next_button.click()
    assert sent.args == [queue[0]]
    for rid in queue[:10]:
        project.screening.decide(rid, "ana", "exclude")
    panel.workspace.data_changed.emit()
    _wait_for(qtbot, panel, lambda f: f.sample.screened == 10)
    assert "Hypergeometric(N=29, K=" in panel.sample_how.text()
    assert "About 0.0 relevant records remain" in panel.remaining.text()


def test_a_stop_recorded_from_the_panel_is_shown_and_can_be_withdrawn(qtbot, make_screen_project, monkeypatch):  # type: ignore[no-untyped-def]
    project = make_screen_project(12, reviewers=("ana",), required=1)
    project.screening.decide(1, "ana", "include")
    panel = _panel(qtbot, project)
    monkeypatch.setattr(QInputDialog, "getItem", lambda *a, **k: (a[3][-1], True))  # "judgement: ..."
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("agreed at the meeting", True))
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    panel.record_stop()
    _wait_for(qtbot, panel, lambda f: f.stop is not None)
    assert panel.stopped.isVisible()
    assert "by ana (method: judgement)" in panel.stopped.text() and "11 records" in panel.stopped.text()
    assert project.prisma.counts()["excluded_automatic"] == 11
    assert not panel.stop_button.isEnabled()
    panel.withdraw()
    _wait_for(qtbot, panel, lambda f: f.stop is None)
    assert not panel.stopped.isVisible()
    assert [d.action for d in project.stopping.decisions()] == ["stop", "withdraw"]


def test_review_menu_shows_the_panel_beside_the_tabs(qtbot, window, shell_project):  # type: ignore[no-untyped-def]
    assert window.open_project(str(shell_project), "ana")
    assert window.menus.stopping.isEnabled()
    window.menus.stopping.trigger()
    qtbot.waitUntil(lambda: window.stopping.dock.isVisible())
    panel = window.stopping.panel
    assert panel is not None
    qtbot.waitUntil(lambda: panel.figures is not None, timeout=10000)
    assert "0 of 0 records screened" in panel.share_how.text()
