"""The PRISMA tab: live counts, the updated-review variant, hand-entered boxes, exports."""

from __future__ import annotations

import csv
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QImage

from screener.core.project import Project
from screener.gui.context import Workspace
from screener.gui.prisma_view import PrismaView


def reviewed(make_screen_project) -> Project:  # type: ignore[no-untyped-def]
    project = make_screen_project(10, reviewers=("ana",), required=1)
    for rid in range(1, 5):
        project.screening.decide(rid, "ana", "exclude")
    for rid in range(5, 9):
        project.screening.decide(rid, "ana", "include")
    project.screening.decide(5, "ana", "include", stage="full_text")
    project.screening.decide(6, "ana", "exclude", stage="full_text", reason="Wrong population")
    return project


def test_the_diagram_shows_the_counts_and_follows_the_data(qtbot, make_screen_project, show_view):
    project = reviewed(make_screen_project)
    view = show_view(PrismaView(Workspace(project, "ana")))
    c = view.counts
    assert (c["database_results"], c["records_screened"], c["records_excluded"], c["dbr_sought_reports"],
            c["dbr_assessed"], c["new_studies"]) == (10, 8, 4, 4, 2, 1)
    svg = view.svg
    assert "Records screened" in svg and "(n = 8)" in svg and "Wrong population" in svg
    assert view.pending_label.text() == "Pending: 2 records at title/abstract, 2 reports at full text."
    assert view.diagram.renderer().isValid()

    project.screening.decide(9, "ana", "exclude")
    view.workspace.data_changed.emit()  # as the screen does after a decision
    assert view.counts["records_excluded"] == 5
    assert "Pending: 1 record at title/abstract" in view.pending_label.text()

    assert "Previous studies" not in view.svg
    qtbot.mouseClick(view.updated, Qt.MouseButton.LeftButton)
    assert "Previous studies" in view.svg


def test_hand_entered_boxes_are_saved_and_marked(qtbot, make_screen_project, show_view):
    project = reviewed(make_screen_project)
    view = show_view(PrismaView(Workspace(project, "ana")))
    spin = view.spins["excluded_automatic"]
    assert spin.value() == -1 and spin.text() == "not entered"
    spin.setValue(37)
    view.save_manual()  # (the view saves a moment after the last change)
    counts = project.prisma.counts()
    assert counts["excluded_automatic"] == 37 and counts["manual"] == ["excluded_automatic"]
    assert "†" in view.svg
    spin.setValue(-1)
    qtbot.waitUntil(lambda: project.prisma.counts()["manual"] == [], timeout=3000)


def test_exports_svg_png_pdf_and_the_prisma2020_csv(qtbot, make_screen_project, show_view, tmp_path, monkeypatch):
    project = reviewed(make_screen_project)
    view = show_view(PrismaView(Workspace(project, "ana")))
    targets = {kind: tmp_path / f"flow.{kind}" for kind in ("svg", "png", "pdf", "csv")}
    monkeypatch.setattr(view, "_ask_save_path", lambda kind: str(targets[kind]))
    for kind, button in view.export_buttons.items():
        with qtbot.waitSignal(view.exported, timeout=20000) as written:  # PNG and PDF: on a worker
            qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
        assert written.args == [str(targets[kind])]
        assert targets[kind].is_file() and targets[kind].stat().st_size > 0, kind
    assert targets["svg"].read_text(encoding="utf-8") == view.svg
    image = QImage(str(targets["png"]))
    assert abs(image.dotsPerMeterX() - 300 / 0.0254) < 2  # 300 dpi
    assert targets["pdf"].read_bytes().startswith(b"%PDF")
    with open(targets["csv"], encoding="utf-8", newline="") as f:
        n = {row["data"]: row["n"] for row in csv.DictReader(f)}
    assert n["records_screened"] == "8" and n["records_excluded"] == "4"
    assert n["dbr_excluded"] == "Wrong population, 1"


def test_a_cancelled_save_writes_nothing(qtbot, make_screen_project, show_view, monkeypatch, tmp_path):
    project = reviewed(make_screen_project)
    view = show_view(PrismaView(Workspace(project, "ana")))
    monkeypatch.setattr(view, "_ask_save_path", lambda kind: "")
    assert view.export("png") is None
    assert list(Path(tmp_path).glob("*.png")) == []


def test_png_and_pdf_are_drawn_off_the_gui_thread(qtbot, make_screen_project, show_view, tmp_path, monkeypatch):
    # Drawing a 300 dpi PDF's text on the GUI thread left Qt's font cache there giving every
    # menu and drop-down microscopic labels until restart (screenshots in the issue 15 notes).
    import threading

    from screener.gui import prisma_view

    project = reviewed(make_screen_project)
    view = show_view(PrismaView(Workspace(project, "ana")))
    monkeypatch.setattr(view, "_ask_save_path", lambda kind: str(tmp_path / f"flow.{kind}"))
    threads: list[bool] = []
    draw = prisma_view.save_diagram

    def watched(svg: str, out: Path) -> Path:
        threads.append(threading.current_thread() is threading.main_thread())
        return draw(svg, out)

    monkeypatch.setattr(prisma_view, "save_diagram", watched)
    for kind in ("pdf", "png"):
        with qtbot.waitSignal(view.exported, timeout=20000):
            view.export(kind)
    assert threads == [False, False]
    assert (tmp_path / "flow.pdf").read_bytes().startswith(b"%PDF")
