"""bench_ranking_retrain.py's table: retrain + re-rank time and the ranking process's peak RSS
against the number of decisions, for this code and, in the same run, a reference tree (main's
code, ``--before DIR``: e.g. ``git archive main | tar -x -C DIR``).

Each tree is measured in a process of its own (``bench_ranking_retrain.py --table-measure``), with that tree's
``screener`` first on the path (and so in the ranking process it spawns): the features are
prepared (from the cache file the first tree built), then for each number of decisions (5 %
includes, a seeded sample of the records) the retrain + re-rank is timed ``repeats`` times as
the window waits for it, with the CPU time of both processes (what the wall time would be on
a quiet machine: the work is single-threaded), and the process's VmHWM reset before them.
"""

from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
import sys
from pathlib import Path

TARGET_S = 2.0
TARGET_MB = 500


def run_tree(script: Path, code: Path, path: Path, env: dict[str, str], decisions: list[int],
             repeats: int) -> tuple[str, dict[int, dict[str, object]]]:
    """Measure the tree at ``code`` in a process of its own, on a copy of the project of its
    own (a newer tree upgrades the schema, which an older one then refuses to open)."""
    own = path.with_name(f"{code.name or 'tree'}-{abs(hash(str(code)))}-{path.name}")
    for suffix in ("", "-wal", "-shm"):
        if Path(str(path) + suffix).exists():
            shutil.copy2(str(path) + suffix, str(own) + suffix)
    path = own
    env = {**env, "SCREENER_BENCH_CODE": str(code), "PYTHONPATH": str(code)}
    done = subprocess.run([sys.executable, str(script), "--table-measure", str(path), "--repeats", str(repeats),
                           "--decisions", ",".join(map(str, decisions))],
                          check=True, env=env, cwd=code, stdout=subprocess.PIPE, text=True)
    lines = [json.loads(line) for line in done.stdout.splitlines() if line.startswith("{")]
    return str(lines[0]["code"]), {int(r["decisions"]): r for r in lines[1:]}


def table(script: Path, here: Path, before: Path | None, path: Path, env: dict[str, str],
          decisions: list[int], repeats: int) -> None:
    """Measure this tree (and ``before``), then print the table."""
    trees = [("this code", here)] + ([("reference (--before)", before)] if before is not None else [])
    results = []
    for name, code in reversed(trees):  # the reference first, on the schema it knows
        used, rows = run_tree(script, code, path, env, decisions, repeats)
        results.insert(0, (name, used, rows))
    print(f"\nretrain + re-rank vs decisions (5 % includes), median of {repeats}; load average now "
          f"{' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    for name, used, _ in results:
        print(f"  {name}: {used}")
    head = ["decisions"]
    for name, _, _ in results:
        head += [f"{name}: wall", "CPU", "peak RSS"]
    if len(results) == 2:
        head += ["CPU this / ref"]
    out = [head]
    for d in decisions:
        row = [f"{d:,}"]
        cpu = []
        for _, _, rows in results:
            r = rows[d]
            wall, c = statistics.median(r["wall"]), statistics.median(r["cpu"])  # type: ignore[arg-type]
            cpu.append(c)
            row += [f"{wall:.2f} s", f"{c:.2f} s{'' if c < TARGET_S else ' OVER'}",
                    f"{r['peak_mb']:.0f} MB{'' if float(r['peak_mb']) < TARGET_MB else ' OVER'}"]  # type: ignore[arg-type]
        if len(results) == 2:
            row.append(f"×{cpu[0] / cpu[1]:.2f}")
        out.append(row)
    widths = [max(len(r[i]) for r in out) for i in range(len(head))]
    for r in out:
        print("  " + "  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip())
    print(f"  (targets: retrain + re-rank < {TARGET_S:.0f} s, the ranking process's peak < {TARGET_MB} MB; "
          "CPU: both processes, ~ the wall time on a quiet machine)")
