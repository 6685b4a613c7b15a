"""Stopping rules on the shared labelled sets: where each rule says stop, and the recall then.

Run by hand from the repository root (pytest ignores tests/bench)::

    .venv/bin/python tests/bench/bench_stopping.py [--sets DIR] [--seeds 1,2,3,4,5]

For each labelled set and seed, the ranking model replays the screening
(``core.ranking.simulate``, priors 1 include + 1 exclude, as ``screener simulate``), and each
stopping rule of ``core/stopping_sim.py`` is replayed on that order at a 95 % recall target
and 95 % confidence: the random-sample test after SAFE's heuristic (``sample``), the same
test on the ranked order (``ranked``), and the knee method (``knee``). The table gives, per
rule, the median over seeds of the records screened at the stop, the recall then (with the
lowest over seeds), the work saved then, and on how many seeds the recall was below the
target. The reference in the same run is the oracle: screening the ranked order until 95 %
of the includes are found (WSS@95's point).
"""

from __future__ import annotations

import argparse
import math
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
from screener.core.ranking import simulate  # noqa: E402
from screener.core.simulation import read_labelled  # noqa: E402
from screener.core.stopping_sim import simulate_stopping  # noqa: E402
from tests.bench.machine_info import cpu_model  # noqa: E402

RULES = ("sample", "ranked", "knee")


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sets", default=str(ROOT.parent.parent / "shared" / "fixtures" / "labelled"))
    ap.add_argument("--seeds", default="1,2,3,4,5")
    args = ap.parse_args()
    seeds = [int(s) for s in args.seeds.split(",")]
    if not sorted(Path(args.sets).glob("*.csv")):
        raise SystemExit(f"no labelled sets (*.csv) in {args.sets}; give --sets DIR")
    print(f"CPU: {cpu_model()}; load average: {os.getloadavg()}")
    header = (f"{'set':<28} {'N':>5} {'incl':>4} {'rule':<7} {'stop_at':>7} {'recall':>7} "
              f"{'min rec':>7} {'saved':>6} {'below':>5} {'time s':>6}")
    print(header)
    print("-" * len(header))
    below_any: dict[str, list[str]] = {r: [] for r in RULES}
    for path in sorted(Path(args.sets).glob("*.csv")):
        texts, labels = read_labelled(path)
        per: dict[str, list[dict]] = {r: [] for r in (*RULES, "oracle")}
        took = []
        for seed in seeds:
            order = simulate(texts, labels, seed).order
            y = [labels[i] for i in order]
            t0 = time.perf_counter()
            out = simulate_stopping(y, seed)
            took.append(time.perf_counter() - t0)
            for r in RULES:
                per[r].append(out[r])
            need = math.ceil(0.95 * sum(y) - 1e-9)
            found = 0
            for i, v in enumerate(y, start=1):
                found += v
                if found >= need:
                    per["oracle"].append({"stop_at": i, "recall_at_stop": found / sum(y),
                                          "work_saved_at_stop": (len(y) - i) / len(y),
                                          "below_target": False})
                    break
        for r in (*RULES, "oracle"):
            rows = per[r]
            below = sum(1 for x in rows if x["below_target"])
            if below and r in below_any:
                below_any[r].append(path.stem)
            print(f"{path.stem:<28} {len(labels):>5} {sum(labels):>4} {r:<7} "
                  f"{statistics.median(x['stop_at'] for x in rows):>7.0f} "
                  f"{statistics.median(x['recall_at_stop'] for x in rows):>7.3f} "
                  f"{min(x['recall_at_stop'] for x in rows):>7.3f} "
                  f"{statistics.median(x['work_saved_at_stop'] for x in rows):>6.3f} "
                  f"{below:>3}/{len(rows)} "
                  f"{statistics.median(took) if r != 'oracle' else 0:>6.2f}")
    print()
    for r in RULES:
        print(f"{r}: below the 95% target on " + (", ".join(below_any[r]) or "no set"))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
