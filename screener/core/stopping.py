"""When can screening stop? The figures, each from a stated method. Pure Python (no Qt).

Everything here works on *labels in screening order*: 1 for a relevant (included) record,
0 for an irrelevant (excluded) one, in the order they were screened.

* :func:`consecutive_irrelevant` -- irrelevant records screened since the last relevant one
  (the "N consecutive irrelevant" heuristic; SAFE uses 50).
* :func:`screened_share` -- the share of the records screened.
* :func:`sample_test` -- the statistical stopping criterion of Callaghan & Müller-Hansen
  (2020, *Systematic Reviews* 9:273): after the ranked phase, records are drawn at random
  from the ``urn`` of the ``urn_size`` records still unscreened. ``k`` of the ``n`` drawn are
  relevant. The null hypothesis is "recall is below the target"; it needs at least
  ``K_tar = floor(r_seen / target - r_before + 1)`` relevant records in the urn, and its
  p-value is the hypergeometric probability of seeing ``k`` or fewer relevant ones in ``n``
  draws from an urn of ``urn_size`` holding ``K_tar``. Stop when ``p < 1 - confidence``.
  The same sample gives an estimate of the relevant records still unscreened
  (``k (urn_size - n) / n``) and an exact one-sided upper bound at the confidence level
  (the largest number of relevant records in the urn the sample does not reject).
* :func:`ranked_test` -- the same test applied to the *ranked* screening itself ("ranked
  quasi-sampling", same paper): every run of last-screened records is treated as if it
  were a random sample of what was unscreened before it, and the smallest p-value counts.
  Valid only in as much as the model ranks relevant records earlier than chance would.
* :func:`knee_test` -- the knee method of Cormack & Grossman (2016, "Engineering quality
  and reliability in technology-assisted review", SIGIR): the knee of the gain curve is the
  point farthest above the line from the origin to the current point; stop when the slope
  ratio before/after the knee is at least ``156 - min(relevant found, 150)`` and at least
  150 records have been screened.

None of these decides anything: they return figures, and how they were reached.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy.stats import hypergeom

#: The references, as the help and the CLI cite them.
CALLAGHAN_2020 = (
    "Callaghan MW, Müller-Hansen F. Statistical stopping criteria for automated screening "
    "in systematic reviews. Systematic Reviews. 2020;9:273. doi:10.1186/s13643-020-01521-4"
)
CORMACK_2016 = (
    "Cormack GV, Grossman MR. Engineering quality and reliability in technology-assisted "
    "review. Proceedings of SIGIR 2016:75-84. doi:10.1145/2911451.2911510"
)
BOETJE_2024 = (
    "Boetje J, van de Schoot R. The SAFE procedure: a practical stopping heuristic for "
    "active learning-based screening in systematic reviews and meta-analyses. "
    "Systematic Reviews. 2024;13:81. doi:10.1186/s13643-024-02502-7"
)

#: The knee method's minimum number of records screened (Cormack & Grossman 2016).
KNEE_MIN_SCREENED = 150


def consecutive_irrelevant(labels: Sequence[int]) -> int:
    """Irrelevant records screened since the last relevant one (all of them if none)."""
    n = 0
    for y in reversed(labels):
        if y:
            break
        n += 1
    return n


def screened_share(screened: int, total: int) -> float:
    """``screened / total``, 0.0 for an empty project."""
    if screened < 0 or total < 0 or screened > total:
        raise ValueError(f"screened {screened} of {total} records")
    return screened / total if total else 0.0


def k_target(relevant_seen: int, relevant_before: int, recall_target: float) -> int:
    """The fewest relevant records the urn must hold for recall to be below the target."""
    return math.floor(relevant_seen / recall_target - relevant_before + 1 + 1e-9)


def _check_levels(recall_target: float, confidence: float) -> None:
    if not 0.0 < recall_target < 1.0:
        raise ValueError(f"the recall target must be between 0 and 1, not {recall_target}")
    if not 0.0 < confidence < 1.0:
        raise ValueError(f"the confidence must be between 0 and 1, not {confidence}")


@dataclass(frozen=True)
class SampleTest:
    """The hypergeometric test of Callaghan & Müller-Hansen (2020) on one random sample.

    ``remaining_estimate``/``remaining_upper``: relevant records estimated to be among the
    urn's records not yet drawn (point estimate, and one-sided upper bound at
    ``confidence``). ``recall_estimate``/``recall_lower``: the recall they imply, ``None``
    while no relevant record has been seen.
    """

    recall_target: float
    confidence: float
    urn_size: int
    sample_size: int
    sample_relevant: int
    relevant_before: int
    relevant_seen: int
    k_target: int
    p_value: float
    stop: bool
    remaining_estimate: float
    remaining_upper: int
    recall_estimate: float | None
    recall_lower: float | None


def _p_value(k: int, urn: int, k_tar: int, n: int) -> float:
    # Observed: k relevant, n - k irrelevant in the sample, so the urn holds at most
    # k + (urn - n) relevant records; a null needing more is impossible (p = 0).
    if k_tar > k + (urn - n):
        return 0.0
    if k_tar <= k:
        return 1.0
    return float(hypergeom.cdf(k, urn, k_tar, n))


def _upper_bound(k: int, urn: int, n: int, alpha: float) -> int:
    """The largest number K of relevant records in the urn with P(X <= k | K) >= alpha."""
    lo, hi = k, k + (urn - n)  # cdf(k; K) is 1 at K = k and falls as K grows
    if n == 0:
        return hi
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if hypergeom.cdf(k, urn, mid, n) >= alpha:
            lo = mid
        else:
            hi = mid - 1
    return lo


def sample_test(
    relevant_before: int,
    urn_size: int,
    sample_size: int,
    sample_relevant: int,
    recall_target: float = 0.95,
    confidence: float = 0.95,
    relevant_elsewhere: int = 0,
    upper_bound: bool = True,
) -> SampleTest:
    """Callaghan & Müller-Hansen's test on a random sample of the unscreened records.

    ``relevant_before``: relevant records found before the sample was drawn (r_AL);
    ``urn_size``: records unscreened when it was drawn; ``sample_size``/``sample_relevant``:
    records of the sample screened so far, and the relevant ones among them.
    ``relevant_elsewhere``: relevant records of the urn found outside the sample (screened
    in another order meanwhile); they count as seen. ``upper_bound=False`` skips the
    bound's search (``remaining_upper`` is then the urn's most possible).
    """
    _check_levels(recall_target, confidence)
    n, k = sample_size, sample_relevant
    if not 0 <= k <= n <= urn_size or relevant_before < 0 or relevant_elsewhere < 0:
        raise ValueError(
            f"a sample of {n} with {k} relevant from {urn_size} records is not possible"
        )
    seen = relevant_before + k + relevant_elsewhere
    k_tar = k_target(seen, relevant_before, recall_target)
    alpha = 1.0 - confidence
    p = _p_value(k, urn_size, k_tar, n) if n else 1.0
    estimate = k * (urn_size - n) / n if n else float("nan")
    upper_in_urn = _upper_bound(k, urn_size, n, alpha) if upper_bound else k + (urn_size - n)
    remaining_upper = max(0, upper_in_urn - k - relevant_elsewhere)
    estimate = max(0.0, estimate - relevant_elsewhere) if n else estimate
    return SampleTest(
        recall_target=recall_target,
        confidence=confidence,
        urn_size=urn_size,
        sample_size=n,
        sample_relevant=k,
        relevant_before=relevant_before,
        relevant_seen=seen,
        k_target=k_tar,
        p_value=p,
        stop=bool(n) and p < alpha,
        remaining_estimate=estimate,
        remaining_upper=remaining_upper,
        recall_estimate=(seen / (seen + estimate)) if seen and n else None,
        recall_lower=(seen / (seen + remaining_upper)) if seen else None,
    )


@dataclass(frozen=True)
class RankedTest:
    """The test applied to the ranked screening (ranked quasi-sampling).

    ``window``: how many last-screened records gave the smallest p-value; the figures of
    :class:`SampleTest` are those of that window.
    """

    window: int
    test: SampleTest


def ranked_p_values(labels: Sequence[int], total: int, recall_target: float = 0.95) -> np.ndarray:
    """The p-value for each window of the last n screened records, n = 1..len(labels)."""
    y = np.asarray(labels, dtype=np.int64)
    seen_n = len(y)
    if seen_n > total:
        raise ValueError(f"{seen_n} records screened of {total}")
    if seen_n == 0:
        return np.ones(0)
    r_seen = int(y.sum())
    n = np.arange(1, seen_n + 1)
    k = np.cumsum(y[::-1])  # relevant among the last n
    r_before = r_seen - k
    urn = total - (seen_n - n)
    k_tar = np.floor(r_seen / recall_target - r_before + 1 + 1e-9).astype(np.int64)
    p = np.ones(seen_n)
    impossible = k_tar > k + (urn - n)
    live = (k_tar > k) & ~impossible
    p[impossible] = 0.0
    if live.any():
        p[live] = hypergeom.cdf(k[live], urn[live], k_tar[live], n[live])
    return p


def candidate_windows(labels: Sequence[int]) -> np.ndarray:
    """The window lengths that can give the ranked test's smallest p-value: those starting
    at the first record or just after a relevant one. Extending a window back over an
    irrelevant record never raises its p-value (with k and K unchanged, n + 1 draws from an
    urn one larger: P(X <= k) conditioned on the extra draw is a mix of P(X <= k) and
    P(X' <= k - 1) with one relevant record fewer, which is never larger), so no other
    window can be smaller. Longest first."""
    t = len(labels)
    starts = np.r_[0, np.nonzero(np.asarray(labels, dtype=np.int64))[0] + 1]
    return t - starts[starts < t]


def ranked_test(
    labels: Sequence[int], total: int, recall_target: float = 0.95, confidence: float = 0.95
) -> RankedTest | None:
    """Callaghan & Müller-Hansen's test on the ranked screening, ``None`` before any: the
    window with the smallest p-value (the shortest, on a tie) among
    :func:`candidate_windows`, which give the same minimum as :func:`ranked_p_values`."""
    _check_levels(recall_target, confidence)
    if not len(labels):
        return None
    if len(labels) > total:
        raise ValueError(f"{len(labels)} records screened of {total}")
    r_seen = int(sum(1 for v in labels if v))
    suffix = np.cumsum(np.asarray(labels, dtype=np.int64)[::-1])  # relevant among the last n
    best: SampleTest | None = None
    best_window = 0
    for window in sorted(int(w) for w in candidate_windows(labels)):
        k = int(suffix[window - 1])
        test = sample_test(
            relevant_before=r_seen - k,
            urn_size=total - (len(labels) - window),
            sample_size=window,
            sample_relevant=k,
            recall_target=recall_target,
            confidence=confidence,
            upper_bound=False,
        )
        if best is None or test.p_value < best.p_value:
            best, best_window = test, window
    assert best is not None
    # the chosen window's estimate and bound, computed once
    best = sample_test(best.relevant_before, best.urn_size, best.sample_size, best.sample_relevant,
                       recall_target, confidence)
    return RankedTest(window=best_window, test=best)


@dataclass(frozen=True)
class KneeTest:
    """The knee method (Cormack & Grossman 2016) at the current point of the gain curve.

    ``knee``: records screened at the knee (0 before any relevant record); ``slope_ratio``:
    relevant per record before the knee over (relevant + 1) per record after it.
    """

    screened: int
    relevant: int
    knee: int
    relevant_at_knee: int
    slope_ratio: float
    threshold: float
    stop: bool


def knee_test(labels: Sequence[int]) -> KneeTest:
    """The knee method on the labels screened so far."""
    y = np.asarray(labels, dtype=np.int64)
    s = len(y)
    gain = np.cumsum(y)
    r = int(gain[-1]) if s else 0
    threshold = 156.0 - min(r, 150)
    if s == 0 or r == 0:
        return KneeTest(s, r, 0, 0, 0.0, threshold, False)
    i = np.arange(1, s + 1)
    # distance above the straight line from (0, 0) to (s, r), up to a constant factor
    distance = gain * s - i * r
    knee = int(np.argmax(distance)) + 1
    r_knee = int(gain[knee - 1])
    after = s - knee
    slope_before = r_knee / knee
    slope_after = (r - r_knee + 1) / after if after else float("inf")
    ratio = slope_before / slope_after if after else 0.0
    stop = s >= KNEE_MIN_SCREENED and ratio >= threshold
    return KneeTest(s, r, knee, r_knee, ratio, threshold, stop)
