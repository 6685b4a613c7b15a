"""Where the stopping rules would have stopped a simulated screening, and the recall then.

For ``screener simulate``: given the labels in the ranked order the model produced, each
rule is replayed record by record, and we report the records screened when it first says
stop (``stop_at``), the recall then (``recall_at_stop``) and the work saved
(``1 - stop_at / N``). A rule that never says stop screens everything.

* ``sample`` -- the procedure the "When can I stop?" panel describes: the ranked phase ends
  when SAFE's heuristic is met (at least 10 % screened and 50 consecutive irrelevant
  records); then the records left are screened in a random order (``seed``) as the random
  sample of Callaghan & Müller-Hansen's test, until it says stop.
* ``ranked`` -- Callaghan & Müller-Hansen's test on the ranked order itself (ranked
  quasi-sampling), checked after every record.
* ``knee`` -- Cormack & Grossman's knee method, checked after every record.
"""

from __future__ import annotations

import math
import random
from collections.abc import Sequence
from typing import Any

import numpy as np
from scipy.special import gammaln
from scipy.stats import hypergeom

from screener.core.stopping import k_target, knee_test
from screener.core.stopping_report import SAFE_CONSECUTIVE, SAFE_MIN_SHARE

#: The headline rule of ``simulate --json`` (``stop_at``, ``recall_at_stop``).
HEADLINE = "sample"


def _outcome(stop_at: int, labels: Sequence[int], recall_target: float) -> dict[str, Any]:
    total = sum(labels)
    n = len(labels)
    recall = sum(labels[:stop_at]) / total if total else 1.0
    return {
        "stop_at": stop_at,
        "recall_at_stop": recall,
        "work_saved_at_stop": (n - stop_at) / n if n else 0.0,
        "below_target": recall < recall_target - 1e-12,
    }


def switch_point(labels: Sequence[int]) -> int:
    """Records screened when SAFE's heuristic for ending the ranked phase is first met."""
    n = len(labels)
    run = 0
    for i, y in enumerate(labels, start=1):
        run = 0 if y else run + 1
        if run >= SAFE_CONSECUTIVE and i >= math.ceil(SAFE_MIN_SHARE * n):
            return i
    return n


def sample_stop(labels: Sequence[int], seed: int, recall_target: float = 0.95,
                confidence: float = 0.95) -> tuple[int, list[int]]:
    """Ranked phase to the switch point, then a random sample of the rest until the test
    says stop. Returns the records screened at the stop and the whole order screened."""
    m = switch_point(labels)
    rest = list(range(m, len(labels)))
    random.Random(seed).shuffle(rest)
    order = list(range(m)) + rest
    if not rest:
        return m, order
    r_before = sum(labels[:m])
    drawn = np.asarray([labels[i] for i in rest], dtype=np.int64)
    n = np.arange(1, len(rest) + 1)
    k = np.cumsum(drawn)
    urn = len(rest)
    k_tar = np.asarray([k_target(r_before + int(x), r_before, recall_target) for x in k])
    p = np.ones(len(rest))
    impossible = k_tar > k + (urn - n)
    live = (k_tar > k) & ~impossible
    p[impossible] = 0.0
    if live.any():
        p[live] = hypergeom.cdf(k[live], urn, k_tar[live], n[live])
    stops = np.nonzero(p < 1.0 - confidence)[0]
    at = m + (int(stops[0]) + 1 if len(stops) else len(rest))
    return at, order


def hypergeom_cdf(k: np.ndarray, urn: np.ndarray, big_k: np.ndarray, n: np.ndarray) -> np.ndarray:
    """P(X <= k) for X ~ Hypergeometric(urn, big_k, n), elementwise, by summing the pmf
    from log-gamma terms (scipy's cdf is some 60 times slower per value)."""
    k, urn, big_k, n = (np.asarray(a, dtype=np.float64) for a in (k, urn, big_k, n))
    total = np.zeros(np.broadcast(k, urn, big_k, n).shape)
    lo = np.maximum(0.0, n - (urn - big_k))
    log_all = gammaln(urn + 1) - gammaln(n + 1) - gammaln(urn - n + 1)
    for j in range(int(k.max(initial=0)) + 1):
        ok = (j <= k) & (j >= lo) & (j <= big_k) & (n - j <= urn - big_k)
        if not ok.any():
            continue
        lp = (gammaln(big_k + 1) - gammaln(j + 1) - gammaln(big_k - j + 1)
              + gammaln(urn - big_k + 1) - gammaln(n - j + 1) - gammaln(urn - big_k - n + j + 1)
              - log_all)
        total += np.where(ok, np.exp(np.where(ok, lp, 0.0)), 0.0)
    return np.minimum(total, 1.0)


def ranked_min_p(labels: Sequence[int], total: int, recall_target: float = 0.95) -> float:
    """The smallest p-value of the ranked test (as ``min(ranked_p_values(...))``), from the
    windows that start just after a relevant record, or at the first record: extending a
    window back over an irrelevant record never raises its p-value (a window of n + 1 with
    the same k and K is at least as strong evidence), so no other window can be smaller."""
    t = len(labels)
    if t == 0:
        return 1.0
    y = np.asarray(labels, dtype=np.int64)
    r_seen = int(y.sum())
    starts = np.r_[0, np.nonzero(y)[0] + 1]  # 0-based first record of each window
    starts = starts[starts < t]
    n = t - starts
    before = np.r_[0, np.cumsum(y)][starts]  # relevant before each window
    k = r_seen - before
    urn = total - starts
    k_tar = np.floor(r_seen / recall_target - before + 1 + 1e-9)
    p = np.ones(len(n))
    impossible = k_tar > k + (urn - n)
    live = (k_tar > k) & ~impossible
    p[impossible] = 0.0
    if live.any():
        p[live] = hypergeom_cdf(k[live], urn[live], k_tar[live], n[live])
    return float(p.min())


def ranked_stop(labels: Sequence[int], recall_target: float = 0.95, confidence: float = 0.95) -> int:
    """The first number of records screened at which the ranked test says stop: every
    prefix's smallest p-value (over the windows of :func:`ranked_min_p`) at once."""
    y = np.asarray(labels, dtype=np.int64)
    total = len(y)
    if total == 0:
        return 0
    cum = np.r_[0, np.cumsum(y)]  # relevant among the first i records
    starts_all = np.r_[0, np.nonzero(y)[0] + 1]
    t_list, s_list = [], []
    for start in starts_all:  # each window start serves every prefix longer than it
        ts = np.arange(max(int(start), 0) + 1, total + 1)
        t_list.append(ts)
        s_list.append(np.full(len(ts), start))
    t = np.concatenate(t_list)
    start = np.concatenate(s_list)
    r_seen = cum[t]
    before = cum[start]
    n = t - start
    k = r_seen - before
    urn = total - start
    k_tar = np.floor(r_seen / recall_target - before + 1 + 1e-9)
    p = np.ones(len(t))
    impossible = k_tar > k + (urn - n)
    live = (k_tar > k) & ~impossible
    p[impossible] = 0.0
    if live.any():
        p[live] = hypergeom_cdf(k[live], urn[live], k_tar[live], n[live])
    best = np.ones(total + 1)
    np.minimum.at(best, t, p)
    stops = np.nonzero(best[1:] < 1.0 - confidence)[0]
    return int(stops[0]) + 1 if len(stops) else total


def knee_stop(labels: Sequence[int]) -> int:
    for t in range(1, len(labels) + 1):
        if knee_test(labels[:t]).stop:
            return t
    return len(labels)


def simulate_stopping(labels_in_order: Sequence[int], seed: int, recall_target: float = 0.95,
                      confidence: float = 0.95) -> dict[str, Any]:
    """Each rule's stop on one simulated screening (labels in the model's ranked order)."""
    y = [int(bool(v)) for v in labels_in_order]
    at, order = sample_stop(y, seed, recall_target, confidence)
    out: dict[str, Any] = {
        "recall_target": recall_target,
        "confidence": confidence,
        "sample": {**_outcome(at, [y[i] for i in order], recall_target),
                   "switched_at": switch_point(y)},
        "ranked": _outcome(ranked_stop(y, recall_target, confidence), y, recall_target),
        "knee": _outcome(knee_stop(y), y, recall_target),
    }
    return out
