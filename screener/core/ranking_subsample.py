"""The decisions a retrain learns from once there are many: every include, and a fixed share of
the excludes.

A retrain's cost grows faster than its decisions: at 100,000 records, training on 20,000
decisions took 1.2 s of the SVM's time and 230 MB of temporaries (the training rows, and
liblinear's copy of them at 16 bytes per stored term), 50,000 decisions 4.7 s and 600 MB,
both past what the window's retraining may take (2 s and 500 MB in all). Past ``CAP``
decisions a retrain therefore learns from every include and ``CAP`` minus that many
excludes (at least ``MIN_EXCLUDES``), so its time and memory stop growing with the
decisions. The records not trained on are still decided: they are never ranked, and they
still count in the status bar's "trained on N decisions".

Which excludes. Each record id has a fixed pseudo-random key (a 64-bit mix of the id); the
excludes with the smallest keys are kept. So the same decisions give the same training set
whatever order they came in, and the next decision changes it by at most one record (it is
kept only if its key is among the smallest): the ranking does not jump from one retrain to
the next as a fresh random draw would make it.

Their weight. The SVM weighs each class as a whole (``ranking_model._svm_weights``: the
excludes together weigh a fixed share of the includes, however many there are), so the
excludes kept stand for all of them and the class ratio the model sees is unchanged.

The shared labelled sets have fewer than 5,000 records, so ``CAP`` above that leaves their
rankings untouched (``tests/core/test_ranking_subsample.py``).
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

# Decisions a retrain learns from at most (unless the includes alone are more). At 100,000
# records, 8,000: a retrain + re-rank in about 1 s and the ranking process under 450 MB
# (tests/bench/bench_ranking_retrain.py).
CAP = 8_000
MIN_EXCLUDES = 2_000  # excludes kept however many includes there are

_MIX1 = np.uint64(0xBF58476D1CE4E5B9)
_MIX2 = np.uint64(0x94D049BB133111EB)
_GOLDEN = np.uint64(0x9E3779B97F4A7C15)


def keys(ids: np.ndarray) -> np.ndarray:
    """A fixed pseudo-random 64-bit key per id (splitmix64's finaliser: each bit of the id
    moves about half the key's bits), the same on every machine and in every run."""
    z = np.asarray(ids, dtype=np.int64).astype(np.uint64) + _GOLDEN
    with np.errstate(over="ignore"):
        z = (z ^ (z >> np.uint64(30))) * _MIX1
        z = (z ^ (z >> np.uint64(27))) * _MIX2
    return z ^ (z >> np.uint64(31))  # type: ignore[no-any-return]


def training_labels(labels: Mapping[int, int], cap: int | None = None,
                    min_excludes: int | None = None) -> dict[int, int]:
    """The decisions to train on: ``labels`` (id -> 1 include, 0 exclude) itself while it holds
    at most ``cap`` (default ``CAP``); past that every include and the excludes with the
    smallest ``keys``, ``cap`` in all (at least ``min_excludes``, default ``MIN_EXCLUDES``)."""
    cap = CAP if cap is None else cap
    min_excludes = MIN_EXCLUDES if min_excludes is None else min_excludes
    if len(labels) <= cap:
        return dict(labels)
    ids = np.fromiter(labels, dtype=np.int64, count=len(labels))
    y = np.fromiter((labels[i] for i in ids.tolist()), dtype=np.int8, count=len(ids))
    included = ids[y != 0]
    excluded = ids[y == 0]
    keep = min(len(excluded), max(cap - len(included), min_excludes))
    if keep < len(excluded):
        k = keys(excluded)
        chosen = np.argpartition(k, keep - 1)[:keep] if keep > 0 else np.zeros(0, dtype=np.int64)
        excluded = excluded[chosen]
    out = dict.fromkeys(included.tolist(), 1)
    out.update(dict.fromkeys(excluded.tolist(), 0))
    return out
