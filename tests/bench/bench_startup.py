"""Start-up of the ``screener`` command, whole process, as a user runs it (by hand):

    .venv/bin/python tests/bench/bench_startup.py [--runs 7] [--reference main]

Each command runs on a small project (the Scopus fixture, 10 records, deduplicated), as
a fresh process every time; byte code is cached as in an installed copy. For every
command: the median wall time and CPU time (user + system) of this working tree, and
of the ``--reference`` commit's code (``git archive`` into a temporary folder, run with
the same interpreter and packages) in the same run, with the ratio. The floors are
measured too: a bare interpreter, one that only imports SQLAlchemy (what ``dedup`` on a
project file loads), and one that imports its ORM (what the other commands load).
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FIXTURE = ROOT / "tests" / "data" / "ris" / "cff_scopus__citation-file-formatting.ris"


def _env(tree: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPATH"] = str(tree)
    return env


def timed(argv: list[str], env: dict[str, str], runs: int, cwd: Path) -> tuple[float, float]:
    """Median wall and CPU seconds of ``runs`` fresh processes (run outside any source
    tree: ``python -m`` looks in the current folder first)."""
    walls, cpus = [], []
    subprocess.run(argv, capture_output=True, env=env, cwd=cwd)  # byte code written, caches warm
    for _ in range(runs):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        subprocess.run(argv, capture_output=True, env=env, check=True, cwd=cwd)
        walls.append(time.perf_counter() - start)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    return statistics.median(walls), statistics.median(cpus)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--reference", default="main", help="a git commit to compare with, or ''")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="screener-startup-"))
    trees = {"this tree": ROOT}
    if args.reference:
        reference = work / "reference"
        reference.mkdir()
        archive = subprocess.run(["git", "archive", args.reference, "screener"], cwd=ROOT, check=True,
                                 capture_output=True).stdout
        subprocess.run(["tar", "-x", "-C", str(reference)], input=archive, check=True)
        trees[args.reference] = reference
    python = sys.executable
    project = work / "p.screener"
    env = _env(ROOT)
    cli = [python, "-m", "screener.cli.main"]
    subprocess.run([*cli, "new", str(project), "--title", "Start-up"], check=True, capture_output=True, env=env)
    subprocess.run([*cli, "import", str(project), str(FIXTURE), "--source", "Scopus"], check=True,
                   capture_output=True, env=env)
    subprocess.run([*cli, "reviewer", "add", str(project), "ana"], check=True, capture_output=True, env=env)
    subprocess.run([*cli, "dedup", str(project)], check=True, capture_output=True, env=env)
    p = str(project)
    commands = [["--version"], ["--help"], ["records", p], ["batches", p], ["conflicts", p],
                ["agreement", p], ["prisma", p, "--json"], ["history", p, "1"], ["dedup", p, "--json"],
                ["decide", p, "1", "include", "--reviewer", "ana"]]
    print(f"CLI start-up, whole process, median of {args.runs} ({os.cpu_count()} cores, load "
          f"{os.getloadavg()[0]:.1f})\n")
    bare = timed([python, "-c", "pass"], env, args.runs, work)
    core = timed([python, "-c", "import sqlalchemy"], env, args.runs, work)
    orm = timed([python, "-c", "import sqlalchemy.orm"], env, args.runs, work)
    print(f"floor: bare interpreter {bare[0]:.3f} s wall / {bare[1]:.3f} s CPU; importing SQLAlchemy "
          f"{core[0]:.3f} s / {core[1]:.3f} s (what dedup needs), and its ORM {orm[0]:.3f} s / {orm[1]:.3f} s "
          "(what the other commands need)\n")
    names = list(trees)
    header = f"{'command':<22}" + "".join(f"{name + ' wall':>16}{'CPU':>7}" for name in names)
    if len(names) == 2:
        header += f"{'wall ratio':>12}"
    print(header)
    print("-" * len(header))
    for command in commands:
        row = f"{' '.join(c if c != p else 'P' for c in command):<22}"
        results = []
        for name in names:
            copy = work / f"run-{len(results)}.screener"
            shutil.copy(project, copy)
            argv = [python, "-m", "screener.cli.main", *[str(copy) if c == p else c for c in command]]
            wall, cpu = timed(argv, _env(trees[name]), args.runs, work)
            check = subprocess.run([python, "-c", "import screener; print(screener.__file__)"], env=_env(trees[name]),
                                   cwd=work, capture_output=True, text=True, check=True).stdout
            assert check.startswith(str(trees[name])), check  # that tree's code ran
            results.append(wall)
            row += f"{wall:>16.3f}{cpu:>7.3f}"
        if len(results) == 2:
            row += f"{results[1] / results[0]:>11.2f}x"
        print(row)
    print("\nratio: the reference's wall time / this tree's.")
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
