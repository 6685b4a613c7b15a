"""Deduplication benchmark: accuracy and speed against bib-dedupe, and a 100k scale run.

Run by hand from the repository root (pytest ignores tests/bench)::

    .venv/bin/python tests/bench/bench_dedup.py
    .venv/bin/python tests/bench/bench_dedup.py --no-bib-dedupe --scale 25000,100000

Part 1, three labelled sets: the ASySD sets in tests/data/dedup (haematology, stroke)
and the trap corpus (tests/trap_corpus.py: look-alike publications written as PubMed,
Embase, Scopus and Web of Science export them). For each, Screener and bib-dedupe in the
same run:

* pairwise precision and recall of the automatic merges (closure of the certain pairs;
  candidates queued for review do not count), against the labels as given, and for
  haematology also without its disputed labels (``disputed_pairs.csv``);
* traps merged: look-alike publications of the trap corpus put together (target 0);
* the time of the deduplication alone, in the process (median of ``--runs``);
* the time of the whole command as a user runs it, process start-up included (median
  of ``--runs``): ``screener dedup PROJECT --json`` on a fresh copy of a project into
  which the set was imported (as RIS, with the command line), against a ``python``
  process that imports bib-dedupe, reads the set's CSV, deduplicates and writes the
  pairs; and their ratio.

bib-dedupe is never installed into the project's environment. It lives in a virtual
environment of its own, ``.venv-bench/`` (git-ignored) unless --bib-dedupe-venv says
otherwise, which this script creates when it is missing (--no-install refuses)::

    python3 -m venv .venv-bench && .venv-bench/bin/pip install bib-dedupe==0.11.0

It uses every core; Screener one.

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
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from screener.core.dedup import clusters_from_pairs, find_duplicates  # noqa: E402
from screener.core.dedup.evaluation import (  # noqa: E402
    pairwise_accuracy,
    read_benchmark_clusters,
    read_benchmark_records,
    read_disputed_pairs,
)
from screener.types import DedupRecord, DedupResult, run_work  # noqa: E402

DATA = ROOT / "tests" / "data" / "dedup"
BIB_DEDUPE_VERSION = "0.11.0"
SCREENER = [sys.executable, "-m", "screener.cli.main"]

# Runs inside the bib-dedupe environment: argv = csv path, runs, output json path. With
# runs = 0 it is the whole command: one deduplication, timed from outside.
BIB_DEDUPE_SCRIPT = r"""
import json, sys, time
import pandas as pd
import bib_dedupe.bib_dedupe as bd

table = pd.read_csv(sys.argv[1], dtype=str, keep_default_na=False)
times = []
for _ in range(max(int(sys.argv[2]), 1)):
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


@dataclass
class LabelledSet:
    name: str
    records: list[DedupRecord]
    clusters: list[list[int]]
    ris: list[Path]  # what the command line imports, in record id order
    csv: Path  # what bib-dedupe reads (ID = id_<record id>)
    disputed: set[tuple[int, int]] = field(default_factory=set)
    traps: list[tuple[int, int, str]] = field(default_factory=list)  # trap corpus: pub pairs
    publication: dict[int, int] = field(default_factory=dict)  # trap corpus: record -> pub


def _numeric(record_id: str) -> int:
    return int("".join(ch for ch in record_id if ch.isdigit()))


def _write_ris(records: list[DedupRecord], path: Path) -> None:
    lines: list[str] = []
    for r in records:
        lines += ["TY  - JOUR", f"ID  - id_{r.id:07d}", f"TI  - {r.title}"]
        lines += [f"AU  - {a}" for a in r.authors]
        for tag, value in (("PY", r.year), ("T2", r.journal), ("VL", r.volume), ("IS", r.issue),
                           ("SP", r.pages), ("DO", r.doi)):
            if value:
                lines.append(f"{tag}  - {value}")
        lines += ["ER  - ", ""]
    path.write_text("\n".join(lines), encoding="utf-8")


def _write_csv(records: list[DedupRecord], path: Path) -> None:
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["ID", "ENTRYTYPE", "title", "author", "year", "journal", "volume", "number", "pages", "doi"])
        for r in records:
            writer.writerow([f"id_{r.id:07d}", "article", r.title, " and ".join(r.authors), r.year or "",
                             r.journal, r.volume, r.issue, r.pages, r.doi])


def asysd_set(name: str, workdir: Path) -> LabelledSet:
    records = read_benchmark_records(DATA / name / "records_pre_merged.csv")
    clusters = read_benchmark_clusters(DATA / name / "merged_record_ids.csv")
    # Records get project ids 1..n in file order: renumber so the ids are the same.
    order = {r.id: i for i, r in enumerate(records, 1)}
    records = [DedupRecord(**{**r.__dict__, "id": order[r.id]}) for r in records]
    clusters = [[order[i] for i in c] for c in clusters]
    disputed_path = DATA / name / "disputed_pairs.csv"
    disputed = set()
    if disputed_path.exists():
        disputed = {(min(order[a], order[b]), max(order[a], order[b])) for a, b in read_disputed_pairs(disputed_path)}
    folder = workdir / name
    folder.mkdir(parents=True, exist_ok=True)
    _write_ris(records, folder / f"{name}.ris")
    shutil.copy(DATA / name / "records_pre_merged.csv", folder / f"{name}.csv")
    # bib-dedupe reads the original CSV; its ids map the same way
    rows = list(csv.DictReader(open(folder / f"{name}.csv", newline="", encoding="utf-8")))
    with open(folder / f"{name}.csv", "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        for row in rows:
            writer.writerow({**row, "ID": f"id_{order[_numeric(row['ID'])]:07d}"})
    return LabelledSet(name, records, clusters, [folder / f"{name}.ris"], folder / f"{name}.csv", disputed)


def trap_set(workdir: Path, seed: int) -> LabelledSet:
    from tests.trap_corpus import DATABASES, build, read_back, truth_clusters

    corpus = build(seed)
    folder = workdir / f"traps-{seed}"
    records, publication = read_back(corpus, folder)
    _write_csv(records, folder / "traps.csv")
    return LabelledSet("traps", records, truth_clusters(publication),
                       [folder / f"{db}.ris" for db in DATABASES if (folder / f"{db}.ris").exists()],
                       folder / "traps.csv", traps=corpus.traps, publication=publication)


def trapped(s: LabelledSet, pairs: list[tuple[int, int]]) -> int | None:
    if not s.traps:
        return None
    from tests.trap_corpus import Corpus
    from tests.trap_corpus import trapped as fallen

    return len(fallen(Corpus([], [], s.traps), s.publication, clusters_from_pairs(pairs)))


def ensure_bib_dedupe(venv: Path, install: bool) -> Path | None:
    python = venv / "bin" / "python"
    if python.exists():
        return python
    if not install:
        print(f"bib-dedupe: no environment at {venv} (run without --no-install to create it)")
        return None
    print(f"creating {venv} with bib-dedupe=={BIB_DEDUPE_VERSION} ...", flush=True)
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    subprocess.run([str(python), "-m", "pip", "install", "-q", f"bib-dedupe=={BIB_DEDUPE_VERSION}"], check=True)
    return python


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # as installed: byte code cached
    return env


def run_ours(records: list[DedupRecord], runs: int) -> tuple[list[float], DedupResult]:
    times, result = [], DedupResult()
    for _ in range(runs):
        start = time.perf_counter()
        result = run_work(find_duplicates(records))
        times.append(time.perf_counter() - start)
    return times, result


def ours_command(s: LabelledSet, workdir: Path, runs: int) -> tuple[list[float], list[tuple[int, int]]]:
    """Import the set into a project once; then time ``screener dedup`` on fresh copies."""
    base = workdir / f"{s.name}.screener"
    if base.exists():
        base.unlink()
    subprocess.run([*SCREENER, "new", str(base), "--title", s.name], check=True, capture_output=True, env=_env())
    for path in s.ris:
        subprocess.run([*SCREENER, "import", str(base), str(path), "--source", path.stem], check=True,
                       capture_output=True, env=_env())
    times: list[float] = []
    merged: list[tuple[int, int]] = []
    for _ in range(runs + 1):  # the first run writes the byte code; not timed
        copy = workdir / f"{s.name}-run.screener"
        shutil.copy(base, copy)
        start = time.perf_counter()
        subprocess.run([*SCREENER, "dedup", str(copy), "--json"], check=True, capture_output=True, env=_env())
        times.append(time.perf_counter() - start)
        from screener.core.project import Project

        with Project.open(copy) as project:
            merged = [(m.record_id, m.canonical_id) for m in project.dedup.merged()]
        copy.unlink()
    return times[1:], merged


def bib_dedupe(python: Path, csv_path: Path, runs: int) -> tuple[dict, list[float]]:
    """In-process times and result, then the whole command's times."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "out.json"
        subprocess.run([str(python), "-c", BIB_DEDUPE_SCRIPT, str(csv_path), str(runs), str(out)],
                       check=True, capture_output=True)
        result = json.loads(out.read_text())
        whole = []
        for _ in range(runs):
            start = time.perf_counter()
            subprocess.run([str(python), "-c", BIB_DEDUPE_SCRIPT, str(csv_path), "0", str(out)],
                           check=True, capture_output=True)
            whole.append(time.perf_counter() - start)
    return result, whole


def benchmark_sets(sets: list[LabelledSet], python: Path | None, runs: int, workdir: Path) -> None:
    header = (f"{'set':<12}{'n':>6} {'engine':<11}{'precision':>10}{'recall':>8}{'traps':>6}{'cands':>7}"
              f"{'dedup s':>9}{'command s':>11}{'cmd ratio':>10}")
    print(header)
    print("-" * len(header))
    notes = []
    for s in sets:
        times, result = run_ours(s.records, runs)
        certain = [(a, b) for a, b, _ in result.certain]
        accuracy = pairwise_accuracy(certain, s.clusters)
        command_times, merged = ours_command(s, workdir, runs)
        command_accuracy = pairwise_accuracy(merged, s.clusters)
        if command_accuracy != accuracy:
            notes.append(f"{s.name}: the command (records read from RIS) gives precision "
                         f"{command_accuracy.precision:.4f}, recall {command_accuracy.recall:.4f}")
        ours_cmd = statistics.median(command_times)
        traps = trapped(s, certain)
        print(f"{s.name:<12}{len(s.records):>6} {'screener':<11}{accuracy.precision:>10.4f}{accuracy.recall:>8.4f}"
              f"{'' if traps is None else traps:>6}{len(result.candidates):>7}{statistics.median(times):>9.3f}"
              f"{ours_cmd:>11.3f}{'':>10}")
        if s.disputed:
            adjudicated = pairwise_accuracy(certain, s.clusters, s.disputed)
            notes.append(f"{s.name}: without the {len(s.disputed)} disputed labelled pairs (disputed_pairs.csv) "
                         f"screener has precision {adjudicated.precision:.4f}, recall {adjudicated.recall:.4f}")
        if python is None:
            continue
        theirs, their_whole = bib_dedupe(python, s.csv, runs)
        pairs = [(_numeric(a), _numeric(b)) for a, b in theirs["pairs"]]
        pairs = [(min(a, b), max(a, b)) for a, b in pairs]
        their_accuracy = pairwise_accuracy(pairs, s.clusters)
        their_cmd = statistics.median(their_whole)
        their_traps = trapped(s, pairs)
        print(f"{'':<12}{'':>6} {'bib-dedupe':<11}{their_accuracy.precision:>10.4f}{their_accuracy.recall:>8.4f}"
              f"{'' if their_traps is None else their_traps:>6}{theirs['maybe']:>7}"
              f"{statistics.median(theirs['times']):>9.3f}{their_cmd:>11.3f}{their_cmd / ours_cmd:>9.1f}x")
        if s.disputed:
            adjudicated = pairwise_accuracy(pairs, s.clusters, s.disputed)
            notes.append(f"{s.name}: bib-dedupe without them: precision {adjudicated.precision:.4f}, "
                         f"recall {adjudicated.recall:.4f}")
    print()
    print(f"median of {runs} runs. dedup s: the deduplication alone, in the process; command s: the whole")
    print("command, process start-up included (screener dedup on a project holding the set; a python")
    print("process importing bib-dedupe, reading the CSV, deduplicating); cmd ratio: bib-dedupe / screener.")
    print("cands: screener's pairs queued for review, bib-dedupe's 'maybe' pairs. traps: look-alike")
    print("publications of the trap corpus merged together (target 0).")
    for note in notes:
        print(note)
    print(f"load at the end: {os.getloadavg()[0]:.1f} (one-minute average)")


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

    from screener.core.dedup.records import from_parsed
    from screener.core.readers import read_file

    corpus = workdir / f"corpus-{size}-{seed}"
    if not (corpus / "truth.csv").exists():
        generate(size, corpus, seed)
    records: list[DedupRecord] = []
    ids: dict[tuple[str, int], int] = {}
    for path in sorted(corpus.glob("*.ris")):
        for parsed in read_file(path).records:
            ids[(path.name, parsed.position)] = len(records) + 1
            records.append(from_parsed(parsed, len(records) + 1))
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
    print(json.dumps({"n": len(records), "seconds": elapsed, "rss_before_mb": before, "peak_mb": peak,
                      "precision": accuracy.precision, "recall": accuracy.recall,
                      "certain": len(result.certain), "candidates": len(result.candidates)}))


def benchmark_scale(sizes: list[int], seed: int, workdir: Path, command: bool) -> None:
    print()
    header = (f"{'scale n':>8}{'time s':>9}{'rss before MB':>15}{'peak MB':>9}{'added MB':>10}"
              f"{'precision':>11}{'recall':>8}{'cands':>7}")
    print(header)
    print("-" * len(header))
    for size in sizes:
        output = subprocess.run(
            [sys.executable, __file__, "--scale-child", str(size), "--seed", str(seed), "--workdir", str(workdir)],
            check=True, capture_output=True, text=True,
        ).stdout
        row = json.loads(output.strip().splitlines()[-1])
        print(f"{row['n']:>8}{row['seconds']:>9.2f}{row['rss_before_mb']:>15}{row['peak_mb']:>9}"
              f"{row['peak_mb'] - row['rss_before_mb']:>10}{row['precision']:>11.4f}"
              f"{row['recall']:>8.4f}{row['candidates']:>7}")
    print("corpus: tests/bench/gen_corpus.py, read with screener.core.readers; time and")
    print("memory are find_duplicates' alone, in a fresh process per size.")
    if not command:
        return
    print()
    print(f"{'scale n':>8}{'screener dedup s':>18}{'merged':>8}{'pairs to review':>17}")
    for size in sizes:
        corpus = workdir / f"corpus-{size}-{seed}"
        project = workdir / f"scale-{size}.screener"
        if not project.exists():
            subprocess.run([*SCREENER, "new", str(project), "--title", "scale"], check=True, capture_output=True,
                           env=_env())
            subprocess.run([*SCREENER, "import", str(project), *map(str, sorted(corpus.glob("*.ris"))),
                            "--source", "corpus"], check=True, capture_output=True, env=_env())
        copy = workdir / f"scale-{size}-run.screener"
        shutil.copy(project, copy)
        start = time.perf_counter()
        out = subprocess.run([*SCREENER, "dedup", str(copy), "--json"], check=True, capture_output=True,
                             env=_env(), text=True).stdout
        elapsed = time.perf_counter() - start
        summary = json.loads(out)
        print(f"{size:>8}{elapsed:>18.2f}{summary['merged']:>8}{len(summary['candidates']):>17}")
        copy.unlink()
    print("the whole command on a project holding the corpus (imported once), start-up and writing included.")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--no-bib-dedupe", action="store_true")
    parser.add_argument("--no-install", action="store_true")
    parser.add_argument("--bib-dedupe-venv", type=Path, default=ROOT / ".venv-bench")
    parser.add_argument("--trap-seed", type=int, default=14)
    parser.add_argument("--scale", default="100000", help="comma-separated sizes, or 0")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--no-scale-command", action="store_true", help="skip screener dedup on the corpus")
    parser.add_argument("--workdir", type=Path, default=Path(tempfile.gettempdir()) / "dedup-bench")
    parser.add_argument("--scale-child", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.scale_child:
        scale_child(args.scale_child, args.seed, args.workdir)
        return
    python = None
    if not args.no_bib_dedupe:
        python = ensure_bib_dedupe(args.bib_dedupe_venv, install=not args.no_install)
    args.workdir.mkdir(parents=True, exist_ok=True)
    print(f"Deduplication benchmark ({os.cpu_count()} cores, load {os.getloadavg()[0]:.1f})\n")
    sets = [asysd_set("haematology", args.workdir), asysd_set("stroke", args.workdir),
            trap_set(args.workdir, args.trap_seed)]
    benchmark_sets(sets, python, args.runs, args.workdir)
    sizes = [int(size) for size in args.scale.split(",") if int(size) > 0]
    if sizes:
        benchmark_scale(sizes, args.seed, args.workdir, not args.no_scale_command)


if __name__ == "__main__":
    main()
