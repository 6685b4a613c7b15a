"""Screening benchmark on a 100,000-record project, with the real ScreenView, offscreen.

Run by hand (pytest does not collect it):

    .venv/bin/python tests/bench/bench_screening.py [--records 100000] [--keys 500] [--undos 60] [--runs 3] [--no-filters]

Builds the project once (records with ~1,500-character abstracts, stored through
``imports.store_batch``) and caches it in /tmp/screener-bench/; each run works on a fresh copy
in a new process, so the numbers are not coloured by the build. Measures, as UX.md says:

* open: opening the project until the first record is painted in the reading pane;
* key → next record: a QElapsedTimer started on the decision KeyPress (event filter on the
  application) and stopped at the reading pane's first paintEvent after the new record's
  text is set, over ``--keys`` records by QTest.keyClick, beside a baseline measured in the
  same run (an empty event-loop round trip); also to the whole frame painted (the list, the
  scroll bars and labels are painted after the pane in the same pass), and the GUI thread's
  CPU time per key (what a quiet machine would wait; wall times swell with the load);
* Ctrl+Z: ``--undos`` times a decision, a moment, Ctrl+Z (clock from the key to the undone
  record painted, and to the frame done), then 20 undos in a row; each checked: the record
  is back in the list, current and shown, and its decision is gone from the project;
* scrolling the whole list page by page (rows built stay bounded);
* search latency (type, query, list and first record shown);
* resident memory.

By default (``--no-filters`` to leave them out) the keys are measured with combined list filters in use (three of the four
sources, a year range, a record type and a final status: Filters in the Screen tab), and
also how long applying them and counting each filter's values take.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from tests.bench.screening_tables import FILTERED, report, summary  # noqa: E402
from tests.bench.screening_tables import machine as machine  # noqa: E402

CACHE = Path(os.environ.get("SCREENER_BENCH_CACHE", "/tmp/screener-bench"))  # the built project, kept


# building the project --------------------------------------------------------------------------
def _vocabulary(rng: random.Random) -> list[str]:
    domain = ("peer support workers mental health services recovery oriented professionalization "
              "randomised controlled trial cohort qualitative interviews outcomes depression anxiety "
              "psychosis community primary care nurses intervention systematic review meta-analysis "
              "stigma employment housing adolescents adults older people hospital admission relapse "
              "quality of life cost effectiveness implementation fidelity training supervision").split()
    syllables = ["ta", "ri", "con", "ment", "al", "pro", "ex", "in", "ter", "sub", "ing", "tion", "ly",
                 "ve", "ous", "ic", "re", "de", "par", "ti", "cal", "si", "na", "lo", "gy", "ra", "ble"]
    words = set(domain)
    while len(words) < 6000:
        words.add("".join(rng.choice(syllables) for _ in range(rng.randint(1, 4))))
    common = ("the of and in to a with for was were that on by as is from at be this we these or than "
              "not are between after among compared").split()
    return common + domain + sorted(words - set(domain))


def _records(start: int, n: int, rng: random.Random, vocab: list[str], weights: list[float]):  # type: ignore[no-untyped-def]
    from screener.types import ParsedRecord

    journals = [f"Journal of {w.title()} {v.title()}" for w, v in zip(vocab[40:240], vocab[240:440], strict=True)]
    for i in range(start, start + n):
        words = rng.choices(vocab, weights, k=235)
        sentences, pos = [], 0
        while pos < len(words):
            k = rng.randint(12, 28)
            sentences.append(" ".join(words[pos:pos + k]).capitalize() + ".")
            pos += k
        abstract = " ".join(sentences)
        if rng.random() < 0.3:
            abstract = "Background: " + abstract[:500] + "\n\nMethods: " + abstract[500:]
        title = " ".join(rng.choices(vocab, weights, k=rng.randint(8, 16))).capitalize()
        authors = [f"{rng.choice(vocab).title()} {chr(65 + rng.randint(0, 25))}{chr(65 + rng.randint(0, 25))}"
                   for _ in range(rng.randint(1, 8))]
        yield ParsedRecord(
            position=i - start + 1, line=(i - start) * 14 + 1, type="JOUR", title=title, authors=authors,
            year=rng.randint(1990, 2025), journal=rng.choice(journals), volume=str(rng.randint(1, 80)),
            issue=str(rng.randint(1, 12)), pages=f"{rng.randint(1, 900)}-{rng.randint(901, 999)}",
            doi=f"10.{1000 + i % 9000}/bench.{i}", pmid=str(30000000 + i), abstract=abstract,
            keywords=rng.sample(vocab[40:400], rng.randint(3, 6)),
        )


def build(path: Path, n: int) -> None:
    from screener.core.project import Project
    from screener.types import ReadResult, run_work

    rng = random.Random(20250201)
    vocab = _vocabulary(rng)
    weights = [1.0 / (rank + 8) for rank in range(len(vocab))]  # Zipf-like
    for suffix in ("", "-wal", "-shm"):
        Path(str(path) + suffix).unlink(missing_ok=True)
    project = Project.create(
        path, "Benchmark review", include_criteria=["Peer support workers", "Mental health services"],
        exclude_criteria=["Not mental health"], reasons=["Wrong population", "Wrong intervention", "Wrong design"],
        reviewers_per_record=2)
    project.settings.update(include_terms=["peer support", "recovery*", "mental health"],
                            exclude_terms=["hospital admission", "adolescents"])
    for name in ("ana", "ben"):
        project.settings.add_reviewer(name)
    chunk = 10_000
    for start in range(1, n + 1, chunk):
        size = min(chunk, n - start + 1)
        export = path.with_name(f"export-{start}.ris")
        export.write_text(f"batch starting at {start}\n")
        result = ReadResult(str(export), "ris", "utf-8", list(_records(start, size, rng, vocab, weights)))
        source = ("Scopus", "PubMed", "Web of Science", "Embase")[start // chunk % 4]
        run_work(project.imports.store_batch([result], source=source, search_date="2025-02-01"))
        print(f"  stored {start + size - 1:,} records", file=sys.stderr)
    project.close()


# measuring -------------------------------------------------------------------------------------
def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _guard_immortals() -> None:
    """PySide6 6.12 on Python 3.11 drops a reference to None on every call of a void Qt method
    and one to True on every emit (see tests/gui/test_shell_runtime.py): a long run aborts with
    "deallocating None". Before 3.12 these objects are not immortal, so give them references
    to spare. It changes no timing; without it this benchmark dies within minutes."""
    if sys.version_info >= (3, 12):
        return
    import ctypes

    for obj in (None, True, False):
        ctypes.c_ssize_t.from_address(id(obj)).value += 1 << 40


def measure(path: Path, keys: int, filters: bool = False, profile: bool = False,
            scroll: bool = True, undos: int = 60) -> dict[str, object]:
    _guard_immortals()
    load0 = os.getloadavg()[0]
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QElapsedTimer, QEvent, QEventLoop, QObject, Qt, QTimer
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication(["bench"])
    from screener.core.project import Project
    from screener.gui.context import Workspace
    from screener.gui.screen_view import ScreenView

    class PaintProbe(QObject):
        """Starts on a decision key press (or Ctrl+Z), stops at the pane's first paint of
        another record (``painted_ms``) and, for the whole frame (the list, the scroll bars and
        the labels are painted after the pane in the same pass), at the first event other
        than a paint after it (``frame_ms``; a queued call makes sure there is one)."""

        def __init__(self) -> None:
            super().__init__()
            self.timer = QElapsedTimer()
            self.running = False
            self.start_record: int | None = None
            self.view: ScreenView | None = None
            self.painted_ms: float | None = None
            self.frame_ms: float | None = None
            self.frame_cpu = 0.0  # the GUI thread's CPU clock when the frame was done
            self.keys = (Qt.Key.Key_I, Qt.Key.Key_E, Qt.Key.Key_M)

        def reset(self) -> None:
            self.painted_ms = self.frame_ms = None
            self.running = False

        def _frame_done(self) -> None:
            if self.frame_ms is None:
                self.frame_ms, self.frame_cpu = self.timer.nsecsElapsed() / 1e6, time.thread_time()

        def eventFilter(self, watched: QObject, event: QEvent) -> bool:
            t = event.type()
            if self.painted_ms is not None and self.frame_ms is None and t != QEvent.Type.Paint:
                # the paint pass sends nothing but Paint events: any other one comes after it
                # (a timer due meanwhile, e.g. the read-ahead on a loaded machine, is not counted)
                self.frame_ms, self.frame_cpu = self.timer.nsecsElapsed() / 1e6, time.thread_time()
            # The key press reaches a shortcut as ShortcutOverride (a KeyPress is delivered only
            # when no shortcut takes the key), so the clock starts on whichever comes first.
            if t in (QEvent.Type.KeyPress, QEvent.Type.ShortcutOverride) and not self.running \
                    and self.view is not None and self.painted_ms is None:
                if event.key() in self.keys:  # type: ignore[attr-defined]
                    self.running = True
                    self.start_record = self.view.pane.record_id
                    self.timer.start()
            elif t == QEvent.Type.Paint and self.running and self.view is not None \
                    and watched is self.view.pane.browser.viewport() \
                    and self.view.pane.record_id != self.start_record:
                self.painted_ms = self.timer.nsecsElapsed() / 1e6
                self.running = False
                QTimer.singleShot(0, self._frame_done)  # queued: runs once this paint pass is over
            return False

    probe = PaintProbe()
    app.installEventFilter(probe)

    def until(condition, timeout_s: float = 5.0) -> None:  # type: ignore[no-untyped-def]
        end = time.perf_counter() + timeout_s
        while not condition() and time.perf_counter() < end:
            app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 5)

    # open and show the first record
    probe.painted_ms = None
    t0 = time.perf_counter()
    project = Project.open(path)
    view = ScreenView(Workspace(project, "ana"))
    view.resize(1400, 900)
    view.show()
    view.activateWindow()
    painted: list[float] = []

    class FirstPaint(QObject):
        def eventFilter(self, watched: QObject, event: QEvent) -> bool:
            if event.type() == QEvent.Type.Paint and not painted:
                painted.append(time.perf_counter())
            return False

    first = FirstPaint()
    view.pane.browser.viewport().installEventFilter(first)
    until(lambda: bool(painted))
    open_ms = (painted[0] - t0) * 1000 if painted else float("nan")
    from screener.gui.heap import settle_heap

    settle_heap()  # as the main window does once its views are built
    view.pane.browser.viewport().removeEventFilter(first)
    until(lambda: QApplication.activeWindow() is view, 2)
    filter_ms = counts_ms = float("nan")
    if filters:
        from screener.core.services.record_filters import RecordFilter

        wanted = RecordFilter.from_dict(FILTERED)
        t = time.perf_counter()
        view.filter_panel.set_filter(wanted)
        view.filter_panel.changed.emit()  # as after the reviewer's clicks: the list is queried again
        app.processEvents()
        filter_ms = (time.perf_counter() - t) * 1000
        assert view.list_filter() == wanted
        t = time.perf_counter()
        project.records.filter_counts("title_abstract", wanted, view="my_queue", reviewer="ana")
        counts_ms = (time.perf_counter() - t) * 1000  # on a worker thread in the window
        view.workspace.runner.wait()
    queue = view.model.rowCount()

    # baseline: an empty event-loop round trip
    baseline = []
    for _ in range(200):
        loop = QEventLoop()
        t = time.perf_counter()
        QTimer.singleShot(0, loop.quit)
        loop.exec()
        baseline.append((time.perf_counter() - t) * 1000)

    # key press to next record painted: first as a reviewer works (the next key comes after
    # some reading; 40 ms here, a reviewer takes seconds), then keys back to back
    probe.view = view
    keys_cycle = [Qt.Key.Key_I, Qt.Key.Key_E, Qt.Key.Key_E, Qt.Key.Key_M, Qt.Key.Key_E]

    cpu: list[float] = []  # the GUI thread's own CPU time per key: what a quiet machine would wait

    def run_keys(n: int, reading_ms: float, profiler=None, frames=None) -> list[float]:  # type: ignore[no-untyped-def]
        out = []
        for i in range(n):
            probe.reset()
            if profiler is not None:
                profiler.enable()
            c0 = time.thread_time()
            QTest.keyClick(view.table, keys_cycle[i % len(keys_cycle)])
            until(lambda: probe.frame_ms is not None, 2)
            c1 = probe.frame_cpu if probe.frame_ms is not None else time.thread_time()
            if profiler is not None:
                profiler.disable()
            if probe.painted_ms is not None:
                out.append(probe.painted_ms)
                if frames is not None and probe.frame_ms is not None:
                    frames.append(probe.frame_ms)
                if reading_ms:
                    cpu.append((c1 - c0) * 1000)
            read(reading_ms)
        return out

    def read(ms: float) -> None:
        end = time.perf_counter() + ms / 1000
        while time.perf_counter() < end:
            app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 5)

    def undo_once(painted: list[float], frames: list[float], cpus: list[float]) -> None:
        """Ctrl+Z to the undone record painted in the pane and the frame done (its row back in
        the list), and the GUI thread's CPU time meanwhile."""
        probe.reset()
        probe.keys = (Qt.Key.Key_Z,)
        c0 = time.thread_time()
        QTest.keyClick(view.table, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
        until(lambda: probe.frame_ms is not None, 2)
        c1 = probe.frame_cpu  # not what ran after the frame (a read-ahead due meanwhile)
        probe.keys = (Qt.Key.Key_I, Qt.Key.Key_E, Qt.Key.Key_M)
        if probe.painted_ms is not None and probe.frame_ms is not None:
            painted.append(probe.painted_ms)
            frames.append(probe.frame_ms)
            cpus.append((c1 - c0) * 1000)

    import gc

    collections: list[tuple[int, float]] = []
    started: list[float] = []

    def on_gc(phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            started[:] = [time.perf_counter()]
        elif started:
            collections.append((info["generation"], (time.perf_counter() - started[0]) * 1000))

    gc.callbacks.append(on_gc)
    profiler = None
    import cProfile

    if profile:
        profiler = cProfile.Profile()
    frame: list[float] = []
    lat = run_keys(keys, 40.0, profiler, frame)
    gc.callbacks.remove(on_gc)
    if profiler is not None:
        import pstats

        print(f"\nprofile of {keys} keys (key press to paint only), by own time:", file=sys.stderr)
        pstats.Stats(profiler, stream=sys.stderr).sort_stats("tottime").print_stats(25)
        print("by cumulative time:", file=sys.stderr)
        pstats.Stats(profiler, stream=sys.stderr).sort_stats("cumulative").print_stats(45)
    full = [ms for gen, ms in collections if gen == 2]
    burst = run_keys(min(100, keys), 0.0)
    decided_ok = view.model.rowCount() == queue - keys - min(100, keys)

    # undo (Ctrl+Z brings the record back into My queue): first as a reviewer does it, a
    # decision, a moment, Ctrl+Z (the wrong key noticed); then undos in a row, each after a
    # moment (the last decisions taken back one by one)
    undo, undo_frame, undo_cpu = [], [], []  # type: ignore[var-annotated]
    row_undo, row_frame, row_cpu = [], [], []  # type: ignore[var-annotated]
    undone_ok = True
    profiler = cProfile.Profile() if profile else None
    for i in range(undos):
        probe.reset()
        QTest.keyClick(view.table, keys_cycle[i % len(keys_cycle)])
        until(lambda: probe.frame_ms is not None, 2)
        gone = probe.start_record
        left = gone is not None and view.model.row_of(gone) < 0  # the decided record left My queue
        read(40.0)
        if profiler is not None:
            profiler.enable()
        undo_once(undo, undo_frame, undo_cpu)
        if profiler is not None:
            profiler.disable()
        # the undone record is back in the list, current and shown, and its decision is gone
        undone_ok = undone_ok and left and view.pane.record_id == gone and view.current_id() == gone and not [
            d for d in project.screening.decisions_of(gone, viewer="ana") if d.reviewer == "ana"]
        read(40.0)
    for _ in range(min(20, undos)):
        undo_once(row_undo, row_frame, row_cpu)
        read(40.0)
    if profiler is not None:
        import pstats

        print(f"\nprofile of {undos} undos (Ctrl+Z to the record back and shown), by cumulative time:", file=sys.stderr)
        pstats.Stats(profiler, stream=sys.stderr).sort_stats("cumulative").print_stats(40)
        pstats.Stats(profiler, stream=sys.stderr).sort_stats("tottime").print_stats(20)
        profiler = cProfile.Profile()
        profiler.enable()
    t, c = time.perf_counter(), time.thread_time()
    view._sort_clicked(1)  # title, as a header click does
    app.processEvents()
    sort_ms = (time.perf_counter() - t) * 1000
    sort_cpu = (time.thread_time() - c) * 1000
    if profiler is not None:
        profiler.disable()
    view._sort_clicked(1)
    view._sort_clicked(1)  # the third click is back to import order
    assert view.model.sort_key == "id"

    # scrolling the whole list
    view.filters.set_view("all")
    model = view.model
    built0, calls0 = model.rows_built, model.fetch_calls
    bar = view.table.verticalScrollBar()
    page = max(1, bar.pageStep())
    largest_cache = 0
    t = time.perf_counter()
    pages = 0
    for value in range(0, (bar.maximum() + page) if scroll else 1, page):
        bar.setValue(value)
        view.table.viewport().repaint()
        largest_cache = max(largest_cache, model.cache_size)
        pages += 1
    scroll_s = time.perf_counter() - t

    # search
    searches, search_cpu = {}, {}
    if profiler is not None:
        profiler.enable()
    # the last word is a prefix (results come while typing); "this" hits about 50,000 of the list
    for query in ("peer support", "recov", "stigma housing", "qualitative interviews nurses", "this", "zzzzq"):
        t, c = time.perf_counter(), time.thread_time()
        view.filters.search.setText(query)
        view.filters.flush()
        app.processEvents()
        searches[query] = ((time.perf_counter() - t) * 1000, view.model.rowCount())
        search_cpu[query] = (time.thread_time() - c) * 1000
    if profiler is not None:
        import pstats

        profiler.disable()
        print("\nprofile of the sort and the searches, by cumulative time:", file=sys.stderr)
        pstats.Stats(profiler, stream=sys.stderr).sort_stats("cumulative").print_stats(40)
        pstats.Stats(profiler, stream=sys.stderr).sort_stats("tottime").print_stats(20)
    view.filters.search.setText("")
    view.filters.flush()
    rss = rss_mb()
    view.workspace.runner.wait()
    project.close()
    return {
        "open_ms": open_ms, "cpu": cpu, "queue": queue, "baseline": baseline, "lat": lat, "frame": frame, "burst": burst, "undo": undo, "undo_frame": undo_frame, "undo_cpu": undo_cpu,
        "row_undo": row_undo, "row_frame": row_frame, "row_cpu": row_cpu, "undone_ok": undone_ok, "load": (load0, os.getloadavg()[0]), "sort_ms": sort_ms,
        "sort_cpu": sort_cpu, "search_cpu": search_cpu, "gc_full": full, "decided_ok": decided_ok,
        "scroll_s": scroll_s, "pages": pages, "rows": model.rowCount(), "rows_built": model.rows_built - built0,
        "fetches": model.fetch_calls - calls0, "largest_cache": largest_cache, "cache_cap": model.cache_rows,
        "searches": searches, "rss": rss, "filters": filters, "filter_ms": filter_ms, "counts_ms": counts_ms,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--keys", type=int, default=500)
    parser.add_argument("--undos", type=int, default=60, help="undos measured, each after a decision (and 20 in a row)")
    parser.add_argument("--runs", type=int, default=3, help="runs, each in a new process on a fresh copy")
    parser.add_argument("--no-filters", dest="filters", action="store_false",
                        help="measure without the combined list filters (they are on by default)")
    parser.add_argument("--filters", dest="filters", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--no-scroll", dest="scroll", action="store_false", help="skip scrolling the whole list")
    parser.add_argument("--profile", action="store_true", help="cProfile the key presses, sort and searches (stderr)")
    parser.add_argument("--build", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--measure", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.build:
        build(args.build, args.records)
        return
    if args.measure:
        r = measure(args.measure, args.keys, args.filters, args.profile, args.scroll, args.undos)
        report(r, args.records)
        if args.out:
            import json

            args.out.write_text(json.dumps({k: v for k, v in r.items()}))
        return
    print(machine())
    CACHE.mkdir(parents=True, exist_ok=True)
    cached = CACHE / f"bench-{args.records}.screener"
    if not cached.exists():
        print(f"building {cached} (once; cached for later runs)…", file=sys.stderr)
        t = time.perf_counter()
        subprocess.run([sys.executable, __file__, "--build", str(cached), "--records", str(args.records)], check=True)
        print(f"built in {time.perf_counter() - t:.0f} s", file=sys.stderr)
    # a project built by an older Screener is migrated once here, not inside the timed open
    subprocess.run([sys.executable, "-c", "import sys; from screener.core.project import Project; "
                    "Project.open(sys.argv[1]).close()", str(cached)], check=True)
    import json

    runs = []
    for run in range(args.runs):
        work = CACHE / "run" / cached.name
        shutil.rmtree(work.parent, ignore_errors=True)
        work.parent.mkdir(parents=True)
        for suffix in ("", "-wal"):  # each run decides on a fresh copy
            if Path(str(cached) + suffix).exists():
                shutil.copy2(str(cached) + suffix, str(work) + suffix)
        # a fresh settings folder: no filters or window state kept from an earlier run
        env = {**os.environ, "XDG_CONFIG_HOME": str(work.parent / "config"), "HOME": str(work.parent)}
        out = CACHE / f"run-{run + 1}.json"
        print(f"\n--- run {run + 1} of {args.runs} · {machine()}", flush=True)
        subprocess.run([sys.executable, __file__, "--measure", str(work), "--records", str(args.records),
                        "--keys", str(args.keys), "--undos", str(args.undos), "--out", str(out), *([] if args.filters else ["--no-filters"]),
                        *([] if args.scroll else ["--no-scroll"]), *(["--profile"] if args.profile else [])],
                       check=True, env=env)
        runs.append(json.loads(out.read_text()))
    summary(runs)


if __name__ == "__main__":
    main()
