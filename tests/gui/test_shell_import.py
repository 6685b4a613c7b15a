"""Importing through the import dialog: real files, real widgets, background work."""

from __future__ import annotations

import shutil
import statistics
import threading
import time
from pathlib import Path

from PySide6.QtCore import QElapsedTimer, Qt, QTimer
from PySide6.QtWidgets import QFileDialog, QMessageBox

from screener.gui.heap import settle_heap
from screener.gui.import_dialog import ImportDialog, start_import
from screener.gui.progress import ProgressPanel
from tests.gui.shell_data import SCOPUS_RIS, SEED_RIS, write_generated_ris

pytest_plugins = ["tests.gui.shell_support"]


def choose_files(monkeypatch, paths: list[Path]) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(QFileDialog, "getOpenFileNames",
                        lambda *a, **k: ([str(p) for p in paths], ""))


def open_dialog(qtbot, workspace) -> tuple[ImportDialog, ProgressPanel, list[str]]:  # type: ignore[no-untyped-def]
    tasks = ProgressPanel(workspace.runner)
    qtbot.addWidget(tasks)
    messages: list[str] = []
    workspace.message.connect(lambda text, _ms: messages.append(text))
    dialog = start_import(workspace, None, tasks)
    qtbot.addWidget(dialog)
    return dialog, tasks, messages


def test_import_a_ris_file_as_a_batch_then_dedup_runs(qtbot, monkeypatch, shell_workspace):  # type: ignore[no-untyped-def]
    ws = shell_workspace
    choose_files(monkeypatch, [SCOPUS_RIS])
    dialog, tasks, messages = open_dialog(qtbot, ws)
    changed: list[int] = []
    ws.data_changed.connect(lambda: changed.append(1))

    qtbot.mouseClick(dialog.add_files_button, Qt.MouseButton.LeftButton)
    assert dialog.paths() == [str(SCOPUS_RIS)]
    assert dialog.source_combo.currentText() == "Scopus"  # guessed from the file name
    assert dialog.kind_combo.currentData() == "database"
    dialog.search_edit.setPlainText('TITLE-ABS-KEY("peer support")')
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)

    qtbot.waitUntil(lambda: any("Duplicates:" in m for m in messages), timeout=15000)
    assert not dialog.isVisible()
    [batch] = ws.project.imports.batches()
    assert (batch.source, batch.kind, batch.records, batch.files) == (
        "Scopus", "database", 10, [SCOPUS_RIS.name])
    assert batch.search_string == 'TITLE-ABS-KEY("peer support")'
    assert batch.search_date == dialog.date_edit.date().toString("yyyy-MM-dd")
    assert len(changed) >= 2  # after storing, and again after finding duplicates
    assert "Imported 10 records into batch 1" in messages[-1]
    qtbot.waitUntil(lambda: not tasks.isVisible())


def test_a_file_that_is_not_a_bibliography_changes_nothing(qtbot, monkeypatch, shell_workspace, tmp_path):  # type: ignore[no-untyped-def]
    ws = shell_workspace
    notes = tmp_path / "meeting-notes.txt"
    notes.write_text("Agenda\n1. search strategy\n2. screening pilot\n", encoding="utf-8")
    choose_files(monkeypatch, [SCOPUS_RIS, notes])
    warnings: list[tuple[str, str]] = []
    monkeypatch.setattr(QMessageBox, "warning",
                        lambda parent, title, text, *a, **k: warnings.append((title, text)))
    dialog, _tasks, _messages = open_dialog(qtbot, ws)
    qtbot.mouseClick(dialog.add_files_button, Qt.MouseButton.LeftButton)
    dialog.source_combo.setEditText("Scopus")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)

    qtbot.waitUntil(lambda: bool(warnings), timeout=10000)
    title, text = warnings[0]
    assert "meeting-notes.txt" in text and "not a recognised" in text
    assert "Traceback" not in text
    assert ws.project.imports.batches() == []
    assert ws.project.records.counts("title_abstract")["total"] == 0
    assert dialog.isVisible() and dialog.form.isEnabled() and dialog.ok_button.isEnabled()
    assert dialog.status_label.text() == "Nothing was imported."


def test_skipped_records_are_listed_and_the_reviewer_decides(qtbot, monkeypatch, shell_workspace, tmp_path):  # type: ignore[no-untyped-def]
    ws = shell_workspace
    broken = tmp_path / "scopus-with-a-broken-record.ris"
    shutil.copy(SCOPUS_RIS, broken)
    with broken.open("a", encoding="utf-8") as f:
        f.write("\nAU  - Nobody, N.\nTI  - A block without a type\nER  - \n")
    choose_files(monkeypatch, [broken])
    questions: list[str] = []
    answers = [QMessageBox.StandardButton.No, QMessageBox.StandardButton.Yes]
    monkeypatch.setattr(QMessageBox, "question",
                        lambda parent, title, text, *a, **k: questions.append(text) or answers.pop(0))
    dialog, _tasks, messages = open_dialog(qtbot, ws)
    qtbot.mouseClick(dialog.add_files_button, Qt.MouseButton.LeftButton)

    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)  # answered No
    qtbot.waitUntil(lambda: dialog.status_label.text() == "Nothing was imported.", timeout=10000)
    assert "line 503" in questions[0] and "no TY line" in questions[0]
    assert "Import 10 records and skip 1?" in questions[0]
    assert ws.project.imports.batches() == []

    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)  # answered Yes
    qtbot.waitUntil(lambda: any("Duplicates:" in m for m in messages), timeout=15000)
    [batch] = ws.project.imports.batches()
    assert batch.records == 10


def test_cancel_while_storing_leaves_no_batch(qtbot, monkeypatch, shell_workspace, tmp_path):  # type: ignore[no-untyped-def]
    ws = shell_workspace
    big = write_generated_ris(tmp_path / "pubmed-big.ris", 12000)  # three chunks of storing
    gate = threading.Event()
    import_files = ws.project.imports.import_files

    def held_after_first_chunk(*args, **kwargs):  # type: ignore[no-untyped-def]
        work = import_files(*args, **kwargs)
        yield next(work)  # the first chunk is written inside the open transaction
        gate.wait(10)  # ...and stays there until the test has pressed Cancel
        return (yield from work)

    monkeypatch.setattr(ws.project.imports, "import_files", held_after_first_chunk)
    choose_files(monkeypatch, [big])
    dialog, _tasks, _messages = open_dialog(qtbot, ws)
    qtbot.mouseClick(dialog.add_files_button, Qt.MouseButton.LeftButton)
    assert dialog.source_combo.currentText() == "PubMed"
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)

    qtbot.waitUntil(lambda: dialog.progress.label.text().startswith("Importing"), timeout=10000)
    assert dialog.progress.isVisible() and not dialog.form.isEnabled()
    qtbot.mouseClick(dialog.progress.cancel_button, Qt.MouseButton.LeftButton)
    gate.set()
    qtbot.waitUntil(lambda: "cancelled" in dialog.status_label.text(), timeout=10000)

    assert ws.project.imports.batches() == []
    assert ws.project.records.counts("title_abstract")["total"] == 0
    assert dialog.isVisible() and dialog.form.isEnabled()


def test_the_window_stays_responsive_during_a_large_import(qtbot, monkeypatch, shell_workspace, tmp_path):  # type: ignore[no-untyped-def]
    ws = shell_workspace
    big = write_generated_ris(tmp_path / "embase-export.ris", 3000)
    choose_files(monkeypatch, [big])
    dialog, tasks, messages = open_dialog(qtbot, ws)
    qtbot.mouseClick(dialog.add_files_button, Qt.MouseButton.LeftButton)

    ticks: list[int] = []
    clock = QElapsedTimer()
    timer = QTimer()
    timer.setInterval(10)
    timer.timeout.connect(lambda: ticks.append(clock.elapsed()))
    settle_heap()  # as the app does once a project is open
    clock.start()
    timer.start()
    started = time.monotonic()
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: any("Duplicates:" in m for m in messages), timeout=60000)
    timer.stop()
    elapsed = time.monotonic() - started

    assert ws.project.imports.batches()[0].records == 3000
    gaps = [b - a for a, b in zip(ticks, ticks[1:], strict=False)]
    # The event loop kept turning throughout: at about its 10 ms pace (not in bursts), and
    # never stopped for long. (A blocked loop shows one gap as long as the whole import.)
    assert len(ticks) >= 10
    assert statistics.median(gaps) < 50
    assert max(gaps) < max(500, elapsed * 1000 / 3)


def test_add_files_to_an_existing_batch(qtbot, monkeypatch, shell_workspace):  # type: ignore[no-untyped-def]
    ws = shell_workspace
    from screener.types import run_work

    run_work(ws.project.imports.import_files([SCOPUS_RIS], source="Scopus",
                                             search_date="2024-05-01", search_string="peer"))
    [batch] = ws.project.imports.batches()
    choose_files(monkeypatch, [SEED_RIS])
    tasks = ProgressPanel(ws.runner)
    qtbot.addWidget(tasks)
    dialog = start_import(ws, None, tasks, batch)
    qtbot.addWidget(dialog)
    assert dialog.windowTitle() == "Add files to batch 1"
    assert not dialog.source_combo.isEnabled() and dialog.source_combo.currentText() == "Scopus"
    assert dialog.date_edit.date().toString("yyyy-MM-dd") == "2024-05-01"
    qtbot.mouseClick(dialog.add_files_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.report is not None, timeout=10000)

    [batch] = ws.project.imports.batches()
    assert batch.files == [SCOPUS_RIS.name, SEED_RIS.name]
    assert batch.records == 11
    qtbot.waitUntil(lambda: not tasks.busy, timeout=10000)
