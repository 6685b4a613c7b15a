"""End-to-end import benchmark: parse, normalise, store and index a 100,000-record
multi-database corpus into a new project, against rispy's bare ``load`` of the same
files in the same run.

    .venv/bin/python tests/bench/bench_import.py [N] [--repeats 3]

Each measurement runs in a fresh subprocess. Peak memory is that of the whole process
tree (the importer plus its reading processes, their resident sizes summed every 20 ms),
and, apart, the largest single reading process. Prints a table of medians and the ratio
to rispy.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

RISPY = """
import json, resource, sys, time, rispy
t = time.perf_counter(); n = 0
for f in sys.argv[1:]:
    with open(f, encoding="utf-8-sig") as fh:
        n += len(rispy.load(fh))
print(json.dumps({"seconds": time.perf_counter() - t, "records": n,
                  "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""

SCREENER = """
import json, resource, sys, time, tempfile, os
from screener.core.project import Project
from screener.types import run_work
folder = tempfile.mkdtemp()
t = time.perf_counter()
with Project.create(os.path.join(folder, "bench.screener"), title="bench") as p:
    report = run_work(p.imports.import_files(sys.argv[1:], source="Generated"))
print(json.dumps({"seconds": time.perf_counter() - t, "records": report.records,
                  "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  "reader_rss_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024}))
"""


def _tree_rss_mb(pid: int) -> float:
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


def measure(script: str, files: list[Path]) -> dict[str, float]:
    proc = subprocess.Popen([sys.executable, "-c", script, *map(str, files)], stdout=subprocess.PIPE, text=True)
    peak = 0.0
    while proc.poll() is None:
        peak = max(peak, _tree_rss_mb(proc.pid))
        time.sleep(0.02)
    out, _ = proc.communicate()
    if proc.returncode:
        raise SystemExit(f"benchmark script failed with exit status {proc.returncode}")
    result = json.loads(out.strip().splitlines()[-1])
    result["tree_mb"] = max(peak, result["rss_mb"])
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("n", nargs="?", type=int, default=100_000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--one-file", action="store_true",
                        help="the same records as one export file (one reading process can work)")
    args = parser.parse_args()
    from gen_corpus import generate

    corpus = Path(tempfile.gettempdir()) / f"screener-corpus-{args.n}"
    files = sorted(corpus.glob("*.ris")) if corpus.exists() else []
    if not files:
        files = generate(args.n, corpus, seed=1)
    if args.one_file:
        whole = corpus / "one-file" / "all.ris"
        if not whole.exists():
            whole.parent.mkdir(exist_ok=True)
            whole.write_bytes(b"".join(f.read_bytes() for f in files))
        files = [whole]
    size_mb = sum(f.stat().st_size for f in files) / 1e6
    print(f"corpus: {args.n:,} records in {len(files)} file(s), {size_mb:.0f} MB")
    runs: dict[str, list[dict[str, float]]] = {"rispy.load (bare parse)": [], "screener import (end to end)": []}
    for _ in range(args.repeats):  # interleaved, so load on the machine hits both alike
        runs["rispy.load (bare parse)"].append(measure(RISPY, files))
        runs["screener import (end to end)"].append(measure(SCREENER, files))
    base = statistics.median(r["seconds"] for r in runs["rispy.load (bare parse)"])
    print(f"{'what':<32}{'records':>10}{'median s':>10}{'min s':>8}{'ratio':>8}{'peak MB':>9}"
          f"{'reader MB':>11}{'all MB':>8}")
    for name, results in runs.items():
        med = statistics.median(r["seconds"] for r in results)
        print(f"{name:<32}{int(results[0]['records']):>10,}{med:>10.2f}{min(r['seconds'] for r in results):>8.2f}"
              f"{med / base:>8.2f}{max(r['rss_mb'] for r in results):>9.0f}"
              f"{max(r.get('reader_rss_mb', 0) for r in results):>11.0f}"
              f"{max(r['tree_mb'] for r in results):>8.0f}")
    print("peak MB: the importing process; reader MB: the largest reading process (two run at once);\n"
          "all MB: the peak of the whole process tree, sampled every 20 ms")


if __name__ == "__main__":
    main()
