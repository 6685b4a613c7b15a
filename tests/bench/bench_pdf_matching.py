"""Matching a folder of PDFs to the records at full text: how many by each route, false
matches (target 0), and the time the whole command takes as a user runs it.

Run by hand from the repository root (pytest ignores tests/bench)::

    QT_QPA_PLATFORM=offscreen .venv/bin/python tests/bench/bench_pdf_matching.py [--runs 3] [--seed 1]

A project is built from real exports (tests/data: two RIS exports with DOIs, the Cohen
2006 ADHD CSV with PubMed IDs), deduplicated, and every record included at title/abstract
but a few. tests/bench/gen_pdfs.py then writes a folder of about 270 PDFs with Qt, laid out
as Zotero's storage/ and EndNote's .Data/PDF, with the truth for each file.

Measured, each on a fresh copy of the project (median of --runs):
- ``screener retrieval PROJECT --from-folder DIR --json`` as a process (start-up included);
- reference, same run: ``screener records PROJECT --stage full_text --json`` (a process
  that opens the project and lists the records: what any command costs), and reading and
  hashing every file of the folder in this process (what touching the bytes costs).
Then every file's outcome is checked against the truth: matched by which route, false
matches (attached to a record that is not its own, or matched when it must not be),
missed ones.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

DATA = ROOT / "tests" / "data"


def build_project(path: Path) -> tuple[list, list]:  # type: ignore[type-arg]
    from screener.core.project import Project
    from screener.types import run_work

    with Project.create(path, title="PDF matching bench", reasons=["Wrong population"], reviewers_per_record=1) as p:
        p.settings.add_reviewer("ana")
        for files, source in (([DATA / "ris" / "zotero_baseline__asreview.ris",
                                DATA / "ris" / "cff_baseline_asreview__citation-file-formatting.ris"], "Scopus"),
                              ([DATA / "csv" / "Cohen_2006_ADHD.csv"], "PubMed")):
            run_work(p.imports.import_files([str(f) for f in files], source))
        run_work(p.dedup.run())
        ids = p.records.ids("title_abstract")
        excluded = set(ids[::41][:14])  # a few records never reach full text
        for rid in ids:
            p.screening.decide(rid, "ana", "exclude" if rid in excluded else "include")
        at_ft = [p.records.detail(r) for r in p.records.ids("full_text")]
        out = [p.records.detail(r) for r in sorted(excluded)]
    return at_ft, out


def screener(*args: object) -> tuple[float, subprocess.CompletedProcess[str]]:
    t0 = time.perf_counter()
    run = subprocess.run([sys.executable, "-m", "screener", *map(str, args)], capture_output=True, text=True,
                         cwd=ROOT)
    return time.perf_counter() - t0, run


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    args = parser.parse_args()
    from PySide6.QtGui import QGuiApplication

    app = QGuiApplication(sys.argv[:1])  # noqa: F841 - Qt writes the PDFs
    from tests.bench.gen_pdfs import generate

    tmp = Path(tempfile.mkdtemp(prefix="screener-bench-pdf-"))
    base = tmp / "base.screener"
    t0 = time.perf_counter()
    at_ft, excluded = build_project(base)
    truths = generate(at_ft, excluded, tmp / "library", args.seed)
    print(f"{len(at_ft)} records at full text; {len(truths)} PDFs written in "
          f"{time.perf_counter() - t0:.1f} s ({tmp})", file=sys.stderr)

    command, reference, reading, reports = [], [], [], []
    for i in range(args.runs):
        project = tmp / f"run{i}.screener"
        shutil.copy(base, project)
        seconds, run = screener("records", project, "--stage", "full_text", "--json")
        assert run.returncode == 0, run.stderr
        reference.append(seconds)
        t0 = time.perf_counter()
        for t in truths:
            hashlib.sha256(Path(t.file).read_bytes()).hexdigest()
        reading.append(time.perf_counter() - t0)
        seconds, run = screener("retrieval", project, "--from-folder", tmp / "library", "--json")
        assert run.returncode == 0, run.stderr
        command.append(seconds)
        reports.append(json.loads(run.stdout))
    report = reports[-1]
    assert all(r["matched"] == report["matched"] for r in reports)  # the same every time

    matched = {m["file"]: m for m in report["matched"]}
    outcome: Counter[tuple[str, str]] = Counter()
    routes: Counter[str] = Counter()
    false: list[str] = []
    missed: list[str] = []
    for t in truths:
        m = matched.get(t.file)
        if m is not None:
            routes[m["by"]] += 1
            if m["record_id"] != t.record_id:
                false.append(f"{t.kind}: {Path(t.file).name} -> record {m['record_id']} ({m['by']}), "
                             f"truth {t.record_id}")
            outcome[(t.kind, "matched by " + m["by"])] += 1
        else:
            where = "ambiguous" if t.file in report["ambiguous"] else "unmatched"
            outcome[(t.kind, where)] += 1
            if t.record_id is not None:
                missed.append(f"{t.kind}: {Path(t.file).name} ({where}: {report['why'].get(t.file, '')})")
    kinds = list(dict.fromkeys(t.kind for t in truths))
    print(f"\n{len(truths)} PDFs, {len(at_ft)} records at full text\n")
    print(f"{'kind':<12} {'files':>5}  outcome")
    for kind in kinds:
        n = sum(1 for t in truths if t.kind == kind)
        parts = ", ".join(f"{k[1]} {v}" for k, v in sorted(outcome.items()) if k[0] == kind)
        print(f"{kind:<12} {n:>5}  {parts}")
    print(f"\nmatched: {len(report['matched'])} (doi {routes['doi']}, title {routes['title']}, "
          f"filename {routes['filename']}); attached {report['attached']}; "
          f"ambiguous {len(report['ambiguous'])}; unmatched {len(report['unmatched'])}")
    print(f"false matches: {len(false)}")
    for f in false:
        print("  FALSE", f)
    print(f"reports missed (a record's own PDF not matched): {len(missed)}")
    for f in missed:
        print("  missed", f)
    med, ref, io = statistics.median(command), statistics.median(reference), statistics.median(reading)
    print(f"\n{'what':<58} {'median s':>9} {'ratio':>7}")
    print(f"{'screener retrieval --from-folder (process, ' + str(len(truths)) + ' PDFs)':<58} {med:>9.2f} "
          f"{med / ref:>6.1f}x")
    print(f"{'reference: screener records --stage full_text --json':<58} {ref:>9.2f} {1.0:>6.1f}x")
    print(f"{'reference: read and hash every file, in process':<58} {io:>9.3f} {io / ref:>6.2f}x")
    print(f"per PDF: {1000 * (med - ref) / len(truths):.1f} ms beyond the start-up reference "
          f"(runs: {', '.join(f'{c:.2f}' for c in command)})")
    if not args.keep:
        shutil.rmtree(tmp, ignore_errors=True)
    sys.exit(1 if false else 0)


if __name__ == "__main__":
    main()
