"""Key press → next record while the relevance model retrains, on the 100,000-record project of
bench_screening.py, with the real ScreenView, offscreen.

Run by hand (pytest does not collect it):

    .venv/bin/python tests/bench/bench_ranking_keys.py [--records 100000] [--keys 300]

The project is the one bench_screening.py builds and caches (built here if missing). In one
run, measured as bench_screening.py measures it (timer on the decision key press, stopped at
the reading pane's first paint of the next record), with a reviewer's pace of 40 ms reading:

* reference: keys in file order (no model at all);

(between keys the window idles in its event loop, as it does while a reviewer reads: a busy
loop there, as in earlier versions of this benchmark, takes a core from the lower-priority
ranking process and made each retrain look several times slower);
* keys while the relevance order is prepared for the first time (texts read, features built);
* then, in interleaved blocks of 25 keys (so both see the same load on a shared machine): the
  list in its ranked order with retraining paused, and with every decision starting a retrain
  (or joining the next one); a key counts as "while retraining" if a ranking job was running
  when it was pressed;

and the GUI thread's cost of applying a new order to the list (``ScreenOrder._done``), the
retrains' count and wall time, the ranking process's peak RSS and how many records it
vectorised (the features are built once; the feature cache starts empty in each run, under
the run's own home), the baseline event-loop round trip, CPU and load average. Retrain and
first-ranking times at 500 and 5,000 decisions without the window: bench_ranking_retrain.py.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from tests.bench.bench_screening import _guard_immortals, percentile  # noqa: E402
from tests.bench.machine_info import cpu_model  # noqa: E402

CACHE = Path(os.environ.get("SCREENER_BENCH_CACHE", "/tmp/screener-bench"))
TARGET_MEDIAN = 16.0


def vm_hwm_mb(pid: int) -> float:
    """A process's peak resident memory (Linux)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def measure(path: Path, keys: int) -> dict[str, object]:  # noqa: PLR0915
    _guard_immortals()
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QElapsedTimer, QEvent, QEventLoop, QObject, Qt, QTimer
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication(["bench"])
    from screener.core.project import Project
    from screener.gui import screen_order
    from screener.gui.context import Workspace
    from screener.gui.screen_view import ScreenView

    applies: list[float] = []
    jobs: list[float] = []
    started: list[float] = []
    original_done, original_start = screen_order.ScreenOrder._done, screen_order.ScreenOrder._start

    def timed_start(self):  # type: ignore[no-untyped-def]
        started[:] = [time.perf_counter()]
        original_start(self)

    def timed_done(self, ranked):  # type: ignore[no-untyped-def]
        t = time.perf_counter()
        if started:
            jobs.append(t - started[0])
        original_done(self, ranked)
        applies.append((time.perf_counter() - t) * 1000)

    screen_order.ScreenOrder._start = timed_start  # type: ignore[method-assign]
    screen_order.ScreenOrder._done = timed_done  # type: ignore[method-assign]

    class PaintProbe(QObject):
        def __init__(self, view: ScreenView) -> None:
            super().__init__()
            self.view = view
            self.timer = QElapsedTimer()
            self.running = False
            self.start_record: int | None = None
            self.painted_ms: float | None = None
            self.training = False

        def eventFilter(self, watched: QObject, event: QEvent) -> bool:
            t = event.type()
            if t in (QEvent.Type.KeyPress, QEvent.Type.ShortcutOverride) and not self.running:
                if event.key() in (Qt.Key.Key_I, Qt.Key.Key_E, Qt.Key.Key_M):  # type: ignore[attr-defined]
                    self.running = True
                    self.training = self.view.order.running
                    self.start_record = self.view.pane.record_id
                    self.timer.start()
            elif t == QEvent.Type.Paint and self.running and watched is self.view.pane.browser.viewport() \
                    and self.view.pane.record_id != self.start_record:
                self.painted_ms = self.timer.nsecsElapsed() / 1e6
                self.running = False
            return False

    def until(condition, timeout_s: float = 5.0) -> None:  # type: ignore[no-untyped-def]
        end = time.perf_counter() + timeout_s
        while not condition() and time.perf_counter() < end:
            QTest.qWait(1)  # the event loop sleeps between events, as a real window does

    load0 = " ".join(f"{x:.2f}" for x in os.getloadavg())
    project = Project.open(path)
    queue = project.records.ids("title_abstract", view="my_queue", reviewer="ana")
    # the reviewer's first include and exclude, made before the window opens
    project.screening.decide(queue[-1], "ana", "include", "title_abstract")
    project.screening.decide(queue[-2], "ana", "exclude", "title_abstract")
    view = ScreenView(Workspace(project, "ana"))
    view.resize(1400, 900)
    view.show()
    view.activateWindow()
    until(lambda: view.pane.record_id is not None and QApplication.activeWindow() is view, 10)
    probe = PaintProbe(view)
    app.installEventFilter(probe)

    baseline = []
    for _ in range(200):
        loop = QEventLoop()
        t = time.perf_counter()
        QTimer.singleShot(0, loop.quit)
        loop.exec()
        baseline.append((time.perf_counter() - t) * 1000)

    cycle = [Qt.Key.Key_E, Qt.Key.Key_E, Qt.Key.Key_I, Qt.Key.Key_E, Qt.Key.Key_M]

    def run_keys(n: int, reading_ms: float = 40.0, stop=None) -> list[tuple[float, bool]]:  # type: ignore[no-untyped-def]
        out = []
        for i in range(n):
            if stop is not None and stop():
                break
            probe.painted_ms = None
            probe.running = False
            QTest.keyClick(view.table, cycle[i % len(cycle)])
            until(lambda: probe.painted_ms is not None, 2)
            if probe.painted_ms is not None:
                out.append((probe.painted_ms, probe.training))
            # reading: the window idles (a busy loop here would take a core from the ranking process)
            QTest.qWait(int(reading_ms))
        return out

    reference = run_keys(keys)
    t = time.perf_counter()
    view.order.set_mode("relevance")
    first = run_keys(100_000, stop=lambda: view.order.place is not None)
    until(lambda: view.order.place is not None, 600)
    first_s = time.perf_counter() - t
    first_applies = len(applies)
    jobs_before = view.order.jobs
    # Interleaved blocks, so both see the same load on a shared machine: the list in its ranked
    # order with retraining paused (no job running), then with every decision retraining.
    ranked: list[tuple[float, bool]] = []
    paused: list[tuple[float, bool]] = []
    block = 25
    for _ in range(max(1, keys // (2 * block))):
        until(lambda: not view.order.running, 300)
        view.order.mode = "paused"  # changed() starts nothing; the ranked order stays
        paused += run_keys(block)
        view.order.mode = "relevance"
        view.order.changed()
        ranked += run_keys(block)
    until(lambda: not view.order.running and not view.order.pending, 300)
    result = {
        "queue": len(queue), "baseline": baseline, "reference": [ms for ms, _ in reference],
        "first": [ms for ms, _ in first], "first_s": first_s,
        "ranked_training": [ms for ms, tr in ranked if tr], "ranked_idle": [ms for ms, tr in ranked if not tr],
        "ranked_all": [ms for ms, _ in ranked], "retrains": view.order.jobs - jobs_before,
        "paused": [ms for ms, _ in paused],
        "jobs_s": jobs[first_applies:], "applies": applies[first_applies:],
        "status": view.order.status.text(), "load0": load0,
    }
    view.workspace.runner.wait()
    process = view.order.process
    result["ranking_rss"] = vm_hwm_mb(process._process.pid) if process._process is not None else float("nan")
    result["built"] = process.built
    process.close()
    project.close()
    return result


def report(r: dict[str, object], n: int) -> None:
    def line(values: list[float]) -> str:
        if not values:
            return "(none)"
        return (f"median {statistics.median(values):.1f} ms · p95 {percentile(values, 95):.1f} ms · "
                f"max {max(values):.1f} ms")

    base: list[float] = r["baseline"]  # type: ignore[assignment]
    ref: list[float] = r["reference"]  # type: ignore[assignment]
    during: list[float] = r["ranked_training"]  # type: ignore[assignment]
    all_ranked: list[float] = r["ranked_all"]  # type: ignore[assignment]
    jobs: list[float] = r["jobs_s"]  # type: ignore[assignment]
    applies: list[float] = r["applies"]  # type: ignore[assignment]
    verdict = "ok" if during and statistics.median(during) < TARGET_MEDIAN else "MISSED"
    rows = [
        ("baseline: empty event-loop round trip", line(base), ""),
        (f"reference: keys in file order, no model ({len(ref)})", line(ref), ""),
        (f"keys while the first ranking is prepared ({len(r['first'])})", line(r["first"]), ""),  # type: ignore[arg-type]
        ("  first ranking ready after", f"{r['first_s']:.1f} s", ""),
        (f"interleaved: ranked list, retraining paused ({len(r['paused'])})", line(r["paused"]), ""),  # type: ignore[arg-type]
        (f"interleaved: keys while the model retrains ({len(during)})", line(during), f"< 16 ms median: {verdict}"),
        (f"keys ranked, no job running ({len(r['ranked_idle'])})", line(r["ranked_idle"]), ""),  # type: ignore[arg-type]
        ("  ratio retraining / paused (medians)",
         f"×{statistics.median(during) / statistics.median(r['paused']):.2f}" if during else "", ""),  # type: ignore[arg-type]
        (f"retrains for {len(all_ranked)} decisions (coalesced)", f"{r['retrains']}", ""),
        ("retrain wall time (labels, rank 100k, back)", line([1000 * j for j in jobs]), ""),
        ("applying a new order on the GUI thread", line(applies), ""),
        ("ranking process: records vectorised · peak RSS",
         f"{r['built']:,} · {r['ranking_rss']:.0f} MB", "< 500 MB"),
    ]
    print(f"load average at the start {r['load0']}")
    print(f"\nKeys while the model retrains: {n:,} records, queue {r['queue']:,} · "
          f"CPU {cpu_model()} × {os.cpu_count()} · load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}\n"
          f"status line at the end: {r['status']}\n")
    widths = [max(len(row[i]) for row in rows) for i in range(3)]
    for row in rows:
        print("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--keys", type=int, default=300)
    parser.add_argument("--measure", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        report(measure(args.measure, args.keys), args.records)
        return
    cached = CACHE / f"bench-{args.records}.screener"
    here = Path(__file__).with_name("bench_screening.py")
    if not cached.exists():
        CACHE.mkdir(parents=True, exist_ok=True)
        subprocess.run([sys.executable, str(here), "--build", str(cached), "--records", str(args.records)], check=True)
    work = CACHE / f"run-ranking-{os.getpid()}" / cached.name
    work.parent.mkdir(parents=True)
    try:
        for suffix in ("", "-wal"):
            if Path(str(cached) + suffix).exists():
                shutil.copy2(str(cached) + suffix, str(work) + suffix)
        env = {**os.environ, "XDG_CONFIG_HOME": str(work.parent / "config"), "HOME": str(work.parent)}
        subprocess.run([sys.executable, __file__, "--measure", str(work), "--records", str(args.records),
                        "--keys", str(args.keys)], check=True, env=env)
    finally:
        shutil.rmtree(work.parent, ignore_errors=True)


if __name__ == "__main__":
    main()
