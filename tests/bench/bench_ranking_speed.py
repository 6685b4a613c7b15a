"""Speed and memory of the ranking model at 100,000 records, against the old model.

Run: ``python tests/bench/bench_ranking_speed.py [--records 100000] [--repeats 5]``.
Not collected by pytest.

The records are built from the real titles and abstracts of the labelled sets
(``shared/fixtures/labelled``): each has a real title and an abstract of real
sentences drawn from several abstracts, about 1,500 characters, so word and bigram
counts per record are those of real abstracts. Each model runs in a fresh process so
its peak RSS is its own:

* **Screener** (``screener.core.ranking``): features built once (streamed, as a
  project's records would be), then retrain + re-rank every undecided record, for
  decisions on 500 and on 5,000 records (5 % includes);
* **reference**: the model it replaced (ASReview's old default, TF-IDF unigrams and
  Naive Bayes, a ``TfidfVectorizer`` over the list of texts), measured the same way in
  the same run.

Prints medians over ``--repeats``, the ratio to the reference, the CPU model and the
load average; wall and CPU (process) time, since the machine is shared; the targets are retrain + re-rank under 2 s and peak RSS under 500 MB.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from tests.bench.machine_info import cpu_model  # noqa: E402

REPO = Path(__file__).resolve().parents[2]


def labelled_dir() -> Path:
    if "SCREENER_LABELLED" in os.environ:
        return Path(os.environ["SCREENER_LABELLED"])
    for base in (REPO.parent, REPO.parent.parent):
        candidate = base / "shared" / "fixtures" / "labelled"
        if candidate.is_dir():
            return candidate
    raise SystemExit("labelled fixtures not found; set SCREENER_LABELLED")


def corpus(n: int, seed: int = 1) -> Iterator[str]:
    """``n`` record texts made of real titles and real abstract sentences."""
    titles: list[str] = []
    sentences: list[str] = []
    for path in sorted(labelled_dir().glob("*.csv")):
        with open(path, newline="", encoding="utf-8") as fp:
            for r in csv.DictReader(fp):
                titles.append(r.get("title") or "")
                sentences.extend(s.strip() + "." for s in (r.get("abstract") or "").split(". ") if s.strip())
    rng = random.Random(seed)
    for _ in range(n):
        parts = [rng.choice(titles)]
        length = 0
        while length < 1500:
            s = rng.choice(sentences)
            parts.append(s)
            length += len(s) + 1
        yield " ".join(parts)


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def labels_for(n: int, decided: int, seed: int = 2) -> dict[int, int]:
    rng = random.Random(seed)
    rows = rng.sample(range(n), decided)
    return {r: int(k % 20 == 0) for k, r in enumerate(rows)}


def measure(model: str, n: int, repeats: int) -> dict[str, float]:
    base = peak_mb()
    start, cpu = time.perf_counter(), time.process_time()
    if model == "screener":
        from screener.core.ranking import Ranker, RankingFeatures

        ranker = Ranker.from_features(RankingFeatures(corpus(n)))
    else:
        ranker = ReferenceRanker(list(corpus(n)))
    build = time.perf_counter() - start
    out = {"build": build, "build_cpu": time.process_time() - cpu, "rss_after_build": peak_mb()}
    for decided in (500, 5000):
        labels = labels_for(n, decided)
        times, cpus = [], []
        for _ in range(repeats):
            start, cpu = time.perf_counter(), time.process_time()
            order = ranker.rank(labels)
            times.append(time.perf_counter() - start)
            cpus.append(time.process_time() - cpu)
        assert len(order) == n - decided
        out[f"rank{decided}"] = statistics.median(times)
        out[f"rank{decided}_cpu"] = statistics.median(cpus)
    out["peak"] = peak_mb()
    out["base"] = base
    return out


class ReferenceRanker:
    """The model Screener used before (TF-IDF unigrams + Naive Bayes), for reference."""

    def __init__(self, texts: list[str]) -> None:
        from scipy import sparse
        from sklearn.feature_extraction.text import TfidfVectorizer

        vectorizer = TfidfVectorizer(stop_words="english", strip_accents="unicode", min_df=2)
        self.x = sparse.csr_matrix(vectorizer.fit_transform(texts))
        self.n = len(texts)

    def rank(self, labels: dict[int, int]) -> list[int]:
        import numpy as np
        from sklearn.naive_bayes import MultinomialNB

        inc = [i for i, y in labels.items() if y]
        exc = [i for i, y in labels.items() if not y]
        train = np.asarray(inc + exc)
        y = np.r_[np.ones(len(inc)), np.zeros(len(exc))]
        weight = np.where(y == 1, 0.5 / len(inc), 0.5 / len(exc)) * len(y)
        model = MultinomialNB(alpha=3.822).fit(self.x[train], y, sample_weight=weight)
        mask = np.ones(self.n, dtype=bool)
        mask[train] = False
        cand = np.flatnonzero(mask)
        lp = model.predict_log_proba(self.x[cand])
        return [int(i) for i in cand[np.argsort(-(lp[:, 1] - lp[:, 0]), kind="stable")]]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--measure", choices=("screener", "reference"))
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(measure(args.measure, args.records, args.repeats)))
        return
    print(f"CPU: {cpu_model()}; {os.cpu_count()} cores; load average at start "
          f"{' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    results = {}
    for model in ("screener", "reference"):
        proc = subprocess.run(
            [sys.executable, __file__, "--measure", model, "--records", str(args.records),
             "--repeats", str(args.repeats)],
            capture_output=True, text=True, check=False,
        )
        if proc.returncode != 0:
            raise SystemExit(f"{model} failed:\n{proc.stderr}")
        results[model] = json.loads(proc.stdout.strip().splitlines()[-1])
    s, r = results["screener"], results["reference"]
    print(f"{args.records:,} records; medians of {args.repeats} runs")
    print(f"{'':44} {'Screener':>10} {'reference':>10} {'ratio':>7}  target")
    lines = [
        ("feature build, s (wall)", "build", ""),
        ("feature build, s (CPU)", "build_cpu", ""),
        ("retrain + re-rank, 500 decided, s (wall)", "rank500", "< 2 s"),
        ("retrain + re-rank, 500 decided, s (CPU)", "rank500_cpu", ""),
        ("retrain + re-rank, 5,000 decided, s (wall)", "rank5000", "< 2 s"),
        ("retrain + re-rank, 5,000 decided, s (CPU)", "rank5000_cpu", ""),
        ("peak RSS, MB", "peak", "< 500 MB"),
    ]
    for label, key, target in lines:
        print(f"{label:44} {s[key]:10.2f} {r[key]:10.2f} {s[key] / r[key]:7.2f}  {target}")
    print(f"(RSS of the process before building: Screener {s['base']:.0f} MB, "
          f"reference {r['base']:.0f} MB)")
    ok = s["rank500"] < 2 and s["rank5000"] < 2 and s["peak"] < 500
    print(f"targets {'met' if ok else 'MISSED'}")
    print(f"load average at end {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
