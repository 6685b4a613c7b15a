"""The Team tab (progress per reviewer, Assign records…), importing a search update
through the import dialog, the updated-review PRISMA with the title/abstract reasons
table, labels and required reasons in Settings, and the export choices."""

from __future__ import annotations

import re
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog, QMessageBox

from screener.gui import export_actions
from screener.gui.assign_dialog import AssignDialog
from screener.gui.context import Workspace
from screener.gui.import_dialog import start_import
from screener.gui.prisma_view import PrismaView
from screener.gui.progress import ProgressPanel
from screener.gui.settings_view import SettingsView
from screener.gui.team_view import TeamView
from screener.types import run_work
from tests.gui.shell_data import DATA, ZOTERO_RIS

pytest_plugins = ["tests.gui.shell_support"]
LENS = DATA / "ris" / "lens_baseline__asreview.ris"


def first_search(tmp_path: Path, n: int = 60) -> Path:
    text = LENS.read_text(encoding="utf-8-sig")
    records = [r for r in re.split(r"(?m)^ER  -.*$", text) if r.strip()][:n]
    path = tmp_path / "lens_first.ris"
    path.write_text("".join(r.strip("\r\n") + "\r\nER  - \r\n\r\n" for r in records), encoding="utf-8")
    return path


def team_workspace(qtbot, shell_workspace, tmp_path):  # type: ignore[no-untyped-def]
    p = shell_workspace.project
    for name in ("ben", "cara", "dan"):
        p.settings.add_reviewer(name)
    run_work(p.imports.import_files([first_search(tmp_path)], source="Lens", search_date="2024-01-10"))
    return shell_workspace


def test_assigning_from_the_team_tab_shares_the_records_and_shows_progress(
        qtbot, monkeypatch, shell_workspace, tmp_path):  # type: ignore[no-untyped-def]
    ws = team_workspace(qtbot, shell_workspace, tmp_path)
    view = TeamView(ws)
    qtbot.addWidget(view)
    view.show()
    qtbot.waitUntil(lambda: view.team is not None)
    assert "No records are assigned" in view.summary.text()

    def fill_and_accept(dialog: AssignDialog) -> int:
        dialog.per_record.setCurrentIndex(dialog.per_record.findData(2))
        dialog.overlap.setValue(10)
        dialog.seed.setValue(11)
        assert "60 undecided records: 6 screened by all 4 reviewers" in dialog.preview.text()
        return 1

    monkeypatch.setattr(AssignDialog, "exec", fill_and_accept)
    qtbot.mouseClick(view.assign_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: view.team is not None and view.team.allocated)
    rows = {r.name: r for r in view.team.reviewers}
    assert sum(r.assigned for r in rows.values()) == 6 * 4 + 54 * 2
    assert all(r.queue == r.assigned for r in rows.values())
    assert view.cell(0, 2) == f"{rows['ana'].assigned:,}"
    ws.project.screening.decide(ws.project.records.ids(view="my_queue", reviewer="ana")[0], "ana", "include")
    ws.data_changed.emit()
    qtbot.waitUntil(lambda: view.team is not None and view.team.reviewers[0].decided == 1)
    assert view.team.reviewers[0].queue == rows["ana"].assigned - 1

    def refuse(dialog: AssignDialog) -> int:  # a reviewer who decided is left out: refused, said why
        for check in dialog.reviewer_checks:
            check.setChecked(check.property("reviewer") in ("ben", "cara"))
        return 1

    warned: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda _w, _t, text: warned.append(text))
    monkeypatch.setattr(AssignDialog, "exec", refuse)
    qtbot.mouseClick(view.assign_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(warned))
    assert "already decided by ana" in warned[0] and view.assign_button.isEnabled()


def test_an_update_import_through_the_dialog_links_screened_records(
        qtbot, monkeypatch, shell_workspace, tmp_path):  # type: ignore[no-untyped-def]
    ws = team_workspace(qtbot, shell_workspace, tmp_path)
    for rid in ws.project.records.ids()[:10]:
        ws.project.screening.decide(rid, "ana", "exclude")
    tasks = ProgressPanel(ws.runner)
    qtbot.addWidget(tasks)
    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "open", lambda box: shown.append(box.text()))
    monkeypatch.setattr(QFileDialog, "getOpenFileNames", lambda *a, **k: ([str(ZOTERO_RIS)], ""))
    dialog = start_import(ws, None, tasks)
    qtbot.addWidget(dialog)
    assert dialog.update_check.isVisibleTo(dialog)
    qtbot.mouseClick(dialog.add_files_button, Qt.MouseButton.LeftButton)
    dialog.source_combo.setEditText("Lens")
    dialog.update_check.setChecked(True)
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(shown), timeout=20000)
    assert "Update 1: 100 records imported" in shown[0]
    assert "40 new records reach the queue" in shown[0]
    assert "60 were already in the project" in shown[0] and "10 of them already screened" in shown[0]
    batches = ws.project.imports.batches()
    assert [b.update_round for b in batches] == [0, 1]


def test_prisma_tab_follows_the_update_and_shows_the_title_abstract_reasons(
        qtbot, shell_workspace, tmp_path):  # type: ignore[no-untyped-def]
    ws = team_workspace(qtbot, shell_workspace, tmp_path)
    p = ws.project
    ids = p.records.ids()
    for rid in ids[:3]:
        p.screening.decide(rid, "ana", "exclude", reason="Wrong outcome")
    p.screening.decide(ids[3], "ana", "include")
    p.screening.decide(ids[3], "ana", "include", stage="full_text")
    run_work(p.imports.import_files([ZOTERO_RIS], source="Lens", update=True))
    view = PrismaView(ws)
    qtbot.addWidget(view)
    view.show()
    assert view.updated.isChecked()  # the project holds an update
    assert view.counts["previous_studies"] == 1 and view.counts["database_results"] == 100
    assert not view.spins["previous_studies"].isEnabled()
    assert "Update 1" in view.update_label.text()
    view.updated.setChecked(False)  # the whole review instead
    assert view.counts["database_results"] == 160
    assert view.ta_reasons_label.isVisibleTo(view)
    assert "Wrong outcome" in view.ta_reasons_label.text()
    assert "Wrong outcome" not in view.svg  # PRISMA boxes give reasons only at full text


def test_settings_keep_labels_and_the_required_reason(qtbot, monkeypatch, shell_workspace):  # type: ignore[no-untyped-def]
    view = SettingsView(shell_workspace)
    qtbot.addWidget(view)
    view.labels_edit.setPlainText("RCT\nAdults\nRCT")
    view.ta_reason_check.setChecked(True)
    view.save()
    p = shell_workspace.project
    assert p.labels.labels() == ["RCT", "Adults"] and p.settings.info().ta_reason_required
    run_work(p.imports.import_files([first_search(Path(p.target).parent, 3)],
                                    source="Lens"))
    p.labels.toggle(1, "ana", "Adults")
    asked: list[str] = []
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: asked.append(a[2]) or QMessageBox.StandardButton.No)
    view.labels_edit.setPlainText("RCT")
    view.save()
    assert asked and "Adults (1 records)" in asked[0]
    assert p.labels.labels() == ["RCT", "Adults"]  # not saved: the reviewer said no


def test_export_choices_carry_their_options(qtbot, monkeypatch, shell_workspace, tmp_path):  # type: ignore[no-untyped-def]
    ws: Workspace = shell_workspace
    run_work(ws.project.imports.import_files([first_search(tmp_path, 5)], source="Lens"))
    excel = export_actions.FILTERS["csv_excel"]
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(tmp_path / "out.csv"), excel))
    path, fmt = export_actions.choose_target(None, ws, "all")  # type: ignore[arg-type,misc]
    assert fmt == "csv_excel"
    assert run_work(export_actions.export_work(ws.project, "all", fmt, path, "title_abstract")) == 5
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")
    marked = export_actions.FILTERS["ris_decisions"]
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(tmp_path / "out.ris"), marked))
    path, fmt = export_actions.choose_target(None, ws, "all")  # type: ignore[arg-type,misc]
    run_work(export_actions.export_work(ws.project, "all", fmt, path, "title_abstract"))
    assert "N1  - Screener | title/abstract: no final decision yet" in path.read_text(encoding="utf-8")


def test_every_field_of_the_import_dialog_is_reached_by_its_key(qtbot, shell_workspace):  # type: ignore[no-untyped-def]
    from PySide6.QtWidgets import QApplication

    tasks = ProgressPanel(shell_workspace.runner)
    qtbot.addWidget(tasks)
    dialog = start_import(shell_workspace, None, tasks)
    qtbot.addWidget(dialog)
    qtbot.waitExposed(dialog)
    dialog.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog)
    for key, widget in ((Qt.Key.Key_D, dialog.date_edit.edit), (Qt.Key.Key_S, dialog.source_combo),
                        (Qt.Key.Key_K, dialog.kind_combo)):
        qtbot.keyClick(dialog, key, Qt.KeyboardModifier.AltModifier)
        assert QApplication.focusWidget() is widget or widget.isAncestorOf(QApplication.focusWidget())
