"""Unexpected errors: a calm dialog that names the log, the traceback in the log."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QPushButton

from screener.gui.errors import install_error_hook, log_file, report_error
from screener.types import ScreenerError, run_work
from tests.gui.shell_data import SCOPUS_RIS

pytest_plugins = ["tests.gui.shell_support"]


@pytest.mark.qt_no_exception_capture
def test_an_error_in_a_slot_shows_a_dialog_and_is_logged(qtbot, monkeypatch, window, shell_project):  # type: ignore[no-untyped-def]
    shown: list[tuple[str, str]] = []
    monkeypatch.setattr(QMessageBox, "critical",
                        lambda parent, title, text, *a, **k: shown.append((title, text)))
    assert window.open_project(str(shell_project))
    ws = window.workspace
    run_work(ws.project.imports.import_files([SCOPUS_RIS], source="Scopus"))
    record = ws.project.records.ids("title_abstract")[0]
    ws.project.screening.decide(record, "ana", "include")

    reporter = install_error_hook(window)
    try:
        button = QPushButton("Broken")
        qtbot.addWidget(button)
        button.clicked.connect(lambda: 1 / 0)
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    finally:
        reporter.uninstall()

    [(title, text)] = shown
    assert title == "Unexpected problem"
    assert "division by zero" in text and str(log_file()) in text
    assert "Traceback" not in text and "File \"" not in text
    logged = log_file().read_text(encoding="utf-8")
    assert "Traceback" in logged and "ZeroDivisionError: division by zero" in logged
    # the session goes on, and the decision made before the error is kept
    assert window.isVisible() and window.workspace is ws
    assert ws.project.records.counts("title_abstract", "ana")["decided_by_me"] == 1


def test_a_user_error_is_shown_as_its_message(qtbot, monkeypatch):  # type: ignore[no-untyped-def]
    warned: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda p, t, text, *a, **k: warned.append(text))
    report_error(None, ScreenerError("unknown reviewer 'zoe'"), "Decide")
    assert warned == ["unknown reviewer 'zoe'"]


def test_errors_from_background_work_are_logged(qtbot, monkeypatch):  # type: ignore[no-untyped-def]
    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "critical", lambda p, t, text, *a, **k: shown.append(text))
    try:
        raise OSError("No space left on device")
    except OSError as e:
        report_error(None, e, "Export")
    assert "No space left on device" in shown[0]
    assert "OSError: No space left on device" in log_file().read_text(encoding="utf-8")
