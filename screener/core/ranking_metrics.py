"""How much screening a ranking saves: the figures the literature reports.

Every function takes a screening ``order`` (row indices, first screened first, priors
included) and the true 0/1 ``labels_true`` of every row. ``N`` is the number of records,
``R`` the number of relevant (included) ones. Positions count from 1 and include the
priors, as in ASReview's simulations.

* WSS@r (Cohen et al. 2006): work saved over sampling at recall r,
  ``(N - n) / N - (1 - r)``, where n records were screened when ``ceil(r * R)`` relevant
  ones had been found. WSS@95 and WSS@100.
* RRF@10: relevant records found, the share of the R found in the first ``ceil(N / 10)``
  records screened.
* ATD: average time to discovery, the mean over the relevant records of the share of
  all records screened when it was found (its position / N). Lower is better.
* Loss (ASReview LAB's ``asreview.metrics.loss``): the area between the perfect recall
  curve and this one, over the area between the perfect and the worst curve. 0 is a
  perfect order (all relevant first), 1 the worst (all relevant last).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np


def _hits(order: Sequence[int], labels_true: Sequence[int]) -> np.ndarray:
    if len(order) != len(labels_true) or len(set(order)) != len(order):
        raise ValueError("the order must list every record once")
    labels = np.asarray(labels_true, dtype=np.int64) != 0
    hits = labels[np.asarray(order, dtype=np.int64)].astype(np.int64)
    if not hits.any():
        raise ValueError("no included records")
    return hits


def wss_at(order: Sequence[int], labels_true: Sequence[int], recall: float = 0.95) -> float:
    """Work saved over sampling at ``recall`` for a screening ``order``."""
    n = len(labels_true)
    needed = math.ceil(recall * sum(1 for y in labels_true if y) - 1e-9)
    found = 0
    for screened, i in enumerate(order, start=1):
        found += 1 if labels_true[i] else 0
        if found >= needed:
            return (n - screened) / n - (1.0 - recall)
    raise ValueError("the order never reaches the requested recall")


def recall_at(order: Sequence[int], labels_true: Sequence[int], fraction: float = 0.10) -> float:
    """Share of all includes among the first ``ceil(fraction * N)`` records of ``order``
    (RRF@10 with the default ``fraction``)."""
    total = sum(1 for y in labels_true if y)
    if total == 0:
        raise ValueError("no included records")
    head = order[: math.ceil(fraction * len(labels_true) - 1e-9)]
    return sum(1 for i in head if labels_true[i]) / total


def atd(order: Sequence[int], labels_true: Sequence[int]) -> float:
    """Average time to discovery, as a share of all records."""
    hits = _hits(order, labels_true)
    positions = np.flatnonzero(hits) + 1
    return float(positions.mean() / len(hits))


def loss(order: Sequence[int], labels_true: Sequence[int]) -> float:
    """Normalised area between the perfect recall curve and this order's."""
    hits = _hits(order, labels_true)
    n_rel, n = int(hits.sum()), len(hits)
    if n_rel == n:
        raise ValueError("every record is included; the loss is undefined")
    perfect = n_rel * (n - (n_rel - 1) / 2)
    return float((perfect - np.cumsum(hits).sum()) / (n_rel * (n - n_rel)))


def metrics(order: Sequence[int], labels_true: Sequence[int]) -> dict[str, float]:
    """All figures of an order, under the names ``simulate --json`` prints."""
    return {
        "wss95": wss_at(order, labels_true, 0.95),
        "wss100": wss_at(order, labels_true, 1.0),
        "rrf10": recall_at(order, labels_true, 0.10),
        "atd": atd(order, labels_true),
        "loss": loss(order, labels_true),
    }
