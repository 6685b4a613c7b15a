"""The progress bar with Cancel that long work runs under."""

from __future__ import annotations

import threading

from PySide6.QtCore import Qt

from screener.gui.progress import ProgressPanel
from screener.gui.worker import WorkRunner
from screener.types import Progress, Work

pytest_plugins = ["tests.gui.shell_support"]


def steps(n: int, log: list[str], name: str, gate: threading.Event | None = None) -> Work[str]:
    try:
        for i in range(n):
            yield Progress(i, n, f"step {i + 1}")
            if gate is not None:
                gate.wait(10)
        return name
    finally:
        log.append(f"{name} closed")


def test_jobs_run_one_after_another_and_the_bar_hides(qtbot):  # type: ignore[no-untyped-def]
    panel = ProgressPanel(WorkRunner())
    qtbot.addWidget(panel)
    log: list[str] = []
    done: list[str] = []
    panel.run(steps(3, log, "first"), "Importing", on_done=done.append)
    panel.run(steps(2, log, "second"), "Finding duplicates", on_done=done.append)
    ended: list[int] = []
    panel.ended.connect(lambda: ended.append(1))
    assert panel.isVisible() and panel.busy
    qtbot.waitUntil(lambda: bool(ended), timeout=10000)
    assert done == ["first", "second"]
    assert not panel.isVisible() and not panel.busy


def test_cancel_stops_the_running_job_and_drops_the_waiting_ones(qtbot):  # type: ignore[no-untyped-def]
    panel = ProgressPanel(WorkRunner())
    qtbot.addWidget(panel)
    gate = threading.Event()
    log: list[str] = []
    events: list[str] = []
    panel.run(steps(5, log, "running", gate), "Exporting",
              on_done=lambda v: events.append("done"), on_cancelled=lambda: events.append("cancelled"))
    panel.run(steps(5, log, "waiting"), "Finding duplicates",
              on_cancelled=lambda: events.append("dropped"))
    qtbot.waitUntil(lambda: panel.label.text() == "Exporting: step 1", timeout=10000)
    assert panel.bar.maximum() == 5

    qtbot.mouseClick(panel.cancel_button, Qt.MouseButton.LeftButton)
    assert not panel.cancel_button.isEnabled() and panel.cancel_button.text() == "Cancelling…"
    gate.set()
    qtbot.waitUntil(lambda: not panel.busy, timeout=10000)
    assert events == ["dropped", "cancelled"]
    assert sorted(log) == ["running closed"]  # the waiting job never started
