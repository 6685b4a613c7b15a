"""Sweep combinations of ranking options on the labelled sets, against ASReview's orders.

Run (not collected by pytest)::

    nice -n 19 python tests/bench/sweep_ranking.py --results /tmp/sweep.jsonl \\
        --asreview-orders ASR.json --seeds 1-2 --jobs 2 \\
        --fix 'feature:TF="bm25"' --vary 'option:SVM_C=[0.11,0.3]' \\
        --vary 'option:PRESUMED_NEGATIVES=[0,100]'

A configuration sets constants of :mod:`screener.core.ranking_model` (``option:NAME``)
and :mod:`screener.core.ranking_features` (``feature:NAME``), values in JSON, as
``bench_ranking.py --option/--feature`` do. ``--fix`` sets one value for every
configuration, ``--vary`` gives a list and the grid is every combination of the lists;
``--config '{"option:SVM_C": 0.3, "feature:TF": "bm25"}'`` (repeatable) adds one
configuration as it is (``{}``: the defaults). Each (configuration, set, seed) is replayed
as ``bench_ranking.py`` does (its priors, retrained after every record) in a pool of
``--jobs`` processes, and one JSON line is appended to ``--results``; a line already there
is not run again, so an interrupted sweep resumes. ``--early`` stops a replay once 95 %
recall and the first 10 % of records are reached (WSS@95 and RRF@10 exact, the other
figures absent): for screening many configurations quickly. ``--table-only`` prints the
table of what ``--results`` holds for the configurations asked.

ASReview's orders come from a cache written by ``bench_ranking.py --asreview-orders``
(read only here). The table: per configuration, the mean WSS@95 over the seeds on each
set beside ASReview's on the same seeds, the mean over the sets, and the sets where the
configuration is at least ASReview's.

Measured (2026-12-03, 2 cores at load 11-19, ``--early``; mean WSS@95, ASReview's ELAS u4
in brackets; ``--early`` and full replays agree to the digit on ADHD and Antihistamines):
the best combination, TF "bm25" + PRESUMED_NEGATIVES 100 + PRESUMED_SHARE 0.2, seeds 1-5:
ADHD 0.551 (0.536), Antihistamines 0.029 (0.029), BetaBlockers 0.536 (0.560), Kitchenham
0.683 (0.670); mean 0.450 (0.449): below ASReview on BetaBlockers, 2.9 points short of
the target mean. Seeds 1-2 (ASReview 0.538 0.095 0.601 0.678, mean 0.478), all with TF
"bm25": SVM_C 0.3 lowers ADHD to 0.50-0.53 and Kitchenham; presumed excludes raise ADHD
(0.522 -> 0.556) and Kitchenham (0.664 -> 0.695) and lower BetaBlockers (0.588 -> 0.576);
TITLE_WEIGHT 0.3 changes each set by under 0.01; SVM_RATIO 5 or 20 (at SVM_C 0.3) and
PRESUMED_SHARE 0.1 did no better. Antihistamines' seed 1 swings 0.14-0.32 between
neighbouring configurations (its other seeds: -0.015 to 0.002).
"""

from __future__ import annotations

import argparse
import itertools
import json
import math
import multiprocessing
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
import numpy as np  # noqa: E402

from screener.core import ranking_features, ranking_model  # noqa: E402
from screener.core.ranking import Ranker, choose_priors, metrics, simulate  # noqa: E402
from tests.bench.bench_ranking import SETS, complete, labelled_dir, load, parse_seeds  # noqa: E402

MODULES = {"option": ranking_model, "feature": ranking_features}
_DEFAULTS = {(kind, name): getattr(module, name)
             for kind, module in MODULES.items() for name in dir(module) if name.isupper()}


def apply(config: dict[str, object]) -> None:
    """Set the module constants of ``config`` (every other constant back to its default)."""
    for (kind, name), value in _DEFAULTS.items():
        setattr(MODULES[kind], name, value)
    for key, value in config.items():
        kind, _, name = key.partition(":")
        if kind not in MODULES or (kind, name) not in _DEFAULTS:
            raise SystemExit(f"no constant {key!r} (option:NAME or feature:NAME)")
        setattr(MODULES[kind], name, tuple(value) if isinstance(value, list) else value)


def key_of(config: dict[str, object]) -> str:
    return json.dumps(config, sort_keys=True)


def replay_early(texts: list[str], labels_true: list[int], seed: int, ranker: Ranker) -> dict:
    """``simulate``'s replay (retrained after every record), stopped once 95 % recall
    and the first 10 % of records are reached; WSS@95 and RRF@10."""
    priors = choose_priors(labels_true, seed)
    truth = np.asarray(labels_true) != 0
    n, total = len(texts), int(truth.sum())
    needed = math.ceil(0.95 * total - 1e-9)
    head = math.ceil(0.10 * n - 1e-9)
    order = list(priors)
    labels = {i: int(truth[i]) for i in priors}
    unlabelled = np.ones(n, dtype=bool)
    unlabelled[priors] = False
    found = int(truth[priors].sum())
    while unlabelled.any() and (found < needed or len(order) < head):
        candidates = np.flatnonzero(unlabelled)
        i = ranking_model._order(ranker.scores(labels, candidates), candidates)[0]
        labels[i] = int(truth[i])
        found += labels[i]
        order.append(i)
        unlabelled[i] = False
    figures = metrics(complete(order, n), labels_true)
    return {"wss95": figures["wss95"], "rrf10": figures["rrf10"]}


_DATA: dict[tuple[str, str], tuple[list[str], list[int], Ranker]] = {}


def run(task: tuple[dict[str, object], str, int, bool]) -> dict:
    config, name, seed, early = task
    apply(config)
    features = key_of({k: v for k, v in config.items() if k.startswith("feature:")})
    if (features, name) not in _DATA:
        texts, labels = load(labelled_dir() / f"{name}.csv")
        _DATA[(features, name)] = (texts, labels, Ranker(texts))
    texts, labels, ranker = _DATA[(features, name)]
    start = time.perf_counter()
    if early:
        figures = replay_early(texts, labels, seed, ranker)
    else:
        figures = simulate(texts, labels, seed=seed, ranker=ranker,
                           retrain_every_until=None).figures()
    return {"config": config, "set": name, "seed": seed, "early": early,
            "seconds": round(time.perf_counter() - start, 1), **figures}


def asreview_figures(path: Path, sets: list[str], seeds: list[int]) -> dict[tuple[str, int], dict]:
    cache = json.loads(path.read_text())
    out = {}
    folder = labelled_dir()
    for name in sets:
        _, labels = load(folder / f"{name}.csv")
        priors = {s: choose_priors(labels, s) for s in seeds}
        reply = None
        for key, value in cache.items():
            cached_name, _, cached_priors = key.partition(" ")
            stored = json.loads(cached_priors)
            if cached_name == name and all(stored.get(str(s)) == priors[s] for s in seeds):
                reply = value
        if reply is None:
            raise SystemExit(f"no ASReview orders for {name} with these seeds' priors in {path}")
        for s in seeds:
            order = [int(i) for i in reply["orders"][str(s)]]
            out[(name, s)] = metrics(complete(order, len(labels)), labels)
    return out


def configs_of(args: argparse.Namespace) -> list[dict[str, object]]:
    fixed: dict[str, object] = {}
    for text in args.fix:
        key, _, value = text.partition("=")
        fixed[key] = json.loads(value)
    axes = []
    for text in args.vary:
        key, _, value = text.partition("=")
        axes.append([(key, v) for v in json.loads(value)])
    configs = [json.loads(c) for c in args.config]
    if args.fix or args.vary:
        configs += [{**fixed, **dict(combo)} for combo in itertools.product(*axes)]
    for config in configs:
        apply(config)  # refuse unknown names before running anything
    apply({})
    return configs


def short(config: dict[str, object]) -> str:
    return " ".join(f"{k.partition(':')[2]}={json.dumps(v)}" for k, v in sorted(config.items())) or "default"


def table(configs: list[dict[str, object]], rows: dict[tuple[str, str, int], dict],
          asr: dict[tuple[str, int], dict], sets: list[str], seeds: list[int]) -> None:
    abbrev = [s.replace("Cohen_2006_", "")[:8] for s in sets]
    print(f"{'configuration':70} " + " ".join(f"{a:>8}" for a in abbrev) + "    mean  wins  seeds")
    asr_means = [statistics.mean(asr[(s, k)]["wss95"] for k in seeds) for s in sets]
    print(f"{'ASReview (cached orders)':70} " + " ".join(f"{m:8.3f}" for m in asr_means)
          + f"  {statistics.mean(asr_means):6.3f}")
    lines = []
    for config in configs:
        got = [[rows[(key_of(config), s, k)]["wss95"] for k in seeds if (key_of(config), s, k) in rows]
               for s in sets]
        if not all(len(g) == len(seeds) for g in got):
            done = sum(len(g) for g in got)
            lines.append((-9.0, f"{short(config)[:70]:70} ({done}/{len(sets) * len(seeds)} runs done)"))
            continue
        means = [statistics.mean(g) for g in got]
        wins = sum(m >= a for m, a in zip(means, asr_means, strict=True))
        mean = statistics.mean(means)
        lines.append((mean, f"{short(config)[:70]:70} " + " ".join(f"{m:8.3f}" for m in means)
                      + f"  {mean:6.3f}  {wins}/{len(sets)}  {','.join(map(str, seeds))}"))
    for _, line in sorted(lines, key=lambda x: -x[0]):
        print(line)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--results", required=True, help="JSON lines file (appended to)")
    parser.add_argument("--asreview-orders", required=True)
    parser.add_argument("--seeds", default="1-2")
    parser.add_argument("--sets", default=",".join(SETS))
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--fix", action="append", default=[], metavar="KIND:NAME=JSON")
    parser.add_argument("--vary", action="append", default=[], metavar="KIND:NAME=[JSON,...]")
    parser.add_argument("--config", action="append", default=[], metavar="JSON")
    parser.add_argument("--early", action="store_true", help="stop at 95 %% recall")
    parser.add_argument("--table-only", action="store_true")
    args = parser.parse_args()
    seeds, sets = parse_seeds(args.seeds), args.sets.split(",")
    configs = configs_of(args)
    asr = asreview_figures(Path(args.asreview_orders), sets, seeds)
    results = Path(args.results)
    rows: dict[tuple[str, str, int], dict] = {}
    if results.exists():
        for line in results.read_text().splitlines():
            r = json.loads(line)
            if r["early"] and not args.early:
                continue  # a full replay wanted: an early one lacks figures
            rows.setdefault((key_of(r["config"]), r["set"], r["seed"]), r)
    # longest sets first, so the pool's last tasks are short
    size = {s: len(load(labelled_dir() / f"{s}.csv")[1]) for s in sets}
    tasks = [(c, s, k, args.early) for s in sorted(sets, key=lambda s: -size[s])
             for c in configs for k in seeds if (key_of(c), s, k) not in rows]
    if not args.table_only and tasks:
        print(f"{len(tasks)} runs to do ({len(configs)} configurations)", file=sys.stderr)
        with multiprocessing.get_context("fork").Pool(args.jobs) as pool, open(results, "a") as out:
            for k, r in enumerate(pool.imap_unordered(run, tasks), start=1):
                out.write(json.dumps(r) + "\n")
                out.flush()
                rows[(key_of(r["config"]), r["set"], r["seed"])] = r
                print(f"[{k}/{len(tasks)}] {short(r['config'])} {r['set']} s{r['seed']}: "
                      f"WSS@95 {r['wss95']:.3f} ({r['seconds']} s)", file=sys.stderr, flush=True)
    table(configs, rows, asr, sets, seeds)


if __name__ == "__main__":
    main()
