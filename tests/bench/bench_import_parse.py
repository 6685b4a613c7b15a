"""Time rispy's bare ``rispy.load()`` against ``read_file()`` on the same RIS files.

    python tests/bench/bench_import_parse.py [--n 100000] [--repeats 5] [--dir DIR]

Without ``--dir`` a corpus of ``--n`` records is generated (gen_corpus.generate) into a
temporary directory. Each file is loaded ``--repeats`` times by each side, alternating;
the table shows the median wall-clock seconds and the CPU seconds of this process (less
disturbed by other work on the machine), and the ratio ours / rispy. rispy is given the
encoding 'utf-8-sig' so that it does not drop the first record of files with a BOM.
"""

from __future__ import annotations

import argparse
import gc
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import rispy

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from gen_corpus import generate  # noqa: E402

from screener.core.readers import read_file  # noqa: E402


def _time(load: Callable[[], int]) -> tuple[float, float, int]:
    gc.collect()
    wall, cpu = time.perf_counter(), time.process_time()
    count = load()
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    return wall, cpu, count


def bench(files: list[Path], repeats: int) -> None:
    header = f"{'file':<14}{'records':>9}{'rispy s':>10}{'ours s':>9}{'ratio':>7}{'rispy cpu':>11}{'ours cpu':>10}{'ratio':>7}"
    print(header)
    print("-" * len(header))
    totals = [0.0, 0.0, 0.0, 0.0]
    records = 0
    for path in files:
        runs: dict[str, list[tuple[float, float, int]]] = {"rispy": [], "ours": []}
        for _ in range(repeats):
            runs["rispy"].append(_time(lambda p=path: len(rispy.load(p, encoding="utf-8-sig"))))
            runs["ours"].append(_time(lambda p=path: len(read_file(p).records)))
        medians = [
            statistics.median(run[i] for run in runs[side]) for side in ("rispy", "ours") for i in (0, 1)
        ]
        count = runs["ours"][0][2]
        if runs["rispy"][0][2] != count:
            print(f"  note: rispy returned {runs['rispy'][0][2]} records, read_file {count}")
        records += count
        totals = [t + m for t, m in zip(totals, medians, strict=True)]
        print(
            f"{path.name:<14}{count:>9}{medians[0]:>10.2f}{medians[2]:>9.2f}{medians[2] / medians[0]:>7.2f}"
            f"{medians[1]:>11.2f}{medians[3]:>10.2f}{medians[3] / medians[1]:>7.2f}"
        )
    print("-" * len(header))
    print(
        f"{'total':<14}{records:>9}{totals[0]:>10.2f}{totals[2]:>9.2f}{totals[2] / totals[0]:>7.2f}"
        f"{totals[1]:>11.2f}{totals[3]:>10.2f}{totals[3] / totals[1]:>7.2f}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--dir", type=Path, help="existing corpus directory (*.ris)")
    args = parser.parse_args()
    if args.dir:
        files = sorted(args.dir.glob("*.ris"))
        bench(files, args.repeats)
        return
    with tempfile.TemporaryDirectory() as tmp:
        print(f"generating {args.n:,} records …", flush=True)
        files = generate(args.n, tmp, args.seed)
        bench(files, args.repeats)


if __name__ == "__main__":
    main()
