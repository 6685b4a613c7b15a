"""What compiling the RIS reading path with mypyc would save: CPU of a reading process, as is and compiled.

    .venv/bin/python tests/bench/bench_readers_mypyc.py FILE_OR_DIR ... [--repeats 3]

Copies this checkout's ``screener`` package into a temporary folder, compiles the modules
a reading process spends its time in (``MODULES``: the parser, the fields, the
identifiers, the rows) with mypyc (which comes with mypy, a test dependency; it needs a
C compiler), and then, for each file, runs in fresh processes, interleaved: rispy's bare
``load``, and what one reading process does (every piece ``read_piece``'d and its
records turned into rows by ``prepare_rows``), once on the plain code and once on the
compiled copy. It prints median CPU seconds, each as a multiple of rispy's, and checks
that both give the same rows (``check_ris_fast.digest``). Nothing in the checkout changes.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
MODULES = (
    "screener/core/readers/ris_parser.py",
    "screener/core/readers/ris.py",
    "screener/core/readers/ris_fields.py",
    "screener/core/readers/identifiers.py",
    "screener/store/rows.py",
)

WORKER = """
import json, sys, time, pathlib
sys.path.insert(0, sys.argv[2])
import rispy
from check_ris_fast import digest
from screener.core.readers import read_file
from screener.core.readers.ris_bytes import open_ris, read_piece
from screener.store.rows import prepare_rows
import screener.core.readers.ris_parser as parser
path = sys.argv[1]
cpu = time.process_time()
rispy.load(pathlib.Path(path), encoding="utf-8-sig")
rispy_cpu = time.process_time() - cpu
cpu = time.process_time()
ris = open_ris(path, "auto")
if ris is None:  # small: read whole
    prepare_rows(read_file(path).records)
else:
    for index in range(ris.pieces):
        prepare_rows(read_piece(ris, index).records)
ours = time.process_time() - cpu
print(json.dumps({"rispy": rispy_cpu, "ours": ours, "compiled": not parser.__file__.endswith(".py"),
                  "digest": digest(pathlib.Path(path)).split()[0]}))
"""


def build(target: Path) -> None:
    shutil.copytree(ROOT / "screener", target / "screener", ignore=shutil.ignore_patterns("__pycache__"))
    (target / "mypy.ini").write_text("[mypy]\nignore_missing_imports = True\n")
    mypyc = Path(sys.executable).with_name("mypyc")
    subprocess.run([str(mypyc), *MODULES], cwd=target, check=True, stdout=subprocess.DEVNULL)


def measure(path: Path, code: Path) -> dict:
    env = {**os.environ, "PYTHONPATH": str(code)}
    out = subprocess.run([sys.executable, "-c", WORKER, str(path), str(Path(__file__).parent)],
                         env=env, cwd=code, check=True, capture_output=True, text=True).stdout
    return json.loads(out)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("paths", nargs="+", type=Path)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    files = [f for p in args.paths for f in (sorted(p.glob("*.ris")) if p.is_dir() else [p])]
    with tempfile.TemporaryDirectory() as tmp:
        compiled = Path(tmp)
        print("compiling with mypyc …", flush=True)
        build(compiled)
        print(f"load average before: {os.getloadavg()[0]:.2f}")
        print(f"{'file':<28}{'rispy cpu':>10}{'plain':>8}{'ratio':>7}{'mypyc':>8}{'ratio':>7}{'saved':>7}  same rows")
        for path in files:
            runs: dict[str, list[dict]] = {"plain": [], "mypyc": []}
            for _ in range(args.repeats):
                runs["plain"].append(measure(path, ROOT))
                runs["mypyc"].append(measure(path, compiled))
            assert all(r["compiled"] for r in runs["mypyc"]) and not any(r["compiled"] for r in runs["plain"])
            rispy = statistics.median(r["rispy"] for rs in runs.values() for r in rs)
            plain = statistics.median(r["ours"] for r in runs["plain"])
            fast = statistics.median(r["ours"] for r in runs["mypyc"])
            same = len({r["digest"] for rs in runs.values() for r in rs}) == 1
            name = f"{path.parent.name}/{path.name}"
            print(f"{name:<28}{rispy:>10.2f}{plain:>8.2f}{plain / rispy:>7.2f}{fast:>8.2f}{fast / rispy:>7.2f}"
                  f"{1 - fast / plain:>7.0%}  {'yes' if same else 'NO'}", flush=True)
        print(f"load average after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
