"""The window's relevance path at 100,000 records, without the window: the ranking process
(``core.ranking_process``) on the project bench_screening.py builds, as ``ScreenOrder`` uses it.

Run by hand (pytest does not collect it):

    .venv/bin/python tests/bench/bench_ranking_retrain.py [--records 100000] [--repeats 5]
        [--before DIR] [--table] [--decisions 1000,5000,20000,50000]

Measured, in one run, wall time as the window waits for it (worker thread: pack the labels
and candidates, the process trains and re-ranks, the order comes back and is indexed):

* the first ranking with no cache (records read, features built and saved);
* each retrain + re-rank with 500 and with 5,000 decisions (5 % includes), median and max,
  wall and CPU time (the CPU time of both processes is what the wall time would be on a
  quiet machine: the work is single-threaded);
* the first ranking of a new process (the project opened again): the cache file read and checked;
* then an import of 1,000 records: only they are read and appended (and the file saved);
* the ranking process's peak RSS (VmHWM) on each path (the first build; retrains; loading the
  cache file in a new process; an import; a retrain after it; once each, retrains on 10,000,
  20,000 and 50,000 decisions), VmHWM reset between them, and each against the 500 MB target;
  and the RSS of a process that only imports what it needs;
* reference, same run: the same model in this process on the same features (no process, no
  pipe, no ids), so the ratio is what the process costs; and the CPU's time for a fixed
  numpy sort, to compare runs on a shared machine;
* then the table (``retrain_table.py``; alone with ``--table``): retrain + re-rank time and
  the process's peak RSS against the decisions (1,000 to 50,000), for this code and, measured
  in the same run, the tree given by ``--before`` (main's code: ``git archive main | tar -x -C
  DIR``), each in a process of its own.

Prints the CPU model, the load average at the start and at the end.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
if os.environ.get("SCREENER_BENCH_CODE"):  # --table-measure of the reference tree: its code first
    sys.path.insert(0, os.environ["SCREENER_BENCH_CODE"])
from tests.bench.machine_info import cpu_model  # noqa: E402

CACHE = Path(os.environ.get("SCREENER_BENCH_CACHE", "/tmp/screener-bench"))


def vm_hwm_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def reset_hwm(pid: int) -> bool:
    """Start a process's VmHWM again from its current RSS (Linux: clear_refs 5), so that each
    path's peak is its own; False where that is not allowed."""
    try:
        Path(f"/proc/{pid}/clear_refs").write_text("5")
    except OSError:
        return False
    return True


IMPORTS = ("import numpy, scipy.sparse, sklearn.svm, sklearn.feature_extraction.text\n"
           "from screener.core.ranking import Ranker\n"
           "from screener.core.ranking_cache import prepared\n"
           "from screener.core.project import Project\n"
           "from screener.core.services.queue_order import rank_ids\n")


def baseline_mb() -> tuple[float, float]:
    """Peak RSS of a process that only imports numpy, scipy, scikit-learn (and then what the
    ranking process imports besides)."""
    out = []
    for code in ("import numpy, scipy.sparse, sklearn.svm, sklearn.feature_extraction.text\n", IMPORTS):
        code += ("from pathlib import Path\n"
                 "print([int(l.split()[1]) for l in Path('/proc/self/status').read_text().splitlines()"
                 " if l.startswith('VmHWM:')][0])")
        done = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True,
                              cwd=Path(__file__).resolve().parents[2])
        out.append(int(done.stdout.split()[-1]) / 1024)
    return out[0], out[1]


TARGET_MB = 500


def cpu_s(pid: int) -> float:
    """A process's CPU time so far (user + system), from /proc."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def retrain(process: Any, pid: int, labels: dict[int, int], candidates: list[int],
            repeats: int) -> tuple[list[float], list[float], list[int]]:
    """``repeats`` retrains + re-ranks of ``candidates`` in the ranking ``process`` (its
    ``pid``): the wall and CPU seconds of each (both processes' CPU), and the last order."""
    from screener.core.ranking_process import places

    walls: list[float] = []
    cpus: list[float] = []
    order: list[int] = []
    for _ in range(repeats):
        t, c = time.perf_counter(), cpu_s(pid) + time.process_time()
        order = process.order(labels, candidates)
        places(order)
        walls.append(time.perf_counter() - t)
        cpus.append(cpu_s(pid) + time.process_time() - c)
    return walls, cpus, order


def measure(path: Path, repeats: int) -> None:  # noqa: PLR0915
    import numpy as np

    from screener.core.project import Project
    from screener.core.ranking import Ranker
    from screener.core.ranking_process import RankingProcess
    from screener.core.services.queue_order import rank_ids

    print(f"CPU {cpu_model()} × {os.cpu_count()} · load average at the start {load()}")
    project = Project.open(path)
    service = project.queue_order
    ids = service.feature_ids()
    rows: list[tuple[str, str, str]] = []

    def timed_prepare(process: RankingProcess) -> float:
        t = time.perf_counter()
        for _ in process.prepare(service, str(path)):
            pass
        return time.perf_counter() - t

    peaks: list[tuple[str, float]] = []  # (path, the ranking process's peak RSS in it, MB)
    resettable = True

    def peak_of(proc: RankingProcess, path_name: str) -> None:
        peaks.append((path_name, vm_hwm_mb(proc._process.pid)))

    def fresh_peak(proc: RankingProcess) -> None:
        nonlocal resettable
        resettable = reset_hwm(proc._process.pid) and resettable

    process = RankingProcess()
    first = timed_prepare(process)
    built = process.built
    peak_of(process, "first build: start, read the records, build and save the features")
    rows.append(("first ranking, no cache: read, build, save the features", f"{first:.1f} s",
                 f"{built:,} records built"))
    rng = random.Random(2)
    retrains: dict[int, list[float]] = {}
    labelled: dict[int, dict[int, int]] = {}
    for decided in (500, 5000):
        sample = rng.sample(ids, decided)
        labels = {rid: int(k % 20 == 0) for k, rid in enumerate(sample)}
        labelled[decided] = labels
        candidates = [rid for rid in ids if rid not in labels]
        pid = process._process.pid
        fresh_peak(process)
        times, cpus, order = retrain(process, pid, labels, candidates, repeats)
        peak_of(process, f"retrain + re-rank, {decided:,} decisions, after the build ({repeats}×)")
        retrains[decided] = times
        assert len(order) == len(candidates)
        rows.append((f"retrain + re-rank {len(candidates):,} records, {decided:,} decisions",
                     f"median {statistics.median(times):.2f} s · max {max(times):.2f} s", "< 2 s"))
        rows.append(("  CPU time of it (both processes; ~ the wall time on a quiet machine)",
                     f"median {statistics.median(cpus):.2f} s · max {max(cpus):.2f} s", ""))
    process.close()
    again = RankingProcess()
    reopened = timed_prepare(again)
    peak_of(again, "reopening: start, load and check the cache file")
    rows.append(("first ranking after reopening: the cache file read and checked", f"{reopened:.1f} s",
                 f"{again.built} records built"))
    fresh_peak(again)
    t = time.perf_counter()
    again.order(labelled[500], [rid for rid in ids if rid not in labelled[500]])
    rows.append(("  then the first retrain (500 decisions)", f"{time.perf_counter() - t:.2f} s", ""))
    again.order(labelled[5000], [rid for rid in ids if rid not in labelled[5000]])
    peak_of(again, "retrain + re-rank, 500 then 5,000 decisions, after loading the cache")
    from tests.factories import add_batch, make_record

    (path.parent / "more.ris").write_text("an export imported later\n", encoding="utf-8")
    add_batch(project, [make_record(i, title=f"Peer support trial {i} in community mental health")
                        for i in range(1, 1001)], file_name="more.ris")
    before = again.built
    fresh_peak(again)
    t = time.perf_counter()
    for _ in again.prepare(service, str(path)):
        pass
    rows.append(("an import of 1,000 records: they are read and appended, saved", f"{time.perf_counter() - t:.1f} s",
                 f"{again.built - before:,} records built"))
    peak_of(again, "import: 1,000 records read, appended, the file saved")
    ids = service.feature_ids()
    fresh_peak(again)
    again.order(labelled[5000], [rid for rid in ids if rid not in labelled[5000]])
    peak_of(again, "retrain + re-rank, 5,000 decisions, after the import")
    for decided in [d for d in (10_000, 20_000, 50_000) if d < len(ids)]:  # the cap bounds a training
        labels = {rid: int(k % 20 == 0) for k, rid in enumerate(rng.sample(ids, decided))}
        fresh_peak(again)
        t, c = time.perf_counter(), cpu_s(again._process.pid) + time.process_time()
        again.order(labels, [rid for rid in ids if rid not in labels])
        rows.append((f"retrain + re-rank, {decided:,} decisions (once)",
                     f"{time.perf_counter() - t:.2f} s · CPU {cpu_s(again._process.pid) + time.process_time() - c:.2f} s",
                     "< 2 s"))
        peak_of(again, f"retrain + re-rank, {decided:,} decisions (once)")
    again.close()
    imports_only, ranking_imports = baseline_mb()
    peak = max(mb for _, mb in peaks)
    rows.append(("ranking process peak RSS (VmHWM), every path up to 50,000 decisions", f"{peak:.0f} MB",
                 f"< {TARGET_MB} MB: {'met' if peak < TARGET_MB else 'MISSED'}"))

    # reference: the same model in this process on the same features
    from screener.core.ranking_cache import cache_path
    from screener.core.ranking_cache import load as load_cache

    pf = load_cache(cache_path(service.identity()), service.identity())
    index = pf.index()
    ranker = Ranker.from_features(pf.features)
    for decided in (500, 5000):
        labels = labelled[decided]
        candidates = [rid for rid in ids if rid not in labels]
        times = []
        for _ in range(repeats):
            t = time.perf_counter()
            rank_ids(ranker, index, labels, candidates)
            times.append(time.perf_counter() - t)
        med = statistics.median(times)
        rows.append((f"reference: the same retrain in this process, {decided:,} decisions",
                     f"median {med:.2f} s", f"process / reference ×{statistics.median(retrains[decided]) / med:.2f}"))
    sort_ref = []
    x = np.random.default_rng(1).random(2_000_000)
    for _ in range(5):
        t = time.perf_counter()
        np.sort(x)
        sort_ref.append(time.perf_counter() - t)
    rows.append(("reference: numpy sort of 2M floats (machine speed)", f"{1000 * statistics.median(sort_ref):.0f} ms", ""))
    project.close()
    widths = [max(len(r[i]) for r in rows) for i in range(3)]
    print(f"\n{len(ids):,} records; medians of {repeats} retrains\n")
    for r in rows:
        print("  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip())
    print(f"\nThe ranking process's peak RSS (VmHWM) on each path"
          f"{'' if resettable else ' (since the process started: VmHWM could not be reset)'}:\n")
    width = max(len(name) for name, _ in peaks)
    for name, mb in peaks:
        print(f"  {name.ljust(width)}  {mb:4.0f} MB  {'under' if mb < TARGET_MB else 'OVER'} {TARGET_MB} MB")
    print(f"  {'baseline: a process that only imports numpy, scipy, scikit-learn'.ljust(width)}  {imports_only:4.0f} MB")
    print(f"  {'baseline: ... and the modules the ranking process imports'.ljust(width)}  {ranking_imports:4.0f} MB")
    print(f"\nload average at the end {load()}")


def measure_table(path: Path, decisions: list[int], repeats: int) -> None:
    """(retrain_table.py) Run in the tree's own process: prints one JSON line per number of decisions."""
    import json

    import screener
    from screener.core.project import Project
    from screener.core.ranking_process import RankingProcess

    project = Project.open(path)
    service = project.queue_order
    ids = service.feature_ids()
    process = RankingProcess()
    for _ in process.prepare(service, str(path)):
        pass
    pid = process._process.pid
    print(json.dumps({"code": str(Path(screener.__file__).parents[1]), "records": len(ids)}), flush=True)
    for decided in decisions:
        rng = random.Random(decided)
        labels = {rid: int(k % 20 == 0) for k, rid in enumerate(rng.sample(ids, decided))}
        candidates = [rid for rid in ids if rid not in labels]
        reset_hwm(pid)
        walls, cpus, order = retrain(process, pid, labels, candidates, repeats)
        assert len(order) == len(candidates)
        print(json.dumps({"decisions": decided, "wall": walls, "cpu": cpus, "peak_mb": vm_hwm_mb(pid)}),
              flush=True)
    process.close()
    project.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--table", action="store_true",
                        help="only the table of retrain + re-rank against the decisions")
    parser.add_argument("--before", type=Path,
                        help="a reference tree (e.g. git archive main | tar -x -C DIR) measured in the table too")
    parser.add_argument("--decisions", default="1000,5000,20000,50000",
                        help="the table's numbers of decisions, comma-separated")
    parser.add_argument("--measure", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--table-measure", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    decisions = [int(d) for d in args.decisions.split(",")]
    if args.measure:
        measure(args.measure, args.repeats)
        return
    if args.table_measure:
        measure_table(args.table_measure, decisions, args.repeats)
        return
    # (imported here, not in --table-measure: there the reference tree's tests come first)
    from tests.bench import retrain_table

    if args.before is not None and not (args.before / "screener" / "core").is_dir():
        raise SystemExit(f"--before {args.before}: no screener/core there")
    cached = CACHE / f"bench-{args.records}.screener"
    if not cached.exists():
        CACHE.mkdir(parents=True, exist_ok=True)
        here = Path(__file__).with_name("bench_screening.py")
        subprocess.run([sys.executable, str(here), "--build", str(cached), "--records", str(args.records)], check=True)
    work = CACHE / f"run-retrain-{os.getpid()}" / cached.name
    work.parent.mkdir(parents=True)
    try:
        for suffix in ("", "-wal"):
            if Path(str(cached) + suffix).exists():
                shutil.copy2(str(cached) + suffix, str(work) + suffix)
        env = {**os.environ, "SCREENER_CACHE_DIR": str(work.parent / "features")}
        if not args.table:
            subprocess.run([sys.executable, __file__, "--measure", str(work), "--repeats", str(args.repeats)],
                           check=True, env=env)
        retrain_table.table(Path(__file__).resolve(), Path(__file__).resolve().parents[2], args.before, work,
                            env, decisions, args.repeats)
    finally:
        shutil.rmtree(work.parent, ignore_errors=True)


if __name__ == "__main__":
    main()
