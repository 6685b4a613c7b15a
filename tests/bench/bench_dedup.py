"""Deduplication benchmark: accuracy and speed against bib-dedupe, and a 100k scale run.

Run by hand from the repository root (pytest ignores tests/bench)::

    .venv/bin/python tests/bench/bench_dedup.py
    .venv/bin/python tests/bench/bench_dedup.py --no-bib-dedupe --scale 25000,100000

Part 1, the ASySD benchmark sets in tests/data/dedup (haematology, stroke): for each,
the number of records, pairwise precision and recall of the automatic merges (closure
of the ``certain`` pairs), the number of candidates, our time (median of 3), and the
same for bib-dedupe on the same CSV in the same run, with the speed ratio.

bib-dedupe is never installed into the project's environment. It lives in a virtual
environment of its own, /tmp/bibdedupe-venv unless --bib-dedupe-venv says otherwise,
which this script creates when it is missing (--no-install refuses)::

    python3 -m venv /tmp/bibdedupe-venv
    /tmp/bibdedupe-venv/bin/pip install bib-dedupe==0.11.0

and runs in a subprocess. Its time is prep + block + match on an already loaded table
(imports and CSV parsing excluded, as for ours); it uses every core, ours one.

Part 2, the scale run: tests/bench/gen_corpus.py writes an n-record RIS corpus (five
database styles, about 30% duplicates, with truth.csv), the project's readers read it,
and find_duplicates runs on it in a child process: time, precision and recall against
truth.csv, and resident memory before and at the peak of deduplication.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from screener.core.dedup import find_duplicates  # noqa: E402
from screener.core.dedup.evaluation import (  # noqa: E402
    pairwise_accuracy,
    read_benchmark_clusters,
    read_benchmark_records,
    read_disputed_pairs,
)
from screener.types import DedupRecord, DedupResult, run_work  # noqa: E402

DATA = ROOT / "tests" / "data" / "dedup"
SETS = ("haematology", "stroke")
BIB_DEDUPE_VERSION = "0.11.0"

# Runs inside the bib-dedupe environment: argv = csv path, runs, output json path.
BIB_DEDUPE_SCRIPT = r"""
import json, sys, time
import pandas as pd
import bib_dedupe.bib_dedupe as bd

table = pd.read_csv(sys.argv[1])
times = []
for _ in range(int(sys.argv[2])):
    start = time.perf_counter()
    prepared = bd.prep(table, verbosity_level=0)
    blocked = bd.block(prepared, verbosity_level=0)
    matched = bd.match(blocked, verbosity_level=0)
    times.append(time.perf_counter() - start)
duplicates = matched[matched["duplicate_label"] == "duplicate"]
json.dump(
    {
        "times": times,
        "pairs": duplicates[["ID_1", "ID_2"]].values.tolist(),
        "maybe": int((matched["duplicate_label"] == "maybe").sum()),
    },
    open(sys.argv[3], "w"),
)
"""


def _numeric(record_id: str) -> int:
    return int("".join(ch for ch in record_id if ch.isdigit()))


def ensure_bib_dedupe(venv: Path, install: bool) -> Path | None:
    python = venv / "bin" / "python"
    if python.exists():
        return python
    if not install:
        print(f"bib-dedupe: no environment at {venv} (run without --no-install to create it)")
        return None
    print(f"creating {venv} with bib-dedupe=={BIB_DEDUPE_VERSION} ...", flush=True)
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    subprocess.run(
        [str(python), "-m", "pip", "install", "-q", f"bib-dedupe=={BIB_DEDUPE_VERSION}"], check=True
    )
    return python


def run_ours(records: list[DedupRecord], runs: int) -> tuple[list[float], DedupResult]:
    times, result = [], DedupResult()
    for _ in range(runs):
        start = time.perf_counter()
        result = run_work(find_duplicates(records))
        times.append(time.perf_counter() - start)
    return times, result


def run_bib_dedupe(python: Path, csv_path: Path, runs: int) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "out.json"
        subprocess.run(
            [str(python), "-c", BIB_DEDUPE_SCRIPT, str(csv_path), str(runs), str(out)],
            check=True,
            stdout=subprocess.DEVNULL,
        )
        return json.loads(out.read_text())


def benchmark_sets(python: Path | None, runs: int) -> None:
    header = (
        f"{'set':<12}{'n':>6} {'engine':<11}{'precision':>10}{'recall':>8}"
        f"{'cands':>7}{'time s':>9}{'ratio':>8}"
    )
    print(header)
    print("-" * len(header))
    notes = []
    for name in SETS:
        csv_path = DATA / name / "records_pre_merged.csv"
        records = read_benchmark_records(csv_path)
        clusters = read_benchmark_clusters(DATA / name / "merged_record_ids.csv")
        times, result = run_ours(records, runs)
        ours = statistics.median(times)
        certain = [(a, b) for a, b, _ in result.certain]
        accuracy = pairwise_accuracy(certain, clusters)
        candidates = len(result.candidates)
        print(
            f"{name:<12}{len(records):>6} {'screener':<11}{accuracy.precision:>10.4f}"
            f"{accuracy.recall:>8.4f}{candidates:>7}{ours:>9.3f}{'':>8}"
        )
        disputed_path = DATA / name / "disputed_pairs.csv"
        if disputed_path.exists():
            disputed = read_disputed_pairs(disputed_path)
            adjudicated = pairwise_accuracy(certain, clusters, disputed)
            notes.append(
                f"{name}: without the {len(disputed)} disputed labelled pairs "
                f"(disputed_pairs.csv) screener has precision {adjudicated.precision:.4f}, "
                f"recall {adjudicated.recall:.4f}"
            )
        if python is None:
            continue
        theirs = run_bib_dedupe(python, csv_path, runs)
        their_time = statistics.median(theirs["times"])
        their_pairs = [(_numeric(a), _numeric(b)) for a, b in theirs["pairs"]]
        their_accuracy = pairwise_accuracy(
            [(min(a, b), max(a, b)) for a, b in their_pairs], clusters
        )
        print(
            f"{'':<12}{'':>6} {'bib-dedupe':<11}{their_accuracy.precision:>10.4f}"
            f"{their_accuracy.recall:>8.4f}{theirs['maybe']:>7}{their_time:>9.3f}"
            f"{their_time / ours:>7.1f}x"
        )
    print()
    print(f"time: median of {runs} runs; ratio: bib-dedupe time / screener time;")
    print("cands: screener candidates for review, bib-dedupe 'maybe' pairs.")
    for note in notes:
        print(note)


# --- scale run ------------------------------------------------------------------------------


def _memory() -> dict[str, int]:
    values = {}
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith(("VmRSS:", "VmHWM:")):
                values[line.split(":")[0]] = int(line.split()[1]) // 1024
    return values


def scale_child(size: int, seed: int, workdir: Path) -> None:
    """In a fresh process: generate, read, deduplicate; print one JSON line."""
    sys.path.insert(0, str(ROOT / "tests" / "bench"))
    from gen_corpus import generate

    from screener.core.readers import read_file

    corpus = workdir / f"corpus-{size}-{seed}"
    if not (corpus / "truth.csv").exists():
        generate(size, corpus, seed)
    records: list[DedupRecord] = []
    ids: dict[tuple[str, int], int] = {}
    for path in sorted(corpus.glob("*.ris")):
        for parsed in read_file(path).records:
            ids[(path.name, parsed.position)] = len(records) + 1
            records.append(
                DedupRecord(
                    id=len(records) + 1,
                    title=parsed.title,
                    authors=parsed.authors,
                    year=parsed.year,
                    journal=parsed.journal,
                    volume=parsed.volume,
                    issue=parsed.issue,
                    pages=parsed.pages,
                    doi=parsed.doi,
                    pmid=parsed.pmid,
                    type=parsed.type,
                    abstract=parsed.abstract,
                )
            )
    works: dict[str, list[int]] = {}
    with open(corpus / "truth.csv", newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            works.setdefault(row["work_id"], []).append(ids[(row["file"], int(row["position"]))])
    clusters = [group for group in works.values() if len(group) > 1]

    with open("/proc/self/clear_refs", "w", encoding="ascii") as clear:
        clear.write("5")  # reset the peak (VmHWM) to the current resident size
    before = _memory()["VmRSS"]
    start = time.perf_counter()
    result = run_work(find_duplicates(records))
    elapsed = time.perf_counter() - start
    peak = _memory()["VmHWM"]
    accuracy = pairwise_accuracy([(a, b) for a, b, _ in result.certain], clusters)
    print(
        json.dumps(
            {
                "n": len(records),
                "seconds": elapsed,
                "rss_before_mb": before,
                "peak_mb": peak,
                "precision": accuracy.precision,
                "recall": accuracy.recall,
                "certain": len(result.certain),
                "candidates": len(result.candidates),
            }
        )
    )


def benchmark_scale(sizes: list[int], seed: int, workdir: Path) -> None:
    print()
    header = (
        f"{'scale n':>8}{'time s':>9}{'rss before MB':>15}{'peak MB':>9}{'added MB':>10}"
        f"{'precision':>11}{'recall':>8}{'cands':>7}"
    )
    print(header)
    print("-" * len(header))
    for size in sizes:
        output = subprocess.run(
            [
                sys.executable,
                __file__,
                "--scale-child",
                str(size),
                "--seed",
                str(seed),
                "--workdir",
                str(workdir),
            ],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        row = json.loads(output.strip().splitlines()[-1])
        print(
            f"{row['n']:>8}{row['seconds']:>9.2f}{row['rss_before_mb']:>15}{row['peak_mb']:>9}"
            f"{row['peak_mb'] - row['rss_before_mb']:>10}{row['precision']:>11.4f}"
            f"{row['recall']:>8.4f}{row['candidates']:>7}"
        )
    print("corpus: tests/bench/gen_corpus.py, read with screener.core.readers; time and")
    print("memory are find_duplicates' alone, in a fresh process per size.")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--no-bib-dedupe", action="store_true")
    parser.add_argument("--no-install", action="store_true")
    parser.add_argument("--bib-dedupe-venv", type=Path, default=Path("/tmp/bibdedupe-venv"))
    parser.add_argument("--scale", default="100000", help="comma-separated sizes, or 0")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--workdir", type=Path, default=Path(tempfile.gettempdir()) / "dedup-bench")
    parser.add_argument("--scale-child", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.scale_child:
        scale_child(args.scale_child, args.seed, args.workdir)
        return
    python = None
    if not args.no_bib_dedupe:
        python = ensure_bib_dedupe(args.bib_dedupe_venv, install=not args.no_install)
    print(f"Deduplication benchmark ({os.cpu_count()} cores)\n")
    benchmark_sets(python, args.runs)
    sizes = [int(size) for size in args.scale.split(",") if int(size) > 0]
    if sizes:
        args.workdir.mkdir(parents=True, exist_ok=True)
        benchmark_scale(sizes, args.seed, args.workdir)


if __name__ == "__main__":
    main()
