"""Import benchmark: every corpus variant and the single large export, imported by the
whole ``screener import`` command (process start-up included) and in-process, against
rispy's bare ``load`` of the same files, measured in the same run.

    .venv/bin/python tests/bench/bench_import.py [--repeats 3] [--variant NAME]... [--corpus DIR]
    .venv/bin/python tests/bench/bench_import.py --writer   # where the writer's time goes
    .venv/bin/python tests/bench/bench_import.py --before /tmp/old   # /tmp/old: `git archive REV screener | tar -x`

Every measured checkout's ``screener`` package is compiled to byte code first, as installing
it does, and named on PYTHONPATH. The variants are tests/bench/corpus_variants.py's (written once into --corpus). For each
variant and repeat, three fresh processes run one after the other (interleaved, so that
load on the machine falls on all three alike):

* rispy: ``rispy.load`` of each file; its parse time, measured inside the process;
* in-process: ``ImportService.import_files`` into a new project; the import's time,
  measured inside the process (start-up, imports and project creation excluded);
* command: ``screener import PROJECT FILES --source Bench`` into a new project (made
  beforehand with ``screener new``), timed from outside: start-up included.

The table gives medians over the repeats, each ratio to rispy's median, the peak
memory of each command's whole process tree (the importer, its reading processes and
multiprocessing's tracker; resident sizes summed every 20 ms), and the ratio of the CPU
time the command used (all its processes) to rispy's: on a machine whose cores others
keep busy, the wall-clock ratio tends to that; and how the in-process import's CPU time
splits between its own process (storing) and its reading processes. With ``--before``,
each variant is also measured, interleaved, on another checkout's code. The machine's load
average is printed before and after. ``--writer`` times the parts of storing one variant
as an import does (record rows, search index, status rows, indexes built again, commit,
checkpoint; where the code makes the indexes in a second transaction beside the checkpoint,
so does the profile), wall-clock and the CPU time of the thread doing each (it holds under
load); "end" is all that follows the last rows, wall-clock, and the process's CPU time.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
SCREENER = [sys.executable, "-m", "screener"]

RISPY = """
import json, sys, time, rispy
t = time.perf_counter(); n = 0
for f in sys.argv[1:]:
    with open(f, encoding="utf-8-sig") as fh:
        n += len(rispy.load(fh))
print(json.dumps({"seconds": time.perf_counter() - t, "records": n}))
"""

IN_PROCESS = """
import json, os, resource, sys, tempfile, time
from screener.core.project import Project
from screener.types import run_work
with tempfile.TemporaryDirectory() as work, Project.create(os.path.join(work, "bench.screener"), title="bench") as p:
    t, cpu = time.perf_counter(), time.process_time()
    report = run_work(p.imports.import_files(sys.argv[1:], source="Bench"))
    seconds, cpu = time.perf_counter() - t, time.process_time() - cpu
readers = resource.getrusage(resource.RUSAGE_CHILDREN)
print(json.dumps({"seconds": seconds, "records": report.records, "parent_cpu": cpu,
                  "readers_cpu": readers.ru_utime + readers.ru_stime}))
"""


def tree_rss_mb(pid: int) -> float:
    """Resident memory of a process and all its descendants, in MB (0 once it is gone)."""
    total, todo = 0, [pid]
    while todo:
        p = todo.pop()
        try:
            status = Path(f"/proc/{p}/status").read_text()
            total += int(status.split("VmRSS:")[1].split()[0])
            for task in Path(f"/proc/{p}/task").iterdir():
                todo += [int(c) for c in (task / "children").read_text().split()]
        except (OSError, IndexError):
            continue
    return total / 1024


ROOT = HERE.parent.parent  # this checkout's root


def compile_code(root: Path) -> None:
    """Compile a checkout's ``screener`` package to byte code, as installing it does (pip,
    the desktop bundle): a command then loads its modules instead of compiling them at every
    start, whatever PYTHONDONTWRITEBYTECODE says. Done for every measured checkout alike."""
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(root / "screener")], check=True)


def run(command: list[str], code: Path | None = None) -> tuple[float, float, str, float]:
    """(wall seconds, peak MB of the process tree, stdout, CPU seconds of the process and
    the children it waited for) of a command run to its end, on Screener's code in
    ``code`` (a checkout's root), or this checkout's if not given: named on PYTHONPATH
    either way, so the environment's installed copy never decides which code runs."""
    env = dict(os.environ, PYTHONPATH=str(code or ROOT))
    started = time.perf_counter()
    # Run from a folder without a screener package, so that PYTHONPATH decides which code runs.
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            cwd=tempfile.gettempdir(), env=env)
    peak = 0.0
    while True:
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            break
        peak = max(peak, tree_rss_mb(proc.pid))
        time.sleep(0.02)
    wall = time.perf_counter() - started
    proc.returncode = os.waitstatus_to_exitcode(status)
    out, err = proc.communicate()
    if proc.returncode:
        raise SystemExit(f"{' '.join(command[:4])}… failed ({proc.returncode}): {err.strip()[-500:]}")
    return wall, peak, out, usage.ru_utime + usage.ru_stime


def measure(files: list[Path], workdir: Path, code: Path | None = None) -> dict[str, dict[str, float]]:
    """One run of rispy, the in-process import and the command, in that order (the last two
    on the code in ``code`` if given)."""
    names = [str(f) for f in files]
    _, peak, out, cpu = run([sys.executable, "-c", RISPY, *names])
    rispy = {**json.loads(out.strip().splitlines()[-1]), "peak_mb": peak, "cpu": cpu}
    _, peak, out, cpu = run([sys.executable, "-c", IN_PROCESS, *names], code)
    inside = {**json.loads(out.strip().splitlines()[-1]), "peak_mb": peak, "cpu": cpu}
    project = Path(tempfile.mkdtemp(dir=workdir)) / "bench.screener"
    run([*SCREENER, "new", str(project), "--title", "bench"], code)
    wall, peak, out, cpu = run([*SCREENER, "import", str(project), *names, "--source", "Bench", "--json"], code)
    command = {"seconds": wall, "records": json.loads(out)["records"], "peak_mb": peak, "cpu": cpu}
    for suffix in ("", "-wal", "-shm"):
        Path(str(project) + suffix).unlink(missing_ok=True)
    return {"rispy": rispy, "in-process": inside, "command": command}


def load_average() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def bench(variants: list[str], corpus: Path, repeats: int, before: Path | None = None) -> None:
    from corpus_variants import VARIANTS, build

    print(f"load average at start: {load_average()} ({os.cpu_count()} cores)")
    header = (f"{'variant':<16}{'code':<8}{'files':>6}{'MB':>6}{'records':>9}{'rispy s':>9}"
              f"{'in-proc s':>10}{'ratio':>7}{'command s':>10}{'ratio':>7}{'tree MB':>9}{'CPU ratio':>10}"
              f"{'parent':>8}{'readers':>8}")
    print(header, flush=True)
    codes: list[tuple[str, Path | None]] = [("before", before)] if before else []
    codes.append(("this", None))
    for _, code in codes:
        compile_code(code or ROOT)
    print("both measured as installed: each checkout's screener package compiled to byte code first", flush=True)
    with tempfile.TemporaryDirectory() as work:
        for name in variants:
            files = build(name, corpus)
            print(f"{name}: {VARIANTS[name][0]}", flush=True)
            runs: dict[str, list[dict[str, dict[str, float]]]] = {label: [] for label, _ in codes}
            for _ in range(repeats):  # interleaved: the load falls on every kind alike
                for label, code in codes:
                    runs[label].append(measure(files, Path(work), code))
            for label, _ in codes:
                rows = runs[label]
                med = {kind: statistics.median(r[kind]["seconds"] for r in rows) for kind in rows[0]}
                records = {int(r[kind]["records"]) for r in rows for kind in ("in-process", "command")}
                mb = sum(f.stat().st_size for f in files) / 1e6
                # CPU split of the in-process import, as a share of rispy's CPU: the
                # importing process (storing) and its reading processes.
                parent = statistics.median(r["in-process"]["parent_cpu"] / r["rispy"]["cpu"] for r in rows)
                readers = statistics.median(r["in-process"]["readers_cpu"] / r["rispy"]["cpu"] for r in rows)
                print(f"{name:<16}{label:<8}{len(files):>6}{mb:>6.0f}{max(records):>9,}"
                      f"{med['rispy']:>9.2f}{med['in-process']:>10.2f}{med['in-process'] / med['rispy']:>7.2f}"
                      f"{med['command']:>10.2f}{med['command'] / med['rispy']:>7.2f}"
                      f"{max(r['command']['peak_mb'] for r in rows):>9.0f}"
                      f"{statistics.median(r['command']['cpu'] / r['rispy']['cpu'] for r in rows):>10.2f}"
                      f"{parent:>8.2f}{readers:>8.2f}", flush=True)
                if len(records) != 1:
                    print(f"  note: the imports stored {sorted(records)} records")
    print(f"load average at end: {load_average()}; medians of {repeats} interleaved runs; ratio = ours / rispy")
    print("in-proc: the import alone, in a running process; command: `screener import`, start-up included;\n"
          "tree MB: peak resident memory of the command's whole process tree (sampled every 20 ms);\n"
          "CPU ratio: CPU time of the command's processes (importer and reading processes) over rispy's\n"
          "process: the work done, which the wall-clock ratio approaches when other users fill the cores;\n"
          "parent, readers: CPU time of the in-process import's own process (storing) and of its reading\n"
          "processes, over rispy's CPU time; code: this checkout, or --before's")


WRITER = """
import json, os, sys, tempfile, threading, time
from sqlalchemy import event
from screener.core.project import Project
from screener.core.read_ahead import FileHead, read_in_chunks
from screener.core.services.base import now
from screener.store.bulk import create_indexes, drop_indexes_for_import, insert_records
from screener.store.models import Batch, SourceFile
try:  # the import's own transaction settings, and its indexes made in a second transaction
    from screener.store.engine import IMPORT_OPTION
except ImportError:  # older code: the indexes in the rows' transaction, the checkpoint inside its commit
    IMPORT_OPTION = None
chunks = [c for f in sys.argv[1:] for c in read_in_chunks(f) if not isinstance(c, FileHead)]
clock = {}  # part: [wall seconds, CPU seconds of the thread that does it]
with tempfile.TemporaryDirectory() as work, Project.create(os.path.join(work, "w.screener"), title="w") as p:
    engine = p.store.WriteSession.kw["bind"]
    started = {}

    @event.listens_for(engine, "before_cursor_execute")
    def before(conn, cursor, statement, params, context, executemany):
        started["t"], started["cpu"] = time.perf_counter(), time.thread_time()

    @event.listens_for(engine, "after_cursor_execute")
    def after(conn, cursor, statement, params, context, executemany):
        key = ("search index" if "record_fts" in statement else "indexes" if "INDEX" in statement
               else "status rows" if "stage_status" in statement
               else "record rows" if statement.startswith("INSERT INTO record ") else "other")
        part = clock.setdefault(key, [0.0, 0.0])
        part[0] += time.perf_counter() - started["t"]
        part[1] += time.thread_time() - started["cpu"]

    def checkpoint():
        t, c = time.perf_counter(), time.thread_time()
        p.store.checkpoint()
        clock["checkpoint"] = [time.perf_counter() - t, time.thread_time() - c]

    begun, cpu = time.perf_counter(), time.process_time()
    with p.store.WriteSession() as s, s.begin():
        if IMPORT_OPTION:
            s.connection(execution_options={IMPORT_OPTION: True})
        batch = Batch(source="w", kind="database", search_string="", created_at=now())
        s.add(batch)
        s.flush()
        sf = SourceFile(batch_id=batch.id, name="w", sha256="", format="", encoding="", n_records=0,
                        n_skipped=0, warnings=[], imported_at=now())
        s.add(sf)
        s.flush()
        dropped = drop_indexes_for_import(s, sum(len(c) for c in chunks))
        for c in chunks:
            insert_records(s, batch.id, sf.id, c)
        end, end_cpu = time.perf_counter(), time.process_time()
        if not IMPORT_OPTION:
            create_indexes(s, dropped)
        t, c = time.perf_counter(), time.thread_time()
    clock["commit"] = [time.perf_counter() - t, time.thread_time() - c]
    if IMPORT_OPTION:  # as ImportService._make_indexes does
        beside = threading.Thread(target=checkpoint)
        beside.start()
        with p.store.WriteSession() as s, s.begin():
            s.connection(execution_options={IMPORT_OPTION: True})
            create_indexes(s, dropped)
        beside.join()
    else:
        checkpoint()
    clock["end: indexes, commit, checkpoint"] = [time.perf_counter() - end, time.process_time() - end_cpu]
    clock["total"] = [time.perf_counter() - begun, time.process_time() - cpu]
print(json.dumps({"records": sum(len(c) for c in chunks), **clock}))
"""


def writer_profile(name: str, corpus: Path, code: Path | None = None) -> None:
    from corpus_variants import build

    files = [str(f) for f in build(name, corpus)]
    _, _, out, _ = run([sys.executable, "-c", WRITER, *files], code)
    parts = json.loads(out.strip().splitlines()[-1])
    total = parts.pop("total")
    records = parts.pop("records")
    print(f"writer, {name} ({records:,} records, one transaction; {f'code in {code}; ' if code else ''}"
          f"load average {load_average()}):")
    print(f"  {'':<34}{'wall s':>8}{'':>6}{'CPU s':>8}")
    for key, (seconds, cpu) in sorted(parts.items(), key=lambda kv: -kv[1][1]):
        print(f"  {key:<34}{seconds:>8.2f}{100 * seconds / total[0]:>5.0f}%{cpu:>8.2f}")
    print(f"  {'total':<34}{total[0]:>8.2f}{'':>6}{total[1]:>8.2f}  (CPU: of the process, all its threads)")


def main() -> None:
    from corpus_variants import VARIANTS

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--variant", action="append", choices=list(VARIANTS))
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--corpus", type=Path, default=Path(tempfile.gettempdir()) / "screener-import-corpus")
    parser.add_argument("--writer", action="store_true", help="profile the writer on databases-lf")
    parser.add_argument("--before", type=Path, help="the root of another checkout (its screener/ is run "
                        "with PYTHONPATH), measured in the same run, interleaved: before and after")
    args = parser.parse_args()
    if args.writer:
        for _ in range(args.repeats):
            for code in ([args.before] if args.before else []) + [None]:
                writer_profile(args.variant[0] if args.variant else "databases-lf", args.corpus, code)
        return
    bench(args.variant or list(VARIANTS), args.corpus, args.repeats, args.before)


if __name__ == "__main__":
    main()
