"""Replay the screening of a fully labelled data set, as ASReview's simulation mode does."""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from screener.core.ranking_metrics import metrics
from screener.core.ranking_model import Ranker, _order

# The model is retrained after max(1, RETRAIN_FRACTION * n_labelled) new records:
# after every record until RETRAIN_EVERY_UNTIL are labelled, then every 2 % more.
RETRAIN_FRACTION = 0.02
RETRAIN_EVERY_UNTIL = 50


@dataclass(frozen=True)
class SimulationResult:
    """One replay of a labelled data set.

    ``order``: row indices in screening order, priors first (a permutation of all
    rows); ``labels``: the true label of each row of ``order``, in that order, so a
    stopping rule can be replayed on it (stop after k records: recall is
    ``sum(labels[:k]) / sum(labels)``). ``priors``: how many of ``order`` are priors.
    The figures are those of :mod:`screener.core.ranking_metrics`: ``wss95``,
    ``wss100``, ``rrf10`` (= ``recall_at_10``), ``atd`` and ``loss``.
    """

    order: list[int]
    wss95: float
    recall_at_10: float
    wss100: float = 0.0
    atd: float = 0.0
    loss: float = 0.0
    labels: list[int] = field(default_factory=list)
    priors: int = 0

    @property
    def rrf10(self) -> float:
        return self.recall_at_10

    def figures(self) -> dict[str, float]:
        return {"wss95": self.wss95, "wss100": self.wss100, "rrf10": self.rrf10,
                "atd": self.atd, "loss": self.loss}


def choose_priors(labels_true: Sequence[int], seed: int, prior_included: int = 1,
                  prior_excluded: int = 1) -> list[int]:
    """The prior rows a simulation with ``seed`` starts from (also given to ASReview
    in the benchmark, so both start alike)."""
    positives = [i for i, y in enumerate(labels_true) if y]
    negatives = [i for i, y in enumerate(labels_true) if not y]
    if prior_included < 1 or prior_excluded < 1:
        raise ValueError("the simulation needs at least one prior of each class")
    if len(positives) < prior_included or len(negatives) < prior_excluded:
        raise ValueError("not enough included or excluded records for the priors")
    rng = random.Random(seed)
    priors = rng.sample(positives, prior_included) + rng.sample(negatives, prior_excluded)
    rng.shuffle(priors)
    return priors


def simulate(
    texts: Sequence[str],
    labels_true: Sequence[int],
    seed: int,
    prior_included: int = 1,
    prior_excluded: int = 1,
    ranker: Ranker | None = None,
    retrain_every_until: int | None = RETRAIN_EVERY_UNTIL,
) -> SimulationResult:
    """Replay screening of a fully labelled data set with the ranking model.

    Picks ``prior_included`` included and ``prior_excluded`` excluded records at
    random (``seed``), then repeatedly trains on everything screened so far and
    screens the top-ranked records, retraining after every record at first and then
    after every ``RETRAIN_FRACTION`` more. Once every relevant record is found the
    rest follow in row order (no figure depends on their order). The same inputs and
    seed give the same order. ``ranker``: features already built for ``texts``.
    ``retrain_every_until``: None retrains after every record to the end, as ASReview's
    simulation and the workspace do (``tests/bench/bench_ranking.py``); slower.
    """
    if len(texts) != len(labels_true):
        raise ValueError("texts and labels_true differ in length")
    priors = choose_priors(labels_true, seed, prior_included, prior_excluded)
    truth = np.asarray(labels_true, dtype=np.int64) != 0
    order = list(priors)
    labels = {i: int(truth[i]) for i in priors}
    ranker = ranker if ranker is not None else Ranker(texts)
    if ranker.n != len(texts):
        raise ValueError("the ranker was built for other texts")
    unlabelled = np.ones(len(texts), dtype=bool)
    unlabelled[priors] = False
    total, found = int(truth.sum()), int(truth[priors].sum())
    while unlabelled.any():
        candidates = np.flatnonzero(unlabelled)
        if found == total:
            batch = [int(i) for i in candidates]
        else:
            ranked = _order(ranker.scores(labels, candidates), candidates)
            every = retrain_every_until is None or len(labels) < retrain_every_until
            size = 1 if every else int(RETRAIN_FRACTION * len(labels))
            batch = ranked[: max(1, size)]
        for i in batch:
            labels[i] = int(truth[i])
        found += sum(labels[i] for i in batch)
        order.extend(batch)
        unlabelled[batch] = False
    figures = metrics(order, labels_true)
    return SimulationResult(
        order=order,
        wss95=figures["wss95"],
        recall_at_10=figures["rrf10"],
        wss100=figures["wss100"],
        atd=figures["atd"],
        loss=figures["loss"],
        labels=[int(truth[i]) for i in order],
        priors=len(priors),
    )
