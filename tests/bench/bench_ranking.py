"""Screener's ranking model against ASReview LAB's current default, on the labelled sets.

Run: ``python tests/bench/bench_ranking.py [--seeds 1-5] [--sets A,B] [--no-asreview]``.
Not collected by pytest.

For each labelled set (``shared/fixtures/labelled`` beside the repository, or the
folder in ``SCREENER_LABELLED``) and each seed, both models start from the same priors
(1 include + 1 exclude, :func:`choose_priors`) and replay the screening; the same
metric code scores both orders (WSS@95, WSS@100, RRF@10, ATD, loss).

ASReview runs in its own virtual environment, never Screener's: the interpreter in
``SCREENER_ASREVIEW_PYTHON``, else ``.bench-venv-asreview`` in the repository, which
this script creates with ``pip install asreview`` when it is missing. It runs
``tests/bench/asreview_runner.py`` there, in the same benchmark run, alongside
Screener's replays. Both retrain after every record (as the workspace does; ``simulate``
without ``retrain_every_until=None`` retrains every 2 % after 50, which is faster).

``--asreview-orders FILE``: keep ASReview's screening orders in FILE (JSON, keyed by
ASReview version, set and priors) and reuse them when the same run is asked again, for
iterating on Screener's model on a busy machine; without it ASReview runs every time.

``--option NAME=VALUE`` (repeatable): run Screener with a model variant, setting the
constant NAME of :mod:`screener.core.ranking_model` (e.g. ``PRESUMED_NEGATIVES=100``).
``--feature NAME=VALUE`` (repeatable): likewise a constant of
:mod:`screener.core.ranking_features` (e.g. ``TF='"bm25"'``, ``CHAR_NGRAMS=[3,5]``,
``TITLE_WEIGHT=1``: the title's words as a field of their own, see ``TITLE_MARK``).
``--title-weight 2``: Screener's text repeats the title (title emphasis), a variant of
the text only (``record_text`` is unchanged).
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
import types
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from screener.core import ranking_features, ranking_model
from screener.core.ranking import Ranker, choose_priors, metrics, record_text, simulate
from tests.bench.machine_info import cpu_model  # noqa: E402

SETS = [
    "Cohen_2006_ADHD",
    "Cohen_2006_Antihistamines",
    "Cohen_2006_BetaBlockers",
    "Kitchenham_2010",
]
REPO = Path(__file__).resolve().parents[2]
RUNNER = Path(__file__).with_name("asreview_runner.py")
FIGURES = ("wss95", "wss100", "rrf10", "atd", "loss")


def labelled_dir() -> Path:
    if "SCREENER_LABELLED" in os.environ:
        return Path(os.environ["SCREENER_LABELLED"])
    for base in (REPO.parent, REPO.parent.parent):
        candidate = base / "shared" / "fixtures" / "labelled"
        if candidate.is_dir():
            return candidate
    raise SystemExit("labelled fixtures not found; set SCREENER_LABELLED")


def load(path: Path, title_weight: int = 1) -> tuple[list[str], list[int]]:
    with open(path, newline="", encoding="utf-8") as fp:
        rows = list(csv.DictReader(fp))
    texts = []
    for r in rows:
        title = " ".join([r.get("title") or ""] * title_weight)
        if ranking_features.TITLE_WEIGHT > 0 and ranking_features.TITLE_MARK not in record_text("a", "b"):
            title += ranking_features.TITLE_MARK  # the title as a field of its own (a variant)
        texts.append(record_text(title, r.get("abstract")))
    return texts, [int(r["label_included"]) for r in rows]


def set_constants(module: types.ModuleType, options: list[str], what: str) -> None:
    """``--option`` / ``--feature``: set the upper-case constants NAME of ``module``."""
    for option in options:
        name, _, value = option.partition("=")
        if not hasattr(module, name) or not name.isupper():
            raise SystemExit(f"no {what} constant {name!r} in {module.__name__}")
        parsed = json.loads(value)
        setattr(module, name, tuple(parsed) if isinstance(parsed, list) else parsed)
        print(f"{what} option {name} = {value}")


def asreview_python() -> Path:
    if "SCREENER_ASREVIEW_PYTHON" in os.environ:
        return Path(os.environ["SCREENER_ASREVIEW_PYTHON"])
    venv = REPO / ".bench-venv-asreview"
    python = venv / "bin" / "python"
    if not python.exists():
        print(f"creating {venv} with pip install asreview ...", file=sys.stderr)
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        subprocess.run([str(python), "-m", "pip", "install", "-q", "asreview"], check=True)
    return python


def start_asreview(python: Path, path: Path, priors: dict[int, list[int]],
                   workdir: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [str(python), str(RUNNER), str(path), json.dumps(priors)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=workdir,
    )


def complete(order: list[int], n: int) -> list[int]:
    """ASReview stops at the last relevant record; the rest follow in row order."""
    seen = set(order)
    return order + [i for i in range(n) if i not in seen]


def parse_seeds(text: str) -> list[int]:
    if "-" in text:
        lo, hi = text.split("-")
        return list(range(int(lo), int(hi) + 1))
    return [int(s) for s in text.split(",")]


def row(name: str, model: str, runs: list[dict[str, float]]) -> str:
    wss = [r["wss95"] for r in runs]
    means = {k: statistics.mean(r[k] for r in runs) for k in FIGURES}
    per_seed = " ".join(f"{w:6.3f}" for w in wss)
    return (f"{name:26} {model:17} {per_seed}  {means['wss95']:6.3f}  {means['wss100']:6.3f}"
            f"  {means['rrf10']:6.3f}  {means['atd']:6.3f}  {means['loss']:6.3f}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seeds", default="1-5")
    parser.add_argument("--sets", default=",".join(SETS))
    parser.add_argument("--no-asreview", action="store_true")
    parser.add_argument("--asreview-orders", help="JSON file keeping ASReview's orders")
    parser.add_argument("--option", action="append", default=[], metavar="NAME=VALUE",
                        help="a constant of screener.core.ranking_model, e.g. "
                             "PRESUMED_NEGATIVES=100")
    parser.add_argument("--feature", action="append", default=[], metavar="NAME=VALUE",
                        help="a constant of screener.core.ranking_features, e.g. "
                             'TF=\\"bm25\\" or CHAR_NGRAMS=[3,5] (JSON values)')
    parser.add_argument("--title-weight", type=int, default=1,
                        help="Screener reads each title this many times (title emphasis; "
                             "ASReview always reads it once)")
    args = parser.parse_args()
    if args.title_weight != 1:
        print(f"Screener reads each title {args.title_weight} times")
    set_constants(ranking_model, args.option, "model")
    set_constants(ranking_features, args.feature, "feature")
    seeds = parse_seeds(args.seeds)
    sets = args.sets.split(",")
    folder = labelled_dir()
    print(f"CPU: {cpu_model()}; {os.cpu_count()} cores; load average at start "
          f"{' '.join(f'{x:.2f}' for x in os.getloadavg())}")

    data = {name: load(folder / f"{name}.csv", args.title_weight) for name in sets}
    priors = {name: {s: choose_priors(labels, s) for s in seeds} for name, (_, labels) in data.items()}
    workdir = tempfile.mkdtemp(prefix="bench-asreview-")
    asreview: dict[str, subprocess.Popen[str]] = {}
    cache_path = Path(args.asreview_orders) if args.asreview_orders else None
    cache: dict[str, dict] = (json.loads(cache_path.read_text())
                              if cache_path and cache_path.exists() else {})

    def cache_key(name: str) -> str:
        return f"{name} {json.dumps(priors[name], sort_keys=True)}"

    def launch(name: str) -> None:
        if cache_key(name) not in cache:
            asreview[name] = start_asreview(python, folder / f"{name}.csv", priors[name], workdir)

    if not args.no_asreview:
        python = asreview_python()
        # one ASReview process at a time beside Screener's replays (2 cores)
        launch(sets[0])

    print()
    seed_head = " ".join(f"{'s' + str(s):>6}" for s in seeds)
    print(f"{'data set':26} {'model':17} {seed_head}  {'WSS@95':>6}  {'WSS@100':>6} "
          f"{'RRF@10':>6}  {'ATD':>6}  {'loss':>6}")
    print(f"{'':26} {'':17} {'WSS@95 per seed':^{7 * len(seeds) - 1}}  {'(means over seeds)':^38}")
    results: dict[str, dict[str, list[dict[str, float]]]] = {}
    cached: list[str] = []
    seconds: dict[str, dict[str, float]] = {}
    for k, name in enumerate(sets):
        texts, labels = data[name]
        start = time.perf_counter()
        ranker = Ranker(texts)
        runs = []
        for seed in seeds:
            result = simulate(texts, labels, seed=seed, ranker=ranker, retrain_every_until=None)
            assert result.order[:2] == priors[name][seed]
            runs.append(result.figures())
        results[name] = {"Screener": runs}
        seconds[name] = {"Screener": time.perf_counter() - start}
        if not args.no_asreview:
            began = time.perf_counter()
            if name in asreview:
                out, err = asreview[name].communicate()
                if asreview[name].returncode != 0:
                    raise SystemExit(f"ASReview failed on {name}:\n{err}")
                reply = json.loads(out)
                if cache_path:
                    cache[cache_key(name)] = reply
                    cache_path.write_text(json.dumps(cache))
            else:
                reply = cache[cache_key(name)]
                cached.append(name)
            if k + 1 < len(sets):
                launch(sets[k + 1])
            asr_runs = []
            for seed in seeds:
                order = [int(i) for i in reply["orders"][str(seed)]]
                assert order[:2] == priors[name][seed] or sorted(order[:2]) == sorted(priors[name][seed])
                asr_runs.append(metrics(complete(order, len(labels)), labels))
            label = f"ASReview {reply['model']}"
            results[name][label] = asr_runs
            seconds[name]["ASReview"] = time.perf_counter() - began
            version = reply["version"]
        for model, runs in results[name].items():
            print(row(name, model, runs), flush=True)
        print(f"  {name}: done ({', '.join(f'{m} {s:.0f} s' for m, s in seconds[name].items())})",
              file=sys.stderr)

    models = list(next(iter(results.values())).keys())
    print()
    if not args.no_asreview:
        print(f"ASReview LAB {version}, its default model, retrained after every record")
    if cached:
        print(f"ASReview's orders reused from {cache_path} (an earlier run) for: {', '.join(cached)}")
    for model in models:
        means = [statistics.mean(r["wss95"] for r in results[name][model]) for name in sets]
        rrf = [statistics.mean(r["rrf10"] for r in results[name][model]) for name in sets]
        lss = [statistics.mean(r["loss"] for r in results[name][model]) for name in sets]
        print(f"mean over sets  {model:17} WSS@95 {statistics.mean(means):.3f}  "
              f"RRF@10 {statistics.mean(rrf):.3f}  loss {statistics.mean(lss):.3f}")
    if len(models) == 2:
        ours, theirs = models
        wins = sum(
            statistics.mean(r["wss95"] for r in results[n][ours])
            >= statistics.mean(r["wss95"] for r in results[n][theirs]) for n in sets
        )
        gap = statistics.mean(
            statistics.mean(r["wss95"] for r in results[n][ours])
            - statistics.mean(r["wss95"] for r in results[n][theirs]) for n in sets
        )
        print(f"Screener at least ASReview's WSS@95 on {wins} of {len(sets)} sets; "
              f"mean difference {100 * gap:+.1f} points")
    print(f"load average at end {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
