"""How fast others' work reaches an open window (run by hand; pytest does not collect it):

    .venv/bin/python tests/bench/bench_live.py [--rounds 20] [--records 20000]

A real MainWindow (offscreen) is open as ana on a single-screening project on a throwaway
PostgreSQL server, and on a project file. Another client decides one record of ana's queue
at a time, and the clock runs until that row has left ana's list:

* ``cli``: a second process, the ``screener decide`` command (start-up included); the time is
  measured from the moment the command exits (it committed a little before, so this side
  reads low). The command's own run time is the reference, measured in the same run.
* ``service``: another client in this process (another Project on the same database) calling
  ``screening.decide`` at a random moment; measured from the return of that call (committed).
* ``sqlite``: the same on a project file (two windows on one file).

Also: how long one look for changes takes on its worker thread, and how long the GUI thread
spends applying one change to a list of ``--records`` records (it must never be felt).
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))


def q(values: list[float], p: float) -> float:
    s = sorted(values)
    return s[min(len(s) - 1, int(round(p * (len(s) - 1))))]


def row(name: str, values: list[float], unit: str = "ms") -> str:
    return (f"| {name:<44} | {len(values):>3} | {statistics.median(values):>9.1f} | "
            f"{q(values, 0.95):>9.1f} | {max(values):>9.1f} | {unit} |")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--records", type=int, default=20000)
    args = parser.parse_args()

    from PySide6.QtWidgets import QApplication

    from screener.core.project import Project
    from screener.core.services.live import Changes
    from screener.gui.main_window import MainWindow
    from tests.factories import add_batch, make_record, new_project
    from tests.pg import PostgresServer, pg_bin_dir

    app = QApplication(sys.argv[:1])
    tmp = Path(tempfile.mkdtemp(prefix="screener-bench-live-"))
    os.environ["XDG_CONFIG_HOME"] = str(tmp / "config")
    os.environ["XDG_STATE_HOME"] = str(tmp / "state")
    bindir = pg_bin_dir()
    assert bindir is not None, "PostgreSQL binaries are needed"
    server = PostgresServer(bindir)
    server.start()
    results: dict[str, list[float]] = {}

    def wait_until(cond, timeout: float = 10.0) -> float:  # type: ignore[no-untyped-def]
        start = time.perf_counter()
        while not cond():
            app.processEvents()
            if time.perf_counter() - start > timeout:
                raise TimeoutError("the change never arrived")
            time.sleep(0.001)
        return time.perf_counter()

    rng = random.Random(7)

    def idle(seconds: float) -> None:
        """Let the window run for a while, so a change lands at a random moment between
        two looks (deciding right after a look would always wait a whole interval)."""
        end = time.perf_counter() + seconds
        while time.perf_counter() < end:
            app.processEvents()
            time.sleep(0.001)

    def open_window(target: str):  # type: ignore[no-untyped-def]
        w = MainWindow()
        w.resize(1280, 800)
        w.show()
        assert w.open_project(target, "ana")
        wait_until(lambda: w.live is not None and w.live.cursor is not None, 30)
        return w, w.pane.views["screen"]

    def build(target: str, n: int) -> None:
        with new_project(target, reviewers=("ana", "bob"), per_record=1) as p:
            for start in range(1, n + 1, 5000):
                add_batch(p, [make_record(i) for i in range(start, min(n, start + 4999) + 1)],
                          tmp=tmp, file_name=f"e{start}.ris")

    try:
        url = server.new_database()
        build(url, args.records)
        w, screen = open_window(url)
        ids = iter(screen.model.ids[10:])
        for _ in range(args.rounds):  # a second process: the screener command
            rid = next(ids)
            t0 = time.perf_counter()
            subprocess.run([sys.executable, "-m", "screener", "decide", url, str(rid), "exclude",
                            "--reviewer", "bob"], check=True, capture_output=True)
            committed = time.perf_counter()
            seen = wait_until(lambda rid=rid: rid not in screen.model.ids)
            results.setdefault("cli: command run time (reference)", []).append(1000 * (committed - t0))
            results.setdefault("cli: committed -> row gone from ana's list", []).append(1000 * (seen - committed))
        with Project.open(url) as other:  # another client in this process
            for _ in range(args.rounds):
                rid = next(ids)
                idle(rng.uniform(0, 0.6))
                other.screening.decide(rid, "bob", "include")
                committed = time.perf_counter()
                seen = wait_until(lambda rid=rid: rid not in screen.model.ids)
                results.setdefault("service: committed -> row gone", []).append(1000 * (seen - committed))
                results.setdefault("poll on its worker thread (PostgreSQL)", []).append(1000 * w.live.last_poll_s)
        for _ in range(args.rounds):  # the GUI thread's share: applying one change
            rid = next(ids)
            t0 = time.perf_counter()
            screen._records_changed(Changes(0, frozenset({rid}), frozenset({"decision"})))
            results.setdefault(f"GUI thread: apply one change ({args.records:,} rows)", []).append(
                1000 * (time.perf_counter() - t0))
        w.close_project()
        w.close()

        path = tmp / "shared.screener"
        build(str(path), 2000)
        w, screen = open_window(str(path))
        with Project.open(path) as other:
            ids = iter(screen.model.ids[10:])
            for _ in range(args.rounds):
                rid = next(ids)
                idle(rng.uniform(0, 0.6))
                other.screening.decide(rid, "bob", "include")
                committed = time.perf_counter()
                seen = wait_until(lambda rid=rid: rid not in screen.model.ids)
                results.setdefault("sqlite file: committed -> row gone", []).append(1000 * (seen - committed))
                results.setdefault("poll on its worker thread (SQLite)", []).append(1000 * w.live.last_poll_s)
        w.close_project()
        w.close()
    finally:
        server.stop()

    print(f"\nLive updates: poll interval 500 ms, promise 2,000 ms; {args.rounds} rounds each\n")
    print("| what | n | median | p95 | max | unit |")
    print("|---|---:|---:|---:|---:|---|")
    for name, values in results.items():
        print(row(name, values))
    ref = statistics.median(results["cli: command run time (reference)"])
    lat = statistics.median(results["cli: committed -> row gone from ana's list"])
    print(f"\nratio: arrival after commit / the other client's command run time = {lat / ref:.2f}")


if __name__ == "__main__":
    main()
