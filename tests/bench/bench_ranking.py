"""Time the screening simulation and report WSS@95 / recall@10 % on the labelled sets.

Run: ``python tests/bench/bench_ranking.py [SEEDS]`` (default 5 seeds). Reads the
fixtures from ``shared/fixtures/labelled`` beside the repository (or the folder in
``SCREENER_LABELLED``); not collected by pytest.
"""

from __future__ import annotations

import csv
import os
import statistics
import sys
import time
from pathlib import Path

from screener.core.ranking import record_text, simulate

SETS = [
    "Cohen_2006_ADHD",
    "Cohen_2006_Antihistamines",
    "Cohen_2006_BetaBlockers",
    "Kitchenham_2010",
]


def labelled_dir() -> Path:
    if "SCREENER_LABELLED" in os.environ:
        return Path(os.environ["SCREENER_LABELLED"])
    repo = Path(__file__).resolve().parents[2]
    for base in (repo.parent, repo.parent.parent):
        candidate = base / "shared" / "fixtures" / "labelled"
        if candidate.is_dir():
            return candidate
    raise SystemExit("labelled fixtures not found; set SCREENER_LABELLED")


def load(path: Path) -> tuple[list[str], list[int]]:
    with open(path, newline="", encoding="utf-8") as fp:
        rows = list(csv.DictReader(fp))
    return (
        [record_text(r.get("title"), r.get("abstract")) for r in rows],
        [int(r["label_included"]) for r in rows],
    )


def main(seeds: int = 5) -> None:
    folder = labelled_dir()
    print(
        f"{'data set':28} {'N':>5} {'incl':>4} {'time s (mean/max)':>18} "
        f"{'WSS@95 (mean/min/max)':>22} {'recall@10% (mean/min/max)':>26}"
    )
    for name in SETS:
        texts, labels = load(folder / f"{name}.csv")
        times, wss, rec = [], [], []
        for seed in range(seeds):
            start = time.perf_counter()
            result = simulate(texts, labels, seed=seed)
            times.append(time.perf_counter() - start)
            wss.append(result.wss95)
            rec.append(result.recall_at_10)
        print(
            f"{name:28} {len(labels):5d} {sum(labels):4d} "
            f"{statistics.mean(times):9.2f}/{max(times):.2f}   "
            f"{statistics.mean(wss):8.3f}/{min(wss):.3f}/{max(wss):.3f}   "
            f"{statistics.mean(rec):10.3f}/{min(rec):.3f}/{max(rec):.3f}"
        )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 5)
