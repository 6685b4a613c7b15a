"""Screenshots of the screening views on the demo project, offscreen (run by hand):

    .venv/bin/python tests/bench/screenshots_screening.py [--out resources/screenshots] [--scale 1]

Builds the demo project in a temporary folder, makes decisions through the services as two
reviewers would, and grabs each view to PNG.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

OUT = Path(__file__).resolve().parents[2] / "resources" / "screenshots"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument("--scale", default="1")
    args = parser.parse_args()
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    os.environ["QT_SCALE_FACTOR"] = args.scale
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication

    app = QApplication(sys.argv[:1])
    from screener.core.demo import ensure_demo_project
    from screener.core.project import Project
    from screener.gui.conflicts_view import ConflictsView
    from screener.gui.context import Workspace
    from screener.gui.duplicates_view import DuplicatesView
    from screener.gui.prisma_view import PrismaView
    from screener.gui.screen_view import ScreenView

    args.out.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix="screener-shots-"))
    project = Project.open(ensure_demo_project(tmp))
    ids = project.records.ids("title_abstract", sort="id")
    # two reviewers, blind: they agree on most records and disagree on a few
    for i, rid in enumerate(ids[:40]):
        ana = "include" if i % 3 == 0 else "exclude"
        ben = ana if i % 7 else ("exclude" if ana == "include" else "maybe")
        project.screening.decide(rid, "ana", ana, note="Check the search dates" if i == 7 else "")
        project.screening.decide(rid, "ben", ben)
    included = project.records.ids("title_abstract", status="included")
    for i, rid in enumerate(included[:6]):
        project.screening.decide(rid, "ana", "include" if i % 2 else "exclude", stage="full_text",
                                 reason="" if i % 2 else "Wrong study design")
    for merged in project.dedup.merged()[:4]:  # put a few real duplicates back up for review
        project.dedup.unmerge(merged.record_id)
        project.dedup.reset_pair(merged.record_id, merged.canonical_id)
    project.prisma.set_manual("excluded_automatic", 12)

    def shoot(widget, name: str, size: tuple[int, int] = (1440, 900)) -> None:  # type: ignore[no-untyped-def]
        widget.resize(*size)
        widget.show()
        widget.activateWindow()
        for _ in range(30):
            app.processEvents()
        widget.grab().save(str(args.out / name))
        print("wrote", args.out / name)

    ws = Workspace(project, "ana")
    screen = ScreenView(ws)
    screen.resize(1440, 900)
    screen.show()
    screen.activateWindow()
    for _ in range(20):
        app.processEvents()
    for key in (Qt.Key.Key_E, Qt.Key.Key_I, Qt.Key.Key_E):
        QTest.keyClick(screen.table, key)
    shoot(screen, "screen_title_abstract.png")
    screen.close()

    # screen_full_text.png (the PDF beside the decisions) is taken in a real window by
    # tests/bench/screenshots_full_text.py.

    conflicts = ConflictsView(Workspace(project, "carla"))
    shoot(conflicts, "conflicts.png")
    conflicts.close()
    duplicates = DuplicatesView(Workspace(project, "ana"))
    shoot(duplicates, "duplicates.png")
    duplicates.close()
    prisma = PrismaView(Workspace(project, "ana"))
    shoot(prisma, "prisma_tab.png", (1440, 1000))
    project.close()


if __name__ == "__main__":
    main()
