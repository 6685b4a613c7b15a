"""Time the reading side of an import alone against rispy's bare ``rispy.load()`` on the same files.

    python tests/bench/bench_import_parse.py [--n 100000] [--repeats 5] [--dir DIR] [--profile]
    python tests/bench/bench_import_parse.py --variants ROOT   # corpus_variants.py's folders

"ours" is what one reading process of ``screener import`` does with a RIS file: every
piece read from the bytes, decoded and parsed into records (``ris_bytes.read_piece``;
files too small for pieces go through ``read_file``). "rows" adds the rows the process
sends to the writer (``store.rows.prepare_rows``). Each side runs ``--repeats`` times per
file, alternating; the table shows median wall-clock and CPU seconds of this process (CPU
is less disturbed by other work on the machine) and the ratios to rispy. rispy is given
the encoding 'utf-8-sig' so that it does not drop the first record of files with a BOM.
``--profile`` prints a cProfile of one more "ours" run over all files instead;
``--breakdown`` the CPU of each step of a reading process per variant instead: parsing
(read_piece), the rows (prepare_rows), pickling them as the pipe does, and the file's
SHA-256 (read_ahead.sha256_of), each as a multiple of rispy's load.

Without ``--dir`` or ``--variants`` a corpus of ``--n`` records is generated
(gen_corpus.generate) into a temporary directory.
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import os
import pickle
import pstats
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

from screener.core.read_ahead import sha256_of  # noqa: E402
from screener.core.readers import read_file  # noqa: E402
from screener.core.readers.ris_bytes import open_ris, read_piece  # noqa: E402
from screener.store.rows import prepare_rows  # noqa: E402


def _time(load: Callable[[], int]) -> tuple[float, float, int]:
    gc.collect()
    wall, cpu = time.perf_counter(), time.process_time()
    count = load()
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    return wall, cpu, count


def read_pieces(path: Path, rows: bool = False) -> int:
    """What the reading processes do with ``path``: every piece parsed into records (and rows)."""
    ris = open_ris(str(path), "auto")
    if ris is None:
        records = read_file(path).records
        if rows:
            prepare_rows(records)
        return len(records)
    count = 0
    for index in range(ris.pieces):
        piece = read_piece(ris, index)
        if rows:
            prepare_rows(piece.records)
        count += len(piece.records)
    return count


SIDES: dict[str, Callable[[Path], int]] = {
    "rispy": lambda p: len(rispy.load(p, encoding="utf-8-sig")),
    "ours": read_pieces,
    "rows": lambda p: read_pieces(p, rows=True),
}


def bench(groups: dict[str, list[Path]], repeats: int) -> None:
    header = (f"{'file':<24}{'records':>9}{'rispy cpu':>10}{'ours cpu':>9}{'ratio':>7}"
              f"{'rows cpu':>9}{'ratio':>7}{'rispy s':>9}{'ours s':>8}{'ratio':>7}")
    print(f"load average before: {os.getloadavg()[0]:.2f}")
    print(header)
    print("-" * len(header))
    for group, files in groups.items():
        totals = dict.fromkeys(("rispy", "ours", "rows"), (0.0, 0.0))
        records = 0
        for path in files:
            runs: dict[str, list[tuple[float, float, int]]] = {side: [] for side in SIDES}
            for _ in range(repeats):
                for side, load in SIDES.items():
                    runs[side].append(_time(lambda p=path, f=load: f(p)))  # type: ignore[misc]
            med = {side: (statistics.median(r[0] for r in runs[side]), statistics.median(r[1] for r in runs[side]))
                   for side in SIDES}
            count = runs["ours"][0][2]
            if runs["rispy"][0][2] != count:
                print(f"  note: rispy returned {runs['rispy'][0][2]} records, ours {count}")
            records += count
            totals = {side: (totals[side][0] + med[side][0], totals[side][1] + med[side][1]) for side in SIDES}
            _row(f"{group}/{path.name}", count, med)
        if len(files) > 1:
            _row(f"{group} (total)", records, totals)
        print("-" * len(header))
    print(f"load average after: {os.getloadavg()[0]:.2f}")


def _row(name: str, count: int, med: dict[str, tuple[float, float]]) -> None:
    r_wall, r_cpu = med["rispy"]
    print(f"{name:<24}{count:>9}{r_cpu:>10.2f}{med['ours'][1]:>9.2f}{med['ours'][1] / r_cpu:>7.2f}"
          f"{med['rows'][1]:>9.2f}{med['rows'][1] / r_cpu:>7.2f}"
          f"{r_wall:>9.2f}{med['ours'][0]:>8.2f}{med['ours'][0] / r_wall:>7.2f}", flush=True)


def breakdown(groups: dict[str, list[Path]], repeats: int) -> None:
    steps = ("rispy", "parse", "rows", "pickle", "sha256")
    print(f"load average before: {os.getloadavg()[0]:.2f}")
    print(f"{'variant':<16}{'rispy cpu':>10}" + "".join(f"{s:>9}" for s in steps[1:]) + f"{'sum':>9}")
    for group, files in groups.items():
        medians = dict.fromkeys(steps, 0.0)
        for path in files:
            runs: dict[str, list[float]] = {s: [] for s in steps}
            for _ in range(repeats):
                gc.collect()
                cpu = time.process_time()
                rispy.load(path, encoding="utf-8-sig")
                runs["rispy"].append(time.process_time() - cpu)
                ris = open_ris(str(path), "auto")
                assert ris is not None
                spent = dict.fromkeys(steps[1:4], 0.0)
                for index in range(ris.pieces):
                    cpu = time.process_time()
                    records = read_piece(ris, index).records
                    spent["parse"] += time.process_time() - cpu
                    cpu = time.process_time()
                    rows = prepare_rows(records)
                    spent["rows"] += time.process_time() - cpu
                    cpu = time.process_time()
                    pickle.dumps(rows, pickle.HIGHEST_PROTOCOL)
                    spent["pickle"] += time.process_time() - cpu
                    del records, rows
                for step, value in spent.items():
                    runs[step].append(value)
                cpu = time.process_time()
                sha256_of(str(path))
                runs["sha256"].append(time.process_time() - cpu)
            for step in steps:
                medians[step] += statistics.median(runs[step])
        base = medians["rispy"]
        ours = sum(medians[s] for s in steps[1:])
        print(f"{group:<16}{base:>10.2f}" + "".join(f"{medians[s] / base:>8.2f}x" for s in steps[1:])
              + f"{ours / base:>8.2f}x", flush=True)
    print(f"load average after: {os.getloadavg()[0]:.2f}")


def profile(files: list[Path]) -> None:
    profiler = cProfile.Profile()
    profiler.enable()
    for path in files:
        read_pieces(path)
    profiler.disable()
    pstats.Stats(profiler).sort_stats("tottime").print_stats(25)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--dir", type=Path, help="existing corpus directory (*.ris)")
    parser.add_argument("--variants", type=Path, help="a folder of corpus_variants.py's variant folders")
    parser.add_argument("--profile", action="store_true", help="print a cProfile of the reading side")
    parser.add_argument("--breakdown", action="store_true", help="the CPU of each step of a reading process")
    args = parser.parse_args()
    if args.variants:
        groups = {d.name: sorted(d.glob("*.ris")) for d in sorted(args.variants.iterdir()) if d.is_dir()}
    elif args.dir:
        groups = {args.dir.name: sorted(args.dir.glob("*.ris"))}
    else:
        tmp = tempfile.mkdtemp()
        print(f"generating {args.n:,} records …", flush=True)
        groups = {"generated": generate(args.n, tmp, args.seed)}
    if args.profile:
        profile([p for files in groups.values() for p in files])
    elif args.breakdown:
        breakdown(groups, args.repeats)
    else:
        bench(groups, args.repeats)


if __name__ == "__main__":
    main()
