"""Grab the main window on the demo project (offscreen) for the README:

    .venv/bin/python tests/bench/screenshot_main_window.py

Writes /tmp/shot/main_screen.png, main_prisma.png and main_conflicts.png.
"""
import os
import tempfile

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ["XDG_CONFIG_HOME"] = tempfile.mkdtemp()
from PySide6.QtCore import QTimer

from screener.core.demo import ensure_demo_project
from screener.core.project import Project
from screener.gui.app import create_app
from screener.gui.main_window import MainWindow

folder = tempfile.mkdtemp()
path = ensure_demo_project(folder)
with Project.open(path) as p:  # a little history so the screenshot is realistic
    ids = p.records.ids()
    for i, rid in enumerate(ids[:40]):
        p.screening.decide(rid, "ana", "include" if i % 3 else "exclude")
        if i < 30:
            p.screening.decide(rid, "ben", "include" if i % 4 else "exclude")
app = create_app()
w = MainWindow()
w.resize(1440, 900)
w.show()
w.open_project(str(path), reviewer="ana")


def grab(name: str, tab: str | None = None) -> None:
    if tab:
        w.show_view(tab)
    for _ in range(30):
        app.processEvents()
    os.makedirs("/tmp/shot", exist_ok=True)
    w.grab().save(f"/tmp/shot/{name}.png")


def run() -> None:
    grab("main_screen", "screen")
    grab("main_prisma", "prisma")
    grab("main_conflicts", "conflicts")
    app.quit()


QTimer.singleShot(1500, run)
app.exec()
