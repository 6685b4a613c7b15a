"""The import dialog's form as a reviewer fills it: a search date typed as digits, a date
that cannot be read, a format chosen by hand that wins over what the file looks like, and a
file none of whose records can be read, explained record by record."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from screener.gui.date_field import parse_date
from tests.gui.test_shell_import import choose_files, open_dialog

DATA = Path(__file__).resolve().parents[1] / "data"
pytest_plugins = ["tests.gui.shell_support"]


def _one_column_csv(tmp_path: Path) -> Path:
    # a header without a delimiter, and a title holding a RIS line: it looks like RIS
    path = tmp_path / "titles.txt"
    path.write_text('title\n"Peer roles\nTY  - JOUR\nin mental health"\nSecond title\n', encoding="utf-8")
    return path


def test_a_search_date_typed_as_digits_is_kept(qtbot, monkeypatch, shell_workspace, tmp_path):  # type: ignore[no-untyped-def]
    ws = shell_workspace
    choose_files(monkeypatch, [_one_column_csv(tmp_path)])
    dialog, _tasks, messages = open_dialog(qtbot, ws)
    qtbot.mouseClick(dialog.add_files_button, Qt.MouseButton.LeftButton)
    dialog.source_combo.setEditText("Hand search")
    dialog.format_combo.setCurrentIndex(dialog.format_combo.findData("csv"))  # the reviewer knows
    dialog.date_edit.edit.clear()
    qtbot.keyClicks(dialog.date_edit.edit, "20261115")
    assert dialog.date_edit.date().toString("yyyy-MM-dd") == "2026-11-15"
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: any("Imported 2 records" in m for m in messages), timeout=15000)
    [batch] = ws.project.imports.batches()
    assert batch.search_date == "2026-11-15"
    titles = sorted(r.title for r in ws.project.records.listing())
    assert titles == ["Peer roles TY - JOUR in mental health", "Second title"]  # read as CSV, as chosen


def test_a_date_that_cannot_be_read_is_said_and_nothing_is_imported(qtbot, monkeypatch, shell_workspace, tmp_path):  # type: ignore[no-untyped-def]
    ws = shell_workspace
    choose_files(monkeypatch, [_one_column_csv(tmp_path)])
    dialog, _tasks, _messages = open_dialog(qtbot, ws)
    qtbot.mouseClick(dialog.add_files_button, Qt.MouseButton.LeftButton)
    dialog.source_combo.setEditText("Hand search")
    dialog.date_edit.edit.setText("2026-02-30")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert "search date" in dialog.status_label.text()
    assert dialog.isVisible() and ws.project.imports.batches() == []


def test_dates_are_read_year_first_in_the_forms_people_type() -> None:
    for text in ("2026-11-15", "20261115", "2026/11/15", "2026.11.15", " 2026-11-15 ", "2026-11-5"):
        assert parse_date(text).isValid(), text
    assert parse_date("20261115").toString("yyyy-MM-dd") == "2026-11-15"
    for text in ("", "15/11/2026", "2026111", "2026-13-01", "2026-02-30", "yesterday"):
        assert not parse_date(text).isValid(), text


def test_a_file_whose_every_record_is_skipped_is_explained(qtbot, monkeypatch, shell_workspace, tmp_path):  # type: ignore[no-untyped-def]
    ws = shell_workspace
    broken = tmp_path / "broken.csv"
    broken.write_bytes(b"title,abstract\nBad \x00 title,text\nAlso \x00 bad,text\n")
    choose_files(monkeypatch, [broken])
    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda parent, title, text, *a, **k: shown.append(text))
    dialog, _tasks, _messages = open_dialog(qtbot, ws)
    qtbot.mouseClick(dialog.add_files_button, Qt.MouseButton.LeftButton)
    dialog.source_combo.setEditText("Scopus")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(shown), timeout=15000)
    assert "broken.csv, line 2: record 1 skipped: row holds binary data" in shown[0]
    assert "broken.csv, line 3: record 2 skipped" in shown[0]


def test_an_ovid_psycinfo_export_is_recognised_by_its_records(qtbot, monkeypatch, shell_workspace, tmp_path):  # type: ignore[no-untyped-def]
    # The file's name says nothing; every record says "DB  - APA PsycInfo <…>".
    export = tmp_path / "export (3).ris"
    export.write_bytes((DATA / "ris" / "cff_psychInfo_ovid__citation-file-formatting.ris").read_bytes())
    choose_files(monkeypatch, [export])
    dialog, _tasks, _messages = open_dialog(qtbot, shell_workspace)
    qtbot.mouseClick(dialog.add_files_button, Qt.MouseButton.LeftButton)
    assert dialog.source_combo.currentText() == "PsycINFO"
    assert dialog.kind_combo.currentData() == "database"
